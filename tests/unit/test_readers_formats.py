"""The formats offices actually send (CONTRACT §1 "Formats"): UTF-16 and Big5 text,
``--encoding``, semicolons, API envelopes, camelCase and epoch dates, xls and ods
workbooks, sheet positions and formulas saved without a value.

Every file is built here, small, from hand-typed rows; expected values are typed too.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import SourceTable
from sqmy_etl.ingest.readers import read_file, xlsx_reader
from sqmy_etl.ingest.readers.xlsx_guard import inspect_xlsx
from sqmy_etl.ingest.values import parse_date

LIMITS = Limits()
ADVICE = "请另存为 UTF-8 或使用 --encoding 指定编码"
BIG5_LEDGER = "稿件編號,來稿日期,標題\nNM-1,2021-03-01,臺灣同胞反映的問題\n"


def _write(tmp_path: Path, data: bytes, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _chinese_first(reason: str) -> bool:
    return re.match(r"[\u4e00-\u9fff]", reason) is not None


def _by_kind(tables: list[SourceTable]) -> dict[str, SourceTable]:
    return {table.kind: table for table in tables}


def _dicts(table: SourceTable) -> list[dict]:
    names = table.columns + table.extra_columns
    return [dict(zip(names, row, strict=True)) for row in table.rows]


@pytest.fixture
def no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the workbook would reach the parser child at all."""

    def refuse(path: Path, limits: Limits) -> tuple:
        raise AssertionError(f"{path} reached the parser; the pre-check should have stopped it")

    monkeypatch.setattr(xlsx_reader, "_parse_in_child", refuse)


# --- text encodings -------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_tab_separated(tmp_path: Path, codec: str) -> None:
    """Excel's "Unicode 文本" (UTF-16 with a BOM, tab-separated) loads: 2 rows, NM-1 and NM-2."""
    text = (
        "\ufeff稿件编号\t标题\t来稿日期\nNM-1\t关于供暖\t2021-03-01\nNM-2\t关于教育\t2021-03-02\n"
    )
    read = read_file(_write(tmp_path, text.encode(codec), "unicode.txt"), LIMITS)
    assert (read.file_format, read.encoding) == ("csv", "utf-16")
    [table] = read.tables
    assert table.columns == ["submission_id", "title", "received_date"]
    assert table.rows == [
        ["NM-1", "关于供暖", "2021-03-01"],
        ["NM-2", "关于教育", "2021-03-02"],
    ]
    assert table.row_numbers == [2, 3]


def test_utf16_cut_short_is_rejected_with_offset(tmp_path: Path) -> None:
    """A UTF-16 file with an odd trailing byte is rejected, naming that byte's offset."""
    data = "\ufeff稿件编号\t来稿日期\n".encode("utf-16-le") + b"x"  # 2 + 10 × 2 = 22 bytes, then x
    with pytest.raises(FileRejected) as caught:
        read_file(_write(tmp_path, data), LIMITS)
    assert "byte 0x78 at offset 22" in caught.value.reason
    assert ADVICE in caught.value.reason


def test_big5_with_private_use_characters_is_rejected(tmp_path: Path) -> None:
    """A Big5 file decodes as GB18030 without error but into private-use characters:
    rejected, Chinese first, telling the clerk to re-save or use --encoding."""
    with pytest.raises(FileRejected) as caught:
        read_file(_write(tmp_path, BIG5_LEDGER.encode("big5")), LIMITS)
    reason = caught.value.reason
    assert _chinese_first(reason)
    assert "私用区字符" in reason
    assert ADVICE in reason
    assert "--encoding" in reason.split(" / ", 1)[1]


def test_big5_without_private_use_characters_is_rejected_by_share(tmp_path: Path) -> None:
    """Big5 text whose mojibake holds no private-use character is caught by its share of
    uncommon characters: 9 of the 12 decoded are kana, bopomofo or outside GB2312."""
    data = "稿件編號,來稿日期,標題\nNM-1,2021-03-01,供暖\n".encode("big5")
    with pytest.raises(FileRejected) as caught:
        read_file(_write(tmp_path, data), LIMITS)
    reason = caught.value.reason
    assert _chinese_first(reason)
    assert "12个非 ASCII 字符中有9个不是常用汉字或标点" in reason
    assert ADVICE in reason


def test_gbk_ledger_with_a_rare_name_character_loads(tmp_path: Path) -> None:
    """Real GBK text with a level-2 and a GBK-only name character is plausible and loads."""
    text = (
        "稿件编号,报送人,来稿日期,盟市\n"
        "NM-1,王喆,2021-03-01,鄂尔多斯市\n"
        "NM-2,李堃,2021-03-02,锡林郭勒盟\n"
    )
    read = read_file(_write(tmp_path, text.encode("gbk")), LIMITS)
    assert read.encoding == "gb18030"
    assert [row[1] for row in read.tables[0].rows] == ["王喆", "李堃"]


def test_forced_encoding_reads_big5(tmp_path: Path) -> None:
    """``--encoding big5`` loads a file the detector refuses, text intact (headers chosen
    that read alike in traditional characters)."""
    text = "id,收稿日期,備註\nNM-1,2021-03-01,臺灣同胞反映的問題\n"
    path = _write(tmp_path, text.encode("big5"))
    with pytest.raises(FileRejected, match="私用区字符"):
        read_file(path, LIMITS)
    read = read_file(path, LIMITS, encoding="big5")
    assert read.encoding == "big5"
    [table] = read.tables
    assert (table.columns, table.extra_columns) == (["submission_id", "received_date"], ["備註"])
    assert table.rows == [["NM-1", "2021-03-01", "臺灣同胞反映的問題"]]


@pytest.mark.parametrize("name", ["no-such-codec", "base64"])
def test_unknown_or_non_text_encoding_name_is_rejected(tmp_path: Path, name: str) -> None:
    """An encoding name Python does not know as a text codec rejects with a clear reason."""
    path = _write(tmp_path, "稿件编号,来稿日期\nNM-1,2021-03-01\n".encode())
    with pytest.raises(FileRejected) as caught:
        read_file(path, LIMITS, encoding=name)
    reason = caught.value.reason
    assert _chinese_first(reason)
    assert f"未知的编码名称 '{name}'" in reason
    assert "--encoding" in reason


def test_forced_encoding_is_still_strict(tmp_path: Path) -> None:
    """A byte the forced codec cannot decode rejects the file with its offset: the header
    line is 26 bytes of UTF-8, then 供 in GB18030 starts with 0xB9."""
    data = "稿件编号,收稿日期\n".encode() + "供暖".encode("gb18030") + b",2021-03-01\n"
    with pytest.raises(FileRejected) as caught:
        read_file(_write(tmp_path, data), LIMITS, encoding="utf-8")
    reason = caught.value.reason
    assert _chinese_first(reason)
    assert "byte 0xB9 at offset 26" in reason


def test_forced_encoding_does_not_apply_to_workbooks(tmp_path: Path) -> None:
    """A workbook carries its own encoding: ``--encoding`` leaves it alone."""
    path = tmp_path / "ledger.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("来稿").write_row("A1", ["稿件编号", "收稿日期"])
    book.close()
    assert read_file(path, LIMITS, encoding="big5").file_format == "xlsx"


# --- delimiters -----------------------------------------------------------------------


def test_semicolon_separated_with_a_title_row(tmp_path: Path) -> None:
    """A semicolon CSV is sniffed from its header, below a title row; commas in a field stay."""
    text = (
        "2021年来稿台账\n"
        "稿件编号;标题;来稿日期\n"
        "NM-1;关于供暖, 供水;2021-03-01\n"
        "NM-2;关于教育;2021-03-02\n"
    )
    [table] = read_file(_write(tmp_path, text.encode()), LIMITS).tables
    assert table.columns == ["submission_id", "title", "received_date"]
    assert table.rows == [
        ["NM-1", "关于供暖, 供水", "2021-03-01"],
        ["NM-2", "关于教育", "2021-03-02"],
    ]
    assert table.row_numbers == [3, 4]


# --- JSON -----------------------------------------------------------------------------

TWO = [
    {"id": "NM-1", "received_at": "2021-03-01"},
    {"id": "NM-2", "received_at": "2021-03-02"},
]


@pytest.mark.parametrize(
    "document",
    [
        {"code": 0, "msg": "ok", "data": TWO},
        {"data": {"list": TWO}},
        {"code": 0, "msg": "ok", "data": {"total": 2, "records": TWO}},
        {"success": True, "result": None, "Rows": TWO},
        {"items": TWO},
    ],
)
@pytest.mark.parametrize("indent", [None, 2])
def test_api_envelopes_hold_the_records(tmp_path: Path, document: dict, indent: int | None) -> None:
    """An array under data / list / rows / records / items, one level deep or two, on one
    line or pretty-printed, gives the 2 submissions NM-1 and NM-2, numbered 1 and 2."""
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document, indent=indent), encoding="utf-8")
    read = read_file(path, LIMITS)
    assert read.file_format == "json"
    [table] = read.tables
    assert [row[0] for row in table.rows] == ["NM-1", "NM-2"]
    assert table.row_numbers == [1, 2]


def test_error_envelope_is_rejected_saying_so(tmp_path: Path) -> None:
    """``{"code":500,"msg":…}`` is an API error, not data: rejected, naming code and message."""
    path = tmp_path / "export.json"
    path.write_text('{"code": 500, "msg": "服务器内部错误"}', encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        read_file(path, LIMITS)
    reason = caught.value.reason
    assert reason.startswith("接口返回的是错误信息而不是数据")
    assert "code=500" in reason
    assert "msg=服务器内部错误" in reason
    assert "重新导出" in reason


def test_envelope_without_an_array_is_rejected_saying_what_it_holds(tmp_path: Path) -> None:
    """An envelope whose data holds no record array is rejected, listing what it found."""
    path = tmp_path / "export.json"
    path.write_text('{"code": 0, "data": {"total": 0, "records": null}}', encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        read_file(path, LIMITS)
    reason = caught.value.reason
    assert reason.startswith("JSON 中没有记录数组")
    assert "data={total, records}" in reason


def test_error_message_masks_a_phone_number(tmp_path: Path) -> None:
    """A phone number inside an error response's message is masked in the reason."""
    path = tmp_path / "export.json"
    path.write_text('{"code": 403, "msg": "用户13912342222无权限"}', encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        read_file(path, LIMITS)
    assert "139****2222" in caught.value.reason
    assert "13912342222" not in caught.value.reason


def test_camel_case_keys_are_synonyms(tmp_path: Path) -> None:
    """camelCase keys at every level name the same fields as their snake_case forms."""
    record = {
        "submissionId": "NM-1",
        "receivedAt": "2021-03-01T09:00:00+08:00",
        "idCard": None,
        "unit": "赤峰市政协",
        "issue": {"issueNo": "2021年第3期", "publishedAt": "2021-04-02", "issueTitle": "供暖专报"},
        "feedback": [
            {"feedbackType": "批示", "feedbackDate": "2021-04-20", "post": "自治区政府副主席"}
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    tables = _by_kind(read_file(path, LIMITS).tables)
    [submission] = _dicts(tables["submissions"])
    assert submission["submission_id"] == "NM-1"
    assert submission["received_date"] == "2021-03-01T09:00:00+08:00"
    assert submission["unit"] == "赤峰市政协"
    assert submission["issue_no"] == "2021年第3期"
    assert tables["submissions"].extra_columns == []
    assert tables["issues"].rows == [["2021年第3期", "2021-04-02", "供暖专报"]]
    [feedback] = _dicts(tables["feedback"])
    assert (feedback["feedback_type"], feedback["feedback_date"]) == ("批示", "2021-04-20")
    assert feedback["issue_no"] == "2021年第3期"


def test_flat_issue_number_and_date_make_the_issue(tmp_path: Path) -> None:
    """Without a nested issue, top-level issueNo / publishedAt are that issue."""
    record = {
        "id": "NM-2",
        "receivedAt": "2021-03-02",
        "issueNo": "2021年第4期",
        "publishedAt": "2021-04-09",
    }
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    tables = _by_kind(read_file(path, LIMITS).tables)
    assert tables["issues"].rows == [["2021年第4期", "2021-04-09", None]]
    [submission] = _dicts(tables["submissions"])
    assert (submission["issue_no"], submission["published_date"]) == ("2021年第4期", "2021-04-09")
    assert tables["submissions"].extra_columns == []


def test_epoch_seconds_and_milliseconds_become_utc_instants(tmp_path: Path) -> None:
    """10-digit seconds and 13-digit milliseconds, as numbers or text, in date fields become
    aware UTC datetimes; 1614614400 (2021-03-01 16:00 UTC) is 2021-03-02 in Shanghai.
    Other numbers and digit strings (yyyymmdd, an id) are left as they are."""
    records = [
        {"id": "NM-1", "receivedAt": 1614556800,
         "issue": {"no": "第3期", "publishedAt": 1617321600000}},
        {"id": "NM-2", "receivedAt": "1614556800000", "phone": "1391234222"},
        {"id": "NM-3", "receivedAt": "1614614400"},
        {"id": "NM-4", "receivedAt": "20210318"},
    ]  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    tables = _by_kind(read_file(path, LIMITS).tables)
    subs = _dicts(tables["submissions"])
    midnight = datetime(2021, 3, 1, tzinfo=UTC)
    assert [row["received_date"] for row in subs] == [
        midnight,
        midnight,
        datetime(2021, 3, 1, 16, tzinfo=UTC),
        "20210318",
    ]
    assert subs[1]["phone"] == "1391234222"
    assert parse_date(subs[2]["received_date"]) == date(2021, 3, 2)
    assert tables["issues"].rows[0][1] == datetime(2021, 4, 2, tzinfo=UTC)


# --- workbooks: ods, xls, positions, formulas ----------------------------------------

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_TAIL_ROWS = (  # what LibreOffice writes below the data: empty rows up to row 1048576
    '<table:table-row table:number-rows-repeated="1048570">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


def _ods_cell(value: str | None) -> str:
    if value is None:
        return "<table:table-cell/>"
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def _ods(path: Path, sheets: list[tuple[str, list[list[str | None]]]], tail: str = "") -> Path:
    """An OpenDocument spreadsheet written member by member, as LibreOffice lays it out."""
    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join(
            "<table:table-row>" + "".join(map(_ods_cell, row)) + "</table:table-row>"
            for row in rows
        )
        + tail
        + "</table:table>"
        for name, rows in sheets
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


LEDGER_SHEETS: list[tuple[str, list[list[str | None]]]] = [
    ("填表说明", [["本表由信息处每月更新"]]),
    ("来稿", [
        ["2021年来稿台账", None, None],
        ["稿件编号", "标题", "来稿日期"],
        ["NM-1", "关于供暖", "2021-03-01"],
        [None, None, None],
        ["NM-2", "关于教育", "2021-03-02"],
    ]),
    ("编发", [["期号", "编发日期"], ["2021年第3期", "2021-04-02"]]),
]  # fmt: skip


def _check_ledger_sheets(tables: list[SourceTable]) -> None:
    """The tables of LEDGER_SHEETS: positions 1 and 2 (the notes sheet is position 0)."""
    by_sheet = {table.sheet: table for table in tables}
    subs, issues = by_sheet["来稿"], by_sheet["编发"]
    assert (subs.kind, subs.sheet_index) == ("submissions", 1)
    assert subs.rows == [["NM-1", "关于供暖", "2021-03-01"], ["NM-2", "关于教育", "2021-03-02"]]
    assert subs.row_numbers == [3, 5]
    assert (issues.kind, issues.sheet_index) == ("issues", 2)
    assert issues.rows == [["2021年第3期", "2021-04-02"]]


def test_ods_workbook(tmp_path: Path) -> None:
    """An OpenDocument spreadsheet (WPS / LibreOffice) reads like xlsx, trailing empty
    rows to row 1048576 included; its notes sheet is listed as unrecognised."""
    path = _ods(tmp_path / "ledger.ods", LEDGER_SHEETS, tail=ODS_TAIL_ROWS)
    read = read_file(path, LIMITS)
    assert read.file_format == "ods"
    _check_ledger_sheets(read.tables)
    assert [sheet for sheet, _ in read.unrecognised] == ["填表说明"]


def test_ods_huge_repeated_range_is_rejected_before_parsing(
    tmp_path: Path, no_parser: None
) -> None:
    """A value repeated over 1 000 000 rows × 100 columns never reaches the parser."""
    bomb = (
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="100">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    path = _ods(tmp_path / "bomb.ods", [("来稿", [["稿件编号", "来稿日期"]])], tail=bomb)
    with pytest.raises(FileRejected, match=r"1000001 rows × 100 columns"):
        read_file(path, LIMITS)


def test_ods_zip_caps_apply(tmp_path: Path, no_parser: None) -> None:
    """The zip-bomb caps apply to an ods package as to an xlsx."""
    path = _ods(tmp_path / "plain.ods", LEDGER_SHEETS)
    with pytest.raises(FileRejected, match="zip bomb guard"):
        read_file(path, Limits(max_zip_member_bytes=500))


def _biff_record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff_sheet(rows: list[list[str | None]]) -> bytes:
    """BOF, one LABEL record per text cell (BIFF8, UTF-16), EOF."""
    cells = b"".join(
        _biff_record(0x0204, struct.pack("<HHHHB", r, c, 0, len(v), 1) + v.encode("utf-16-le"))
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
        if v is not None
    )
    return (
        _biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x10, 0, 0, 0, 0))
        + cells
        + (_biff_record(0x000A))
    )


def _xls(path: Path, sheets: list[tuple[str, list[list[str | None]]]]) -> Path:
    """A minimal Excel 97-2003 file: a BIFF8 workbook stream in a one-stream OLE2 container.

    The globals hold BOF, one BOUNDSHEET per sheet (its stream offset) and EOF;
    the stream is padded to 4096 bytes so it lives in regular 512-byte sectors
    (sector 0 the FAT, 1 the directory, 2… the stream).
    """

    def bound(offset: int, name: str) -> bytes:
        data = struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le")
        return _biff_record(0x0085, data)

    bodies = [_biff_sheet(rows) for _, rows in sheets]
    head = _biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x05, 0, 0, 0, 0))
    offset = len(head) + sum(len(bound(0, name)) for name, _ in sheets) + 4
    globals_ = head
    for (name, _), body in zip(sheets, bodies, strict=True):
        globals_ += bound(offset, name)
        offset += len(body)
    stream = globals_ + _biff_record(0x000A) + b"".join(bodies)
    sectors = -(-max(len(stream), 4096) // 512)
    stream = stream.ljust(sectors * 512, b"\0")  # a shorter stream would sit in the mini-FAT
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end, *range(3, 2 + sectors), end]
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH6x", 0x3E, 3, 0xFFFE, 9, 6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *[free] * 108)
    )

    def entry(name: str, kind: int, start: int, size: int, child: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, free, free, child)
            + bytes(36)
            + struct.pack("<III", start, size, 0)
        )

    directory = entry("Root Entry", 5, end, 0, 1) + entry("Workbook", 2, 2, len(stream), free)
    path.write_bytes(
        header
        + struct.pack("<128I", *fat, *[free] * (128 - len(fat)))
        + directory.ljust(512, b"\0")
        + stream
    )
    return path


def test_xls_workbook(tmp_path: Path) -> None:
    """An Excel 97-2003 (.xls, OLE2 / BIFF8) workbook reads like xlsx, positions included."""
    read = read_file(_xls(tmp_path / "ledger.xls", LEDGER_SHEETS), LIMITS)
    assert read.file_format == "xls"
    _check_ledger_sheets(read.tables)
    assert [sheet for sheet, _ in read.unrecognised] == ["填表说明"]


def test_xlsx_sheet_positions(tmp_path: Path) -> None:
    """Each xlsx sheet's table carries its position among the worksheets."""
    path = tmp_path / "ledger.xlsx"
    book = xlsxwriter.Workbook(path)
    for name, rows in LEDGER_SHEETS:
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    read = read_file(path, LIMITS)
    _check_ledger_sheets(read.tables)


def _formula_workbook(path: Path) -> Path:
    """openpyxl writes formulas without a cached value, as a generator or script would."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "来稿"
    sheet.append(["2021年来稿台账"])  # row 1
    sheet.append(["稿件编号", "标题", "来稿日期", "字数"])  # row 2
    sheet.append(["NM-1", "关于供暖", "2021-03-01", 120])  # row 3
    sheet.append(["NM-2", '=CONCAT("关于","教育")', "2021-03-02", 80])  # row 4: formula
    sheet.append(["NM-3", "关于就业", "2021-03-03", "=LEN(B5)"])  # row 5: formula
    book.create_sheet("编发").append(["期号", "编发日期"])
    book.save(path)
    return path


def test_pre_check_finds_formulas_without_a_saved_value(tmp_path: Path) -> None:
    """The xlsx pre-check names sheet 来稿, rows 4 and 5: formulas with no <v>."""
    facts = inspect_xlsx(_formula_workbook(tmp_path / "formula.xlsx"), LIMITS)
    assert facts.formula_rows == {"来稿": frozenset({4, 5})}


def test_formulas_with_a_saved_value_are_not_reported(tmp_path: Path) -> None:
    """A formula Excel (here xlsxwriter) saved with its value is an ordinary cell."""
    path = tmp_path / "computed.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("来稿")
    sheet.write_row("A1", ["稿件编号", "标题", "来稿日期"])
    sheet.write_row("A2", ["NM-1", "关于供暖", "2021-03-01"])
    sheet.write_formula("B2", '="关于"&"供暖"', None, "关于供暖")
    book.close()
    assert inspect_xlsx(path, LIMITS).formula_rows == {}
    assert read_file(path, LIMITS).tables[0].rows == [["NM-1", "关于供暖", "2021-03-01"]]


def test_rows_with_uncomputed_formulas_are_held(tmp_path: Path) -> None:
    """Rows 4 and 5 (indexes 1 and 2 of the table) are held with the formula reason."""
    tables = read_file(_formula_workbook(tmp_path / "formula.xlsx"), LIMITS).tables
    table = next(table for table in tables if table.sheet == "来稿")
    assert table.row_numbers == [3, 4, 5]
    assert sorted(table.held) == [1, 2]
    rule, reason = table.held[1]
    assert rule == "uncomputed_formula"
    assert reason.startswith("公式未计算，请在 Excel 中打开并保存")


def test_an_html_page_saved_as_xls_is_rejected_with_advice(tmp_path: Path) -> None:
    """A web system's "xls" that is an HTML table: rejected, telling the clerk to save as xlsx."""
    path = tmp_path / "导出.xls"
    path.write_text(
        "<html><body><table><tr><td>稿件编号</td><td>来稿日期</td></tr>"
        "<tr><td>A-1</td><td>2021-01-05</td></tr></table></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(FileRejected, match=r"网页.*另存为 xlsx"):
        read_file(path, LIMITS)
