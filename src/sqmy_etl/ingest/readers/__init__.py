"""Ledger readers: one entry point, ``read_file``, for every accepted format.

The format is decided by the bytes, not the name (clerks rename files):
zip magic → xlsx or ods (told apart by the package's members), OLE2 magic →
xls or an encrypted workbook, otherwise text whose first character ``[`` or
``{`` means JSON, ``<`` an HTML page exported as "xls" (rejected with advice)
and anything else CSV. The
extension is only a hint (a ``.tsv`` tries tab first, ``.json`` names a
one-object file ``json``). Every problem with the input surfaces as
``FileRejected`` with a Chinese / English reason, never as a traceback.
"""

from __future__ import annotations

from pathlib import Path

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import FileRead
from sqmy_etl.ingest.readers.csv_reader import read_csv
from sqmy_etl.ingest.readers.json_reader import read_json
from sqmy_etl.ingest.readers.text import detect_encoding, first_text_char
from sqmy_etl.ingest.readers.xlsx_guard import OLE2_MAGIC, ZIP_MAGICS
from sqmy_etl.ingest.readers.xlsx_reader import read_xlsx

__all__ = ["read_file"]

# Web systems export "xls" files that are HTML (or XML) pages: read as CSV they would
# name no table, and the clerk would not know why.
HTML_TABLE = (
    "这是网页（HTML/XML）格式的表格，不是真正的 Excel 文件：请在 Excel 或 WPS 中打开，"
    "另存为 xlsx 后重新提交 / an HTML or XML page saved under a spreadsheet name: open it "
    "in Excel or WPS, save it as xlsx and deliver it again"
)


def read_file(
    path: Path, limits: Limits, *, chunk_rows: int | None = None, encoding: str | None = None
) -> FileRead:
    """Read one ledger file into recognised tables; ``FileRejected`` when it cannot be used.

    ``chunk_rows`` reads a CSV in chunks of about that many rows (see ``FileRead``);
    workbooks and JSON, whose size is capped, are always read whole. ``encoding``
    (``sqmy ingest --encoding NAME``) forces the codec of a text file instead of
    detecting it; workbooks carry their own encoding and ignore it.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            magic = fh.read(len(OLE2_MAGIC))
    except OSError as exc:
        raise FileRejected(f"无法读取文件 / cannot read the file: {exc.strerror}") from None
    if size > limits.max_file_bytes:
        raise FileRejected(
            f"文件过大 / file too large: {size} bytes, limit {limits.max_file_bytes}"
        )
    if size == 0:
        raise FileRejected("空文件 / empty file")
    suffix = path.suffix.lower()
    if magic.startswith(ZIP_MAGICS):
        return read_xlsx(path, limits)
    if magic == OLE2_MAGIC:
        return read_xlsx(path, limits, legacy=True)
    codec = detect_encoding(path, encoding)
    first = first_text_char(path, codec)
    if first in ("[", "{"):
        return read_json(path, limits, encoding=codec, suffix=suffix)
    if first == "<":
        raise FileRejected(HTML_TABLE)
    return read_csv(
        path, limits, encoding=codec, prefer_tab=suffix == ".tsv", chunk_rows=chunk_rows
    )
