"""Cheap checks of an xlsx or ods package before any spreadsheet parser sees it.

A 1.6 KB xlsx with one cell at A1 and one at XFD1048576 makes calamine
allocate 512 GiB and abort the whole process, and a few-MB zip can inflate
to gigabytes (STACK-NOTES.md "Reading Excel safely"). So the package is
inspected first, with nothing but the zip central directory and a regex
scan of each XML part (read with a byte cap, whatever its header declares):
declared member sizes and ratios, DTDs (billion laughs / XXE), and the used
cell range — from ``<dimension>`` and the ``r="…"`` attributes — each sheet
would make a parser allocate. An OpenDocument spreadsheet (a zip whose
``mimetype`` member names it) gets the same zip and XML checks; its cell
range comes from ``table:number-rows-repeated`` / ``number-columns-repeated``
instead of ``r`` attributes (``_OdsRangeScan``).
The parse itself then runs in a sandboxed child process as a second line.

The scan also notes, per sheet, the rows of xlsx formula cells that were
saved without a value (``_uncomputed_formula_rows``): the parser reads them
as empty, and a clerk must be told to open and save the file in Excel.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
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
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?c>")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s/>]")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?v(?:\s[^>]*)?>[^<]")  # a <v> holding text
# OpenDocument: tables, rows and cells with their attributes ('>' may sit in quotes)
_ODS_TAG = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
    rb"((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
)
_ODS_REPEAT = re.compile(rb"table:number-(?:rows|columns)-repeated\s*=\s*[\"']\s*(\d+)")
_ODS_VALUE = re.compile(rb"office:value-type\s*=|table:formula\s*=")


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
    """What the pre-check learned that the parse needs.

    ``kind`` is the format (``xlsx``, ``ods``; ``xls`` for an OLE2 file, which
    is not inspected); ``formula_rows`` maps a sheet name to the 1-based rows
    holding a formula cell without a saved value.
    """

    date1904: bool
    kind: str = "xlsx"
    formula_rows: dict[str, frozenset[int]] = field(default_factory=dict)


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


class _OdsRangeScan:
    """The cell range each ``<table:table>`` of an OpenDocument part makes a parser allocate.

    Rows and cells advance by their ``number-*-repeated`` counts; only cells
    with a value or formula (or content) extend the range, as repeated empty
    cells and rows at the end of a sheet — which LibreOffice always writes,
    up to row 1048576 — are not expanded by the parser.
    """

    def __init__(self) -> None:
        self.largest = (0, 0)  # (rows, columns) of the table with the most cells
        self._table_max = (0, 0)
        self._row_end = self._col = 0  # the current row's last row (repeats) and column

    def _close_table(self) -> None:
        rows, cols = self._table_max
        if rows * cols > self.largest[0] * self.largest[1]:
            self.largest = self._table_max
        self._table_max = (0, 0)
        self._row_end = self._col = 0

    def feed(self, data: bytes) -> tuple[int, int]:
        for tag, attrs in _ODS_TAG.findall(data):
            repeat = _ODS_REPEAT.search(attrs)
            count = _row_number(repeat.group(1)) if repeat else 1
            if tag == b"table":
                self._close_table()
            elif tag == b"table-row":
                self._row_end, self._col = self._row_end + count, 0
            else:
                self._col += count
                if not attrs.endswith(b"/") or _ODS_VALUE.search(attrs):
                    rows, cols = self._table_max
                    self._table_max = (max(rows, self._row_end), max(cols, self._col))
        self._close_table()
        return self.largest


def _uncomputed_formula_rows(data: bytes) -> frozenset[int]:
    """1-based rows of the cells in a sheet part that hold a formula but no value.

    openpyxl and some generators write ``<c><f>SUM(…)</f></c>`` and leave
    calculation to Excel; calamine then reads an empty cell. Only sheet parts
    that contain a formula at all get the tag-by-tag scan; a cell without
    ``r`` takes the row of its ``<row>``.
    """
    if b"sheetData" not in data or (b"<f" not in data and b":f" not in data):
        return frozenset()
    found: set[int] = set()
    row = 0
    for match in _TAG.finditer(data):
        tag, attrs = match.groups()
        ref = _REF_ATTR.search(attrs)
        value = ref.group(2).strip() if ref else b""
        if tag == b"row":
            row = _row_number(value) if value.isdigit() else row + 1
        elif tag == b"c" and not attrs.endswith(b"/"):
            end = _CELL_END.search(data, match.end())
            content = data[match.end() : end.start() if end else len(data)]
            if _FORMULA.search(content) and not _VALUE.search(content):
                digits = _CELL_REF.fullmatch(value)
                found.add(_row_number(digits.group(2)) if digits and digits.group(2) else row)
    return frozenset(found)


def _sheet_names_by_part(archive: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    """Sheet part path → sheet name, from the workbook and its relationships.

    Parsed with defusedxml after the DTD scan; an unreadable workbook gives
    an empty map (the parser then rejects the file itself).
    """
    try:
        workbook = fromstring(_read_capped(archive, archive.getinfo(WORKBOOK_PART), limits))
        rels = fromstring(_read_capped(archive, archive.getinfo(WORKBOOK_RELS), limits))
    except (KeyError, ParseError, DefusedXmlException):
        return {}
    targets = {
        node.get("Id"): node.get("Target", "")
        for node in rels.iter()
        if node.tag.rsplit("}", 1)[-1] == "Relationship"
    }
    names: dict[str, str] = {}
    for node in workbook.iter():
        if node.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel = next((v for k, v in node.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rel, "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        names[posixpath.normpath(part)] = node.get("name", "")
    return names


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


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A member's bytes, read with the member cap whatever its header declares."""
    with archive.open(info) as fh:
        data = fh.read(limits.max_zip_member_bytes + 1)
    if len(data) > limits.max_zip_member_bytes:
        raise FileRejected(
            f"压缩包成员过大 / zip bomb guard: {info.filename} inflates past "
            f"{limits.max_zip_member_bytes} bytes"
        )
    return data


@dataclass(frozen=True)
class _PartFacts:
    sets_1904: bool
    formula_rows: frozenset[int]


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, kind: str
) -> _PartFacts:
    """Check one member of a ``kind`` package; reject DTDs and oversized ranges.

    Every member is checked, not only ``*.xml``: the workbook's relationships
    may point a sheet at any name.
    """
    data = _read_capped(archive, info, limits)
    if _is_wide_xml(data, info.filename.endswith(_XML_SUFFIXES)):
        raise FileRejected(
            f"XML 编码不受支持 / {info.filename} is UTF-16/32 XML, which is not accepted"
        )
    if _DTD.search(data):
        raise FileRejected(
            f"XML 含有 DTD/实体声明 / {info.filename} declares a DTD or entities "
            "(XXE / billion-laughs attack): not accepted"
        )
    max_row, max_col = _OdsRangeScan().feed(data) if kind == "ods" else _used_range(data)
    if max_row * max_col > limits.max_sheet_cells:
        raise FileRejected(
            f"工作表过大 / sheet too large: {info.filename} spans {max_row} rows × "
            f"{max_col} columns = {max_row * max_col} cells, limit {limits.max_sheet_cells}"
        )
    if kind == "ods":
        return _PartFacts(sets_1904=False, formula_rows=frozenset())
    return _PartFacts(bool(_DATE1904.search(data)), _uncomputed_formula_rows(data))


def _package_kind(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> str:
    """``xlsx`` or ``ods`` by the package's members; ``FileRejected`` for any other zip."""
    names = {info.filename for info in infos}
    if WORKBOOK_PART in names:
        return "xlsx"
    if "mimetype" in names:
        mimetype = _read_capped(archive, archive.getinfo("mimetype"), limits)
        if mimetype.strip() == ODS_MIMETYPE:
            return "ods"
    raise FileRejected(
        "不是 Excel 或 WPS 表格文件，请另存为 xlsx / a zip archive that is neither an xlsx "
        f"(no {WORKBOOK_PART}) nor an OpenDocument spreadsheet: not a workbook; "
        "save it as xlsx"
    )


def _workbook_facts(archive: zipfile.ZipFile, limits: Limits) -> WorkbookFacts:
    """Scan every member of the package, then name the sheets that hold uncomputed formulas."""
    infos = archive.infolist()
    _check_members(infos, limits)
    kind = _package_kind(archive, infos, limits)
    facts = {info.filename: _scan_part(archive, info, limits, kind) for info in infos}
    date1904 = kind == "xlsx" and facts[WORKBOOK_PART].sets_1904
    formulas = {part: found.formula_rows for part, found in facts.items() if found.formula_rows}
    by_sheet: dict[str, frozenset[int]] = {}
    if formulas:
        names = _sheet_names_by_part(archive, limits)
        by_sheet = {names[part]: rows for part, rows in formulas.items() if part in names}
    return WorkbookFacts(date1904=date1904, kind=kind, formula_rows=by_sheet)


def inspect_xlsx(path: Path, limits: Limits) -> WorkbookFacts:
    """Reject a hostile or broken xlsx / ods package before parsing; return what the
    parse needs."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _workbook_facts(archive, limits)
    except _CORRUPT as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise FileRejected(f"损坏的 xlsx 文件 / corrupt xlsx: {reason}") from None
    except NotImplementedError as exc:  # an unsupported compression method or encryption
        raise FileRejected(f"无法读取的 xlsx 文件 / unreadable xlsx: {exc}") from None
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required"
        raise FileRejected(f"加密的 xlsx 文件 / encrypted xlsx: {exc}") from None
