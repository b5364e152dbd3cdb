"""Strict text decoding for CSV and JSON: UTF-8 (BOM allowed), else GB18030, else reject.

Offices still save CSV from Excel as GBK, so both encodings are accepted,
but never by guessing byte-by-byte: the whole file must decode without a
single error in one of them, otherwise it is rejected with the offending
byte and offset. Nothing is ever dropped or replaced. The check streams
the file, so a 1 GB ledger costs no more memory than a small one.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from sqmy_etl.ingest.model import FileRejected

_CHUNK = 1 << 20


def _first_error(path: Path, encoding: str, skip: int = 0) -> tuple[int, int] | None:
    """(offset, byte) of the first undecodable byte of ``path`` in ``encoding``, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    fed = skip
    with path.open("rb") as fh:
        fh.seek(skip)
        while True:
            chunk = fh.read(_CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                offset = fed - pending + exc.start
                return offset, exc.object[exc.start]
            if not chunk:
                return None
            fed += len(chunk)


def _nul_offset(path: Path) -> int | None:
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            found = chunk.find(b"\x00")
            if found >= 0:
                return done + found
            done += len(chunk)
    return None


def detect_encoding(path: Path) -> str:
    """``'utf-8'``, ``'utf-8-sig'`` or ``'gb18030'``; ``FileRejected`` naming the bad byte.

    A NUL byte is rejected up front: it means a binary file or UTF-16 text,
    and no ledger cell legitimately contains one. A file that starts with a
    UTF-8 byte-order mark declares itself UTF-8, so it is not retried as
    GB18030 (that would turn it into mojibake instead of rejecting it).
    """
    nul = _nul_offset(path)
    if nul is not None:
        raise FileRejected(
            f"包含NUL字节（二进制文件或UTF-16编码？）/ NUL byte at offset {nul}: "
            "a binary or UTF-16 file, not UTF-8 or GB18030 text"
        )
    with path.open("rb") as fh:
        has_bom = fh.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
    utf8 = _first_error(path, "utf-8", skip=len(codecs.BOM_UTF8) if has_bom else 0)
    if utf8 is None:
        return "utf-8-sig" if has_bom else "utf-8"
    if has_bom:
        raise FileRejected(
            "无法识别的编码 / undecodable: starts with a UTF-8 BOM but is not valid UTF-8 "
            f"(byte 0x{utf8[1]:02X} at offset {utf8[0]})"
        )
    gb = _first_error(path, "gb18030")
    if gb is None:
        return "gb18030"
    raise FileRejected(
        "无法识别的编码 / undecodable: not UTF-8 "
        f"(byte 0x{utf8[1]:02X} at offset {utf8[0]}) nor GB18030 "
        f"(byte 0x{gb[1]:02X} at offset {gb[0]})"
    )


def first_text_char(path: Path, encoding: str) -> str:
    """The first non-whitespace character of a decoded text file ('' when blank)."""
    with path.open(encoding=encoding, newline="") as fh:
        while chunk := fh.read(4096):
            stripped = chunk.lstrip().lstrip("\ufeff").lstrip()
            if stripped:
                return stripped[0]
    return ""
