"""Report periods as clerks and analysts write them (CONTRACT §2): one parser, one error."""

from __future__ import annotations

from datetime import date

import pytest

from sqmy_etl.reports.errors import PeriodError
from sqmy_etl.reports.period import parse_period


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("2025", "2025"),
        ("2025年", "2025"),
        ("2025年度", "2025"),
        ("2025-Q3", "2025-Q3"),
        ("2025Q3", "2025-Q3"),
        ("2025q3", "2025-Q3"),
        ("2025-q1", "2025-Q1"),
        ("2025年第三季度", "2025-Q3"),
        ("2025年第3季度", "2025-Q3"),
        ("2025年三季度", "2025-Q3"),
        ("2025年第四季度", "2025-Q4"),
        ("2025年一季度", "2025-Q1"),
        ("2025-07", "2025-07"),
        ("2025-7", "2025-07"),
        ("2025-12", "2025-12"),
        ("2025年7月", "2025-07"),
        ("2025年07月", "2025-07"),
        ("2025年12月", "2025-12"),
        (" 2025 年 7 月 ", "2025-07"),
        ("２０２５－Ｑ３", "2025-Q3"),
        ("２０２５年７月", "2025-07"),
    ],
)
def test_every_written_form_gives_the_marts_label(written: str, label: str) -> None:
    """Each accepted spelling of a year, quarter or month maps to the marts' period_label."""
    assert parse_period(written).label == label


def test_written_forms_know_their_bounds() -> None:
    """A Chinese quarter and a one-digit month give the same calendar bounds as the labels."""
    q3 = parse_period("2025年第三季度")
    assert (q3.kind, q3.start, q3.end) == ("quarter", date(2025, 7, 1), date(2025, 9, 30))
    feb = parse_period("2024年2月")
    assert (feb.kind, feb.start, feb.end) == ("month", date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period("2025年").kind == "year"


@pytest.mark.parametrize(
    "written",
    [
        "",
        "21",
        "2025-Q5",
        "2025Q0",
        "2025-13",
        "2025-00",
        "2025年13月",
        "2025年第五季度",
        "2025年7",
        "2025/07",
        "Q3 2025",
        "2025-Q3-07",
        "二〇二五年",
        "上半年",
    ],
)
def test_anything_else_fails_listing_the_accepted_forms(written: str) -> None:
    """An unreadable period fails in Chinese first, naming every accepted form, then English."""
    with pytest.raises(PeriodError) as caught:
        parse_period(written)
    message = str(caught.value)
    assert message.startswith("无法识别的期间")
    assert "2025、2025年、2025-Q3、2025Q3、2025年第三季度、2025-07、2025-7、2025年7月" in message
    assert " / unrecognised period" in message


def test_a_year_out_of_range_says_which_years_are_valid() -> None:
    """A year before 1990 is refused with the range, Chinese first."""
    with pytest.raises(PeriodError, match=r"^期间 '1989年7月' 的年份须在 1990–2999 之间"):
        parse_period("1989年7月")
