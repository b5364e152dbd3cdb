"""
### sqmy_ingest — 台账入库 (landing → raw)

Every 15 minutes (cron in `SQMY_INGEST_SCHEDULE`) lists `$SQMY_HOME/landing/`
and ingests **one mapped task per file** in sorted path order, one at a time
through the `duckdb_writer` pool. Each file is validated, loaded into `raw.*`,
with bad rows quarantined and unreadable files moved to `rejected/` with a
reason. Re-running is safe: files are keyed by SHA-256, a file loaded before
is skipped.

When at least one file loaded, `announce_raw` emits the asset
`sqmy://warehouse/raw`, which starts `sqmy_transform`. It runs even if one
file's task failed, so the files that did load get transformed; the failed
file stays in `landing/` for the next run, and `summarise` (which needs every
file to succeed) fails the run so the failure shows.

**On failure** (mail from `sqmy_smtp`): read the task log; a rejected file is
not a failure (see `rejected/<name>.reason.txt`). Call the data platform
on-call (数据平台值班, owner `sqmy-data`).
"""

from __future__ import annotations

from airflow.sdk import Asset, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from sqmy_etl.orchestration import tasks
from sqmy_etl.orchestration.defaults import (
    RAW_ASSET_URI,
    START_DATE,
    WRITER_POOL,
    default_args,
    ingest_schedule,
)

RAW = Asset(RAW_ASSET_URI)


@dag(
    dag_id="sqmy_ingest",
    schedule=ingest_schedule(),
    start_date=START_DATE,
    catchup=False,  # landing/ is a queue, not a history: one run drains it
    max_active_runs=1,
    default_args=default_args(),
    tags=["sqmy", "ingest"],
    doc_md=__doc__,
)
def sqmy_ingest() -> None:
    @task
    def list_landing() -> list[str]:
        from sqmy_etl.config import Settings

        return tasks.list_landing(Settings.from_env())

    @task(pool=WRITER_POOL, map_index_template="{{ landed_file }}")
    def ingest_file(path: str) -> dict:
        get_current_context()["landed_file"] = path.rsplit("/", 1)[-1]
        return tasks.ingest_one(path)

    @task(outlets=[RAW], trigger_rule="all_done")
    def announce_raw(results: list[dict | None]) -> None:
        if not tasks.anything_loaded(results):
            raise AirflowSkipException("no file loaded: raw is unchanged")

    @task
    def summarise(results: list[dict]) -> dict[str, int]:
        return tasks.totals(results)

    results = ingest_file.expand(path=list_landing())
    announce_raw(results)
    summarise(results)


sqmy_ingest()
