"""Writing hand-made ledgers the way clerks make them: xlsx sheets, CSV bytes, JSON exports.

Only layout lives here (merged cells, hidden sheets, encodings, envelopes,
a minimal OpenDocument file);
every value a scenario writes is typed in ``ledgers.py`` next to the figures
its test expects, so a reader can count them without running anything.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

Row = Sequence[object]


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its rows from A1 down, cell ranges to merge, and whether it is hidden."""

    name: str
    rows: Sequence[Row]
    merges: Sequence[str] = field(default_factory=tuple)
    hidden: bool = False


def xlsx(path: Path, *sheets: Sheet, date1904: bool = False) -> Path:
    """Write ``sheets`` in the order given (their position), merging and hiding as asked.

    openpyxl stores a formula without a cached value, as a workbook that was
    generated and never opened in Excel has; ``date1904`` switches the
    workbook to the Mac 1904 date system.
    """
    book = Workbook()
    book.remove(book.active)
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append(list(row))
        for cells in sheet.merges:
            ws.merge_cells(cells)
        if sheet.hidden:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def text_file(path: Path, lines: Sequence[str], encoding: str, newline: str = "\n") -> Path:
    """A CSV/TXT ledger: ``lines`` joined by ``newline`` and encoded (``utf-16`` writes a BOM)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def json_file(path: Path, document: object) -> Path:
    """A platform export exactly as ``document`` is shaped (array, envelope, …), UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def jsonl_file(path: Path, records: Sequence[object]) -> Path:
    """JSON Lines: one object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def set_mtime(path: Path, epoch_seconds: float) -> None:
    """Give ``path`` a modification time, as a file saved at that moment has."""
    os.utime(path, (epoch_seconds, epoch_seconds))


_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>
</office:document-content>
"""


def _ods_cell(value: object) -> str:
    """A string cell, or a date cell for a ``date`` (what LibreOffice/WPS write for typed dates)."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, date):
        iso = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def ods(path: Path, *sheets: Sheet) -> Path:
    """A minimal OpenDocument spreadsheet (mimetype stored first, manifest, content.xml)."""
    tables = "".join(
        f'<table:table table:name="{escape(sheet.name)}">'
        + "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            for row in sheet.rows
        )
        + "</table:table>"
        for sheet in sheets
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", _ODS_CONTENT.format(tables=tables), zipfile.ZIP_DEFLATED)
    return path
