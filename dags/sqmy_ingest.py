"""
### sqmy_ingest — 台账入库 (landing → raw)

Every 15 minutes (cron in `SQMY_INGEST_SCHEDULE`) lists `$SQMY_HOME/landing/`
and ingests **one mapped task per file** in sorted path order, one at a time
through the `duckdb_writer` pool (in lake mode, `SQMY_WAREHOUSE=ducklake`, in
parallel on every worker: DuckLake takes many writers). Each file is validated, loaded into `raw.*`,
with bad rows quarantined and unreadable files moved to `rejected/` with a
reason. Re-running is safe: files are keyed by SHA-256, a file loaded before
is skipped.

When at least one file loaded, `announce_raw` emits the asset
`sqmy://warehouse/raw`, which starts `sqmy_transform`. It runs even if one
file's task failed, so the files that did load get transformed; the failed
file stays in `landing/` for the next run, and `summarise` (which needs every
file to succeed) fails the run so the failure shows.

**Rejected files and quarantined rows turn the run red.** A mapped task whose
file was rejected is named `文件名（已拒收 / rejected）` (or `（隔离 N 行）`), and
`notify_rejections` mails the clerks (Variable `sqmy_clerk_recipients`, else
`sqmy_alert_recipients`) each file with its Chinese reason and the quarantined
row counts per reason — no row content, phone and ID numbers masked — then
fails without retry, so the run is red and the on-call list gets the alert.
The loaded files are transformed all the same. It is a data problem, not a
platform one: the clerk fixes the ledger and delivers it again; see
`rejected/<name>.reason.txt` and `sqmy quarantine list`.

**On failure** (mail from `sqmy_smtp`): `notify_rejections` failed → nothing to
repair in Airflow, check that the clerks got the mail. Any other task → read
its log and call the data platform on-call (数据平台值班, owner `sqmy-data`).
"""

from __future__ import annotations

from airflow.sdk import Asset, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from sqmy_etl.config import Settings
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
    def list_landing() -> list[dict]:
        return tasks.list_landing(Settings.from_env())

    @task(
        pool=tasks.ingest_pool(Settings.from_env(), WRITER_POOL),
        map_index_template="{{ landed_file }}",
    )
    def ingest_file(landed: dict) -> dict:
        context = get_current_context()
        context["landed_file"] = landed["path"].rsplit("/", 1)[-1]
        result = tasks.ingest_one(landed["path"], landed["seq"])
        context["landed_file"] = tasks.map_label(result)
        return result

    @task(outlets=[RAW], trigger_rule="all_done")
    def announce_raw(results: list[dict | None]) -> None:
        if not tasks.anything_loaded(results):
            raise AirflowSkipException("no file loaded: raw is unchanged")

    @task
    def summarise(results: list[dict]) -> dict[str, int]:
        return tasks.totals(results)

    @task(trigger_rule="all_done")
    def notify_rejections(results: list[dict | None]) -> dict[str, int]:
        return tasks.notify_rejections(results)

    results = ingest_file.expand(landed=list_landing())
    announce_raw(results)
    summarise(results)
    notify_rejections(results)


sqmy_ingest()
