"""Report periods come from the data interval, so catchup and backfill report the right period."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pendulum
import pytest

from sqmy_etl.orchestration.periods import CRONS, period_for, why_not_mail

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


# --- the README's backfill, through the code path of `airflow backfill create` -------

ROOT = Path(__file__).resolve().parents[2]
BACKFILL = re.compile(
    r"airflow backfill create --dag-id (\w+) --from-date ([\d-]+) --to-date ([\d-]+)"
)


def readme_backfill() -> tuple[str, str, str]:
    """The one backfill command of README.md: DAG id, from-date, to-date as written."""
    (found,) = BACKFILL.findall((ROOT / "README.md").read_text("utf-8"))
    return found


@pytest.fixture(scope="module")
def report_dag(airflow_env: dict[str, str]) -> Any:
    """The report DAG the README backfills, serialised as the scheduler and backfill see it."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization

    bag = DagBag(dag_folder=str(ROOT / "dags" / "sqmy_report.py"))
    assert bag.import_errors == {}
    dag = bag.dags[readme_backfill()[0]]
    return DagSerialization.from_dict(DagSerialization.to_dict(dag))


@pytest.mark.parametrize("default_tz", ["UTC", "Asia/Shanghai"])
def test_the_readme_backfill_builds_exactly_the_twelve_months_of_2021(
    report_dag: Any, default_tz: str
) -> None:
    """The README's dates, parsed as the CLI parses them (default timezone UTC or Shanghai),
    give the runs 2021-01 … 2021-12 through the backfill's own run list."""
    from airflow._shared.timezones.timezone import parse as parsedate
    from airflow.models.backfill import _get_info_list

    _, start, end = readme_backfill()
    infos = _get_info_list(
        from_date=parsedate(start, timezone=default_tz),
        to_date=parsedate(end, timezone=default_tz),
        reverse=False,
        dag=report_dag,
    )
    periods = [period_for(info.data_interval.start, "monthly") for info in infos]
    assert periods == [
        "2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06",
        "2021-07", "2021-08", "2021-09", "2021-10", "2021-11", "2021-12",
    ]  # fmt: skip


def test_the_backfill_check_sees_an_off_by_one_range(report_dag: Any) -> None:
    """The dates the README once had (Feb 2021 – Jan 2022) are told apart from the right ones."""
    from airflow._shared.timezones.timezone import parse as parsedate
    from airflow.models.backfill import _get_info_list

    infos = _get_info_list(
        from_date=parsedate("2021-02-01"),
        to_date=parsedate("2022-01-01"),
        reverse=False,
        dag=report_dag,
    )
    periods = [period_for(info.data_interval.start, "monthly") for info in infos]
    assert (periods[0], periods[-1], len(periods)) == ("2021-02", "2022-01", 12)


def test_the_dag_doc_shows_the_readme_backfill(report_dag: Any) -> None:
    """The report DAG's doc_md names the same backfill command as the README."""
    assert BACKFILL.findall(report_dag.doc_md) == [readme_backfill()]


# --- who gets mail --------------------------------------------------------------------


def test_unbroken_scheduled_runs_and_manual_runs_mail() -> None:
    """A scheduled run right after the previous period's run mails; so does a manual one."""
    assert why_not_mail("scheduled", sh(2021, 8, 1, 8), ("scheduled", sh(2021, 8, 1, 8))) is None
    assert why_not_mail("manual", sh(2021, 7, 1, 8), None) is None


@pytest.mark.parametrize(
    ("run_type", "previous"),
    [
        ("scheduled", None),  # the first run ever: the one unpausing creates
        ("scheduled", ("scheduled", sh(2021, 6, 1, 8))),  # July and August skipped while paused
        ("scheduled", ("backfill", sh(2021, 8, 1, 8))),  # only a backfill before it
        ("backfill", ("backfill", sh(2021, 8, 1, 8))),  # a backfill never mails
    ],
)
def test_runs_nobody_asked_for_build_but_do_not_mail(
    run_type: str, previous: tuple[str, datetime] | None
) -> None:
    """First run after unpausing, a run after a gap, and backfills: a Chinese reason, no mail."""
    reason = why_not_mail(run_type, sh(2021, 8, 1, 8), previous)
    assert reason is not None and "不发邮件" in reason and " / " in reason


def test_unpausing_the_monthly_dag_mails_from_the_next_period_on(report_dag: Any) -> None:
    """The run the scheduler makes at once on unpause (catchup off) does not mail; the next does."""
    from airflow.timetables.base import TimeRestriction

    timetable = report_dag.timetable
    restriction = TimeRestriction(earliest=report_dag.start_date, latest=None, catchup=False)
    first = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert first.data_interval.end <= pendulum.now("UTC")  # a past period: nobody asked
    assert why_not_mail("scheduled", first.data_interval.start, None) is not None
    second = timetable.next_dagrun_info(
        last_automated_data_interval=first.data_interval, restriction=restriction
    )
    previous = ("scheduled", first.data_interval.end)
    assert why_not_mail("scheduled", second.data_interval.start, previous) is None
