"""Full rebuild or incremental build: the decision, and the state it is made from.

An incremental build merges again only the ids that deliveries loaded since
the last successful build touched (env var ``SQMY_SINCE_INGEST_SEQ``); every other
id keeps the rows the last build wrote. That is exact only when nothing else
changed since: the same dbt project (models, macros, seeds, snapshots), the
same office reference files (units, scoring rules), the same dbt/DuckDB
versions, no replacement, retraction or re-delivery (``raw.delivery_changes``),
no raw row taken away (an erasure deletes rows: the count of rows loaded up to
the mark falls), the tables of the last build still there, and no build of
other code or reference files begun since (and failed: it may have left
tables and views half-rebuilt by that code). Anything else gets a full
rebuild, automatically. The state of a build is written to
``meta.transform_builds`` only after dbt passed, so a failed build is never
the base of the next one; every build is noted in ``meta.transform_attempts``
before dbt starts. Theme suggestions and reviews feed only tables that
every build recomputes, so they do not decide.

An incremental build also leaves out the seeds and the views
(``BuildPlan.dbt_selection``): their files are part of the code fingerprint,
and DuckDB reads a view's tables by name, so the last full build's seeds and
views are the ones this build would create again. The tests of views still
run (``--indirect-selection empty`` keeps a test whose parent is left out);
the costly ones, on views over every raw row, test only the rows loaded after
the mark (``where: __loaded_after_last_build__``, ``macros/get_where_subquery.sql``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from sqmy_etl.config import Settings
from sqmy_etl.reference_overrides import REFERENCE_DIR
from sqmy_etl.warehouse.db import open_warehouse, scalar_int, table_exists

if TYPE_CHECKING:
    import duckdb

STATE_TABLE = "meta.transform_builds"
ATTEMPT_TABLE = "meta.transform_attempts"
# The mark reaches dbt as an environment variable, not a --vars value: dbt
# re-parses the whole project whenever --vars change (seconds on every
# build), but only the files that read an env var when its value changes.
SINCE_ENV = "SQMY_SINCE_INGEST_SEQ"
# raw tables whose rows the incremental models read, by ingest_seq
RAW_TABLES = ("submissions", "issues", "feedback")
# what an incremental build updates in place: it needs them from the last build
BUILT_TABLES = (
    "intermediate.int_submissions_merged",
    "intermediate.int_issues_merged",
    "snapshots.snap_submissions",
)
# What an incremental build does not create again, and how their tests stay in.
INCREMENTAL_SELECTION = (
    "--exclude",
    "resource_type:seed",
    "config.materialized:view",
    "--indirect-selection",
    "empty",
)
_PROJECT_PARTS = ("models", "macros", "seeds", "snapshots", "tests")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml")


@dataclass(frozen=True)
class BuildState:
    """What a build was made from; equal states (but the mark) allow an incremental build."""

    code_fingerprint: str
    reference_fingerprint: str
    delivery_changes: int
    raw_rows: dict[str, int]
    high_water_mark: int


@dataclass(frozen=True)
class BuildPlan:
    """``mode`` full or incremental, why, and the state to record once dbt passed."""

    mode: str
    reason: str
    state: BuildState
    since_ingest_seq: int | None = None

    def dbt_env(self) -> dict[str, str]:
        """For the dbt call: the mark of an incremental build, empty (all rows) for a full one."""
        since = self.since_ingest_seq
        return {SINCE_ENV: "" if since is None else str(since)}

    def dbt_selection(self) -> list[str]:
        """For ``dbt build``: an incremental build leaves out seeds and views (module docstring)."""
        return list(INCREMENTAL_SELECTION) if self.mode == "incremental" else []


def _hash_files(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def code_fingerprint(dbt_dir: Path) -> str:
    """The dbt project as built (not target/ or logs/), and the versions that run it."""
    files = [dbt_dir / name for name in _PROJECT_FILES if (dbt_dir / name).is_file()]
    for part in _PROJECT_PARTS:
        files += [p for p in (dbt_dir / part).rglob("*") if p.is_file()]
    engines = ",".join(version(name) for name in ("dbt-core", "dbt-duckdb", "duckdb"))
    return hashlib.sha256(f"{engines}:{_hash_files(files, dbt_dir)}".encode()).hexdigest()


def reference_fingerprint(settings: Settings) -> str:
    """The office's own reference files ($SQMY_HOME/reference), which dbt reads instead of seeds."""
    folder = settings.home / REFERENCE_DIR
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return _hash_files(files, folder)


def _raw_rows(con: duckdb.DuckDBPyConnection, up_to: int) -> dict[str, int]:
    """Rows of each raw table loaded up to ``up_to``: a deletion (erasure) lowers it."""
    return {
        table: scalar_int(con, f"select count(*) from raw.{table} where ingest_seq <= ?", [up_to])
        for table in RAW_TABLES
    }


def _last_build(con: duckdb.DuckDBPyConnection) -> BuildState | None:
    if not table_exists(con, STATE_TABLE):
        return None
    row = con.execute(
        f"select state_json from {STATE_TABLE} order by built_at desc, build_no desc limit 1"
    ).fetchone()
    return BuildState(**json.loads(row[0])) if row else None


def _failed_since_last_build(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(code, reference) fingerprints of the builds begun after the last one that passed.

    The writer lock lets one build run at a time, so every one of them failed.
    """
    if not table_exists(con, ATTEMPT_TABLE):
        return set()
    passed = "null"
    if table_exists(con, STATE_TABLE):
        passed = f"(select max(built_at) from {STATE_TABLE})"
    rows = con.execute(
        f"select distinct code_fingerprint, reference_fingerprint from {ATTEMPT_TABLE} "
        f"where started_at > coalesce({passed}, '-infinity'::timestamptz)"
    ).fetchall()
    return {(code, reference) for code, reference in rows}


def decide(
    current: BuildState,
    last: BuildState | None,
    tables_exist: bool,
    failed_since: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> tuple[str, str]:
    """``(mode, reason)``: incremental only when nothing but new deliveries changed.

    ``current.raw_rows`` must count the rows loaded up to ``last.high_water_mark``;
    ``failed_since`` holds the fingerprints of builds that failed since ``last``.
    """
    if last is None:
        return "full", "no successful build recorded"
    if not tables_exist:
        return "full", "a table of the last build is missing"
    if current.code_fingerprint != last.code_fingerprint:
        return "full", "the dbt project or its versions changed"
    if current.reference_fingerprint != last.reference_fingerprint:
        return "full", "a reference file (units, scoring rules) changed"
    if current.delivery_changes != last.delivery_changes:
        return "full", "a delivery was replaced, retracted or re-delivered"
    if current.raw_rows != last.raw_rows:
        return "full", "raw rows loaded before the last build were removed (erasure)"
    ours = (current.code_fingerprint, current.reference_fingerprint)
    if any(failed != ours for failed in failed_since):
        return "full", "a build of other code or reference files failed since the last one"
    return "incremental", f"rows loaded after ingest_seq {last.high_water_mark}"


def plan_build(settings: Settings) -> BuildPlan:
    """Read the warehouse and decide; the caller holds the writer lock, so raw cannot move."""
    con = open_warehouse(settings, read_only=True)
    try:
        last = _last_build(con)
        mark = scalar_int(con, "select max(ingest_seq) from raw.ingest_files")
        changes = scalar_int(con, "select count(*) from raw.delivery_changes")
        tables_exist = all(table_exists(con, table) for table in BUILT_TABLES)
        failed_since = _failed_since_last_build(con)
        base = last.high_water_mark if last else mark
        rows_now = _raw_rows(con, mark)
        compared = rows_now if base == mark else _raw_rows(con, base)
    finally:
        con.close()
    code = code_fingerprint(settings.dbt_dir)
    reference = reference_fingerprint(settings)
    current = BuildState(code, reference, changes, compared, base)
    mode, reason = decide(current, last, tables_exist, failed_since)
    state = BuildState(code, reference, changes, rows_now, mark)
    since = last.high_water_mark if mode == "incremental" and last else None
    return BuildPlan(mode, reason, state, since)


def _append_row(
    settings: Settings, table: str, columns: str, insert: str, params: list[object]
) -> None:
    """One row into a table of the ``meta`` schema, created on first use."""
    con = open_warehouse(settings)
    try:
        con.execute("create schema if not exists meta")
        con.execute(f"create table if not exists {table} ({columns})")
        con.execute(insert, params)
    finally:
        con.close()


def record_attempt(settings: Settings, plan: BuildPlan) -> None:
    """Before dbt starts: which code and reference files this build runs with."""
    _append_row(
        settings,
        ATTEMPT_TABLE,
        "started_at timestamp with time zone, mode varchar, "
        "code_fingerprint varchar, reference_fingerprint varchar",
        f"insert into {ATTEMPT_TABLE} values (now(), ?, ?, ?)",
        [plan.mode, plan.state.code_fingerprint, plan.state.reference_fingerprint],
    )


def record_build(settings: Settings, plan: BuildPlan) -> None:
    """After dbt passed: the state the next build compares with."""
    _append_row(
        settings,
        STATE_TABLE,
        "build_no bigint, built_at timestamp with time zone, mode varchar, "
        "reason varchar, state_json varchar",
        f"insert into {STATE_TABLE} select coalesce(max(build_no), 0) + 1, now(), ?, ?, ? "
        f"from {STATE_TABLE}",
        [plan.mode, plan.reason, json.dumps(asdict(plan.state))],
    )
