"""What a failed ``dbt build`` in Airflow leaves behind, kept after its temp folder is gone.

Cosmos runs dbt in a temporary copy of the project that disappears with the
task, yet the error lines and the compiled SQL of a failing test are what the
on-call engineer needs first. After every failed attempt of the producer the
failing nodes (status, dbt's message, compiled and run SQL) and dbt's log are
copied to ``$SQMY_HOME/logs/dbt/<run_id>/attempt-<n>/``, with ``failures.json``
summarising them; ``alerting.alert_dbt_failure`` mails the last summary once.

Only nodes dbt reports as ``error`` / ``fail`` count: a test dbt *skipped*
because a model it checks failed is a consequence, not a second failure, so it
is neither listed nor alerted on. No Airflow or Cosmos import here: the alert
callback reads these records in every DAG file's process.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqmy_etl.config import Settings
from sqmy_etl.pii import redact_text

SUMMARY_NAME = "failures.json"
# dbt's statuses for a node that did not pass ("skipped" only follows another node's failure).
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# Errors that say "another process has the warehouse", not "the project or the data is wrong".
TRANSIENT = re.compile(
    r"Could not set lock on file|Conflicting lock is held|IO Error|warehouse busy",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NodeFailure:
    """One dbt node that failed: what it is, dbt's message, and its kept SQL files."""

    unique_id: str
    resource_type: str
    status: str
    message: str
    sql_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttemptRecord:
    """What one failed ``dbt build`` attempt left behind, as written to ``failures.json``."""

    attempt: int
    error: str
    transient: bool
    failures: tuple[NodeFailure, ...]
    folder: str

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AttemptRecord:
        failures = tuple(
            NodeFailure(**{**f, "sql_files": tuple(f["sql_files"])}) for f in raw["failures"]
        )
        return cls(raw["attempt"], raw["error"], raw["transient"], failures, raw["folder"])


def run_folder(settings: Settings, run_id: str) -> Path:
    """``$SQMY_HOME/logs/dbt/<run_id>``, the run id made safe as a single folder name."""
    return settings.logs / "dbt" / re.sub(r"[^A-Za-z0-9._-]", "_", run_id)


def latest_attempt(settings: Settings, run_id: str) -> AttemptRecord | None:
    """The record of the last failed attempt of ``run_id``; None when no attempt failed."""
    records = sorted(
        run_folder(settings, run_id).glob(f"attempt-*/{SUMMARY_NAME}"),
        key=lambda p: int(p.parent.name.removeprefix("attempt-")),
    )
    if not records:
        return None
    return AttemptRecord.from_json(json.loads(records[-1].read_text("utf-8")))


def is_transient(error: str, failures: tuple[NodeFailure, ...]) -> bool:
    """Retry only when every error is the warehouse being busy and no test failed.

    A node with status ``fail`` is a test that found rows: the data is wrong,
    and a rerun would find them again.
    """
    if any(f.status == "fail" for f in failures):
        return False
    messages = [f.message for f in failures] or [error]
    return all(TRANSIENT.search(m) for m in messages)


def _node_sql_files(target: Path, node: dict[str, Any]) -> list[tuple[str, Path]]:
    """The compiled and the run SQL of one node inside a dbt target folder, where they exist."""
    compiled = node.get("compiled_path")
    if not compiled:
        return []
    path = Path(compiled)
    if not path.is_absolute():
        path = target.parent / path
    try:
        relative = path.relative_to(target / "compiled")
    except ValueError:
        return []
    pairs = [("compiled", path), ("run", target / "run" / relative)]
    return [(kind, p) for kind, p in pairs if p.is_file()]


def _copy_node_sql(target: Path, node: dict[str, Any] | None, dest: Path) -> tuple[str, ...]:
    """Copy a failing node's SQL into ``dest`` as ``<unique_id>.<compiled|run>.sql``."""
    if node is None:
        return ()
    kept = []
    for kind, source in _node_sql_files(target, node):
        copy = dest / f"{node['unique_id']}.{kind}.sql"
        shutil.copyfile(source, copy)
        kept.append(str(copy))
    return tuple(kept)


def collect_failures(project_dir: Path, dest: Path) -> tuple[NodeFailure, ...]:
    """Read a finished dbt run in ``project_dir``; copy what explains each failed node to ``dest``.

    ``run_results.json`` lists every node with its status and message; the
    manifest dbt wrote beside it locates the compiled SQL. dbt's own log is
    copied whole: it has the lines around each error.
    """
    target = project_dir / "target"
    dest.mkdir(parents=True, exist_ok=True)
    dbt_log = project_dir / "logs" / "dbt.log"
    if dbt_log.is_file():
        shutil.copyfile(dbt_log, dest / "dbt.log")
    results_path = target / "run_results.json"
    if not results_path.is_file():
        return ()
    shutil.copyfile(results_path, dest / "run_results.json")
    results = json.loads(results_path.read_text("utf-8"))["results"]
    failed = [r for r in results if str(r["status"]) in FAILED_STATUSES]
    if not failed:
        return ()
    manifest_path = target / "manifest.json"
    nodes = json.loads(manifest_path.read_text("utf-8"))["nodes"] if manifest_path.is_file() else {}
    return tuple(
        NodeFailure(
            unique_id=r["unique_id"],
            resource_type=r["unique_id"].split(".", 1)[0],
            status=str(r["status"]),
            message=redact_text(str(r.get("message") or "")),
            sql_files=_copy_node_sql(target, nodes.get(r["unique_id"]), dest),
        )
        for r in failed
    )


def write_record(record: AttemptRecord) -> None:
    """Write ``failures.json`` into the attempt's folder."""
    folder = Path(record.folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SUMMARY_NAME).write_text(
        json.dumps(asdict(record), ensure_ascii=False, indent=2), encoding="utf-8"
    )


def prune_run_folders(settings: Settings, older_than: datetime) -> int:
    """Delete the kept folders of runs whose newest file predates ``older_than``; how many.

    A failed run's SQL and dbt log matter while someone investigates it; kept
    forever they would fill the disk with a copy per failed run. The newest
    file decides, so a run re-tried yesterday keeps all its attempts.
    """
    root = settings.logs / "dbt"
    cutoff = older_than.timestamp()
    pruned = 0
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if not folder.is_dir():
            continue
        stamps = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()]
        newest = max(stamps, default=folder.stat().st_mtime)
        if newest < cutoff:
            shutil.rmtree(folder)
            pruned += 1
    return pruned
