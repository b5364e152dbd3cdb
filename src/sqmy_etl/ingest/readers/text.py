"""Strict text decoding for CSV and JSON (CONTRACT.md §1 "Formats").

Offices save text ledgers from Excel and WPS as UTF-8, as "Unicode 文本"
(UTF-16 with a byte-order mark) or as GBK, so all three are accepted, but
never by guessing byte-by-byte: the whole file must decode without a single
error, otherwise it is rejected with the offending byte and offset. Nothing
is ever dropped or replaced. Detection, in order:

1. a byte-order mark declares the encoding: UTF-8 (``EF BB BF``) or UTF-16
   LE / BE (``FF FE`` / ``FE FF``); the file must decode in it;
2. otherwise a NUL byte rejects the file (binary, or UTF-16 without a mark);
3. UTF-8; else GB18030 (a superset of GBK / GB2312) when the text it gives
   is plausible Chinese (``_Plausibility``); else the file is rejected.

``--encoding NAME`` (``forced``) replaces detection: that codec must decode
every byte. Every refusal tells the clerk what to do (``ADVICE``). The
checks stream the file, so a 1 GB ledger costs no more memory than a small one.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from sqmy_etl.errors import FileRejected

_CHUNK = 1 << 20
ADVICE = (
    "请另存为 UTF-8 或使用 --encoding 指定编码",
    "save the file as UTF-8 or name its encoding with --encoding",
)
# (mark, codec that reads the file and drops the mark, name shown); UTF-32's marks
# start like UTF-16's and are caught by the NUL characters they decode to
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
# GB2312's punctuation, numbered-list and full-width rows (A1-A3) and its
# 6763 hanzi (B0-F7): what Chinese ledger text is made of. Its kana, Greek,
# Cyrillic, pinyin / bopomofo and box-drawing rows (A4-A9) are left out.
_COMMON_LEADS = (0xA1, 0xA2, 0xA3, *range(0xB0, 0xF8))
_SAMPLE_CHARS = _CHUNK  # the share of uncommon characters is judged on the first 1 Mi chars
_MAX_UNCOMMON_SHARE = 0.2
_MIN_UNCOMMON = 3

Observer = Callable[[str, int], None]  # (decoded text, chars decoded before it)


def _refusal(zh: str, en: str) -> FileRejected:
    """A rejection whose reason says, in both languages, how to get the file in."""
    return FileRejected(f"{zh}，{ADVICE[0]} / {en}; {ADVICE[1]}")


def _first_error(
    path: Path, encoding: str, skip: int = 0, observe: Observer | None = None
) -> tuple[int, int] | None:
    """(offset, byte) of the first undecodable byte of ``path`` in ``encoding``, or None.

    ``observe`` sees the decoded text chunk by chunk and may raise ``FileRejected``.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    fed = skip
    decoded = 0
    with path.open("rb") as fh:
        fh.seek(skip)
        while True:
            chunk = fh.read(_CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                offset = fed - pending + exc.start
                return offset, exc.object[exc.start]
            except UnicodeError:  # a codec refusing its input as a whole ("utf-16": no BOM)
                return fed - pending, (decoder.getstate()[0] + chunk + b"\x00")[0]
            if observe is not None:
                observe(text, decoded)
            decoded += len(text)
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


def _no_nul_char(text: str, before: int) -> None:
    """Reject decoded text holding U+0000: no ledger cell contains one (UTF-32, binary)."""
    found = text.find("\x00")
    if found >= 0:
        raise _refusal(
            f"解码后第{before + found + 1}个字符是NUL（二进制文件或 UTF-32 编码？）",
            f"NUL character at character {before + found + 1} after decoding "
            "(a binary or UTF-32 file?)",
        )


@cache
def _uncommon_table() -> dict[int, None]:
    """A ``str.translate`` table deleting ASCII and GB2312's common rows (see above).

    Built from the standard library's GB2312 codec, so the set is the
    standard's, not a hand-typed list.
    """
    table: dict[int, None] = dict.fromkeys(range(128))
    for lead in _COMMON_LEADS:
        for trail in range(0xA1, 0xFF):
            try:
                table[ord(bytes((lead, trail)).decode("gb2312"))] = None
            except UnicodeDecodeError:
                continue  # an unassigned position in the row
    return table


class _Plausibility:
    """Rejects a GB18030 decode that is not Chinese text but another encoding's bytes.

    Every byte string with GBK's lead / trail ranges decodes as GB18030, so a
    Big5 (or other) file decodes without error — as mojibake. Two signs give
    it away: (1) private-use characters (GB18030 maps its unassigned
    user-defined areas there; Big5's common traditional characters land in
    them), anywhere in the file; (2) within the first 1 Mi characters, at
    least ``_MIN_UNCOMMON`` and more than a fifth of the non-ASCII characters
    lie outside GB2312's hanzi and punctuation (Big5 bytes turn into kana,
    bopomofo and rare GBK-only hanzi; a real ledger's rare name characters
    are a few per cent). A genuine GBK file in traditional characters may
    trip (2): ``--encoding gb18030`` then loads it as it is.
    """

    def __init__(self) -> None:
        self.non_ascii = 0
        self.uncommon = 0

    def __call__(self, text: str, before: int) -> None:
        found = _PRIVATE_USE.search(text)
        if found:
            at = before + found.start() + 1
            raise _refusal(
                f"按 GB18030 解码后第{at}个字符是私用区字符 U+{ord(found.group()):04X}，"
                "疑似 Big5 等其他编码",
                f"decoded as GB18030 the text holds the private-use character "
                f"U+{ord(found.group()):04X} at character {at}: a Big5 or other encoding",
            )
        if before < _SAMPLE_CHARS:
            sample = text[: _SAMPLE_CHARS - before]
            self.non_ascii += len(sample) - len(sample.encode("ascii", "ignore"))
            self.uncommon += len(sample.translate(_uncommon_table()))

    def check(self) -> None:
        """Once the whole file has decoded: reject when the sample's share is too high."""
        if self.uncommon >= _MIN_UNCOMMON and self.uncommon > self.non_ascii * _MAX_UNCOMMON_SHARE:
            raise _refusal(
                f"按 GB18030 解码后{self.non_ascii}个非 ASCII 字符中有{self.uncommon}个"
                "不是常用汉字或标点，疑似 Big5 等其他编码",
                f"decoded as GB18030, {self.uncommon} of {self.non_ascii} non-ASCII characters "
                "are not common Chinese characters: a Big5 or other encoding",
            )


def check_encoding_name(name: str) -> str:
    """The codec's canonical name for ``--encoding NAME``; ``FileRejected`` for an unknown one.

    Codecs that are not text encodings (``base64``, ``rot13``) are refused too.
    """
    try:
        canonical = codecs.lookup(name).name
        b"a".decode(name, "ignore")  # LookupError for bytes-to-bytes codecs
    except LookupError:
        shown = name[:60]
        raise FileRejected(
            f"未知的编码名称 {shown!r}，请使用 utf-8、gb18030、big5、utf-16 等名称 / "
            f"unknown encoding {shown!r} given with --encoding: use a name such as "
            "utf-8, gb18030, big5 or utf-16"
        ) from None
    return canonical


def _forced(path: Path, name: str) -> str:
    """The codec the clerk named, after checking it decodes the whole file strictly."""
    encoding = check_encoding_name(name)
    if encoding == "utf-8" and _starts_with(path, codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    error = _first_error(path, encoding, observe=_no_nul_char)
    if error is not None:
        raise FileRejected(
            f"按指定编码 {encoding} 无法解码（偏移 {error[0]} 处的字节 0x{error[1]:02X}），"
            "请检查 --encoding 或另存为 UTF-8 / undecodable in the encoding given with "
            f"--encoding, {encoding} (byte 0x{error[1]:02X} at offset {error[0]}); "
            "check the name or save the file as UTF-8"
        )
    return encoding


def _starts_with(path: Path, mark: bytes) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(mark)) == mark


def _with_bom(path: Path) -> str | None:
    """The encoding a byte-order mark declares, checked; None when there is no mark."""
    for mark, encoding, label in _BOMS:
        if _starts_with(path, mark):
            error = _first_error(path, encoding, observe=_no_nul_char)
            if error is None:
                return encoding
            raise _refusal(
                f"文件以 {label} 标记开头，但不是有效的 {label}"
                f"（偏移 {error[0]} 处的字节 0x{error[1]:02X}）",
                f"undecodable: starts with a {label} BOM but is not valid {label} "
                f"(byte 0x{error[1]:02X} at offset {error[0]})",
            )
    return None


def detect_encoding(path: Path, forced: str | None = None) -> str:
    """``'utf-8'``, ``'utf-8-sig'``, ``'utf-16'`` or ``'gb18030'`` (or ``forced``, checked);
    ``FileRejected`` naming the bad byte or character and what to do.

    A file that starts with a byte-order mark declares its encoding, so it is
    not retried as another one (that would turn it into mojibake instead of
    rejecting it). Without a mark a NUL byte is rejected up front: it means a
    binary file or UTF-16 text without a BOM, and no ledger cell holds one.
    """
    if forced:
        return _forced(path, forced)
    declared = _with_bom(path)
    if declared is not None:
        return declared
    nul = _nul_offset(path)
    if nul is not None:
        raise _refusal(
            f"偏移 {nul} 处有 NUL 字节（二进制文件，或不带 BOM 的 UTF-16？）",
            f"NUL byte at offset {nul}: a binary file, or UTF-16 without a byte-order mark",
        )
    utf8 = _first_error(path, "utf-8")
    if utf8 is None:
        return "utf-8"
    plausibility = _Plausibility()
    gb = _first_error(path, "gb18030", observe=plausibility)
    if gb is None:
        plausibility.check()
        return "gb18030"
    raise _refusal(
        "无法识别的编码（既不是 UTF-8 也不是 GB18030）",
        f"undecodable: not UTF-8 (byte 0x{utf8[1]:02X} at offset {utf8[0]}) "
        f"nor GB18030 (byte 0x{gb[1]:02X} at offset {gb[0]})",
    )


def first_text_char(path: Path, encoding: str) -> str:
    """The first non-whitespace character of a decoded text file ('' when blank)."""
    with path.open(encoding=encoding, newline="") as fh:
        while chunk := fh.read(4096):
            stripped = chunk.lstrip().lstrip("\ufeff").lstrip()
            if stripped:
                return stripped[0]
    return ""
