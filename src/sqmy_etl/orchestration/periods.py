"""Which report period a scheduled run covers, from its data interval alone.

The report DAGs use data-interval timetables: the run that fires on
2021-08-01 08:00 has the interval [2021-07-01 08:00, 2021-08-01 08:00), so
the period is the one that contains the interval's start. Deriving it from
the interval (never from "now") makes catchup, backfill and re-runs of any
logical date produce the same period's report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

PeriodKind = Literal["monthly", "quarterly", "annual"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

# kind -> (cron in Asia/Shanghai: the 1st at 08:00 after the period ends, label of a period)
CRONS: dict[str, str] = {
    "monthly": "0 8 1 * *",
    "quarterly": "0 8 1 1,4,7,10 *",
    "annual": "0 8 1 1 *",
}


def period_for(data_interval_start: datetime, kind: PeriodKind) -> str:
    """The CONTRACT period label (``2021-07``, ``2021-Q3``, ``2021``) a run reports on.

    The start is read as a Shanghai calendar date: an interval starting
    2021-06-30T16:00Z is 2021-07-01 in Shanghai and reports July.
    """
    if data_interval_start.tzinfo is None:
        raise ValueError("data_interval_start must be timezone-aware")
    local = data_interval_start.astimezone(SHANGHAI)
    if kind == "monthly":
        return f"{local.year}-{local.month:02d}"
    if kind == "quarterly":
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    if kind == "annual":
        return f"{local.year}"
    raise ValueError(f"unknown report kind {kind!r}")
