"""Personal data helpers: keyed hashes, masks, and where the key may live."""

from __future__ import annotations

import hashlib
import hmac
import stat
from dataclasses import replace

import pytest

from sqmy_etl import pii
from sqmy_etl.config import Settings


def test_pii_hash_is_hmac_sha256_of_the_nfkc_value() -> None:
    """The hash is HMAC-SHA256 hex, and full-width digits hash like half-width ones."""
    key = b"0123456789abcdef0123456789abcdef"
    expected = hmac.new(key, b"13800000000", hashlib.sha256).hexdigest()
    assert pii.pii_hash("13800000000", key) == expected
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "13800000000")
    assert pii.pii_hash(f" {full_width} ", key) == expected
    assert pii.pii_hash("13800000000", b"another key of 32 bytes........") != expected


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800000000", "138****0000"),
        ("138-0000-1234", "138****1234"),
        ("+86 139 1234 5678", "139****5678"),
    ],
)
def test_mask_phone_keeps_first_three_and_last_four_digits(value: str, masked: str) -> None:
    """Mobile numbers in any common spelling mask to 138****0000."""
    assert pii.mask_phone(value) == masked


def test_mask_id_card_and_name() -> None:
    """ID numbers keep region and last four; names keep only their first character."""
    assert pii.mask_id_card("11010119900307123x") == "110101********123X"
    assert pii.mask_name("张三") == "张*"
    assert pii.mask_name("欧阳娜娜") == "欧***"


def test_redact_text_masks_numbers_inside_free_text() -> None:
    """Phone and ID numbers typed into prose are masked; other digits stay."""
    text = "联系人电话13912345678，身份证110101199003071234，共3件，编号2021001"
    assert pii.redact_text(text) == (
        "联系人电话139****5678，身份证110101********1234，共3件，编号2021001"
    )


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("填表人：王芳 联系电话：13912342222", "填表人：王芳 联系电话：139****2222"),
        ("农业界 13912342222", "农业界 139****2222"),
        ("赤峰市（电话0476-8123456）", "赤峰市（电话0476-***3456）"),
        ("办公室(0471)6543210转", "办公室(0471)***3210转"),
        ("北京 010-12345678", "北京 010-****5678"),
        ("手机 139-1234-2222 或 139 1234 3333", "手机 139****2222 或 139****3333"),
        ("身份证 110101-19900307-123x", "身份证 110101********123X"),
        ("身份证110101 19900307 1234。", "身份证110101********1234。"),
        ("审核人：李强 04711234567", "审核人：李强 0471***4567"),
    ],
)
def test_redact_text_masks_phones_and_ids_in_any_column(text: str, redacted: str) -> None:
    """Mobiles, landlines and ID numbers (spaced or dashed) are masked in any text, footers too."""
    assert pii.redact_text(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "NM2021-0001",
        "2021-03-18 20210318",
        "2025年第38期（总第612期）",
        "150400 赤峰市",
        "共1234567元",
        "2021-037",
    ],
)
def test_redact_text_leaves_ids_dates_and_codes_alone(text: str) -> None:
    """Submission ids, dates, issue numbers, region codes and short numbers are not masked."""
    assert pii.redact_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "13912342222",
        " 139 1234 2222 ",
        "139-1234-2222",
        "+86 13912342222",
        "0086-139-1234-2222",
        "0471-1234567",
        "(0471)1234567",
        "（０４７１）１２３４５６７",
        "010-12345678",
        "11010119900307123x",
        "110101 19900307 1234",
        "110101900307123",
    ],
)
def test_a_value_that_is_only_a_phone_or_id_number_is_recognised(text: str) -> None:
    """A cell holding just one phone or ID number, however spaced, is told apart."""
    assert pii.is_phone_or_id_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "赤峰市",
        "电话13912342222",
        "13912342222 王芳",
        "150400",
        "2021-03-18",
        "NM2021-0001",
        "1234567",
        "139123422221",
        "23912342222",
        "2025年第38期",
        "",
    ],
)
def test_a_value_with_anything_else_is_not_only_a_number(text: str) -> None:
    """Region names and codes, dates, ids, short or wrong-length numbers and mixed text are not."""
    assert not pii.is_phone_or_id_number(text)


def test_extra_redactor_masks_by_header() -> None:
    """An unknown column whose header names personal data is masked whatever its value."""
    assert pii.extra_redactor("手机号码")("13700000000") == "137****0000"
    assert pii.extra_redactor("联系人")("王小明") == "王**"
    assert pii.extra_redactor("备注")("无") == "无"
    assert pii.extra_redactor("备注")("电话13700000000") == "电话137****0000"


def test_load_key_creates_a_private_key_file_once(settings: Settings) -> None:
    """The first call creates a 0600 file with a random 32-byte key; later calls reuse it."""
    key = pii.load_key(settings)
    mode = stat.S_IMODE(settings.pii_key_file.stat().st_mode)
    assert mode == 0o600
    assert len(key) == 32
    assert pii.load_key(settings) == key
    assert not settings.pii_key_file.resolve().is_relative_to(settings.warehouse.parent)


def test_load_key_prefers_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQMY_PII_KEY (hex) wins over the key file, and no file is created for it."""
    monkeypatch.setenv("SQMY_PII_KEY", "ab" * 32)
    assert pii.load_key(settings) == bytes.fromhex("ab" * 32)
    assert not settings.pii_key_file.exists()


@pytest.mark.parametrize("where", ["warehouse", "published"])
def test_load_key_refuses_a_key_file_next_to_the_data(settings: Settings, where: str) -> None:
    """A key stored with the warehouse or the published marts would unlock them: refused."""
    folder = settings.warehouse.parent if where == "warehouse" else settings.published_dir
    inside = replace(settings, pii_key_file=folder / "pii.key")
    with pytest.raises(pii.PiiKeyError, match="inside"):
        pii.load_key(inside)
    assert not (folder / "pii.key").exists()


def test_load_key_rejects_a_malformed_key(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short or non-hex key fails loudly instead of hashing with a weak key."""
    monkeypatch.setenv("SQMY_PII_KEY", "not-hex")
    with pytest.raises(pii.PiiKeyError):
        pii.load_key(settings)
    monkeypatch.setenv("SQMY_PII_KEY", "abcd")
    with pytest.raises(pii.PiiKeyError):
        pii.load_key(settings)
