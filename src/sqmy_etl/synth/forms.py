"""How a value is written: the date and issue-number forms clerks and exports use.

Each form turns the true value into what lands in a cell; the truth always
keeps the true value, so the pipeline is checked on reading every form back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

Cell = str | int | float | date | datetime | None

EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(moment: datetime) -> float:
    """Excel 1900-system serial (days since 1899-12-30, time as the fraction)."""
    serial = (moment - EXCEL_EPOCH).total_seconds() / 86400
    return round(serial, 6) if serial % 1 else float(int(serial))


# a moment is a naive Asia/Shanghai datetime; date-only fields pass midnight
DATE_FORMS: dict[str, Callable[[datetime], Cell]] = {
    "iso": lambda t: t.isoformat()[:10],
    "slash": lambda t: f"{t.year}/{t.month}/{t.day}",
    "dot": lambda t: f"{t.year}.{t.month}.{t.day}",
    "cn": lambda t: f"{t.year}年{t.month}月{t.day}日",
    "compact": lambda t: f"{t.year:04d}{t.month:02d}{t.day:02d}",
    "iso_time": lambda t: t.isoformat(" ", "seconds"),
    "slash_time": lambda t: f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}",
    "iso_naive": lambda t: t.isoformat("T", "seconds"),
    "iso_offset": lambda t: t.isoformat("T", "seconds") + "+08:00",
    "iso_utc": lambda t: (t - timedelta(hours=8)).isoformat("T", "seconds") + "Z",
    "iso_minus5": lambda t: (t - timedelta(hours=13)).isoformat("T", "seconds") + "-05:00",
    "excel_date": lambda t: t.date(),
    "excel_datetime": lambda t: t,
    "excel_serial": excel_serial,
    "excel_serial_day": lambda t: excel_serial(datetime(t.year, t.month, t.day)),
}


def at_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def write_date(form: str, moment: datetime | date) -> Cell:
    if not isinstance(moment, datetime):
        moment = at_midnight(moment)
    return DATE_FORMS[form](moment)


ISSUE_FORMS: dict[str, Callable[[int, int], Cell]] = {
    "full": lambda y, s: f"{y}年第{s}期",
    "di": lambda y, s: f"第{s}期",
    "plain": lambda y, s: str(s),
    "qi": lambda y, s: f"{s}期",
    "number": lambda y, s: s,
}
YEARLESS_FORMS = ("di", "plain", "qi", "number")


def write_issue_no(form: str, year: int, seq: int) -> Cell:
    return ISSUE_FORMS[form](year, seq)
