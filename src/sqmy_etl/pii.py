"""Personal data: keyed hashes for joining, masks for recognising, never clear text.

Submitter names, phone and ID-card numbers must not leave the archived
original file (PIPL). The loader replaces them with an HMAC-SHA256 (stable
per key, so the same person joins across files without being readable) and
a masked form a clerk can still recognise (``138****0000``, ``张*``). The key
lives outside the warehouse and the published marts, so a copied database
alone cannot be brute-forced over the small phone-number space.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import unicodedata
from collections.abc import Callable

from sqmy_etl.config import Settings

log = logging.getLogger(__name__)

KEY_ENV = "SQMY_PII_KEY"
KEY_BYTES = 32
MIN_KEY_BYTES = 16

# Mainland mobile numbers, landlines (area code 0xx / 0xxx, written 0471-1234567,
# (0471)1234567 or 04711234567) and 15/18-character resident ID numbers (digit groups
# may be split by a space or dash), not glued to other digits; free text (already NFKC,
# so ASCII digits) is scanned for them so a number typed into a note, a 界别 cell or a
# footer line is masked too. The patterns start with a plain character class: Python's
# re scans those fast, which matters on a million rows of prose.
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])"
)
_LANDLINE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(\(0[1-9][0-9]{1,2}\) ?|0[1-9][0-9]{1,2}[- ]?)([0-9]{7,8})(?![0-9])"
)
_ID_CARD_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9]{6}[- ]?[0-9]{8}[- ]?[0-9]{3}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])"
)
_NOT_DIGIT = re.compile(r"[^0-9]")
# every number above holds seven digits in a row or a "ddd-dddd" group: text without
# either is returned untouched without running the three patterns
DIGIT_RUN = re.compile(r"[0-9]{7}|[0-9]{3}[- ][0-9]{4}")
# a cell holding nothing but one such number (CONTRACT §1: treated as missing)
_NUMBER_SEPARATORS = re.compile(r"[\s()+-]")
_ONLY_NUMBER = re.compile(
    r"(?:0086|86)?1[3-9][0-9]{9}"  # mobile, perhaps with +86 / 0086
    r"|0[1-9][0-9]{8,10}"  # landline: area code and a 7- or 8-digit number
    r"|[0-9]{17}[0-9X]|[0-9]{15}"  # resident ID number
)


class PiiKeyError(RuntimeError):
    """The PII key is missing, malformed or stored where it must not be."""


def _decode_key(text: str, origin: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise PiiKeyError(f"{origin}: the PII key must be hex text") from exc
    if len(key) < MIN_KEY_BYTES:
        raise PiiKeyError(f"{origin}: the PII key must have at least {MIN_KEY_BYTES} bytes")
    return key


def _check_key_location(settings: Settings) -> None:
    key_file = settings.pii_key_file.resolve()
    for forbidden in (settings.warehouse.parent, settings.published_dir):
        if key_file.is_relative_to(forbidden.resolve()):
            raise PiiKeyError(
                f"PII key file {key_file} lies inside {forbidden}: "
                "the key must never travel with the data it protects"
            )


def load_key(settings: Settings) -> bytes:
    """The HMAC key: ``SQMY_PII_KEY`` (hex) if set, else the key file, created on first use.

    The file is created exclusively with mode 0600 so two first runs cannot
    end up with different keys and other users cannot read it.
    """
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return _decode_key(from_env, KEY_ENV)
    _check_key_location(settings)
    key_file = settings.pii_key_file
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if key_file.stat().st_mode & 0o077:
            log.warning("PII key file %s is readable by other users; chmod 600 it", key_file)
        return _decode_key(key_file.read_text("ascii"), str(key_file))
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(KEY_BYTES) + "\n")
    log.info("created a new PII key file %s", key_file)
    return _decode_key(key_file.read_text("ascii"), str(key_file))


def pii_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 hex of the NFKC-normalised, trimmed value (full-width digits hash alike)."""
    canonical = unicodedata.normalize("NFKC", value).strip()
    return hmac.digest(key, canonical.encode("utf-8"), hashlib.sha256).hex()


def phone_digits(value: str) -> str:
    """The digits of a phone number without a +86 / 0086 prefix: the form that is hashed."""
    if len(value) == 11 and value.isascii() and value.isdigit():
        return value  # the common case, a million times per big file
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def id_card_canonical(value: str) -> str:
    """An ID-card number as it is hashed: NFKC, no spaces, upper-case check letter."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def mask_phone(value: str) -> str:
    """``13800000000`` → ``138****0000``: first 3 and last 4 digits stay recognisable."""
    digits = phone_digits(value)
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_id_card(value: str) -> str:
    """``110101199003071234`` → ``110101********1234``: region and check tail only."""
    text = id_card_canonical(value)
    if len(text) >= 11:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    return "*" * len(text)


def mask_name(value: str) -> str:
    """``张三`` → ``张*``: the first character, one star per hidden character."""
    text = unicodedata.normalize("NFKC", value).strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


def is_phone_or_id_number(text: str) -> bool:
    """Whether ``text`` is nothing but one phone (mobile or landline) or ID-card number.

    Spaces, dashes, brackets and a leading ``+`` may split the digits
    (``139 1234 2222``, ``(0471)1234567``, ``110101 19900307 123X``). Such a
    value in a column that is not meant for personal data (界别, 盟市, 主题, 标题)
    was typed into the wrong cell: it is treated as missing, never as a value.
    """
    compact = _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    return _ONLY_NUMBER.fullmatch(compact) is not None


def _mask_landline(match: re.Match[str]) -> str:
    """``0471-1234567`` → ``0471-***4567``: the area code and the last four digits stay."""
    area, number = match.group(1), match.group(2)
    return area + "*" * (len(number) - 4) + number[-4:]


def _mask_id_in_text(match: re.Match[str]) -> str:
    return mask_id_card(match.group(0).replace("-", "").replace(" ", ""))


def redact_text(text: str) -> str:
    """Mask phone (mobile and landline) and ID-card numbers inside free text; keep the rest.

    ``填表人：王芳 联系电话：13912342222`` → ``填表人：王芳 联系电话：139****2222``.
    ID numbers go first, so their digits are never read as a phone number.
    """
    if not DIGIT_RUN.search(text):
        return text
    text = _ID_CARD_IN_TEXT.sub(_mask_id_in_text, text)
    text = _LANDLINE_IN_TEXT.sub(_mask_landline, text)
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


# Headers of unknown extra columns that announce personal data: their values are
# masked whatever they look like (a ledger may say 手机号码 or 联系人).
_EXTRA_HEADER_MASKS = (
    (("身份证", "证件"), mask_id_card),
    (("电话", "手机", "联系方式"), mask_phone),
    (("姓名", "联系人", "名字"), mask_name),
)


def extra_redactor(header: str) -> Callable[[str], str]:
    """How the values of an unknown column may be stored: masked when the header names PII.

    Chosen once per column, as a ledger's extra column can hold a million values.
    """
    for hints, mask in _EXTRA_HEADER_MASKS:
        if any(hint in header for hint in hints):
            return mask
    return redact_text
