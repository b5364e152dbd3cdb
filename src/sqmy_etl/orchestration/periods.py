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


def why_not_mail(
    run_type: str,
    data_interval_start: datetime | None,
    previous: tuple[str, datetime | None] | None,
) -> str | None:
    """Why a report run must not mail leadership, or None when it should (someone asked).

    ``previous`` is the run before this one (its run type and data interval
    end), None if there is none. A manual run was asked for. A backfill
    rebuilds past reports as files only. A scheduled run mails only when the
    run before it covered the period right before, i.e. the DAG has been
    running unbroken: the run Airflow creates at once when a paused DAG is
    switched on (the latest period, with catchup off) is built but not mailed.
    Decided from the run history alone, never the clock, so a re-run decides
    the same way.
    """
    if run_type == "manual":
        return None
    if run_type == "backfill":
        return "补跑只生成报告文件，不发邮件 / a backfill builds the files and mails no one"
    follows = (
        previous is not None
        and previous[0] == "scheduled"
        and data_interval_start is not None
        and previous[1] == data_interval_start
    )
    if run_type == "scheduled" and follows:
        return None
    return (
        "这是启用（取消暂停）后的第一个周期，或前一周期没有运行：只生成报告文件，不发邮件；"
        "需要时在界面手动触发或运行 sqmy report --period P --mail"
        " / first period after the DAG was switched on, or the run before is missing:"
        " report built, not mailed; trigger by hand or run `sqmy report --period P --mail`"
    )
