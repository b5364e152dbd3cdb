"""Hostile and broken Excel files: every one ends as FileRejected, none reaches a crash.

Fixtures are built in the test from a tiny xlsxwriter workbook whose parts
are then swapped or patched with ``zipfile`` — no binary blobs, all < 10 KB.
"""

from __future__ import annotations

import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import FileRead
from sqmy_etl.ingest.readers import read_file, xlsx_reader

LIMITS = Limits()
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe7\xa8\xbf\xe4\xbb\xb6\xe7\xbc\x96\xe5\x8f\xb7'
    b'</t></is></c><c r="B1" t="inlineStr"><is><t>\xe6\x94\xb6\xe7\xa8\xbf\xe6\x97\xa5\xe6\x9c\x9f'
    b"</t></is></c></row>"
)  # 稿件编号 | 收稿日期


def _sheet(rows: bytes, dimension: bytes = b"A1:B1") -> bytes:
    parts = [HEAD, b'<dimension ref="', dimension, b'"/><sheetData>', rows, b"</sheetData>"]
    return b"".join(parts) + b"</worksheet>"


def _workbook(path: Path, parts: dict[str, bytes] | None = None) -> Path:
    """A one-sheet xlsx whose parts are replaced / added from ``parts``."""
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("来稿").write_row("A1", ["稿件编号", "收稿日期"])
    book.close()
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


@pytest.fixture
def no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the workbook would reach the parser child at all."""

    def refuse(path: Path, limits: Limits) -> tuple:
        raise AssertionError(f"{path} reached the parser; the pre-check should have stopped it")

    monkeypatch.setattr(xlsx_reader, "_parse_in_child", refuse)


def test_the_fixture_builder_makes_a_readable_workbook(tmp_path: Path) -> None:
    """The baseline with a hand-written sheet part reads fine (so rejections below are real)."""
    row = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>NM1</t></is></c>'
        b'<c r="B2"><v>44273</v></c></row>'
    )
    path = _workbook(tmp_path / "ok.xlsx", {SHEET: _sheet(HEADER_ROW + row, b"A1:B2")})
    [table] = read_file(path, LIMITS).tables
    assert table.rows == [["NM1", 44273.0]]


def test_truncated_xlsx_is_corrupt(tmp_path: Path) -> None:
    """A workbook cut short is rejected as corrupt."""
    good = _workbook(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(FileRejected, match="corrupt xlsx"):
        read_file(path, LIMITS)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    """A zip archive without xl/workbook.xml (say a .docx) is rejected as not Excel."""
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(FileRejected, match="not a workbook"):
        read_file(path, LIMITS)


def test_ole2_file_is_rejected_as_encrypted_or_legacy(tmp_path: Path) -> None:
    """An OLE2 container (how Excel stores a password-protected xlsx) is rejected."""
    path = tmp_path / "secret.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4088))
    with pytest.raises(FileRejected, match="加密或旧版 Excel"):
        read_file(path, LIMITS)


def _patch_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite ``member``'s uncompressed size in the central directory only."""
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    while start >= 0:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, start + 24, size)
            path.write_bytes(bytes(data))
            return
        start = data.find(b"PK\x01\x02", start + 4)
    raise AssertionError(f"{member} not in {path}")


def test_zip_bomb_declared_size(tmp_path: Path, no_parser: None) -> None:
    """A member declaring 3 GB is rejected from the central directory alone."""
    path = _workbook(tmp_path / "declared.xlsx")
    _patch_declared_size(path, SHEET, 3 * 1024**3)
    with pytest.raises(FileRejected, match="zip bomb guard"):
        read_file(path, LIMITS)


def test_zip_bomb_compression_ratio(tmp_path: Path, no_parser: None) -> None:
    """A few-KB file whose part inflates 1000-fold is rejected before parsing."""
    filler = HEADER_ROW + b"<!--" + b" " * (3 * 1024**2) + b"-->"
    path = _workbook(tmp_path / "bomb.xlsx", {SHEET: _sheet(filler)})
    assert path.stat().st_size < 20_000
    with pytest.raises(FileRejected, match="compresses"):
        read_file(path, LIMITS)


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (Limits(max_zip_members=3), "members"),
        (Limits(max_zip_member_bytes=500), "inflates"),
        (Limits(max_zip_total_bytes=2_000), "uncompressed"),
    ],
)
def test_zip_caps_apply(tmp_path: Path, no_parser: None, limits: Limits, reason: str) -> None:
    """Member count, member size and total size caps each reject an ordinary workbook."""
    with pytest.raises(FileRejected, match=reason):
        read_file(_workbook(tmp_path / "plain.xlsx"), limits)


@pytest.mark.parametrize(
    "sheet",
    [
        # the STACK-NOTES trick: one cell at A1, one at XFD1048576
        _sheet(HEADER_ROW + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        # the same claim made only by <dimension>
        _sheet(HEADER_ROW, b"A1:XFD1048576"),
        # cells without r="" take the next column: 20 of them on row 1048576
        _sheet(HEADER_ROW + b'<row r="1048576">' + b"<c><v>1</v></c>" * 20 + b"</row>"),
        # a namespace prefix and r placed after other attributes
        HEAD.replace(b"<worksheet ", b'<x:worksheet xmlns:x="urn:x" ')
        + b'<x:sheetData><x:row r="1"><x:c s="0" r="ZZZ900000"><x:v>1</x:v></x:c>'
        + b"</x:row></x:sheetData></x:worksheet>",
        # a row number too long to be real
        _sheet(HEADER_ROW + b'<row r="1"><c r="B' + b"9" * 5000 + b'"><v>1</v></c></row>'),
    ],
)
def test_huge_used_range_is_rejected_before_parsing(
    tmp_path: Path, no_parser: None, sheet: bytes
) -> None:
    """A sheet whose cells span more than max_sheet_cells never reaches the parser."""
    path = _workbook(tmp_path / "wide.xlsx", {SHEET: sheet})
    with pytest.raises(FileRejected, match="sheet too large"):
        read_file(path, LIMITS)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("part", "prolog"),
    [
        (SHEET, LAUGHS),
        (SHEET, XXE),
        ("xl/sharedStrings.xml", LAUGHS),
        ("xl/workbook.xml", XXE),
    ],
)
def test_dtd_anywhere_is_rejected(
    tmp_path: Path, no_parser: None, part: str, prolog: bytes
) -> None:
    """Billion-laughs and XXE declarations in any XML part reject the file."""
    body = b"<sst><si><t>&lol3;</t></si></sst>" if part.endswith("s.xml") else b"<x>&xxe;</x>"
    path = _workbook(tmp_path / "dtd.xlsx", {part: prolog + body})
    with pytest.raises(FileRejected, match="DTD"):
        read_file(path, LIMITS)


def test_utf16_xml_part_is_rejected(tmp_path: Path, no_parser: None) -> None:
    """An XML part in UTF-16 (which byte scans cannot inspect) is refused."""
    path = _workbook(tmp_path / "u16.xlsx", {SHEET: _sheet(HEADER_ROW).decode().encode("utf-16")})
    with pytest.raises(FileRejected, match="UTF-16"):
        read_file(path, LIMITS)


WIDE = _sheet(HEADER_ROW + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


@pytest.mark.parametrize(
    ("payload", "reason"),
    [(WIDE, "sheet too large"), (WIDE.decode().encode("utf-16-le"), "UTF-16")],
)
def test_members_with_any_name_are_scanned(
    tmp_path: Path, no_parser: None, payload: bytes, reason: str
) -> None:
    """Relationships may point a sheet at any member name, so every member is checked."""
    path = _workbook(tmp_path / "renamed.xlsx", {"xl/worksheets/sheet9.bin": payload})
    with pytest.raises(FileRejected, match=reason):
        read_file(path, LIMITS)


def test_binary_members_with_nul_bytes_are_fine(tmp_path: Path) -> None:
    """Printer settings and images legitimately hold NUL bytes and do not reject a file."""
    printer = "HP LaserJet 1020".encode("utf-16-le") + bytes(200)
    path = _workbook(
        tmp_path / "printer.xlsx", {"xl/printerSettings/printerSettings1.bin": printer}
    )
    assert read_file(path, LIMITS).tables[0].kind == "submissions"


def test_parser_crash_is_contained_in_the_child(tmp_path: Path) -> None:
    """With the pre-check disabled, the A1 + XFD1048576 trick kills only the child:
    we get FileRejected, and this process lives on."""
    path = _workbook(tmp_path / "killer.xlsx", {SHEET: WIDE})
    limits = Limits(max_sheet_cells=10**12, parse_memory_bytes=512 * 1024**2)
    with pytest.raises(FileRejected, match="parser failed"):
        read_file(path, limits)


def test_parser_timeout(tmp_path: Path) -> None:
    """A parse that outlives parse_timeout_s is killed and the file rejected."""
    with pytest.raises(FileRejected, match="timed out"):
        read_file(_workbook(tmp_path / "slow.xlsx"), Limits(parse_timeout_s=0))


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_behind_zip_magic(tail: bytes) -> None:
    """Garbage after a zip signature is rejected cleanly, never an exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "fuzz.xlsx")
        path.write_bytes(b"PK\x03\x04" + tail)
        try:
            read = read_file(path, LIMITS)
        except FileRejected as exc:
            assert exc.reason
            return
        assert isinstance(read, FileRead)
