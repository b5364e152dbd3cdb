"""The dbt project as an Airflow task group, rendered by astronomer-cosmos.

Rendering reads the manifest ``make manifest`` builds ahead
(``LoadMode.DBT_MANIFEST``): no dbt import and no ``dbt ls`` at parse time.
Every task that runs dbt takes the ``duckdb_writer`` pool because dbt writes
the one DuckDB file. The DuckDB path reaches dbt's profile through the
``SQMY_WAREHOUSE_PATH`` env var, computed from ``Settings`` (pure path
arithmetic) when the worker parses the DAG.

Why the WATCHER producer retries inside its task. Cosmos 1.15's producer
refuses Airflow retries: from attempt 2 on it raises ``AirflowSkipException``
("Dbt WATCHER producer task does not support Airflow retries … skipping
execution", ``cosmos/operators/watcher.py``). With ``retries > 0`` the task
holding the real dbt error ends *skipped*: its failure callback never fires,
the UI opens the one-line log of the skipped attempt, and a transient error is
never run again. So the producer has ``retries=0`` (it FAILS and its alert
goes out) and ``RetryingDbtProducer`` repeats the whole ``dbt build`` itself,
at most ``SQMY_DBT_ATTEMPTS`` (3) times, ``SQMY_DBT_RETRY_DELAY_S`` (30 s,
doubling) apart, only when every error of the attempt is transient (another
process holds the warehouse: DuckDB file lock, I/O error, our writer lock).
A failing test or a broken model is never retried: the same data fails the
same way again. A whole ``dbt build`` is idempotent, and it runs under the
same writer lock as ``sqmy transform``, so a CLI ingest waits instead of
breaking it. Cosmos has no setting for the producer's class, so the rendered
producer is re-classed (the subclass adds behaviour, no state).

One alert per failed run: the producer's failure callback mails every failed
node of the build (``alerting.alert_dbt_failure``); the per-node status tasks
only log, since each of their failures is a node already in that mail.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import airflow.sdk  # noqa: F401  -- cosmos must be imported after airflow (circular import)

# Cosmos reads its settings when imported; without this a deployment that
# forgot the env var would try to send telemetry from every worker.
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
# Cosmos' "reliable retry" rewrites an Airflow Variable with every XCom the
# producer pushes, to restore them on an Airflow retry; ours has none (docstring).
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_WATCHER_RELIABLE_RETRY", "False")

from cosmos import (
    DbtTaskGroup,
    ExecutionConfig,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
)
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior
from cosmos.operators.watcher import DbtProducerWatcherOperator

from sqmy_etl.config import Settings
from sqmy_etl.orchestration import dbt_failures
from sqmy_etl.orchestration.alerting import alert_dbt_failure, log_dbt_node_failure
from sqmy_etl.orchestration.defaults import WRITER_POOL
from sqmy_etl.pii import redact_text
from sqmy_etl.transform.build import (
    DBT_PROFILE,
    PRODUCTION_BUILD,
    close_dbt_duckdb,
    dbt_env,
    dbt_target,
    planned_build,
)
from sqmy_etl.transform.manifest import ensure_manifest
from sqmy_etl.warehouse.db import writer_lock

log = logging.getLogger(__name__)

PRODUCER_TASK_SUFFIX = "dbt_producer_watcher"
MODE_ENV = "SQMY_COSMOS_MODE"
MANIFEST_ENV = "SQMY_DBT_MANIFEST"
DEFAULT_MODE = "watcher"
ATTEMPTS_ENV = "SQMY_DBT_ATTEMPTS"
RETRY_DELAY_ENV = "SQMY_DBT_RETRY_DELAY_S"
DEFAULT_ATTEMPTS = 3
DEFAULT_RETRY_DELAY_S = 30.0
PROFILE_NAME = DBT_PROFILE


def manifest_path(settings: Settings) -> Path:
    """The manifest Cosmos renders from: ``SQMY_DBT_MANIFEST``, else ``dbt/target/manifest.json``.

    ``make manifest`` writes the default; tests point the env var at a
    manifest they built so they never race a developer's ``dbt/target``.
    From an installed wheel the default lives under SQMY_HOME and the first
    parse builds it (``transform.manifest``).
    """
    override = os.environ.get(MANIFEST_ENV)
    return Path(override) if override else ensure_manifest(settings)


def execution_mode() -> ExecutionMode:
    """``watcher``: one ``dbt build`` + a status task per node; ``local``: one dbt call per task."""
    return ExecutionMode(os.environ.get(MODE_ENV, DEFAULT_MODE).lower())


def dbt_task_group(settings: Settings, group_id: str = "dbt") -> DbtTaskGroup:
    """Build the Cosmos task group; call inside a DAG context."""
    manifest = manifest_path(settings)
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} is missing: build it with `make manifest`")
    mode = execution_mode()
    env = {**dbt_env(settings), "SQMY_HOME": str(settings.home)}
    operator_args: dict[str, object] = {
        "emit_datasets": False,
        "env": env,
        "append_env": True,
    }
    setup_operator_args: dict[str, object] | None = None
    if mode is ExecutionMode.WATCHER:
        # Only the producer runs dbt, so only it takes the writer slot; it
        # retries inside its task (module docstring). A status task that
        # retried would re-run its model outside the pool, so they do not.
        operator_args.update(
            {"poke_interval": 2, "retries": 0, "on_failure_callback": log_dbt_node_failure}
        )
        setup_operator_args = {
            # the same build as `sqmy transform`: unit tests are for CI (transform.build)
            "dbt_cmd_flags": PRODUCTION_BUILD[1:],
            "pool": WRITER_POOL,
            "retries": 0,
            "on_failure_callback": alert_dbt_failure,
        }
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
            target_name=dbt_target(settings),
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
        producer = _producer(group)
        producer.__class__ = RetryingDbtProducer
        # Cosmos appends a callback saving the producer's XComs for an Airflow
        # retry; without retries it would only leave a Variable per failed run.
        producer.on_failure_callback = [alert_dbt_failure]
        producer.on_retry_callback = None
    return group


def _producer(group: DbtTaskGroup) -> Any:
    return next(t for t in group if t.task_id.endswith(PRODUCER_TASK_SUFFIX))


def publish_after_build(group: DbtTaskGroup, publish: Any) -> None:
    """Run ``publish`` as soon as the dbt build passed, and the status tasks after it.

    WATCHER: the producer fails when any seed, snapshot, model or test of its
    ``dbt build`` fails, so its success alone proves the build and ``publish``
    waits for nothing else. The ~85 status tasks only report each node's
    result; started beside ``publish`` they took every executor slot and both
    cores first (each is a task process), delaying the marts by ~15 s on two
    cores. So they wait for ``publish`` to end, whatever its state
    (``all_done``), and still report a failed build. LOCAL: each task *is* a
    dbt call, so ``publish`` waits for the whole group.
    """
    if execution_mode() is not ExecutionMode.WATCHER:
        group >> publish
        return
    producer = _producer(group)
    producer >> publish
    for task in group:
        if producer in task.upstream_list and task is not publish:
            publish >> task


def _status_tasks_after_producer(group: DbtTaskGroup) -> None:
    """Start the per-node status tasks once the producer's ``dbt build`` has finished.

    Cosmos lets a task group's root status tasks start beside the producer and
    wait for it deferred. That needs free worker slots and a triggerer, and
    deadlocks ``dag.test()`` (it runs tasks one by one). After the producer,
    each status task finds its node's result at the first look; ``all_done``
    lets them report which node failed when the build failed.
    """
    producer = _producer(group)
    for task in group:
        if hasattr(task, "producer_task_id") and not task.upstream_list:
            producer >> task
            task.trigger_rule = "all_done"


PROGRESS_EVENTS = frozenset({"NodeStart", "NodeCompiling", "NodeExecuting"})
# XCom keys Cosmos derives from a node's unique_id ("test.sqmy.x" → "test__sqmy__x_…")
UNREAD_TEST_XCOMS = ("_dbt_event", "_compiled_sql")


class _TestXComsDropped:
    """The task instance, minus the XComs Cosmos pushes for a data test that nothing reads.

    A data test has no status task of its own: its model's ``.test`` task reads
    the aggregated tests status, which still goes through. The test's own last
    event and compiled SQL would only be read by a task of its own (two HTTP
    calls per data test and build); the alert keeps a failing test's SQL from the files.
    """

    def __init__(self, ti: Any) -> None:
        self._ti = ti

    def xcom_push(self, key: str, value: Any, **kwargs: Any) -> None:
        if key.startswith("test__") and key.endswith(UNREAD_TEST_XCOMS):
            return
        self._ti.xcom_push(key=key, value=value, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ti, name)


def _is_progress_event(line: str) -> bool:
    """A dbt JSON log line announcing that a node started, compiles or executes."""
    try:
        event = json.loads(line)
    except ValueError:
        return False
    info = event.get("info") if isinstance(event, dict) else None
    return isinstance(info, dict) and info.get("name") in PROGRESS_EVENTS


def _attempt_limits() -> tuple[int, float]:
    """How many ``dbt build`` attempts, and the first wait between them (env, read per run)."""
    attempts = int(os.environ.get(ATTEMPTS_ENV, DEFAULT_ATTEMPTS))
    delay = float(os.environ.get(RETRY_DELAY_ENV, DEFAULT_RETRY_DELAY_S))
    return max(1, attempts), max(0.0, delay)


class RetryingDbtProducer(DbtProducerWatcherOperator):
    """Cosmos' WATCHER producer, repeating a transiently failed ``dbt build`` in the same try."""

    _failures: tuple[dbt_failures.NodeFailure, ...] = ()

    def execute(self, context: Any, **kwargs: Any) -> Any:
        settings = Settings.from_env()
        attempts, delay = _attempt_limits()
        folder = dbt_failures.run_folder(settings, context["run_id"])
        for attempt in range(1, attempts + 1):
            dest = folder / f"attempt-{attempt}"
            self._failures = ()
            # Cosmos calls `callback` after dbt, before it raises and the temp project goes.
            self.callback = functools.partial(self._keep_failures, dest=dest)
            # Test results of a failed attempt must not count towards the next one.
            self.test_results_per_model.clear()
            try:
                # prepared, planned (incremental or full) and recorded as `sqmy transform` does
                with writer_lock(settings), planned_build(settings) as plan:
                    self.env = {**(self.env or {}), **plan.dbt_env()}
                    try:
                        return super().execute(context, **kwargs)
                    finally:
                        # the build ran in this process with keep_open (dbt_env)
                        close_dbt_duckdb()
            except Exception as exc:
                record = self._record_failure(attempt, exc, dest)
                if attempt == attempts or not record.transient:
                    raise
                wait = delay * 2 ** (attempt - 1)
                log.warning(
                    "dbt build attempt %d/%d failed transiently, again in %.0fs: %s",
                    attempt,
                    attempts,
                    wait,
                    record.error,
                )
                time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _make_parse_callable(self) -> Any:
        """Cosmos' dbt-event parser, minus the progress events nobody reads.

        For each node dbt fires NodeStart, NodeCompiling and NodeExecuting
        before NodeFinished, and Cosmos pushes each of them as an XCom: one
        HTTP call to the api-server apiece, serialised under one lock while
        dbt's threads wait. A status task reads only the node's terminal status
        and logs its last event, both of which NodeFinished carries, so the
        three are dropped here: ~450 calls fewer on our project, the largest
        part of the gap between the Airflow transform and ``sqmy transform``.
        So are a data test's own event and compiled SQL (``_TestXComsDropped``).
        """
        parse = super()._make_parse_callable()

        def parse_all_but_progress(line: str, extra_kwargs: Any) -> None:
            if _is_progress_event(line):
                return
            context = extra_kwargs.get("context") if extra_kwargs else None
            if context is not None and "ti" in context:
                ti = _TestXComsDropped(context["ti"])
                extra_kwargs = {**extra_kwargs, "context": {**context, "ti": ti}}
            parse(line, extra_kwargs)

        return parse_all_but_progress

    def _keep_failures(self, project_dir: str, dest: Path, **_: Any) -> None:
        self._failures = dbt_failures.collect_failures(Path(project_dir), dest)

    def _record_failure(
        self, attempt: int, exc: Exception, dest: Path
    ) -> dbt_failures.AttemptRecord:
        """Write ``failures.json`` for a failed attempt and say whether it may be retried."""
        error = redact_text(str(exc))
        record = dbt_failures.AttemptRecord(
            attempt=attempt,
            error=error,
            transient=dbt_failures.is_transient(error, self._failures),
            failures=self._failures,
            folder=str(dest),
        )
        dbt_failures.write_record(record)
        return record
