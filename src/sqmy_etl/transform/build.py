"""Run the dbt project, then publish: write, audit, publish.

``dbt build`` writes the working warehouse and runs every test; only when
every node passed are the marts copied to ``published/``. A failed test
raises ``TransformFailed`` naming the node and leaves ``published/`` as it
was. ``transform_and_publish`` is the one function for build → publish →
quality report that the CLI, the tests and the Airflow DAG all call. dbt is
imported inside the functions: ``import dbt`` costs seconds and the CLI and
Airflow DAG files import this module at start.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.db import crashpoint, ensure_raw_schema, open_warehouse, writer_lock
from sqmy_etl.warehouse.publish import PublishResult, publish_marts

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult

    from sqmy_etl.transform.incremental import BuildPlan

log = logging.getLogger(__name__)

WAREHOUSE_ENV = "SQMY_WAREHOUSE_PATH"
# profiles.yml's keep_open for the warehouse file: "True" from every runner of ours,
# which closes the instance after its invoke (close_dbt_duckdb); False for anyone else.
KEEP_OPEN_ENV = "SQMY_DBT_KEEP_OPEN"
# The profile and target of dbt/profiles.yml that Cosmos names on every Airflow run.
DBT_PROFILE = "sqmy"
DBT_TARGET = "dev"
LAKE_TARGET = "lake"  # the same project on DuckLake (SQMY_WAREHOUSE=ducklake)
_FAILED = {"error", "fail", "runtime error"}


class TransformFailed(RuntimeError):
    """dbt did not pass; ``failing_nodes`` holds the unique ids that failed."""

    def __init__(self, failing_nodes: list[str], detail: str) -> None:
        names = ", ".join(failing_nodes) if failing_nodes else "dbt"
        super().__init__(f"transform failed, marts not published: {names}\n{detail}".rstrip())
        self.failing_nodes = failing_nodes


@dataclass(frozen=True)
class TransformResult:
    nodes_run: int
    dbt_seconds: float
    published: PublishResult
    quality_report: Path | None = None
    mode: str = "full"  # or "incremental" (sqmy_etl.transform.incremental)


def dbt_target_dir(settings: Settings) -> Path:
    """Per-SQMY_HOME dbt target: two homes never clash, one home is serialised by the lock."""
    return settings.home / "dbt" / "target"


def dbt_target(settings: Settings) -> str:
    """The profiles.yml target of this engine."""
    return LAKE_TARGET if settings.is_lake else DBT_TARGET


def dbt_env(settings: Settings) -> dict[str, str]:
    """The variables profiles.yml reads: this home's warehouse file and keep_open (our runners
    close the instance themselves), or the lake's catalog, data folder and offline
    extension directory."""
    env = {WAREHOUSE_ENV: str(settings.warehouse), KEEP_OPEN_ENV: "True"}
    if settings.is_lake:
        from sqmy_etl.warehouse import lake

        env |= {
            "SQMY_LAKE_CATALOG": settings.lake_catalog,
            "SQMY_LAKE_DATA": lake.data_path(settings),
            "SQMY_DUCKDB_EXTENSIONS": str(lake.extension_dir(settings)),
        }
    return env


@contextmanager
def _warehouse_env(settings: Settings, extra: dict[str, str] | None = None) -> Iterator[None]:
    """Point profiles.yml at this home's warehouse (and set ``extra``) for one dbt call."""
    wanted = dbt_env(settings) | (extra or {})
    previous = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _log_dbt_event(event: Any) -> None:
    """Forward dbt's warnings and errors to our log (stderr + JSON file), never stdout."""
    level = event.info.level
    if event.info.name == "NodeFinished":
        crashpoint("dbt.node")
    if level in ("warn", "error"):
        log.warning("dbt: %s", event.info.msg)
    elif event.info.name in ("LogModelResult", "LogTestResult", "LogSnapshotResult"):
        log.debug("dbt: %s", event.info.msg)


# dbt's unit tests check the SQL logic on fixed inputs, not the data: the same
# answer on every run. As dbt recommends, production builds leave them out;
# `make test` runs them once on a built warehouse (test_dbt_unit_tests.py).
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def invoke_dbt(
    settings: Settings,
    args: list[str],
    target_dir: Path | None = None,
    log_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> dbtRunnerResult:
    """Run one dbt command on the project with this home's warehouse, target and log dirs
    (and ``env``, e.g. the incremental build's mark)."""
    from dbt.cli.main import dbtRunner

    target = target_dir or dbt_target_dir(settings)
    log_dir = log_dir or settings.logs / "dbt"
    target.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    target_args = [] if "--target" in args else ["--target", dbt_target(settings)]
    full_args = [
        *args,
        *target_args,
        "--project-dir",
        str(settings.dbt_dir),
        "--profiles-dir",
        str(settings.dbt_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(log_dir),
        "--log-level",
        "none",
        "--log-level-file",
        "info",
    ]
    with _warehouse_env(settings, env):
        try:
            return dbtRunner(callbacks=[_log_dbt_event]).invoke(full_args)
        finally:
            close_dbt_duckdb()


def close_dbt_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb kept open for the invoke that just ended.

    Our runners build with ``keep_open`` (``KEEP_OPEN_ENV``): one instance for
    every node of a build. With ``keep_open: false`` dbt-duckdb closes the
    file whenever no node holds it, so between nodes it checkpointed the
    file, and it opened it and read its catalog again for the next node: a
    demo build took 11 s instead of 7. Left open, the instance and its file
    lock would live as long as the process, and publishing (a read-only open
    in the same process) or any other process could not open the file.
    A no-op when dbt-duckdb was never imported.
    """
    connections = sys.modules.get("dbt.adapters.duckdb.connections")
    if connections is None:
        return
    manager = connections.DuckDBConnectionManager
    with manager._LOCK:
        environment, manager._ENV = manager._ENV, None
    if environment is not None:
        environment.close()


def _require_success(result: dbtRunnerResult) -> None:
    """Raise ``TransformFailed`` naming the failed nodes unless every node of the run passed."""
    if result.exception is not None:
        raise TransformFailed([], str(result.exception))
    outcomes = getattr(result.result, "results", None) or []
    failed = [r for r in outcomes if str(r.status) in _FAILED]
    skipped = sum(1 for r in outcomes if str(r.status) == "skipped")
    if failed or skipped or not result.success:
        lines = [f"- {r.node.unique_id}: {r.status!s}: {r.message}" for r in failed]
        if skipped:
            lines.append(f"- {skipped} node(s) skipped")
        raise TransformFailed([r.node.unique_id for r in failed], "\n".join(lines))


def prepare_build(settings: Settings) -> None:
    """What every ``dbt build`` needs first; the caller holds the writer lock.

    The same steps for ``sqmy transform`` and the Airflow producer, so both
    build from the same inputs: the office's reference files (units, scoring
    rules) checked — a wrong one raises ``ReferenceFileError`` (a
    ``TransformFailed``) naming the line, before anything is built; the raw
    sources created even before the first ingest, or dbt cannot build; theme
    suggestions and hot-topic members refreshed (CONTRACT §6).
    """
    from sqmy_etl.reference_overrides import check_reference_files
    from sqmy_etl.themes.suggest import refresh_warehouse

    check_reference_files(settings)
    con = open_warehouse(settings)
    try:
        ensure_raw_schema(con)
    finally:
        con.close()
    refresh_warehouse(settings)


@contextmanager
def planned_build(settings: Settings) -> Iterator[BuildPlan]:
    """Prepare, then plan a build (full or incremental); record it if the body returns.

    The one sequence of ``sqmy transform`` and the Airflow producer, inside the
    caller's writer lock: ``prepare_build``, ``incremental.plan_build``, the
    attempt noted (``incremental.record_attempt``), the body runs dbt with
    ``plan.dbt_env()`` and ``plan.dbt_selection()``, and only when the body
    returns is the state recorded (``incremental.record_build``): a failed
    build, which raises, is never the base of the next one.
    """
    from sqmy_etl.transform.incremental import plan_build, record_attempt, record_build

    prepare_build(settings)
    plan = plan_build(settings)
    log.info("dbt build: %s (%s)", plan.mode, plan.reason)
    record_attempt(settings, plan)
    yield plan
    record_build(settings, plan)


def run_transform(settings: Settings) -> TransformResult:
    """``dbt build`` under the writer lock; publish the marts only if every node passed.

    Incremental when only new deliveries arrived since the last successful
    build, else a full rebuild (``incremental.plan_build``); the build's state
    is recorded only after dbt passed.
    """
    settings.ensure_dirs()
    with writer_lock(settings):
        with planned_build(settings) as plan:
            started = time.perf_counter()
            args = [*PRODUCTION_BUILD, *plan.dbt_selection()]
            result = invoke_dbt(settings, args, env=plan.dbt_env())
            elapsed = time.perf_counter() - started
            _require_success(result)
        published = publish_marts(settings)
    nodes = len(getattr(result.result, "results", None) or [])
    log.info("dbt build: %d nodes passed in %.1fs", nodes, elapsed)
    return TransformResult(nodes, elapsed, published, mode=plan.mode)


def transform_and_publish(settings: Settings, *, build: bool = True) -> TransformResult:
    """Build → publish → data-quality report: the one transform of the CLI, tests and DAG.

    ``build=False`` is the Airflow ``publish`` task, whose dbt build ran in
    Cosmos: it still publishes under the writer lock, so a concurrent
    ``sqmy transform`` can never remove its files half-way. The report comes
    after the swap (it takes the lock itself): analysts are never held back by it.
    """
    from sqmy_etl.quality.report import write_quality_report

    if build:
        result = run_transform(settings)
    else:
        settings.ensure_dirs()
        with writer_lock(settings):
            result = TransformResult(0, 0.0, publish_marts(settings))
    quality = write_quality_report(settings)
    log.info("data-quality report: %s", quality)
    return TransformResult(
        result.nodes_run, result.dbt_seconds, result.published, quality, result.mode
    )


def generate_docs(settings: Settings) -> Path:
    """``dbt docs generate`` against the built warehouse; returns the static index.html."""
    with writer_lock(settings):
        _require_success(invoke_dbt(settings, ["docs", "generate"]))
    return dbt_target_dir(settings) / "index.html"


def build_manifest(settings: Settings, target_dir: Path | None = None) -> Path:
    """``dbt parse`` into ``dbt/target`` (default) so Cosmos can render the DAG from the manifest.

    Parsing reads no data, so it takes no lock; the warehouse path is only
    needed because profiles.yml refers to it. ``--profile``/``--target`` are
    named as Cosmos names them: dbt hashes them into ``partial_parse.msgpack``,
    and Cosmos seeds each Airflow run with the newest one, this one right after
    ``make manifest``. Left out, the first run after every ``make manifest``
    reparsed the whole project ("config vars, config profile, or config target
    have changed").
    """
    target = target_dir or settings.dbt_dir / "target"
    args = ["parse", "--profile", DBT_PROFILE, "--target", DBT_TARGET]
    _require_success(invoke_dbt(settings, args, target_dir=target, log_dir=target))
    return target / "manifest.json"
