"""Scalar value parsers: dates, issue numbers, feedback types, id lists, text."""

from __future__ import annotations

import contextlib
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sqmy_etl.ingest.values import (
    issue_id,
    normalise_text,
    parse_date,
    parse_feedback_type,
    parse_issue_no,
    split_ids,
)

MARCH_18 = date(2021, 3, 18)


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-18",
        "2021/3/18",
        "2021.3.18",
        "2021年3月18日",
        "20210318",
        "2021-3-18",
        "2021/03/18",
        "2021年03月18日",
        "2021 年 3 月 18 日",
        "２０２１年３月１８日",
        "  2021-03-18  ",
        "2021-03-18 09:30",
        "2021-03-18 09:30:15",
        "2021-03-18T09:30:15",
        "2021-03-18T09:30:15.123456",
        "2021/3/18 9:30",
        "2021.3.18 23:59:59",
        "2021年3月18日 9:30",
        "2021年3月18日9时30分",
        "2021年3月18日 9时30分15秒",
        "20210318 09:30",
        "2021-03-18T09:30:00+08:00",
        "2021-03-18T01:30:00Z",
        "2021-03-18 01:30:00 +0000",
    ],
)
def test_parse_date_accepts_every_contract_form(text: str) -> None:
    """Each written date form of CONTRACT §1, with or without a time, reads as 2021-03-18."""
    assert parse_date(text) == MARCH_18


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-31T20:00:00Z", date(2022, 1, 1)),  # 04:00 next day in Shanghai
        ("2021-12-31T15:59:59Z", date(2021, 12, 31)),  # 23:59:59 in Shanghai
        ("2021-12-31T16:00:00+00:00", date(2022, 1, 1)),
        ("2022-01-01T01:00:00+09:00", date(2022, 1, 1)),  # 00:00 in Shanghai
        ("2022-01-01T00:30:00+09:00", date(2021, 12, 31)),  # 23:30 the day before
        ("2021-12-31T20:00:00-05:00", date(2022, 1, 1)),  # 01:00Z = 09:00 Jan 1 Shanghai
        ("2022-01-01T12:00:00-05:00", date(2022, 1, 2)),  # 17:00Z = 01:00 Jan 2 Shanghai
        ("20211231T200000Z", date(2022, 1, 1)),
        ("2021-12-31 20:00:00", date(2021, 12, 31)),  # no offset: already Shanghai time
    ],
)
def test_parse_date_converts_offsets_to_shanghai(text: str, expected: date) -> None:
    """A timestamp with an offset takes its Asia/Shanghai calendar date; one without is local."""
    assert parse_date(text) == expected


def test_parse_date_takes_date_and_datetime_objects() -> None:
    """Excel date cells (date, naive datetime) keep their date; aware datetimes go to Shanghai."""
    assert parse_date(MARCH_18) == MARCH_18
    assert parse_date(datetime(2021, 3, 18, 23, 59)) == MARCH_18
    utc_evening = datetime(2021, 12, 31, 20, 0, tzinfo=UTC)
    assert parse_date(utc_evening) == date(2022, 1, 1)
    assert parse_date(datetime(2021, 3, 18, 12, tzinfo=timezone(timedelta(hours=8)))) == MARCH_18


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # serial 60 is Excel's fictitious 1900-02-29
        (32874, date(1990, 1, 1)),
        (44273, date(2021, 3, 18)),
        (44273.0, date(2021, 3, 18)),
        (44273.75, date(2021, 3, 18)),  # 18:00 on the same day
        ("44273", date(2021, 3, 18)),
        ("44273.5", date(2021, 3, 18)),
        (44561, date(2021, 12, 31)),
        (20210318, date(2021, 3, 18)),  # yyyymmdd typed into Excel as a number
        (20210318.0, date(2021, 3, 18)),
    ],
)
def test_parse_date_reads_1900_serials(serial: float | str, expected: date) -> None:
    """Excel 1900-system serials (numbers or numeric text) give the date Excel shows."""
    assert parse_date(serial) == expected


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (0, date(1904, 1, 1)),
        (1, date(1904, 1, 2)),
        (42811, date(2021, 3, 18)),  # 1462 days less than the 1900 serial
        ("42811", date(2021, 3, 18)),
    ],
)
def test_parse_date_reads_1904_serials(serial: float | str, expected: date) -> None:
    """With date1904=True a serial counts days from 1904-01-01 (old Mac workbooks)."""
    assert parse_date(serial, date1904=True) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "not a date",
        "2021-02-30",
        "2021-13-01",
        "2021年2月29日",
        "20210230",
        "2021-03-18 25:00",
        "2021-03-18 12:61",
        "2021-3/18",
        "2021-03-18 garbage",
        60,
        0,
        -5,
        float("nan"),
        float("inf"),
        True,
        3_000_000,
        10**400,
        -(10**400),
        ["2021-03-18"],
        "2021",  # a year alone, not serial 2021
        "37",
        "1234567",
    ],
)
def test_parse_date_rejects_the_unparseable(value: object) -> None:
    """Blank, impossible or foreign values raise ValueError with a message."""
    with pytest.raises(ValueError, match=r"\S"):
        parse_date(value)  # type: ignore[arg-type]


def test_parse_date_does_not_check_the_plausible_range() -> None:
    """Far past and future dates parse; the 1990..today window is a validation rule."""
    assert parse_date("1989-12-31") == date(1989, 12, 31)
    assert parse_date("2999-01-01") == date(2999, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021年第37期", (2021, 37)),
        ("第37期", (None, 37)),
        ("37", (None, 37)),
        ("37期", (None, 37)),
        ("037", (None, 37)),
        ("２０２１年第３７期", (2021, 37)),
        ("３７期", (None, 37)),
        (" 2021 年 第 37 期 ", (2021, 37)),
        ("2021年37期", (2021, 37)),
        ("2021-037", (2021, 37)),
        ("2021-37", (2021, 37)),
        ("《社情民意》2021年第37期", (2021, 37)),
        (37, (None, 37)),
        (37.0, (None, 37)),
        ("2021年第1期", (2021, 1)),
        ("第204期", (None, 204)),
        ("2025年第38期（总第612期）", (2025, 38)),
        ("2025年第38期(总第612期)", (2025, 38)),
        ("第38期 总第612期", (None, 38)),
        ("《社情民意》2025年第38期（总第612期）", (2025, 38)),
        ("38期（总第612期）", (None, 38)),
        ("2025-038 总第612期", (2025, 38)),
    ],
)
def test_parse_issue_no_accepts_every_contract_form(
    value: object, expected: tuple[int | None, int]
) -> None:
    """Issue numbers with or without year, full-width or canonical, give (year, seq)."""
    assert parse_issue_no(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        *(None, "", "第0期", "0", 0, -3, 37.5, "第期", "abc", "2021年", "37期期", True),
        *("第37-1期", "2021年第0期", "2021年第000期", "2021年第1234567期"),
    ],
)
def test_parse_issue_no_rejects_the_unparseable(value: object) -> None:
    """A blank, zero or malformed issue number raises ValueError."""
    with pytest.raises(ValueError, match=r"\S"):
        parse_issue_no(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["总第612期", "（总第612期）", " 总第 612 期 "])
def test_a_cumulative_number_alone_is_not_an_issue_number(value: str) -> None:
    """总第612期 without 第N期 names no issue of a year: the error asks for 第N期."""
    with pytest.raises(ValueError, match="缺少“第N期”"):
        parse_issue_no(value)


@given(st.integers(1000, 2999), st.integers(0, 999_999), st.integers(0, 3))
def test_the_plain_form_reads_as_the_contract_forms_do(year: int, seq: int, zeros: int) -> None:
    """2021年第37期 (zero-padded or not) gives what 2021年度第37期, its other spelling, gives;
    a zero or a number of more than six digits is no issue number."""
    digits = "0" * zeros + str(seq)
    written = f"{year}年第{digits}期"
    if seq == 0 or len(digits) > 6:
        with pytest.raises(ValueError, match=r"\S"):
            parse_issue_no(written)
        return
    assert parse_issue_no(written) == parse_issue_no(f"{year}年度第{digits}期") == (year, seq)


def test_no_character_but_whitespace_normalises_to_nothing() -> None:
    """Readers take a cell opening with a non-space character as filled without normalising it
    (``readers.table._blank``); that holds because no such character is blank after NFKC."""
    blank = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code < 0xE000  # lone surrogates are no text
        and not chr(code).isspace()
        and normalise_text(chr(code)) is None
    ]
    assert blank == []


def test_issue_id_is_year_dash_three_digit_seq() -> None:
    """The canonical issue id pads the sequence to three digits."""
    assert issue_id(2021, 37) == "2021-037"
    assert issue_id(2021, 204) == "2021-204"
    assert issue_id(2022, 1) == "2022-001"
    assert issue_id(2022, 1234) == "2022-1234"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "批示"),
        ("", "批示"),
        ("  ", "批示"),
        ("批示", "批示"),
        (" 批示 ", "批示"),
        ("采用", "采用"),
        ("采纳", "采用"),
        (" 录用 ", "采用"),
    ],
)
def test_parse_feedback_type_defaults_to_instruction(value: object, expected: str) -> None:
    """A blank type means 批示; 批示 and 采用 are kept; 采纳 and 录用 are 采用."""
    assert parse_feedback_type(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["转办", "批 示x", "adopted", 1])
def test_parse_feedback_type_rejects_other_types(value: object) -> None:
    """Anything but 批示 / 采用 / blank raises ValueError."""
    with pytest.raises(ValueError, match="批示"):
        parse_feedback_type(value)  # type: ignore[arg-type]


def test_split_ids_splits_on_every_separator_and_keeps_order() -> None:
    """Ids split on , ， 、 ; ； and whitespace, empties dropped, order kept, NFKC applied."""
    written = "NM2021-0003，NM2021-0001、NM2021-0002;NM2021-0005；NM2021-0004 NM2021-0006\tＮＭ7,,"
    assert split_ids(written) == [
        "NM2021-0003",
        "NM2021-0001",
        "NM2021-0002",
        "NM2021-0005",
        "NM2021-0004",
        "NM2021-0006",
        "NM7",
    ]
    assert split_ids(None) == []
    assert split_ids("  ") == []
    assert split_ids(["A1", "A2、A3"]) == ["A1", "A2", "A3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  \u3000 ", None),
        ("  赤峰市 ", "赤峰市"),
        ("ＡＢＣ１２３", "ABC123"),
        (120.0, "120"),
        (13800000000.0, "13800000000"),
        (1.5, "1.5"),
        (120, "120"),
        (date(2021, 3, 18), "2021-03-18"),
        (datetime(2021, 3, 18, 9, 30), "2021-03-18T09:30:00"),
        (float("nan"), None),
    ],
)
def test_normalise_text(value: object, expected: str | None) -> None:
    """Text is NFKC and trimmed, blank is None, integral floats lose '.0', dates are ISO."""
    assert normalise_text(value) == expected  # type: ignore[arg-type]


def test_normalise_text_never_truncates_long_chinese() -> None:
    """A long Chinese paragraph comes back whole."""
    paragraph = "关于进一步加强农村牧区供暖保障工作的建议。" * 5000
    assert normalise_text(paragraph) == paragraph


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789-/.年月日第期 :TZ+", max_size=30),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
)


@given(CELLS, st.booleans())
def test_parse_date_raises_only_value_error(value: object, date1904: bool) -> None:
    """Any cell either parses to a date or raises ValueError, never another exception."""
    with contextlib.suppress(ValueError):
        assert isinstance(parse_date(value, date1904=date1904), date)  # type: ignore[arg-type]


@given(CELLS)
def test_parse_issue_no_raises_only_value_error(value: object) -> None:
    """Any cell either parses to (year, seq ≥ 1) or raises ValueError, never another exception."""
    try:
        year, seq = parse_issue_no(value)  # type: ignore[arg-type]
    except ValueError:
        return
    assert seq >= 1
    assert year is None or 1000 <= year <= 2999


@given(CELLS)
def test_normalise_text_is_total(value: object) -> None:
    """normalise_text accepts every cell and returns trimmed non-empty text or None."""
    text = normalise_text(value)  # type: ignore[arg-type]
    assert text is None or (text == text.strip() and text != "")


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2021年第1600期", (2021, 1600)), ("2021-320000", (2021, 320000)), (45678, (None, 45678))],
)
def test_issue_numbers_beyond_three_digits(written: object, expected: tuple) -> None:
    """Sequence numbers past 999 (scaled data) parse, and their ids keep every digit."""
    assert parse_issue_no(written) == expected
    assert issue_id(2021, expected[1]).endswith(str(expected[1]))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("〔2017〕第40期", (2017, 40)),
        ("[2017]第40期", (2017, 40)),
        ("〔2017〕40期", (2017, 40)),
        ("社情民意2017年第45期", (2017, 45)),
        ("社情民意第45期", (None, 45)),
        ("第四十二期", (None, 42)),
        ("2017年第十期", (2017, 10)),
        ("第一百零五期", (None, 105)),
        ("2021年第37期（总第六百期）", (2021, 37)),
        ("2021年度第5期", (2021, 5)),
        ("2021-37期", (2021, 37)),
    ],
)
def test_parse_issue_no_reads_office_document_forms(
    value: str, expected: tuple[int | None, int]
) -> None:
    """A year in 〔〕, the bulletin's name before it, a sequence in Chinese numerals."""
    assert parse_issue_no(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("领导批示", "批示"), ("批示件", "批示"), ("全国政协采用", "采用"), ("综合采用", "采用")],
)
def test_parse_feedback_type_reads_office_wording(value: str, expected: str) -> None:
    """Wording that names exactly one type is that type."""
    assert parse_feedback_type(value) == expected


@pytest.mark.parametrize("value", ["未采用", "不予采用", "无批示", "批示并采用"])
def test_parse_feedback_type_rejects_negations_and_mixtures(value: str) -> None:
    """未采用 is no adoption, 批示并采用 names both: held back, never counted."""
    with pytest.raises(ValueError, match="批示"):
        parse_feedback_type(value)
