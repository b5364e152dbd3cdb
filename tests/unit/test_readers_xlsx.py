"""Excel ledgers through ``read_file``: layout, hidden sheets, merges, dates, 1904."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import SourceTable
from sqmy_etl.ingest.readers import read_file
from sqmy_etl.ingest.values import normalise_text, parse_date

LIMITS = Limits()


def _by_sheet(tables: list[SourceTable]) -> dict[str, SourceTable]:
    return {table.sheet: table for table in tables}


def _ledger_workbook(path: Path) -> None:
    """Three sheets: a real-looking 来稿台账, a hidden 编发台账 and a notes sheet."""
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet("来稿台账")
    sheet.merge_range("A1:F1", "2021年社情民意信息来稿台账")  # row 1: merged title
    sheet.write("A2", "填报单位：自治区政协信息处")  # row 2: note; row 3 blank
    sheet.write_row("A4", ["序号", "稿件编号*", "标题", "收稿日期", "字数", "盟市"])  # row 4
    sheet.write_row("A5", [1, "NM2021-0001", "关于供暖的建议"])
    sheet.write_datetime("D5", datetime(2021, 3, 18), day)
    sheet.write_number("E5", 120)
    sheet.write_row("A6", [2, "NM2021-0002", "关于牧区教育", "2021/3/19", 80.5, "锡盟"])
    sheet.write_row("A8", [3, "NM2021-0003", "关于就业"])  # row 7 blank
    sheet.write_datetime("D8", datetime(2021, 3, 20, 9, 30), stamp)
    sheet.write_row("A10", ["合计", "3篇"])  # row 9 blank, row 10 the total
    issues = book.add_worksheet("编发台账")
    issues.write_row("A1", ["期号", "编发日期", "标题", "采用稿件编号"])
    issues.write_row("A2", ["2021年第37期", "2021-04-02", "供暖专报", "NM2021-0001、NM2021-0003"])
    issues.hide()
    notes = book.add_worksheet("填表说明")
    notes.write("A1", "本表由信息处每月更新")
    book.close()


def test_ledger_layout(tmp_path: Path) -> None:
    """Title, note, blank and 合计 rows are skipped; physical row numbers are kept;
    typed cells arrive as dates and floats; hidden sheets are read; the notes sheet
    is listed as unrecognised."""
    path = tmp_path / "ledger.xlsx"
    _ledger_workbook(path)
    read = read_file(path, LIMITS)
    assert (read.file_format, read.encoding) == ("xlsx", None)
    tables = _by_sheet(read.tables)
    subs = tables["来稿台账"]
    assert subs.kind == "submissions"
    assert subs.columns == ["submission_id", "title", "received_date", "region"]
    assert subs.extra_columns == ["序号", "字数"]
    assert subs.row_numbers == [5, 6, 8]
    [first, second, third] = subs.rows
    assert first[:3] == ["NM2021-0001", "关于供暖的建议", date(2021, 3, 18)]
    assert normalise_text(first[5]) == "120"
    assert second[2:4] == ["2021/3/19", "锡盟"]
    assert second[5] == 80.5
    assert third[2] == datetime(2021, 3, 20, 9, 30)
    assert not subs.date1904
    issues = tables["编发台账"]
    assert issues.kind == "issues"
    assert issues.rows == [["2021年第37期", "2021-04-02", "供暖专报", "NM2021-0001、NM2021-0003"]]
    assert issues.row_numbers == [2]
    assert [sheet for sheet, _ in read.unrecognised] == ["填表说明"]
    assert "no header" in read.unrecognised[0][1]


def test_1904_workbook(tmp_path: Path) -> None:
    """A 1904-system workbook: date cells read right and raw serials carry the flag."""
    path = tmp_path / "mac.xlsx"
    book = xlsxwriter.Workbook(path, {"date_1904": True})
    sheet = book.add_worksheet("来稿")
    sheet.write_row("A1", ["稿件编号", "收稿日期", "报送日期"])
    sheet.write("A2", "NM1")
    sheet.write_datetime("B2", datetime(2021, 3, 18), book.add_format({"num_format": "yyyy-m-d"}))
    sheet.write_number("C2", 42811)  # 2021-03-18 counted from 1904-01-01, typed as General
    book.close()
    [table] = read_file(path, LIMITS).tables
    assert table.date1904
    assert table.rows[0][1] == date(2021, 3, 18)
    assert table.rows[0][2] == 42811.0
    assert parse_date(table.rows[0][2], date1904=table.date1904) == date(2021, 3, 18)


def test_1900_serial_typed_as_number(tmp_path: Path) -> None:
    """A 1900-system serial typed as a plain number is handed over raw, flag off."""
    path = tmp_path / "serial.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row("A1", ["稿件编号", "收稿日期"])
    sheet.write_row("A2", ["NM1", 44273])
    book.close()
    [table] = read_file(path, LIMITS).tables
    assert not table.date1904
    assert parse_date(table.rows[0][1], date1904=table.date1904) == date(2021, 3, 18)


def test_merged_cells_in_the_data_area_fill_their_block(tmp_path: Path) -> None:
    """An 期号 merged over the three 批示 it received gives each of them the issue."""
    path = tmp_path / "feedback.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("批示台账")
    sheet.merge_range("A1:D1", "2021年批示情况")
    sheet.write_row("A2", ["期号", "批示领导职务", "批示日期", "类型"])
    sheet.merge_range("A3:A5", "2021年第37期")
    sheet.write_column("B3", ["自治区政府主席", "自治区政府副主席", "盟委书记"])
    sheet.write_column("C3", ["2021-04-20", "2021-04-21", "2021-04-25"])
    sheet.write_row("A6", ["第38期", "盟长", "2021-05-02"])
    book.close()
    [table] = read_file(path, LIMITS).tables
    assert table.kind == "feedback"
    assert [row[0] for row in table.rows] == ["2021年第37期"] * 3 + ["第38期"]
    assert table.row_numbers == [3, 4, 5, 6]


def test_workbook_without_any_table_is_rejected(tmp_path: Path) -> None:
    """No sheet naming a table kind: the file is rejected, each sheet's reason quoted."""
    path = tmp_path / "other.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("人员").write_row("A1", ["姓名", "年龄"])
    book.add_worksheet("空表")
    book.close()
    with pytest.raises(FileRejected) as caught:
        read_file(path, LIMITS)
    reason = caught.value.reason
    assert "没有可识别的表格" in reason
    assert "人员" in reason
    assert "姓名 | 年龄" in reason
    assert "空表" in reason


def test_content_decides_the_format_not_the_name(tmp_path: Path) -> None:
    """A workbook named .csv is read as Excel and a CSV named .xlsx as text."""
    workbook = tmp_path / "really_excel.csv"
    book = xlsxwriter.Workbook(workbook)
    book.add_worksheet("S").write_row("A1", ["稿件编号", "收稿日期"])
    book.close()
    assert read_file(workbook, LIMITS).file_format == "xlsx"
    text = tmp_path / "really_text.xlsx"
    text.write_text("稿件编号,收稿日期\nNM1,2021-03-18\n", encoding="utf-8")
    assert read_file(text, LIMITS).file_format == "csv"


def test_sheet_field_over_the_cap_is_rejected(tmp_path: Path) -> None:
    """A cell longer than max_field_bytes rejects the workbook, naming sheet, row and column."""
    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("来稿")
    sheet.write_row("A1", ["稿件编号", "收稿日期", "正文"])
    sheet.write_row("A2", ["NM1", "2021-03-18", "字" * 101])  # 303 UTF-8 bytes
    book.close()
    with pytest.raises(FileRejected, match=r"来稿!row 2, column 3 has 303 bytes"):
        read_file(path, Limits(max_field_bytes=300))
