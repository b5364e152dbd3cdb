"""Cheap checks of an xlsx package before any Excel parser sees it.

A 1.6 KB xlsx with one cell at A1 and one at XFD1048576 makes calamine
allocate 512 GiB and abort the whole process, and a few-MB zip can inflate
to gigabytes (STACK-NOTES.md "Reading Excel safely"). So the package is
inspected first, with nothing but the zip central directory and a regex
scan of each XML part (read with a byte cap, whatever its header declares):
declared member sizes and ratios, DTDs (billion laughs / XXE), and the used
cell range — from ``<dimension>`` and the ``r="…"`` attributes — each sheet
would make a parser allocate.
The parse itself then runs in a sandboxed child process as a second line.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from sqmy_etl.config import Limits
from sqmy_etl.ingest.model import FileRejected

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_PART = "xl/workbook.xml"
_RATIO_MIN_BYTES = 1024**2  # small parts compress arbitrarily well and harm nobody
# Longer references are absurd (Excel stops at XFD1048576); they count as huge
# instead of being converted, which for a 10 000-digit number would be slow.
_MAX_REF_DIGITS = 10
_MAX_REF_LETTERS = 4
_HUGE = 10**_MAX_REF_DIGITS

# Start tags that place cells: <row>, <c>, <dimension>, with any namespace
# prefix; attribute values may legally contain '>' so they are matched whole.
_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c|dimension)(?=[\s/>])"
    rb"((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
)
_REF_ATTR = re.compile(rb"(?:^|\s)(r|ref)\s*=\s*[\"']([^\"']*)[\"']")
_CELL_REF = re.compile(rb"\$?([A-Za-z]*)\$?(\d*)")
# Literal-prefix patterns only: a leading class or optional prefix group makes
# the regex engine try every '<' of a 100 MB part and costs seconds.
_DIMENSION = re.compile(rb"dimension(?=[\s/>])((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")
_PLAIN_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})[1-9]\d{0,6}"')
_PLAIN_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([1-9]\d{0,6})"')
_PLAIN_ROW = re.compile(rb'<row r="([1-9]\d{0,6})"')
_ANY_CELL = (re.compile(rb"<c[\s/>]"), re.compile(rb":c[\s/>]"))
_ANY_ROW = (re.compile(rb"<row[\s/>]"), re.compile(rb":row[\s/>]"))
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_WIDE_MARKUP = tuple(
    text.encode(encoding)
    for text in ("<row", "<c ", "<c>", "<!DOCTYPE", "<!ENTITY", "dimension ")
    for encoding in ("utf-16-le", "utf-16-be")
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_DATE1904 = re.compile(rb"date1904\s*=\s*[\"'](?:1|true)[\"']")


# what zipfile raises on damaged archives (ValueError / OSError: bad names, offsets
# before the start of the file); FileRejected is neither, so it passes through
_CORRUPT = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    struct.error,
    ValueError,
    OSError,
)


@dataclass(frozen=True)
class WorkbookFacts:
    """What the pre-check learned that the parse needs."""

    date1904: bool


def _column_number(letters: bytes) -> int:
    if len(letters) > _MAX_REF_LETTERS:
        return _HUGE
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def _row_number(digits: bytes) -> int:
    if len(digits) > _MAX_REF_DIGITS:
        return _HUGE
    return int(digits) if digits else 0


class _RangeScan:
    """Tracks the bottom-right cell a sheet part would make a parser allocate.

    Cells and rows without an ``r`` attribute take the next position, as
    the parsers do, so omitting ``r`` cannot hide a wide row.
    """

    def __init__(self) -> None:
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0

    def _ref(self, ref: bytes) -> tuple[int, int]:
        match = _CELL_REF.fullmatch(ref.strip())
        if match is None:
            return 0, 0
        letters, digits = match.groups()
        return _row_number(digits), _column_number(letters)

    def feed(self, data: bytes) -> None:
        for tag, attrs in _TAG.findall(data):
            found = _REF_ATTR.search(attrs)
            value = found.group(2) if found else None
            if tag == b"c":
                if value:
                    row, col = self._ref(value)
                    self.col = col
                    self.max_row = max(self.max_row, row)
                else:
                    self.col += 1
                self.max_col = max(self.max_col, self.col)
            elif tag == b"row":
                digits = value.strip() if value else b""
                self.row = _row_number(digits) if digits.isdigit() else self.row + 1
                self.col = 0
                self.max_row = max(self.max_row, self.row)
            elif value:  # <dimension ref="A1:XFD1048576"> is what a parser may preallocate
                row, col = self._ref(value.rsplit(b":", 1)[-1])
                self.max_row = max(self.max_row, row)
                self.max_col = max(self.max_col, col)


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_zip_members:
        raise FileRejected(
            f"压缩包成员过多 / zip bomb guard: {len(infos)} members, limit {limits.max_zip_members}"
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.max_zip_member_bytes:
            raise FileRejected(
                f"压缩包成员过大 / zip bomb guard: {info.filename} inflates to {size} bytes, "
                f"limit {limits.max_zip_member_bytes}"
            )
        ratio = size / max(info.compress_size, 1)
        if size > _RATIO_MIN_BYTES and ratio > limits.max_zip_ratio:
            raise FileRejected(
                f"压缩比异常 / zip bomb guard: {info.filename} compresses {ratio:.0f}:1, "
                f"limit {limits.max_zip_ratio}:1"
            )
    if total > limits.max_zip_total_bytes:
        raise FileRejected(
            f"压缩包解压后过大 / zip bomb guard: {total} bytes uncompressed, "
            f"limit {limits.max_zip_total_bytes}"
        )


def _used_range(data: bytes) -> tuple[int, int]:
    """(max row, max column) of the cells a part places, 1-based, plus any ``<dimension>``.

    Nearly every writer puts ``r`` first on every ``<row>`` and ``<c>``; for
    those parts two literal-prefix regexes give the exact answer (≈ 1 s per
    100 MB). When the counts of all row / cell tags do not match the counts
    of those plain forms (prefixed names, missing ``r``, odd spacing), the
    precise tag-by-tag scan decides instead.
    """
    max_row = max_col = 0
    scan = _RangeScan()
    for attrs in _DIMENSION.findall(data):
        scan.feed(b"<dimension" + attrs + b">")
    columns = _PLAIN_CELL_COL.findall(data)
    rows = _PLAIN_ROW.findall(data)
    if len(columns) == _count(_ANY_CELL, data) and len(rows) == _count(_ANY_ROW, data):
        max_col = max(map(_column_number, set(columns)), default=0)
        numbers = set(_PLAIN_CELL_ROW.findall(data)).union(rows)
        max_row = max(map(int, numbers), default=0)
    else:
        scan.feed(data)
    return max(max_row, scan.max_row), max(max_col, scan.max_col)


def _count(patterns: tuple[re.Pattern[bytes], ...], data: bytes) -> int:
    return sum(len(pattern.findall(data)) for pattern in patterns)


def _is_wide_xml(data: bytes, xml_named: bool) -> bool:
    """True for XML in UTF-16/32, which the byte-level scans here cannot read.

    A part named .xml must not even start like one; any other member
    (images, printer settings hold NULs legitimately) only fails when it
    carries UTF-16 markup a lenient parser could act on.
    """
    if xml_named and (data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]):
        return True
    return any(marker in data for marker in _WIDE_MARKUP)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bool:
    """Check one member; reject DTDs and oversized ranges; True if it sets date1904.

    Every member is checked, not only ``*.xml``: the workbook's relationships
    may point a sheet at any name. The read is capped at the member limit
    whatever the header declares.
    """
    with archive.open(info) as fh:
        data = fh.read(limits.max_zip_member_bytes + 1)
    if len(data) > limits.max_zip_member_bytes:
        raise FileRejected(
            f"压缩包成员过大 / zip bomb guard: {info.filename} inflates past "
            f"{limits.max_zip_member_bytes} bytes"
        )
    if _is_wide_xml(data, info.filename.endswith(_XML_SUFFIXES)):
        raise FileRejected(
            f"XML 编码不受支持 / {info.filename} is UTF-16/32 XML, which is not accepted"
        )
    if _DTD.search(data):
        raise FileRejected(
            f"XML 含有 DTD/实体声明 / {info.filename} declares a DTD or entities "
            "(XXE / billion-laughs attack): not accepted"
        )
    max_row, max_col = _used_range(data)
    if max_row * max_col > limits.max_sheet_cells:
        raise FileRejected(
            f"工作表过大 / sheet too large: {info.filename} spans {max_row} rows × "
            f"{max_col} columns = {max_row * max_col} cells, limit {limits.max_sheet_cells}"
        )
    return bool(_DATE1904.search(data))


def inspect_xlsx(path: Path, limits: Limits) -> WorkbookFacts:
    """Reject a hostile or broken xlsx package before parsing; return what the parse needs."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_members(infos, limits)
            if WORKBOOK_PART not in {info.filename for info in infos}:
                raise FileRejected(
                    f"不是 Excel 工作簿 / a zip archive without {WORKBOOK_PART}: not an xlsx file"
                )
            date1904 = False
            for info in infos:
                sets_1904 = _scan_part(archive, info, limits)
                date1904 = date1904 or (sets_1904 and info.filename == WORKBOOK_PART)
    except _CORRUPT as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise FileRejected(f"损坏的 xlsx 文件 / corrupt xlsx: {reason}") from None
    except NotImplementedError as exc:  # an unsupported compression method or encryption
        raise FileRejected(f"无法读取的 xlsx 文件 / unreadable xlsx: {exc}") from None
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required"
        raise FileRejected(f"加密的 xlsx 文件 / encrypted xlsx: {exc}") from None
    return WorkbookFacts(date1904=date1904)
