"""
### sqmy_transform — dbt 建模与发布 (raw → marts → published)

Runs whenever `sqmy_ingest` emits `sqmy://warehouse/raw`. The dbt project in
`dbt/` is rendered by astronomer-cosmos from the prebuilt manifest
(`make dbt-manifest`): every seed, snapshot, model and its tests appear as
tasks in the `dbt` group, all dbt work in the single-slot `duckdb_writer` pool.

`publish` swaps the new marts into `published/marts.duckdb` (+ Parquet) only
when every dbt task succeeded — write-audit-publish: a failed model or test
leaves analysts on the previous, consistent marts.

**On failure** (mail from `sqmy_smtp`): open the failed dbt task's log (or the
`dbt_producer_watcher` log); reproduce with `sqmy transform`. A failed dbt test
means the data broke an invariant: call the data platform on-call
(数据平台值班, owner `sqmy-data`) before re-running.
"""

from __future__ import annotations

from airflow.sdk import Asset, dag, task

from sqmy_etl.config import Settings
from sqmy_etl.orchestration import tasks
from sqmy_etl.orchestration.dbt_group import dbt_task_group
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

    dbt_task_group(Settings.from_env()) >> publish()


sqmy_transform()
