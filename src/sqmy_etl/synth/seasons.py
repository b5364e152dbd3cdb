"""When things happen: day weights for submissions and issues, and period labels.

Submissions peak around the 两会 (January–March), dip in the Spring Festival
week and at weekends; the office publishes issues on working days, from mid-
January on, a little after the submissions that feed them.
"""

from __future__ import annotations

from datetime import date, timedelta

# 春节 (Lunar New Year's Day); the holiday week runs from its eve to day +5
SPRING_FESTIVAL = {
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
FALLBACK_SPRING_FESTIVAL = (2, 5)  # month, day used for years not in the table

MONTH_WEIGHT = (1.6, 1.5, 1.8, 1.1, 1.0, 1.0, 0.8, 0.8, 1.0, 0.8, 1.0, 1.0)
WEEKEND_WEIGHT = 0.4
HOLIDAY_WEIGHT = 0.15
FIRST_ISSUE_DAY = 14  # day index in the year: issues start on 15 January


def spring_festival_week(year: int) -> tuple[date, date]:
    new_year = SPRING_FESTIVAL.get(year, date(year, *FALLBACK_SPRING_FESTIVAL))
    return new_year - timedelta(days=1), new_year + timedelta(days=5)


def year_days(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]


def _is_holiday(day: date, festival: tuple[date, date]) -> bool:
    """Spring Festival week, New Year's Day and the National Day week."""
    in_national_week = day.month == 10 and day.day <= 7
    return festival[0] <= day <= festival[1] or (day.month, day.day) == (1, 1) or in_national_week


def submission_weights(year: int) -> list[float]:
    """Relative chance of a submission arriving on each day of ``year``."""
    festival = spring_festival_week(year)
    weights = []
    for day in year_days(year):
        weight = MONTH_WEIGHT[day.month - 1]
        if day.weekday() >= 5:
            weight *= WEEKEND_WEIGHT
        if _is_holiday(day, festival):
            weight *= HOLIDAY_WEIGHT
        weights.append(weight)
    return weights


def issue_weights(year: int) -> list[float]:
    """Working days from 15 January, following the submission season by about a month."""
    festival = spring_festival_week(year)
    weights = []
    for index, day in enumerate(year_days(year)):
        closed = day.weekday() >= 5 or _is_holiday(day, festival) or index < FIRST_ISSUE_DAY
        month_before = MONTH_WEIGHT[max(day.month - 2, 0)]
        weights.append(0.0 if closed else month_before)
    return weights


def period_labels(day: date) -> tuple[tuple[str, str], ...]:
    """(period_type, period_label) of ``day`` for year, quarter and month."""
    return (
        ("year", f"{day.year}"),
        ("quarter", f"{day.year}-Q{(day.month - 1) // 3 + 1}"),
        ("month", f"{day.year}-{day.month:02d}"),
    )
