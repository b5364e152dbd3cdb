"""
### sqmy_transform — dbt 建模与发布 (raw → marts → published)

Runs whenever `sqmy_ingest` emits `sqmy://warehouse/raw`. The dbt project in
`dbt/` is rendered by astronomer-cosmos from the prebuilt manifest
(`make manifest`): every seed, snapshot, model and its tests appear as
tasks in the `dbt` group. One task, `dbt_producer_watcher`, runs the single
`dbt build` (in the single-slot `duckdb_writer` pool, under the warehouse
writer lock), after what `sqmy transform` also does first: the office's
reference files checked (a wrong units/scoring-rules file fails it, naming the
line), theme suggestions and hot topics refreshed. The other `dbt.*` tasks
only report each node's result.

`publish` swaps the new marts into `published/marts.duckdb` (+ Parquet) only
when the producer's `dbt build` succeeded, i.e. every seed, snapshot, model and
test passed — write-audit-publish: a failed model or test leaves analysts on
the previous, consistent marts. The status tasks report per node what that
build decided; they run after `publish` (whatever its state), so the marts go
out first.

**Retries**: the producer repeats the whole `dbt build` inside its task when
the warehouse was busy (DuckDB lock / I/O error), at most `SQMY_DBT_ATTEMPTS`
(3) times, `SQMY_DBT_RETRY_DELAY_S` (30 s, doubling) apart. A failing test or
model is not retried, and the task has no Airflow retries (Cosmos would skip
them): it fails at once and alerts.

**On failure** one mail per run (from `sqmy_smtp` to `sqmy_alert_recipients`)
lists every failed dbt node with dbt's message; the compiled SQL of failing
tests is attached and kept, with dbt's log and `run_results.json`, under
`$SQMY_HOME/logs/dbt/<run_id>/attempt-<n>/`. A failed dbt test means the data
broke an invariant: call the data platform on-call (数据平台值班, owner
`sqmy-data`), run the attached SQL to see the offending rows, fix the data,
then **trigger a new run** of this DAG (▶). Do not *Clear* the failed
producer: Cosmos skips a producer's second try and the status tasks would each
run dbt on their own. Reproduce locally with `sqmy transform`.
"""

from __future__ import annotations

from airflow.sdk import Asset, dag, task

from sqmy_etl.config import Settings
from sqmy_etl.orchestration import tasks
from sqmy_etl.orchestration.dbt_group import dbt_task_group, publish_after_build
from sqmy_etl.orchestration.defaults import (
    RAW_ASSET_URI,
    START_DATE,
    WRITER_POOL,
    default_args,
)


@dag(
    dag_id="sqmy_transform",
    schedule=[Asset(RAW_ASSET_URI)],
    start_date=START_DATE,
    catchup=False,  # each run rebuilds everything from raw; old runs add nothing
    max_active_runs=1,
    default_args=default_args(),
    tags=["sqmy", "transform", "dbt"],
    doc_md=__doc__,
)
def sqmy_transform() -> None:
    @task(pool=WRITER_POOL)
    def publish() -> dict[str, str]:
        return tasks.publish()

    publish_after_build(dbt_task_group(Settings.from_env()), publish())


sqmy_transform()
