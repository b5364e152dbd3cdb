"""The deployment path for real: Airflow on PostgreSQL + CeleryExecutor + Redis.

Generator ledgers land in ``landing/``; ``sqmy_ingest`` is triggered over the
REST API, its asset event starts ``sqmy_transform`` (Cosmos + publish), and the
published marts must equal the generator's truth. Everything started is
stopped by PID, and the database and Redis db are removed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import Settings
from tests.integration.airflow_deployment import Deployment

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]
PRODUCER = "dbt.dbt_producer_watcher"
MEASURES = (
    "submissions_received",
    "issues_published",
    "issues_instructed",
    "instructions_total",
    "issues_adopted_national",
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small 2021 data set from the generator: its ledger files and its truth."""
    from sqmy_etl.synth.generate import generate_ledgers

    out = tmp_path_factory.mktemp("generated")
    truth_path = generate_ledgers(2021, out, scale=0.05, seed=7)
    return {
        "files": sorted((out / "ledgers").iterdir()),
        "truth": json.loads(Path(truth_path).read_text("utf-8")),
    }


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Airflow services running against a fresh database; torn down and checked clean after."""
    from sqmy_etl.transform.build import build_manifest

    base = tmp_path_factory.mktemp("deployment")
    sqmy = {
        "SQMY_HOME": str(base / "sqmy-home"),
        "SQMY_PII_KEY_FILE": str(base / "keys" / "pii.key"),
        "SQMY_DBT_MANIFEST": str(base / "dbt-target" / "manifest.json"),
        "SQMY_INGEST_SCHEDULE": "none",
        "SQMY_LANDING_SETTLE_S": "0",
        "SQMY_COSMOS_MODE": os.environ.get("SQMY_COSMOS_MODE", "watcher"),
    }
    saved = {k: os.environ.get(k) for k in sqmy}
    os.environ.update(sqmy)
    try:
        build_manifest(Settings.from_env(), base / "dbt-target")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    # A snapshot of dags/: an edit in the checkout must not re-parse mid-run.
    dags = shutil.copytree(
        ROOT / "dags", base / "dags", ignore=shutil.ignore_patterns("__pycache__")
    )
    dep = Deployment(base=base, dags_folder=dags, extra_env=sqmy)
    try:
        dep.start()
        yield dep
    finally:
        dep.stop()
        assert dep.leftovers() == [], "processes survived the shutdown"
        assert not dep.database_exists(), f"database {dep.db_name} left behind"
        assert dep.redis_keys() == 0, f"keys left in Redis db {dep.redis_db}"


def published_year_totals(published: Path) -> dict[str, dict[str, int]]:
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            f"SELECT period_label, {', '.join(MEASURES)} FROM mart_period_summary "
            "WHERE period_type = 'year' AND theme_l1 = '全部'"
        ).fetchall()
    finally:
        con.close()
    # The mart is a full grid (zeros for years that only have, e.g., a feedback date);
    # the truth lists the years where something happened.
    return {r[0]: dict(zip(MEASURES, r[1:], strict=True)) for r in rows if any(r[1:])}


def truth_year_totals(truth: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        r["period_label"]: {m: r[m] for m in MEASURES}
        for r in truth["period_summary"]
        if r["period_type"] == "year" and r["theme_l1"] == "全部"
    }


def test_ingest_over_rest_triggers_transform_and_publishes_the_truth(
    deployment: Deployment, generated: dict[str, Any]
) -> None:
    """REST trigger → mapped ingest per file → asset → Cosmos dbt + publish → marts equal truth."""
    home = Path(deployment.env["SQMY_HOME"])
    landing = home / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    for source in generated["files"]:
        (landing / source.name).write_bytes(source.read_bytes())

    for dag_id in ("sqmy_transform", "sqmy_ingest"):
        deployment.wait_for_dag(dag_id, timeout=180)
        deployment.unpause(dag_id)
    started = time.monotonic()
    run_id = deployment.trigger("sqmy_ingest")
    ingest = deployment.wait_for_run("sqmy_ingest", timeout=600, run_id=run_id)
    ingest_s = time.monotonic() - started
    assert ingest["state"] == "success"
    states = deployment.task_states("sqmy_ingest", run_id)
    mapped = {k: v for k, v in states.items() if k[0] == "ingest_file"}
    assert len(mapped) == len(generated["files"])
    assert set(mapped.values()) == {"success"}
    assert states["announce_raw", -1] == "success"

    transform = deployment.first_run("sqmy_transform", timeout=300)
    assert transform["run_type"] == "asset_triggered"
    run_id = transform["dag_run_id"]
    # The producer's dbt build and publish decide what analysts get; the ~85 status tasks
    # after them only report each node (their success is covered by test_embedded's
    # dag.test run, a failing node's by test_dbt_in_airflow), and two Celery slots take
    # minutes over them, so the run is ended once publish has settled.
    t_states = deployment.wait_for_tasks("sqmy_transform", run_id, (PRODUCER, "publish"), 900)
    total_s = time.monotonic() - started
    print(f"\ningest run {ingest_s:.0f}s, ingest → published {total_s:.0f}s")
    assert t_states[PRODUCER, -1] == "success"
    assert t_states["publish", -1] == "success"
    deployment.end_run("sqmy_transform", run_id)

    assert list(landing.iterdir()) == []
    assert published_year_totals(home / "published" / "marts.duckdb") == truth_year_totals(
        generated["truth"]
    )
