"""Airflow on one machine: ``make demo``'s embedded run, and the README's LocalExecutor recipe.

``single_machine_env`` and ``single_machine_commands`` are the README section
"Airflow on one machine" as code: a unit test compares them with the README's
block, and a deployment test can start exactly those processes with that
environment, so the recipe cannot drift from what is tested.

``make demo`` runs real Airflow with no server (SQLite metadata, ``dag.test()``):
``run_embedded`` runs the real ``sqmy_ingest`` then ``sqmy_transform`` DAGs
in one child process whose AIRFLOW_HOME is a temporary folder under
SQMY_HOME (Airflow reads its configuration when first imported, so a child
keeps the caller's process clean and the SQLite file disappears afterwards).
``dag.test()`` runs every task in that one process, one after the other:
the Cosmos producer's single ``dbt build`` first, then the per-node status
tasks (``dbt_group`` wires them after the producer, so none waits on a
triggerer). DuckDB is never opened twice at once: each task closes its
connection, and the producer closes dbt-duckdb's instance when its build
ends (``transform.build.close_dbt_duckdb``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqmy_etl.config import Settings, shipped_dir

DAGS_ENV = "SQMY_DAGS_DIR"
DAG_ORDER = ("sqmy_ingest", "sqmy_transform")


def single_machine_env(
    *,
    sqmy_home: str,
    airflow_home: str,
    dags_folder: str,
    sql_alchemy_conn: str,
    fernet_key: str,
    jwt_secret: str,
    api_port: int = 8080,
) -> dict[str, str]:
    """The environment every Airflow process of the one-machine recipe shares.

    LocalExecutor runs tasks as children of the scheduler; they reach the
    api-server on loopback. The secrets must be the same in every process
    (a task's token is signed by the api-server and checked by it; connection
    passwords are encrypted with the Fernet key).
    """
    return {
        "SQMY_HOME": sqmy_home,
        "AIRFLOW_HOME": airflow_home,
        "AIRFLOW__CORE__DAGS_FOLDER": dags_folder,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql_alchemy_conn,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__CORE__FERNET_KEY": fernet_key,
        "AIRFLOW__API_AUTH__JWT_SECRET": jwt_secret,
    }


def single_machine_commands(api_port: int = 8080) -> list[list[str]]:
    """The long-running processes of the recipe, each listening on loopback or not at all.

    Airflow 3.3 has a port setting for the scheduler's and triggerer's log
    servers (``[logging] worker_log_server_port`` 8793, ``trigger_log_server_port``
    8794) but no address: they bind every interface. On one machine the
    api-server reads the task logs from ``$AIRFLOW_HOME/logs`` itself, so the
    recipe does not start them (``--skip-serve-logs``).
    """
    return [
        ["airflow", "api-server", "--host", "127.0.0.1", "--port", str(api_port)],
        ["airflow", "scheduler", "--skip-serve-logs"],
        ["airflow", "dag-processor"],
        ["airflow", "triggerer", "--skip-serve-logs"],
    ]


class EmbeddedRunFailed(RuntimeError):
    """A DAG run did not succeed; the message points at the log."""


def dags_folder() -> Path:
    """The DAG files: ``SQMY_DAGS_DIR``, else ``dags/`` of the checkout or the wheel's copy."""
    return Path(os.environ.get(DAGS_ENV, shipped_dir("dags"))).resolve()


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
    if any(states.get(dag_id) not in ("success", REJECTIONS_ONLY) for dag_id in DAG_ORDER):
        raise EmbeddedRunFailed(f"embedded Airflow run states {states}; see {log_path}")
    return states


# a run red only because files were rejected (its notify_rejections task) still feeds the
# transform, as the asset event says: the demo's messy ledgers carry deliberately bad files
REJECTIONS_ONLY = "success_with_rejections"


def _state(run: object) -> str:
    """The run's state, or ``REJECTIONS_ONLY`` when notify_rejections is its one failed task."""
    state = str(getattr(run.state, "value", run.state))  # type: ignore[attr-defined]
    if state != "failed":
        return state
    failed = {ti.task_id for ti in run.get_task_instances() if ti.state == "failed"}  # type: ignore[attr-defined]
    return REJECTIONS_ONLY if failed == {"notify_rejections"} else state


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
        states[dag_id] = _state(run)
        result_file.write_text(json.dumps(states), encoding="utf-8")
        if states[dag_id] not in ("success", REJECTIONS_ONLY):
            break


if __name__ == "__main__":
    _run_dags(Path(sys.argv[1]))
