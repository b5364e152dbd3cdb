"""CSV / TSV ledgers: strict decoding, comma, tab or semicolon, one table per file.

The delimiter is the one under which a row among the first 11 is a
recognisable header (a German- or French-locale Excel saves "CSV" with
semicolons; Excel's "Unicode 文本" uses tabs), so a stray comma in a title
row cannot mislead it the way counting characters would. Row numbers are
the physical line where a record starts (a quoted field may span lines), so
a clerk can find a quarantined row in a text editor.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import FileRead
from sqmy_etl.ingest.readers.table import (
    HEAD_ROWS,
    NumberedRow,
    describe_head,
    find_header,
    table_chunks,
)
from sqmy_etl.ingest.readers.text import detect_encoding

DELIMITERS = (",", "\t", ";")


def _records(path: Path, encoding: str, delimiter: str) -> Iterator[NumberedRow]:
    """(line where the record starts, fields) for every record, blank lines included."""
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        start = 1
        try:
            for fields in reader:
                yield start, fields
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileRejected(
                f"CSV 解析错误 / CSV error near line {reader.line_num}: {exc}"
            ) from None


def _choose_delimiter(path: Path, encoding: str, prefer_tab: bool) -> str:
    """The delimiter under which one of the first rows is a recognisable header."""
    order = ("\t", *(d for d in DELIMITERS if d != "\t")) if prefer_tab else DELIMITERS
    heads = [list(islice(_records(path, encoding, d), HEAD_ROWS)) for d in order]
    for delimiter, head in zip(order, heads, strict=True):
        if find_header(head) is not None:
            return delimiter
    # quote the rows as split by the preferred delimiter: that is what the clerk meant
    raise FileRejected(f"没有可识别的表格 / no recognisable table: {describe_head(heads[0])}")


def read_csv(
    path: Path,
    limits: Limits,
    *,
    encoding: str | None = None,
    prefer_tab: bool = False,
    chunk_rows: int | None = None,
) -> FileRead:
    """Read a delimited text ledger; ``FileRejected`` for bad bytes or no header.

    ``encoding`` is the result of ``detect_encoding`` when the caller already has it.
    With ``chunk_rows`` only the first chunk of rows is read here; the others
    are read as ``FileRead.rest`` is taken (see ``table_chunks``).
    """
    encoding = encoding or detect_encoding(path)
    if csv.field_size_limit() < limits.max_field_bytes:
        # the csv module's own cap (128 KiB by default) would reject legitimate long
        # 正文 cells; the byte cap of Limits is enforced per field in table_chunks
        csv.field_size_limit(limits.max_field_bytes)
    delimiter = _choose_delimiter(path, encoding, prefer_tab)
    records = _records(path, encoding, delimiter)
    chunks = table_chunks(records, sheet="", limits=limits, chunk_rows=chunk_rows, text_rows=True)
    first = next(chunks)
    rest = ([chunk] for chunk in chunks)
    return FileRead(file_format="csv", encoding=encoding, tables=[first], rest=rest)
