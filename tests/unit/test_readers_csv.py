"""CSV / TSV ledgers through ``read_file``: strict decoding, layout, row numbers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import FileRead
from sqmy_etl.ingest.readers import read_file
from sqmy_etl.ingest.readers.csv_reader import read_csv
from sqmy_etl.ingest.readers.text import detect_encoding

LIMITS = Limits()
LEDGER = "稿件编号,标题,收稿日期,盟市\nNM2021-0001,关于供暖的建议,2021-03-18,赤峰市\n"


def _write(tmp_path: Path, data: bytes, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_without_bom(tmp_path: Path) -> None:
    """Plain UTF-8 decodes, the kind comes from the header and columns are canonical."""
    read = read_file(_write(tmp_path, LEDGER.encode()), LIMITS)
    assert (read.file_format, read.encoding) == ("csv", "utf-8")
    [table] = read.tables
    assert table.kind == "submissions"
    assert table.sheet == ""
    assert table.columns == ["submission_id", "title", "received_date", "region"]
    assert table.rows == [["NM2021-0001", "关于供暖的建议", "2021-03-18", "赤峰市"]]
    assert table.row_numbers == [2]


def test_utf8_with_bom(tmp_path: Path) -> None:
    """A UTF-8 BOM is recognised as utf-8-sig and not glued to the first header."""
    read = read_file(_write(tmp_path, b"\xef\xbb\xbf" + LEDGER.encode()), LIMITS)
    assert read.encoding == "utf-8-sig"
    assert read.tables[0].columns[0] == "submission_id"


def test_gb18030_including_characters_outside_gbk(tmp_path: Path) -> None:
    """GB18030 text decodes exactly, including a CJK Extension B character GBK lacks."""
    title = "𠀀字与䶮字的建议"  # U+20000 and U+4DAE need GB18030's four-byte forms
    text = f"稿件编号,标题,收稿日期\nNM1,{title},2021/3/18\n"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    read = read_file(_write(tmp_path, data), LIMITS)
    assert read.encoding == "gb18030"
    assert read.tables[0].rows == [["NM1", title, "2021/3/18"]]


def test_undecodable_bytes_reject_with_offset(tmp_path: Path) -> None:
    """Bytes valid in neither encoding reject the file, naming the byte and its offset."""
    head = LEDGER.encode()
    path = _write(tmp_path, head + b"NM2,\x80\xff,2021-03-19\n")
    with pytest.raises(FileRejected) as caught:
        read_file(path, LIMITS)
    reason = caught.value.reason
    assert "无法识别的编码" in reason
    assert "undecodable" in reason
    assert f"byte 0x80 at offset {len(head) + 4}" in reason  # first bad UTF-8 byte
    assert "GB18030" in reason


def test_bom_file_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    """A file claiming UTF-8 by its BOM is not silently re-read as GB18030."""
    data = b"\xef\xbb\xbf" + "稿件编号,收稿日期\n".encode() + "供暖".encode("gb18030") + b"\n"
    with pytest.raises(FileRejected, match="BOM"):
        read_file(_write(tmp_path, data), LIMITS)


def test_nul_byte_is_rejected(tmp_path: Path) -> None:
    """A NUL byte (binary, or UTF-16 without a byte-order mark) rejects the file with that
    reason and the advice to re-save or name the encoding."""
    with pytest.raises(FileRejected, match="NUL") as caught:
        read_file(_write(tmp_path, LEDGER.encode("utf-16-le")), LIMITS)
    assert "--encoding" in caught.value.reason


def test_tab_separated_is_sniffed(tmp_path: Path) -> None:
    """A tab-separated ledger is read whatever its extension."""
    data = "期号\t编发日期\t标题\n2021年第37期\t2021-04-02\t关于供暖\n".encode()
    [table] = read_file(_write(tmp_path, data, "issues.txt"), LIMITS).tables
    assert table.kind == "issues"
    assert table.rows == [["2021年第37期", "2021-04-02", "关于供暖"]]


def test_title_rows_blank_rows_total_and_multiline_fields(tmp_path: Path) -> None:
    """Title rows above the header, blank rows and a trailing 合计 row are not data;
    row numbers are the physical line where each record starts."""
    text = (
        "2021年社情民意信息来稿台账,,,\n"  # line 1
        "制表单位：信息处,,,\n"  # line 2
        "\n"  # line 3
        "稿件编号,标题,收稿日期,内容\n"  # line 4
        'NM1,标题一,2021-03-18,"第一行\n第二行\n第三行"\n'  # lines 5-7
        ",,,\n"  # line 8: blank
        "\n"  # line 9
        "NM2,标题二,2021-03-19,短\n"  # line 10
        " , ,  ,\n"  # line 11: blank (spaces only)
        "合计,2篇,,\n"  # line 12
    )
    [table] = read_file(_write(tmp_path, text.encode()), LIMITS).tables
    assert table.row_numbers == [5, 10]
    assert table.rows == [
        ["NM1", "标题一", "2021-03-18", "第一行\n第二行\n第三行"],
        ["NM2", "标题二", "2021-03-19", "短"],
    ]


def test_crlf_line_numbers(tmp_path: Path) -> None:
    """Windows line endings count one line each, also inside quoted fields."""
    text = '稿件编号,收稿日期,内容\r\nNM1,2021-03-18,"a\r\nb"\r\nNM2,2021-03-19,c\r\n'
    [table] = read_file(_write(tmp_path, text.encode()), LIMITS).tables
    assert table.row_numbers == [2, 4]
    assert table.rows[0][2] == "a\r\nb"


def test_total_rows_anywhere_are_skipped_not_loaded(tmp_path: Path) -> None:
    """合计 / 总计 rows, in the middle or at the end, are skipped and listed, not data."""
    text = "稿件编号,收稿日期\n合计,x\nNM1,2021-03-18\n合 计,1\n总计,1\n"
    [table] = read_file(_write(tmp_path, text.encode()), LIMITS).tables
    assert table.rows == [["NM1", "2021-03-18"]]
    assert table.row_numbers == [3]
    assert [(skip.row, skip.why) for skip in table.skipped] == [
        (2, "total"),
        (4, "total"),
        (5, "total"),
    ]


def test_chunks_give_the_rows_and_skips_of_the_whole_read(tmp_path: Path) -> None:
    """Read in chunks, a CSV gives the same data rows and skipped rows as read whole."""
    text = "稿件编号,收稿日期\nNM1,2021-03-18\n合计,x\n\nNM2,2021-03-19\n合计,2\n总计,2\n"
    path = _write(tmp_path, text.encode())
    read = read_file(path, LIMITS, chunk_rows=2)
    chunks = [table for batch in read.batches() for table in batch]
    assert [number for chunk in chunks for number in chunk.row_numbers] == [2, 5]
    assert [row[0] for chunk in chunks for row in chunk.rows] == ["NM1", "NM2"]
    assert [skip.row for chunk in chunks for skip in chunk.skipped] == [3, 6, 7]


def test_a_table_without_rows_is_one_empty_chunk(tmp_path: Path) -> None:
    """A header alone still names the table's kind, so the file loads with no rows."""
    read = read_file(_write(tmp_path, "稿件编号,收稿日期\n\n".encode()), LIMITS, chunk_rows=2)
    [[table]] = list(read.batches())
    assert (table.kind, table.rows) == ("submissions", [])


def test_extra_and_ragged_columns_are_kept(tmp_path: Path) -> None:
    """Unknown headers are extra columns; cells beyond the header get a column_N name."""
    text = "序号,稿件编号,备注,收稿日期,备注\n1,NM1,急,2021-03-18,二,溢出\n2,NM2\n"
    [table] = read_file(_write(tmp_path, text.encode()), LIMITS).tables
    assert table.columns == ["submission_id", "received_date"]
    assert table.extra_columns == ["序号", "备注", "备注_2", "column_6"]
    assert table.rows == [
        ["NM1", "2021-03-18", "1", "急", "二", "溢出"],
        ["NM2", None, "2", None, None, None],
    ]


def test_unknown_header_is_rejected(tmp_path: Path) -> None:
    """A CSV whose rows name no table kind is rejected, quoting what it found."""
    with pytest.raises(FileRejected) as caught:
        read_file(_write(tmp_path, "姓名,年龄\n张三,30\n".encode()), LIMITS)
    assert "没有可识别的表格" in caught.value.reason
    assert "姓名 | 年龄" in caught.value.reason


def test_header_below_the_eleventh_row_is_not_found(tmp_path: Path) -> None:
    """At most 10 rows may stand above the header."""
    ten = "说明\n" * 10 + LEDGER
    assert read_file(_write(tmp_path, ten.encode()), LIMITS).tables[0].row_numbers == [12]
    with pytest.raises(FileRejected):
        read_file(_write(tmp_path, ("说明\n" * 11 + LEDGER).encode()), LIMITS)


def test_field_over_the_cap_is_rejected(tmp_path: Path) -> None:
    """A field larger than max_field_bytes (in UTF-8 bytes) rejects the file."""
    limits = Limits(max_field_bytes=300)
    fits = f"稿件编号,收稿日期,内容\nNM1,2021-03-18,{'字' * 100}\n"  # 300 bytes
    assert read_file(_write(tmp_path, fits.encode()), limits).tables[0].rows[0][2] == "字" * 100
    over = f"稿件编号,收稿日期,内容\nNM1,2021-03-18,{'字' * 101}\n"
    with pytest.raises(FileRejected, match="field too large"):
        read_file(_write(tmp_path, over.encode()), limits)


def test_file_over_the_size_cap_is_rejected(tmp_path: Path) -> None:
    """A file larger than max_file_bytes is rejected before it is read."""
    with pytest.raises(FileRejected, match="file too large"):
        read_file(_write(tmp_path, LEDGER.encode()), Limits(max_file_bytes=10))


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    """An empty file is rejected with a reason."""
    with pytest.raises(FileRejected, match="empty file"):
        read_file(_write(tmp_path, b""), LIMITS)


def test_missing_file_is_rejected_not_raised(tmp_path: Path) -> None:
    """A path that cannot be opened gives FileRejected, not an OSError traceback."""
    with pytest.raises(FileRejected, match="cannot read"):
        read_file(tmp_path / "nope.csv", LIMITS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_decode_or_reject(data: bytes) -> None:
    """Arbitrary bytes either decode strictly in the detected encoding or raise FileRejected."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "fuzz.csv")
        path.write_bytes(data)
        try:
            encoding = detect_encoding(path)
        except FileRejected as exc:
            assert exc.reason
            return
        data.decode(encoding)  # the claimed encoding decodes every byte, strictly
        assert (encoding == "utf-8-sig") == data.startswith(b"\xef\xbb\xbf")
        try:
            read = read_csv(path, LIMITS)
        except FileRejected as exc:
            assert exc.reason
            return
        assert isinstance(read, FileRead)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet='ab,"\n\r\t 字合计 ', max_size=8), min_size=1, max_size=4),
        max_size=6,
    ),
    st.sampled_from(["utf-8", "gb18030"]),
)
def test_random_ledger_bodies_never_crash(rows: list[list[str]], encoding: str) -> None:
    """Any body below a valid header reads as a table or rejects; no other exception."""
    body = "\n".join(",".join(cells) for cells in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "fuzz.csv")
        path.write_bytes(f"稿件编号,收稿日期\n{body}".encode(encoding))
        try:
            read = read_file(path, LIMITS)
        except FileRejected as exc:
            assert exc.reason
            return
        [table] = read.tables
        assert len(table.rows) == len(table.row_numbers)
        assert all(number >= 2 for number in table.row_numbers)
