"""`make bench` case: the transform through Airflow against `sqmy transform` (issue 17).

Airflow runs as the README's one-machine recipe (LocalExecutor, metadata on
this machine's PostgreSQL, api-server on loopback) through the integration
tests' ``Deployment`` harness, which starts and stops every process and drops
its database. An asset event on ``sqmy://warehouse/raw`` (what ``sqmy_ingest``
emits) is posted over the REST API; the figure is the time from that event to
the end of the ``publish`` task, as Airflow recorded both.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.integration.airflow_deployment import Deployment

from sqmy_etl.orchestration.defaults import RAW_ASSET_URI

ROOT = Path(__file__).resolve().parents[1]
TRANSFORM_DAG = "sqmy_transform"


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _asset_id(deployment: Deployment) -> int:
    assets = deployment.api("GET", "/assets?limit=100")["assets"]
    return next(a["id"] for a in assets if a["uri"] == RAW_ASSET_URI)


def _publish_end(deployment: Deployment, run_id: str) -> str:
    path = f"/dags/{TRANSFORM_DAG}/dagRuns/{run_id}/taskInstances/publish"
    ti: dict[str, Any] = deployment.api("GET", path)
    if ti["state"] != "success":
        raise SystemExit(f"publish ended {ti['state']} in {run_id}: see {deployment.base}")
    return str(ti["end_date"])


def asset_event_to_publish(base: Path, sqmy_env: dict[str, str]) -> float:
    """Seconds from a raw-asset event to the end of ``publish`` in the run it triggered.

    ``sqmy_env`` holds the SQMY_* settings of a home that ``sqmy transform``
    has already built (the manifest is the checkout's ``make manifest``).
    """
    sys.path.insert(0, str(ROOT))  # the harness lives in the tests package
    from tests.integration.airflow_deployment import Deployment

    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    dags = shutil.copytree(
        ROOT / "dags", base / "dags", ignore=shutil.ignore_patterns("__pycache__")
    )
    extra = {k: v for k, v in sqmy_env.items() if k.startswith("SQMY_")}
    extra["SQMY_INGEST_SCHEDULE"] = "none"
    # the recipe's own re-parse intervals, not the fast ones the tests set
    extra["AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL"] = "30"
    extra["AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL"] = "300"
    deployment = Deployment(
        base=base, dags_folder=dags, extra_env=extra, executor="LocalExecutor", recipe=True
    )
    try:
        deployment.start()
        deployment.wait_for_dag(TRANSFORM_DAG, timeout=180)
        deployment.unpause(TRANSFORM_DAG)
        event = deployment.api("POST", "/assets/events", {"asset_id": _asset_id(deployment)})
        run = deployment.wait_for_run(TRANSFORM_DAG, timeout=900)
        end = _publish_end(deployment, run["dag_run_id"])
        return round((_when(end) - _when(event["timestamp"])).total_seconds(), 3)
    finally:
        deployment.stop()
