"""The workbook: a 报告说明 sheet, then one sheet per table with frozen headers.

Formula injection is impossible twice over: the workbook never turns strings
into formulas (``strings_to_formulas`` off), and every text cell starting
with = + - @ (or tab / carriage return) carries Excel's quote prefix, so
editing the cell later cannot turn it into a formula either.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqmy_etl.reports.data import ReportData
from sqmy_etl.reports.naming import chinese_date, report_title
from sqmy_etl.reports.tables import Kind, Table, cell_kind
from sqmy_etl.reports.text import DEFINITIONS, NO_VALUE, paragraphs, quality_notes

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {
    Kind.COUNT: "#,##0",
    Kind.RATE: "0.0%",
    Kind.CHANGE: "+0.0%;-0.0%;0.0%",
    # POINTS cells hold percentage points (rate difference × 100)
    Kind.POINTS: '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
}
MAX_WIDTH = 60
FONT = "等线"


def display_width(text: str) -> int:
    """Columns a text needs: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Formats:
    """Every cell format the workbook uses, created once (xlsxwriter caps their number).

    Text formats come in pairs (plain, quote-prefixed) so any text can be
    written safely with ``write_text``.
    """

    def __init__(self, workbook: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}

        def pair(props: dict[str, Any]) -> tuple[Format, Format]:
            merged = {**base, **props}
            return workbook.add_format(merged), workbook.add_format(
                {**merged, "quote_prefix": True}
            )

        self.header = pair({"bold": True, "bg_color": "#F6EBE9", "border": 1, "align": "center"})
        self.title = pair({"bold": True, "font_size": 14})
        self.wrap = pair({"text_wrap": True, "valign": "top"})
        self.text = {bold: pair({"bold": bold}) for bold in (False, True)}
        self.numbers = {
            (kind, bold): workbook.add_format({**base, "bold": bold, "num_format": num_format})
            for kind, num_format in NUMBER_FORMATS.items()
            for bold in (False, True)
        }
        self.missing = {
            bold: workbook.add_format({**base, "bold": bold, "align": "right"})
            for bold in (False, True)
        }


def write_text(
    sheet: Worksheet, row: int, col: int, text: str, formats: tuple[Format, Format]
) -> None:
    """Write a string that can never become a formula, not even after editing the cell."""
    plain, quoted = formats
    sheet.write_string(row, col, text, quoted if text.startswith(FORMULA_TRIGGERS) else plain)


def _write_cell(
    sheet: Worksheet, row: int, col: int, value: Any, kind: Kind, formats: _Formats, bold: bool
) -> int:
    """Write one typed cell; returns the display width used (for column sizing)."""
    if kind is Kind.TEXT:
        text = "" if value is None else str(value)
        write_text(sheet, row, col, text, formats.text[bold])
        return display_width(text)
    if value is None:
        sheet.write_string(row, col, NO_VALUE, formats.missing[bold])
        return 2
    number = value * 100 if kind is Kind.POINTS else value
    sheet.write_number(row, col, number, formats.numbers[kind, bold])
    return 12


def _write_table(workbook: Workbook, table: Table, formats: _Formats) -> None:
    sheet = workbook.add_worksheet(table.sheet)
    widths = [display_width(c.header) + 2 for c in table.columns]
    for col, column in enumerate(table.columns):
        write_text(sheet, 0, col, column.header, formats.header)
    rows = [(r, False) for r in table.rows] + ([(table.total, True)] if table.total else [])
    for r, (row, bold) in enumerate(rows, start=1):
        for col, column in enumerate(table.columns):
            value, kind = cell_kind(column, row[col])
            used = _write_cell(sheet, r, col, value, kind, formats, bold)
            widths[col] = max(widths[col], used + 2)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    if table.note:
        write_text(sheet, len(rows) + 2, 0, f"注：{table.note}", formats.text[False])


def _write_summary(
    workbook: Workbook, title: str, lines: list[str], formats: _Formats, generated_on: date
) -> None:
    sheet = workbook.add_worksheet("报告说明")
    sheet.set_column(0, 0, 110)
    sheet.set_row(0, 24)
    write_text(sheet, 0, 0, title, formats.title)
    write_text(sheet, 1, 0, f"编制日期：{chinese_date(generated_on)}", formats.text[False])
    for r, line in enumerate(lines, start=3):
        write_text(sheet, r, 0, line, formats.wrap)


def write_workbook(
    title: str, lines: list[str], tables: dict[str, Table], target: Path, generated_on: date
) -> None:
    """Write a workbook: 报告说明 (``title`` and ``lines``) first, then every table in order."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(target),
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    try:
        formats = _Formats(workbook)
        _write_summary(workbook, title, lines, formats, generated_on)
        for table in tables.values():
            _write_table(workbook, table, formats)
    finally:
        workbook.close()


def write_xlsx(
    data: ReportData, tables: dict[str, Table], target: Path, generated_on: date
) -> None:
    """The work report's workbook: its narrative and data notes, then its tables."""
    lines = paragraphs(data)
    if data.has_data:
        lines += ["数据说明：", *quality_notes(data), *DEFINITIONS]
    write_workbook(report_title(data.period), lines, tables, target, generated_on)
