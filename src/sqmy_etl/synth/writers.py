"""Files as an office delivers them: xlsx workbooks, CSV and JSON, written row by row.

Every writer streams (xlsxwriter in constant-memory mode, csv and json line
by line), so a million submissions never sit in memory; only the messy
office's small workbooks, whose merged cells span rows already written, are
kept in memory until saved. Each file keeps the bookkeeping the truth needs:
data rows per table kind, the rows it planted as bad (file, sheet, 1-based
row, rule), the rows a reader must pass over (小计 / 合计 / footer lines) and
whether the ingest should load it.
"""

from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqmy_etl.synth.forms import Cell

KINDS = ("submissions", "issues", "feedback")
PROPERTIES_DATE = datetime(2022, 1, 10, 9, 0)  # fixed, so workbooks are byte-identical per seed


@dataclass
class Quarantined:
    file: str
    sheet: str
    row: int
    rule: str
    kind: str
    sheet_index: int = 0


@dataclass
class Skipped:
    """A row that is no data: a 小计 / 合计 row (``total``) or a line under a table (``footer``)."""

    file: str
    sheet: str
    row: int
    why: str
    sheet_index: int = 0


@dataclass
class OutFile:
    """One delivered file and what the ingest should make of it."""

    path: Path
    format: str
    encoding: str | None
    data_rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unrecognised_sheets: list[str] = field(default_factory=list)
    expect: str = "load"
    reject_reason: str | None = None

    def __post_init__(self) -> None:
        self.name = self.path.name  # read per row: Path.name is not free

    def count(self, kind: str, rows: int = 1) -> None:
        self.data_rows[kind] += rows

    def quarantine(self, sheet: str, row: int, rule: str, kind: str, sheet_index: int = 0) -> None:
        self.quarantined.append(Quarantined(self.name, sheet, row, rule, kind, sheet_index))

    def close(self) -> None:
        """Flush to disk; files written in one go have nothing to do."""

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "encoding": self.encoding,
            "data_rows": dict(self.data_rows),
            "expect": self.expect,
            "reject_reason": self.reject_reason,
        }


class Table:
    """One table (a sheet or a whole CSV): header, then data rows in header order.

    ``write`` takes ``{field: cell}``; fields the table has no column for are
    ignored, columns without a value stay empty. It returns the 1-based row.
    A row yields every fact it holds (CONTRACT §1): a row of an issues table
    that carries a 批示日期 is a feedback row as well, and counted as both.
    """

    def __init__(
        self, out: OutFile, kind: str, sheet: str, headers: dict[str, str], index: int = 0
    ) -> None:
        self.out, self.kind, self.sheet, self.headers = out, kind, sheet, headers
        self.index = index  # position of the sheet in its workbook
        self.fields = list(headers)
        # an issues table with 批示 columns (编发及批示台账) also yields a feedback row per 批示
        self.yields_feedback = kind == "issues" and "feedback_date" in headers
        self.row = 0

    def _emit(self, cells: list[Cell]) -> None:
        raise NotImplementedError

    def _line(self, values: dict[str, Cell]) -> list[Cell]:
        return [values.get(f) for f in self.fields]

    def write(self, values: dict[str, Cell]) -> int:
        self._emit(self._line(values))
        self.out.count(self.kind)
        if values.get("feedback_date") is not None and self.yields_feedback:
            self.out.count("feedback")
        return self.row

    def write_bad(self, values: dict[str, Cell], rule: str) -> int:
        row = self.write(values)
        self.out.quarantine(self.sheet, row, rule, self.kind, self.index)
        return row

    def blank(self) -> None:
        self._emit([None] * len(self.fields))

    def total(self, note_field: str, note: str, label: str = "合计") -> None:
        """A 合计 (or 小计) row: the label in the first column, a count in ``note_field``."""
        cells = self._line({note_field: note})
        cells[0] = label
        self._emit(cells)
        self.skip("total")

    def footer(self, lines: list[list[Cell]]) -> None:
        """Lines under the table (填表人, 联系电话, 备注 …): a reader passes them over."""
        for line in lines:
            self._emit(line)
            self.skip("footer")

    def skip(self, why: str) -> None:
        """Record the row just written as one a reader must pass over."""
        self.out.skipped.append(Skipped(self.out.name, self.sheet, self.row, why, self.index))


class XlsxBook(OutFile):
    """A workbook; ``constant_memory=False`` for one whose cells are merged over data rows
    (a merge writes into rows after the one it starts on, which streaming cannot go back to)."""

    def __init__(self, path: Path, *, date1904: bool = False, constant_memory: bool = True) -> None:
        import xlsxwriter

        super().__init__(path, "xlsx", None)
        self.streaming = constant_memory
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": constant_memory,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "date_1904": date1904,
            },
        )
        self.book.set_properties({"created": PROPERTIES_DATE, "author": "自治区政协办公厅信息处"})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_format = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.title_format = self.book.add_format({"bold": True, "align": "center"})

    def sheet(
        self,
        name: str,
        kind: str,
        headers: dict[str, str],
        titles: tuple[str, ...] = (),
        *,
        hidden: bool = False,
        groups: dict[str, tuple[str, ...]] | None = None,
    ) -> XlsxSheet:
        """A sheet holding one table; ``groups`` (label → adjacent fields) writes a two-row
        header with each label merged over its fields' names."""
        sheet = XlsxSheet(self, name, kind, headers, titles, groups or {})
        if hidden:
            sheet.ws.hide()
        return sheet

    def plain_sheet(self, name: str, rows: list[list[Cell]]) -> None:
        """A sheet that holds no ledger table (填表说明, a statistics sheet): the ingest
        must list it as unrecognised rather than load it."""
        ws = self.book.add_worksheet(name)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if value is not None:
                    ws.write(r, c, value)
        self.unrecognised_sheets.append(name)

    def close(self) -> None:
        self.book.close()


class XlsxSheet(Table):
    def __init__(
        self,
        book: XlsxBook,
        name: str,
        kind: str,
        headers: dict[str, str],
        titles: tuple[str, ...],
        groups: dict[str, tuple[str, ...]],
    ) -> None:
        super().__init__(book, kind, name, headers, len(book.book.worksheets()))
        self.book = book
        self.ws = book.book.add_worksheet(name)
        for title in titles:
            if len(headers) > 1:
                self.ws.merge_range(
                    self.row, 0, self.row, len(headers) - 1, title, book.title_format
                )
            else:
                self.ws.write_string(self.row, 0, title, book.title_format)
            self.row += 1
        if groups:
            self._two_row_header(groups)
        else:
            self._emit(list(headers.values()))

    def _can_merge(self) -> None:
        if self.book.streaming:
            raise ValueError("merged cells need XlsxBook(constant_memory=False)")

    def _two_row_header(self, groups: dict[str, tuple[str, ...]]) -> None:
        """Group labels merged across their fields over the fields' names; every other
        column's name merged down over both rows, as Excel users lay such headers out."""
        self._can_merge()
        top = self.row
        grouped = {f: label for label, fields in groups.items() for f in fields}
        for col, (field_name, text) in enumerate(self.headers.items()):
            if field_name not in grouped:
                self.ws.merge_range(top, col, top + 1, col, text, self.book.title_format)
            else:
                self.ws.write_string(top + 1, col, text, self.book.title_format)
        for label, fields in groups.items():
            cols = [self.fields.index(f) for f in fields]
            self.ws.merge_range(top, min(cols), top, max(cols), label, self.book.title_format)
        self.row += 2

    def merge_down(self, first: int, last: int, values: dict[str, Cell]) -> None:
        """Merge each of ``values``' columns over rows ``first``..``last`` (1-based, already
        written): one 期号 cell spanning the rows of its sources, say."""
        self._can_merge()
        for field_name, value in values.items():
            col = self.fields.index(field_name)
            self.ws.merge_range(first - 1, col, last - 1, col, value, self._format(value))

    def _format(self, value: Cell) -> Any:
        """The cell format a value needs: a date or date-time number format, else none."""
        if isinstance(value, datetime) and value.time() != datetime.min.time():
            return self.book.datetime_format
        if isinstance(value, date):
            return self.book.date_format
        return None

    def _emit(self, cells: list[Cell]) -> None:
        ws, r = self.ws, self.row
        for c, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(r, c, value, self._format(value))
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
        self.row += 1


class CsvTable(OutFile, Table):
    """A CSV file holding one table; ``encoding`` is utf-8, utf-8-sig (BOM) or gb18030."""

    def __init__(
        self,
        path: Path,
        kind: str,
        headers: dict[str, str],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> None:
        OutFile.__init__(self, path, "csv", encoding)
        Table.__init__(self, self, kind, "", headers)
        self.fh: IO[str] = path.open("w", encoding=encoding, newline="")
        self.writer = csv.writer(self.fh, delimiter=delimiter, lineterminator="\r\n")
        self._emit(list(headers.values()))

    def _emit(self, cells: list[Cell]) -> None:
        self.writer.writerow(["" if v is None else v for v in cells])
        self.row += 1

    def close(self) -> None:
        self.fh.close()


class JsonExport(OutFile):
    """The 政协云 export: a JSON array, or one object per line (``lines=True``)."""

    def __init__(self, path: Path, *, lines: bool = False) -> None:
        super().__init__(path, "jsonl" if lines else "json", "utf-8")
        self.lines = lines
        self.records = 0
        self.fh: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        if not lines:
            self.fh.write("[")

    def write(self, obj: dict[str, Any], bad_rule: str | None = None) -> int:
        """Append one object; returns its 1-based record number."""
        separator = "\n" if self.lines or not self.records else ",\n"
        self.fh.write(
            ("" if self.lines and not self.records else separator)
            + json.dumps(obj, ensure_ascii=False)
        )
        self.records += 1
        self.count("submissions")
        if obj.get("issue"):
            self.count("issues")
        self.count("feedback", len(obj.get("feedback") or ()))
        if bad_rule:
            self.quarantine("", self.records, bad_rule, "submissions")
        return self.records

    def close(self) -> None:
        self.fh.write("\n" if self.lines else "\n]\n")
        self.fh.close()


def stamp_delivery_order(files: list[OutFile]) -> None:
    """Give the files increasing modification times in the order they are delivered.

    Within one ingest call files load oldest first (CONTRACT §1), so a
    corrected ledger must be saved after the one it corrects; the times lie a
    minute apart and in the past, so a landing zone takes them as settled.
    """
    now = time.time()
    for k, out in enumerate(files):
        moment = now - (len(files) - k) * 60
        os.utime(out.path, (moment, moment))


def write_bytes(path: Path, data: bytes, fmt: str, *, expect: str, reason: str | None) -> OutFile:
    """A file written verbatim: an exact duplicate, or a damaged file the ingest must reject."""
    path.write_bytes(data)
    return OutFile(path, fmt, None, expect=expect, reject_reason=reason)
