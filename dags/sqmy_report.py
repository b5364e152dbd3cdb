"""
### sqmy_report_{kind} — 领导报告 (monthly / quarterly / annual)

Three DAGs from one file, one per period kind, each with its own schedule and
run history so a backfill of one kind never queues the others:

| DAG | fires (Asia/Shanghai) | reports on |
|---|---|---|
| `sqmy_report_monthly` | 1st of each month 08:00 | the previous month (`2021-07`) |
| `sqmy_report_quarterly` | 1 Jan/Apr/Jul/Oct 08:00 | the previous quarter (`2021-Q3`) |
| `sqmy_report_annual` | 1 Jan 08:00 | the previous year (`2021`) |

The period comes from the run's data interval (`period_for`), never the
clock, so a backfill reproduces any past report. Every month of 2021:
`airflow backfill create --dag-id sqmy_report_monthly --from-date 2021-01-01 --to-date 2021-12-31`
(the dates bound the runs' logical dates, i.e. the period starts). A
backfill's runs stay **queued while the DAG is paused**: unpause it to run them.
The quarterly DAG also builds and mails the 通报 of the quarter
(`sqmy report --kind tongbao`, tasks `build_tongbao` → `mail_tongbao`), the
annual DAG the 年度考核 report (`--kind evaluation`, `build_evaluation` →
`mail_evaluation`, submitter keys only: names are never revealed by a DAG),
under the same mail rules.
Reports read `published/marts.duckdb` only (no writer pool), render
html/pdf/xlsx (Variable `sqmy_report_formats`) and are mailed to
`sqmy_report_recipients` through the `sqmy_smtp` connection.

**Who gets mail.** The DAGs are created paused. Catchup is off, so switching
one on makes Airflow run the latest finished period at once; that run (and
any scheduled run whose previous period did not run) builds the report but
`mail` ends *skipped* with the reason in its log: nobody asked for that
period. Unbroken scheduled runs mail; a manual trigger mails; a backfill
never mails. To mail a period by hand: `sqmy report --period P --mail`.

**On failure** (mail from `sqmy_smtp`): check `sqmy report --period P` by hand;
call the data platform on-call (数据平台值班, owner `sqmy-data`).
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import CronDataIntervalTimetable, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from sqmy_etl.orchestration import tasks
from sqmy_etl.orchestration.defaults import START_DATE, TZ, default_args
from sqmy_etl.orchestration.periods import CRONS, period_for, why_not_mail

# period kind -> the further report its DAG sends (CONTRACT §5): 通报 each quarter,
# 年度考核 each year
FURTHER_REPORTS = {"quarterly": "tongbao", "annual": "evaluation"}


def _mail_if_asked(files: list[str], dag_run: Any, ti: Any) -> int:
    """Mail ``files`` unless the run history says nobody asked for this period."""
    before = ti.get_previous_dagrun()
    previous = None if before is None else (before.run_type, before.data_interval_end)
    refusal = why_not_mail(dag_run.run_type, dag_run.data_interval_start, previous)
    if refusal:
        raise AirflowSkipException(refusal)
    return tasks.mail_report(files)


def report_dag(kind: str) -> None:
    """Declare the report DAG of one period kind."""

    @dag(
        dag_id=f"sqmy_report_{kind}",
        schedule=CronDataIntervalTimetable(CRONS[kind], timezone=TZ),
        start_date=START_DATE,
        catchup=False,  # backfill explicitly; unpausing must not mail years of reports
        is_paused_upon_creation=True,  # whatever the deployment's default: mail is opt-in
        max_active_runs=1,
        default_args=default_args(),
        tags=["sqmy", "report"],
        doc_md=__doc__.replace("{kind}", kind),
    )
    def report() -> None:
        @task
        def choose_period(data_interval_start=None) -> str:
            return period_for(data_interval_start, kind)

        @task
        def build(period: str) -> list[str]:
            return tasks.build_report(period)

        @task
        def mail(files: list[str], dag_run=None, ti=None) -> int:
            return _mail_if_asked(files, dag_run, ti)

        period = choose_period()
        mail(build(period))
        further = FURTHER_REPORTS.get(kind)
        if further:

            @task(task_id=f"build_{further}")
            def build_further(period: str) -> list[str]:
                return tasks.build_report(period, further)

            @task(task_id=f"mail_{further}")
            def mail_further(files: list[str], dag_run=None, ti=None) -> int:
                return _mail_if_asked(files, dag_run, ti)

            mail_further(build_further(period))

    report()


for _kind in CRONS:
    report_dag(_kind)
