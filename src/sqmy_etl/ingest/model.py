"""The shapes that pass between readers, normalisation and the loader.

Readers only know formats; they hand over ``SourceTable`` objects whose
columns are already canonical field names (CONTRACT.md §1 "Columns"), so
nothing downstream cares whether a row came from Excel, CSV or JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqmy_etl.tables import TableKind

# A cell as a reader hands it over: text, a number (xlsx), a date/datetime
# (xlsx date cells), a list (json source_submissions / feedback), or None.
Cell = str | int | float | date | datetime | list | None


@dataclass(frozen=True)
class SkippedRow:
    """A row a reader passed over on purpose, counted and listed, never silently lost.

    ``why`` is ``total`` (小计 / 合计 / 总计) or ``footer`` (填表人, 审核人, 制表,
    联系电话, 备注, 说明 … under the table); ``text`` is the row's non-empty
    cells joined by `` | `` with phone and ID numbers already masked.
    """

    row: int
    why: str
    text: str


@dataclass
class SourceTable:
    """One recognised table of a file (an xlsx sheet, a CSV, or one kind of a JSON export).

    ``columns`` are canonical field names (``submission_id``, ``received_date``,
    ...); headers that map to no field are kept under their normalised header
    text in ``extra_columns`` order after the canonical ones.
    """

    kind: TableKind
    sheet: str
    columns: list[str]
    extra_columns: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]
    date1904: bool = False
    # position of the sheet in its workbook (0 for CSV / JSON): delivery order within a file
    sheet_index: int = 0
    # rows passed over on purpose (see SkippedRow); reported once per table, not per chunk
    skipped: list[SkippedRow] = field(default_factory=list)
    # rows the reader already knows cannot load: index into ``rows`` → (rule, Chinese reason),
    # e.g. a formula cell without a cached value ("公式未计算，请在 Excel 中打开并保存")
    held: dict[int, tuple[str, str]] = field(default_factory=dict)


@dataclass
class FileRead:
    """What a reader found in one file.

    A file read whole has every table in ``tables``. A CSV read in chunks has
    its first chunk there and the later ones in ``rest``, read only as they
    are taken, so a problem further on in the file (``FileRejected``) is
    raised by ``rest``. No record's rows are split over two batches.
    """

    file_format: str
    encoding: str | None
    tables: list[SourceTable] = field(default_factory=list)
    unrecognised: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)
    rest: Iterator[list[SourceTable]] = field(default_factory=lambda: iter(()))

    def batches(self) -> Iterator[list[SourceTable]]:
        """``tables``, then each batch of ``rest``."""
        yield self.tables
        yield from self.rest
