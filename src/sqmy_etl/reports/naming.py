"""What a report is called: its title, its file names and its mail subject agree."""

from __future__ import annotations

from datetime import date

from sqmy_etl.reports.period import Period

REPORT_NAME = "社情民意信息工作报告"


def report_title(period: Period) -> str:
    """2021年第三季度社情民意信息工作报告 — title line, HTML <title> and mail subject."""
    return f"{period.title}{REPORT_NAME}"


def chinese_date(day: date) -> str:
    """2021年7月5日 — dates as a Chinese document writes them."""
    return f"{day.year}年{day.month}月{day.day}日"


def report_filename(period: Period, fmt: str) -> str:
    """社情民意信息工作报告_2021-Q3.pdf — Chinese because it is filed and mailed as is."""
    return f"{REPORT_NAME}_{period.label}.{fmt}"
