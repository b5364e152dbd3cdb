"""Report periods come from the data interval, so catchup and backfill report the right period."""

from __future__ import annotations

from datetime import UTC, datetime

import pendulum
import pytest

from sqmy_etl.orchestration.periods import CRONS, period_for

TZ = "Asia/Shanghai"


def sh(*args: int) -> datetime:
    return pendulum.datetime(*args, tz=TZ)


@pytest.mark.parametrize(
    ("start", "kind", "period"),
    [
        (sh(2021, 7, 1, 8), "monthly", "2021-07"),
        (sh(2021, 12, 1, 8), "monthly", "2021-12"),
        (sh(2021, 7, 1, 8), "quarterly", "2021-Q3"),
        (sh(2021, 10, 1, 8), "quarterly", "2021-Q4"),
        (sh(2021, 1, 1, 8), "annual", "2021"),
        # 2021-06-30T16:30Z is 2021-07-01 00:30 in Shanghai: July, not June.
        (datetime(2021, 6, 30, 16, 30, tzinfo=UTC), "monthly", "2021-07"),
    ],
)
def test_period_for_reads_the_shanghai_calendar(start: datetime, kind: str, period: str) -> None:
    """The period is the Shanghai month/quarter/year containing the interval start."""
    assert period_for(start, kind) == period


def test_period_for_refuses_naive_and_unknown_input() -> None:
    """A naive datetime or an unknown kind raises instead of guessing."""
    with pytest.raises(ValueError, match="timezone-aware"):
        period_for(datetime(2021, 7, 1), "monthly")
    with pytest.raises(ValueError, match="unknown report kind"):
        period_for(sh(2021, 7, 1), "weekly")


def _backfill_periods(kind: str, start: datetime, end: datetime) -> list[str]:
    """Periods of every run a backfill over [start, end] creates, via the scheduler's timetable."""
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.interval import CronDataIntervalTimetable

    from sqmy_etl.orchestration.defaults import TZ as DAG_TZ

    timetable = CronDataIntervalTimetable(CRONS[kind], timezone=DAG_TZ)
    periods: list[str] = []
    last = None
    while True:
        info = timetable.next_dagrun_info(
            last_automated_data_interval=last,
            restriction=TimeRestriction(earliest=start, latest=end, catchup=True),
        )
        if info is None:
            return periods
        periods.append(period_for(info.data_interval.start, kind))
        last = info.data_interval


def test_monthly_backfill_of_2021_reports_each_month_once() -> None:
    """Backfilling the monthly DAG over 2021 yields 2021-01 … 2021-12 in order."""
    periods = _backfill_periods("monthly", sh(2021, 1, 1, 8), sh(2021, 12, 1, 8))
    assert periods == [f"2021-{m:02d}" for m in range(1, 13)]


def test_quarterly_and_annual_backfills() -> None:
    """Quarterly over 2021 yields Q1–Q4; annual over 2020–2021 yields 2020 and 2021."""
    assert _backfill_periods("quarterly", sh(2021, 1, 1, 8), sh(2021, 10, 1, 8)) == [
        "2021-Q1",
        "2021-Q2",
        "2021-Q3",
        "2021-Q4",
    ]
    assert _backfill_periods("annual", sh(2020, 1, 1, 8), sh(2021, 1, 1, 8)) == ["2020", "2021"]


def test_a_manual_run_reports_the_last_complete_period() -> None:
    """Triggered by hand on 2021-08-15, the monthly DAG reports July 2021."""
    from airflow.timetables.interval import CronDataIntervalTimetable

    timetable = CronDataIntervalTimetable(CRONS["monthly"], timezone=TZ)
    interval = timetable.infer_manual_data_interval(run_after=sh(2021, 8, 15, 10))
    assert period_for(interval.start, "monthly") == "2021-07"
