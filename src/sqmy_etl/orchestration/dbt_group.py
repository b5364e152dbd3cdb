"""The dbt project as an Airflow task group, rendered by astronomer-cosmos.

Rendering reads the manifest ``make dbt-manifest`` builds ahead
(``LoadMode.DBT_MANIFEST``): no dbt import and no ``dbt ls`` at parse time.
Every task that runs dbt takes the ``duckdb_writer`` pool because dbt writes
the one DuckDB file. The DuckDB path reaches dbt's profile through the
``SQMY_WAREHOUSE_PATH`` env var, computed from ``Settings`` (pure path
arithmetic) when the worker parses the DAG.
"""

from __future__ import annotations

import os
from pathlib import Path

import airflow.sdk  # noqa: F401  -- cosmos must be imported after airflow (circular import)

# Cosmos reads its settings when imported; without this a deployment that
# forgot the env var would try to send telemetry from every worker.
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")

from cosmos import (
    DbtTaskGroup,
    ExecutionConfig,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
)
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from sqmy_etl.config import Settings
from sqmy_etl.orchestration.defaults import WRITER_POOL

PRODUCER_TASK_SUFFIX = "dbt_producer_watcher"
MODE_ENV = "SQMY_COSMOS_MODE"
MANIFEST_ENV = "SQMY_DBT_MANIFEST"
DEFAULT_MODE = "watcher"
PROFILE_NAME = "sqmy"
TARGET_NAME = "dev"


def manifest_path(settings: Settings) -> Path:
    """The manifest Cosmos renders from: ``SQMY_DBT_MANIFEST``, else ``dbt/target/manifest.json``.

    ``make dbt-manifest`` writes the default; tests point the env var at a
    manifest they built so they never race a developer's ``dbt/target``.
    """
    override = os.environ.get(MANIFEST_ENV)
    return Path(override) if override else settings.dbt_dir / "target" / "manifest.json"


def execution_mode() -> ExecutionMode:
    """``watcher``: one ``dbt build`` + a status task per node; ``local``: one dbt call per task."""
    return ExecutionMode(os.environ.get(MODE_ENV, DEFAULT_MODE).lower())


def dbt_task_group(settings: Settings, group_id: str = "dbt") -> DbtTaskGroup:
    """Build the Cosmos task group; call inside a DAG context."""
    manifest = manifest_path(settings)
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} is missing: build it with `make dbt-manifest`")
    mode = execution_mode()
    env = {"SQMY_WAREHOUSE_PATH": str(settings.warehouse), "SQMY_HOME": str(settings.home)}
    operator_args: dict[str, object] = {
        "emit_datasets": False,
        "env": env,
        "append_env": True,
    }
    setup_operator_args: dict[str, object] | None = None
    if mode is ExecutionMode.WATCHER:
        # Only the producer runs dbt, so only it takes the writer slot and
        # retries (a whole `dbt build` again is idempotent). A status task that
        # retried would re-run its model outside the pool, so they do not.
        operator_args.update({"poke_interval": 2, "retries": 0})
        setup_operator_args = {"pool": WRITER_POOL, "retries": 3}
    else:
        operator_args["pool"] = WRITER_POOL
    project_config = ProjectConfig(
        dbt_project_path=settings.dbt_dir,
        manifest_path=manifest,
        project_name=PROFILE_NAME,
        install_dbt_deps=False,
    )
    # ProjectConfig wraps manifest_path in an Airflow ObjectStoragePath; reading
    # one records hook lineage, which loads every Airflow plugin (Cosmos' own
    # imports FastAPI): ~0.3 s of a parse in a process that has not loaded them
    # yet (DagBag in tests, scripts; the dag-processor and the task runner load
    # them before they parse). The manifest is a local file and manifest_path is
    # typed `Path | ObjectStoragePath`: Cosmos only calls exists()/open() on it
    # and hands str() of it to the operators, the same string either way.
    project_config.manifest_path = manifest
    group = DbtTaskGroup(
        group_id=group_id,
        project_config=project_config,
        profile_config=ProfileConfig(
            profile_name=PROFILE_NAME,
            target_name=TARGET_NAME,
            profiles_yml_filepath=settings.dbt_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=mode,
            invocation_mode=InvocationMode.DBT_RUNNER,
            setup_operator_args=setup_operator_args,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.AFTER_EACH,
            # LOCAL runs `dbt test --select <model>` per task: a relationships test
            # on two models must wait for both, so it gets a task of its own.
            # WATCHER reports test results per model and has no status for a
            # detached test, so there each test counts in every model it checks.
            should_detach_multiple_parents_tests=mode is ExecutionMode.LOCAL,
            enable_owner_inheritance=False,
        ),
        operator_args=operator_args,
    )
    if mode is ExecutionMode.WATCHER:
        _status_tasks_after_producer(group)
    return group


def _status_tasks_after_producer(group: DbtTaskGroup) -> None:
    """Start the per-node status tasks once the producer's ``dbt build`` has finished.

    Cosmos lets a task group's root status tasks start beside the producer and
    wait for it deferred. That needs free worker slots and a triggerer, and
    deadlocks ``dag.test()`` (it runs tasks one by one). After the producer,
    each status task finds its node's result at the first look; ``all_done``
    lets them report which node failed when the build failed.
    """
    producer = next(t for t in group if t.task_id.endswith(PRODUCER_TASK_SUFFIX))
    for task in group:
        if hasattr(task, "producer_task_id") and not task.upstream_list:
            producer >> task
            task.trigger_rule = "all_done"
