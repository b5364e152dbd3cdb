"""Physical rows of a sheet or CSV → ``SourceTable`` chunks (shared by xlsx and CSV).

Ledgers are typed by clerks: a merged title and notes above the header,
blank spacer rows, a 合计 line at the bottom. This module finds the header
(the first of the first 11 rows that names a kind's required columns), drops
what is not data, and lays the columns out canonical-first so the loader
never sees the sheet's own column order. A sheet is one chunk; a CSV may be
handed over in chunks of rows, each of which normalises to exactly the rows
the whole table would give.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain, islice, starmap
from operator import itemgetter

from sqmy_etl.config import Limits
from sqmy_etl.ingest.headers import detect_kind, normalise_header
from sqmy_etl.ingest.model import Cell, FileRejected, SourceTable, TableKind

HEADER_SEARCH_ROWS = 11  # up to 10 title / note rows, then the header
TOTAL_MARKERS = ("合计", "总计")

NumberedRow = tuple[int, Sequence[object]]
Merge = tuple[tuple[int, int], tuple[int, int]]  # ((row0, col0), (row1, col1)), 0-based, inclusive


class NotATable(Exception):
    """A sheet (or CSV) whose header names no table kind; ``why`` is shown to the user."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def find_header(head: Sequence[NumberedRow]) -> tuple[int, TableKind, list[str | None]] | None:
    """(index in ``head``, kind, field per column) of the first row naming a kind."""
    for index, (_, cells) in enumerate(head[:HEADER_SEARCH_ROWS]):
        found = detect_kind([normalise_header(cell) for cell in cells])
        if found is not None:
            return index, found[0], found[1]
    return None


def describe_head(head: Sequence[NumberedRow]) -> str:
    """Why nothing was recognised, naming the first non-blank row so a clerk can fix it."""
    for number, cells in head:
        texts = [normalise_header(cell) for cell in cells]
        if any(texts):
            shown = " | ".join(text for text in texts if text)[:200]
            return (
                f"前{HEADER_SEARCH_ROWS}行中没有可识别的表头 / no header naming the required "
                f"columns of any table kind in the first {HEADER_SEARCH_ROWS} rows "
                f"(first non-blank row {number}: {shown})"
            )
    return "空表 / empty: no data in the first rows"


def _plain(cell: object) -> Cell:
    """Cell types calamine may return beyond ``Cell`` (bool, time, duration) → text."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, time | timedelta):
        return str(cell)
    return cell  # type: ignore[return-value]


_PASS_THROUGH = frozenset({str, float, int, date, datetime, list})


def check_field_size(cell: str, limits: Limits, where: str) -> None:
    """Reject the file when one text value is over ``limits.max_field_bytes`` (UTF-8)."""
    if len(cell) <= limits.max_field_bytes // 4:  # a char is at most 4 UTF-8 bytes
        return
    size = len(cell.encode("utf-8", "surrogatepass"))
    if size > limits.max_field_bytes:
        raise FileRejected(
            f"字段过长 / field too large: {where} has {size} bytes, limit {limits.max_field_bytes}"
        )


class _RowCheck:
    """Per-row checks of one sheet / CSV, with the messages' location prefix."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet = sheet
        self.limits = limits
        self.quick = limits.max_field_bytes // 4

    def is_blank(self, number: int, row: list[object]) -> bool:
        """True when no cell holds anything; also enforces the field cap and turns
        calamine's extra cell types into text, in the same pass."""
        blank = True
        for index, cell in enumerate(row):
            kind = type(cell)
            if kind is str:
                if len(cell) > self.quick:  # type: ignore[arg-type]
                    self._check_sizes(number, row)
                if blank and cell.strip():  # type: ignore[union-attr]
                    blank = False
            elif cell is not None:
                if kind not in _PASS_THROUGH:
                    row[index] = _plain(cell)
                blank = False
        return blank

    def is_blank_text(self, number: int, row: list[str]) -> bool:
        """``is_blank`` for rows known to hold only text (CSV): C-level, no per-cell loop."""
        if max(map(len, row), default=0) > self.quick:
            self._check_sizes(number, row)  # type: ignore[arg-type]
        return not "".join(row).strip()

    def _check_sizes(self, number: int, row: list[object]) -> None:
        where = f"{self.sheet}!" if self.sheet else ""
        for index, cell in enumerate(row):
            if isinstance(cell, str):
                check_field_size(cell, self.limits, f"{where}row {number}, column {index + 1}")


def _is_total(row: Sequence[object]) -> bool:
    for cell in row:
        text = normalise_header(cell)
        if text:
            return text.startswith(TOTAL_MARKERS)
    return False


def _fill_merges(
    rows: list[list[object]], numbers: list[int], merges: Iterable[Merge], first_data_row: int
) -> None:
    """Copy each merged block's top-left value into its other cells (data area only).

    A 期号 merged over the three 批示 it received must give all three rows
    their issue; merges in the title area are left alone. Ranges are clipped
    to the rows actually present, so a hostile ``A1:XFD1048576`` merge costs
    nothing.
    """
    by_number = {number: row for number, row in zip(numbers, rows, strict=True)}
    last = numbers[-1] if numbers else 0
    budget = len(rows) * max((len(row) for row in rows), default=0)
    for (row0, col0), (row1, col1) in merges:
        top = by_number.get(row0 + 1)
        if row0 + 1 < first_data_row or top is None or col0 >= len(top):
            continue
        value = top[col0]
        for number in range(row0 + 1, min(row1 + 1, last) + 1):
            row = by_number.get(number)
            if row is None:
                continue
            for col in range(col0, min(col1 + 1, len(row))):
                if budget <= 0:
                    return  # overlapping merges: a well-formed sheet never gets here
                budget -= 1
                row[col] = value


def _layout(
    header: Sequence[object], fields: list[str | None], rows: list[list[object]], width: int
) -> tuple[list[str], list[str], list[int]]:
    """Canonical columns, extra column names and the source index of each output column."""
    columns = [field for field in fields if field]
    order = [index for index, field in enumerate(fields) if field]
    extras: list[str] = []
    taken = set(columns)
    for index in range(width):
        if index < len(fields) and fields[index]:
            continue
        name = normalise_header(header[index]) if index < len(header) else ""
        if not name:
            if not any(index < len(row) and row[index] not in (None, "") for row in rows):
                continue  # an empty, unnamed column carries nothing
            name = f"column_{index + 1}"
        unique, suffix = name, 2
        while unique in taken:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(unique)
        extras.append(unique)
        order.append(index)
    return columns, extras, order


def _names_depend_on_data(header: Sequence[object], fields: list[str | None]) -> bool:
    """True when an extra column's name could change with the rows it is laid out for.

    ``_layout`` names an unnamed column ``column_<n>`` only if it holds data,
    and makes names unique in column order by adding ``_2``, ``_3``…; so a
    header named ``column_3``, or ``column`` twice, may be named differently
    in a chunk where an unnamed column is empty. Without a header starting
    with ``column`` every name is fixed by the header row alone.
    """
    return any(
        not (index < len(fields) and fields[index]) and normalise_header(cell).startswith("column")
        for index, cell in enumerate(header)
    )


def _data_end(rows: list[list[object]]) -> int:
    """The length of ``rows`` without its trailing 合计 / 总计 rows."""
    end = len(rows)
    while end and _is_total(rows[end - 1]):
        end -= 1
    return end


Batch = tuple[list[int], list[list[object]]]  # (physical row numbers, rows)


class _Batches:
    """Non-blank rows in batches of about ``size`` (one batch when None), always at least one.

    Trailing 合计 / 总计 rows are not rows of the table, but only its end
    tells: total-looking rows at the end of a full batch are held over into
    the next one, so they are dropped if nothing but totals follows them.

    An iterator class rather than a generator: a suspended generator would
    keep the batch it handed out alive in its locals, and with it every
    cell that normalisation frees column by column.
    """

    def __init__(
        self, rows: Iterator[NumberedRow], is_blank: Callable[[int, list], bool], size: int | None
    ) -> None:
        self._rows = rows
        self._is_blank = is_blank
        self._size = math.inf if size is None else size
        self._held: Batch = ([], [])  # total-looking rows held over from the last batch
        self._given = False
        self._done = False

    def __iter__(self) -> _Batches:
        return self

    def __next__(self) -> Batch:
        if self._done:
            raise StopIteration
        numbers, kept = self._held
        self._held = ([], [])
        check_at = len(kept) + self._size
        for number, cells in self._rows:
            row = cells if isinstance(cells, list) else list(cells)
            if self._is_blank(number, row):
                continue
            kept.append(row)
            numbers.append(number)
            if len(kept) >= check_at:
                end = _data_end(kept)
                if end:
                    self._held = (numbers[end:], kept[end:])
                    del numbers[end:], kept[end:]
                    self._given = True
                    return numbers, kept
                check_at = len(kept) + self._size  # nothing but totals yet: take more rows
        self._done = True
        end = _data_end(kept)
        if not end and self._given:
            raise StopIteration
        del numbers[end:], kept[end:]
        return numbers, kept


@dataclass(frozen=True)
class _Header:
    """The recognised header row of a table and what its rows need to become a ``SourceTable``."""

    number: int
    cells: Sequence[object]
    kind: TableKind
    fields: list[str | None]
    sheet: str
    merges: Sequence[Merge]
    date1904: bool

    def table(self, numbers: list[int], kept: list[list[object]]) -> SourceTable:
        """The rows laid out canonical-first; ``kept`` is padded in place."""
        if self.merges:
            _fill_merges(kept, numbers, self.merges, self.number + 1)
        width = max(len(self.cells), max(map(len, kept), default=0))
        columns, extras, order = _layout(self.cells, self.fields, kept, width)
        for row in kept:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
        if order == list(range(width)):
            out = kept
        else:  # a kind has two required fields, so itemgetter always returns a tuple
            pick = itemgetter(*order)
            out = [list(pick(row)) for row in kept]
        return SourceTable(
            kind=self.kind,
            sheet=self.sheet,
            columns=columns,
            extra_columns=extras,
            rows=out,
            row_numbers=numbers,
            date1904=self.date1904,
        )


def table_chunks(
    rows: Iterable[NumberedRow],
    *,
    sheet: str,
    limits: Limits,
    chunk_rows: int | None = None,
    merges: Sequence[Merge] = (),
    date1904: bool = False,
    text_rows: bool = False,
) -> Iterator[SourceTable]:
    """One table from numbered physical rows, as chunks of about ``chunk_rows`` data rows.

    Raises ``NotATable`` at once when no header is found; the rows after the
    header are read only as chunks are asked for, so a CSV of a million rows
    never sits in memory at once, and a bad row further on (``FileRejected``)
    surfaces from the chunk that holds it. ``chunk_rows=None`` gives the
    whole table as one chunk, and so does a sheet with ``merges`` (they may
    span rows) or a header that makes the column names depend on the rows
    (``_names_depend_on_data``). There is always a first chunk, maybe empty.

    ``text_rows`` promises every cell is a ``str`` (CSV), which allows a
    faster blank-row check on files of a million rows.

    Blank rows and trailing 合计 / 总计 rows are dropped (they are not rows of
    the table); every other row after the header is kept, even when it has
    no id, so validation can quarantine it with a reason.
    """
    stream: Iterator[NumberedRow] = iter(rows)
    head = list(islice(stream, HEADER_SEARCH_ROWS))
    found = find_header(head)
    if found is None:
        raise NotATable(describe_head(head))
    index, kind, fields = found
    number, cells = head[index]
    header = _Header(number, cells, kind, fields, sheet, merges, date1904)
    if merges or _names_depend_on_data(cells, fields):
        chunk_rows = None
    checker = _RowCheck(sheet, limits)
    is_blank = checker.is_blank_text if text_rows else checker.is_blank
    batches = _Batches(chain(head[index + 1 :], stream), is_blank, chunk_rows)  # type: ignore[arg-type]
    return starmap(header.table, batches)
