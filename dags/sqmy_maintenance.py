"""
### sqmy_maintenance — 日常维护

Daily at 03:00 Asia/Shanghai, each warehouse step under the `duckdb_writer` pool:

* `archive_retention` — deletes archive files older than
  `sqmy_archive_retention_days` (Variable, default 365) that no loaded file
  owns; a loaded file's archive is its lineage and is kept unless the Variable
  `sqmy_archive_delete_loaded` is `true`.
* `checkpoint` — DuckDB `CHECKPOINT`, folds the WAL into the warehouse file.
* `quarantine_ageing` — logs quarantined rows per rule and age bucket, as of
  the run's data interval end, for the data stewards (数据管理员).
* `dbt_log_retention` — deletes what failed dbt builds kept under
  `$SQMY_HOME/logs/dbt/<run_id>/` (compiled SQL, dbt log) once its newest file
  is older than `sqmy_dbt_log_retention_days` (Variable, default 90); files
  only, so outside the pool.
* `retrain_themes` — monthly (the run whose interval ends on the 1st): retrains
  the theme classifier on the themes clerks gave (`sqmy themes train`); the
  previous model stays in use when the new one scores worse on the same
  hold-out, and the log says so.

**On failure** (mail from `sqmy_smtp`): nothing downstream depends on it; re-run
from the UI. Call the data platform on-call (数据平台值班, owner `sqmy-data`).
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sqmy_etl.orchestration import tasks
from sqmy_etl.orchestration.defaults import START_DATE, WRITER_POOL, default_args


@dag(
    dag_id="sqmy_maintenance",
    schedule="0 3 * * *",
    start_date=START_DATE,
    catchup=False,  # upkeep of the current state; past days have nothing to do
    max_active_runs=1,
    default_args=default_args(),
    tags=["sqmy", "maintenance"],
    doc_md=__doc__,
)
def sqmy_maintenance() -> None:
    @task(pool=WRITER_POOL)
    def archive_retention(data_interval_end=None) -> dict[str, int]:
        return tasks.archive_retention(data_interval_end)

    @task(pool=WRITER_POOL)
    def checkpoint() -> dict[str, int]:
        return tasks.checkpoint()

    @task(pool=WRITER_POOL)
    def quarantine_ageing(data_interval_end=None) -> dict[str, dict[str, int]]:
        return tasks.quarantine_ageing(data_interval_end)

    @task
    def dbt_log_retention(data_interval_end=None) -> dict[str, int]:
        return tasks.dbt_log_retention(data_interval_end)

    @task(pool=WRITER_POOL)
    def retrain_themes(data_interval_end=None) -> dict:
        return tasks.retrain_themes(data_interval_end)

    archive_retention() >> checkpoint() >> quarantine_ageing()
    dbt_log_retention()
    retrain_themes()


sqmy_maintenance()
