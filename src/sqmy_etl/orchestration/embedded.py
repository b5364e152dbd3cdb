"""``make demo`` with real Airflow and no server: SQLite metadata and ``dag.test()``.

``run_embedded`` runs the real ``sqmy_ingest`` then ``sqmy_transform`` DAGs
in one child process whose AIRFLOW_HOME is a temporary folder under
SQMY_HOME (Airflow reads its configuration when first imported, so a child
keeps the caller's process clean and the SQLite file disappears afterwards).
``dag.test()`` runs every task in that one process, one after the other:
the Cosmos producer's single ``dbt build`` first, then the per-node status
tasks (``dbt_group`` wires them after the producer, so none waits on a
triggerer). DuckDB is never opened twice at once: each task closes its
connection and dbt-duckdb runs with ``keep_open: false``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqmy_etl.config import PROJECT_ROOT, Settings

DAGS_ENV = "SQMY_DAGS_DIR"
DAG_ORDER = ("sqmy_ingest", "sqmy_transform")


class EmbeddedRunFailed(RuntimeError):
    """A DAG run did not succeed; the message points at the log."""


def dags_folder() -> Path:
    """The DAG files: ``SQMY_DAGS_DIR`` or ``dags/`` of the checkout."""
    return Path(os.environ.get(DAGS_ENV, PROJECT_ROOT / "dags")).resolve()


def run_embedded(settings: Settings, timeout_s: int = 1800) -> dict[str, str]:
    """Run ingest then transform through Airflow's ``dag.test()``; returns ``{dag_id: state}``.

    The child's output goes to ``$SQMY_HOME/logs/airflow-embedded.log``.
    Raises ``EmbeddedRunFailed`` when a run does not succeed.
    """
    settings.ensure_dirs()
    log_path = settings.logs / "airflow-embedded.log"
    with tempfile.TemporaryDirectory(dir=settings.home, prefix=".airflow-") as tmp:
        result_file = Path(tmp) / "states.json"
        env = {
            **os.environ,
            "SQMY_HOME": str(settings.home),
            "AIRFLOW_HOME": tmp,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp}/airflow.db",
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder()),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "AIRFLOW__COSMOS__CACHE_DIR": f"{tmp}/cosmos",
            "SQMY_LANDING_SETTLE_S": os.environ.get("SQMY_LANDING_SETTLE_S", "0"),
        }
        with log_path.open("w", encoding="utf-8") as log:
            subprocess.run(
                [sys.executable, "-m", "sqmy_etl.orchestration.embedded", str(result_file)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout_s,
                check=False,
            )
        states = json.loads(result_file.read_text("utf-8")) if result_file.exists() else {}
    if [states.get(dag_id) for dag_id in DAG_ORDER] != ["success"] * len(DAG_ORDER):
        raise EmbeddedRunFailed(f"embedded Airflow run states {states}; see {log_path}")
    return states


def _run_dags(result_file: Path) -> None:
    """Child process: migrate SQLite, create the pool/Variables, test each DAG in order."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils.db import upgradedb

    from sqmy_etl.orchestration.init import init_airflow

    upgradedb()
    init_airflow()
    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    states: dict[str, str] = {}
    for dag_id in DAG_ORDER:
        dag = bag.dags[dag_id]
        for task in dag.tasks:
            task.retries = 0  # dag.test() would sit out each retry delay; fail fast instead
        run = dag.test()
        states[dag_id] = str(getattr(run.state, "value", run.state))
        result_file.write_text(json.dumps(states), encoding="utf-8")
        if states[dag_id] != "success":
            break


if __name__ == "__main__":
    _run_dags(Path(sys.argv[1]))
