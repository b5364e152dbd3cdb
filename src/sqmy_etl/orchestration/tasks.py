"""The only place the DAGs meet the pipeline's functions.

Each adapter resolves ``Settings`` from the worker's environment, calls one
pipeline function and returns paths and counts (never data) for XCom. The
pipeline modules are imported inside the adapters: a DAG file imports this
module at parse time, and pandas/DuckDB/GX/dbt must not load then. When a
pipeline function is renamed, this file is the one to change.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqmy_etl.config import Settings
from sqmy_etl.orchestration import knobs
from sqmy_etl.orchestration.alerting import send_mail

log = logging.getLogger(__name__)


def list_landing(settings: Settings) -> list[str]:
    """Files in ``landing/`` ready to ingest (quiet for the settle time), in delivery order.

    The same listing ``ingest_landing`` uses (recursive, hidden and Office lock
    files skipped), so the DAG and ``sqmy run`` take the same files. Symlinks
    are listed on purpose: the loader rejects them with a reason instead of
    leaving them unexplained in ``landing/``.
    """
    from sqmy_etl.ingest import landing

    settle_s = landing.settle_seconds()
    offered = landing.expand(settings.landing) if settings.landing.is_dir() else []
    ready = [p for p in offered if p.is_symlink() or landing.is_settled(p, settle_s)]
    return [str(p) for p in landing.delivery_order(ready)]


def ingest_one(path: str) -> dict[str, Any]:
    """Ingest one landed file; idempotent (the SHA-256 manifest skips a file loaded before)."""
    from sqmy_etl.ingest.load import ingest_file

    file = Path(path)
    if not file.exists() and not file.is_symlink():
        # Another run (or `sqmy ingest`) took it between listing and now.
        log.info("%s left landing before this task ran", file.name)
        return {"file": file.name, "status": "gone", "rows_loaded": 0, "rows_quarantined": 0}
    result = ingest_file(Settings.from_env(), file)
    if result.status == "rejected":
        log.warning("%s rejected: %s", file.name, result.reason)
    return {
        "file": file.name,
        "status": result.status,
        "rows_loaded": result.total_loaded,
        "rows_quarantined": result.rows_quarantined,
    }


def anything_loaded(results: Iterable[Mapping[str, Any] | None]) -> bool:
    """Whether any file of this run added rows to raw (the condition for the raw asset event)."""
    return any(r is not None and r.get("status") == "loaded" for r in results)


def totals(results: Iterable[Mapping[str, Any] | None]) -> dict[str, int]:
    """Files per status plus row counts, for the run summary."""
    out: dict[str, int] = {"rows_loaded": 0, "rows_quarantined": 0}
    for r in results:
        if r is None:
            continue
        out[f"files_{r['status']}"] = out.get(f"files_{r['status']}", 0) + 1
        out["rows_loaded"] += int(r.get("rows_loaded", 0))
        out["rows_quarantined"] += int(r.get("rows_quarantined", 0))
    return out


def publish() -> dict[str, str]:
    """Swap the freshly built marts into ``published/`` (the "publish" of write-audit-publish)."""
    from sqmy_etl.warehouse.publish import publish_marts

    settings = Settings.from_env()
    publish_marts(settings)
    return {"published": str(settings.published)}


def build_report(period: str) -> list[str]:
    """Render the leadership report of ``period`` from the published marts; returns file paths."""
    from sqmy_etl.reports.build import build_report as build

    formats = [f.strip() for f in knobs.REPORT_FORMATS.get().split(",") if f.strip()]
    return [str(p) for p in build(Settings.from_env(), period, formats)]


def mail_report(files: list[str]) -> int:
    """Mail the report files to the report recipients; returns how many were addressed."""
    from sqmy_etl.reports.mail import default_subject

    to = knobs.REPORT_RECIPIENTS.get_list()
    if not to:
        log.warning("report not mailed: no recipients (%s)", knobs.REPORT_RECIPIENTS.variable)
        return 0
    subject = default_subject([Path(f) for f in files])
    names = "、".join(Path(f).name for f in files)
    send_mail(to, subject, f"<p>{html.escape(subject)}，见附件：{html.escape(names)}。</p>", files)
    return len(to)


def archive_retention(as_of: datetime) -> dict[str, int]:
    """Apply the archive retention knobs as of the run's data interval end."""
    from sqmy_etl.orchestration.maintenance import RetentionPolicy, apply_archive_retention

    policy = RetentionPolicy(
        days=int(knobs.ARCHIVE_RETENTION_DAYS.get()),
        delete_loaded=knobs.ARCHIVE_DELETE_LOADED.get().strip().lower() in {"1", "true", "yes"},
    )
    return apply_archive_retention(Settings.from_env(), policy, as_of)


def checkpoint() -> dict[str, int]:
    """Fold the warehouse WAL into the database file."""
    from sqmy_etl.orchestration.maintenance import checkpoint_warehouse

    return checkpoint_warehouse(Settings.from_env())


def quarantine_ageing(as_of: datetime) -> dict[str, dict[str, int]]:
    """Rows held in quarantine per rule and age bucket, logged for the data stewards."""
    from sqmy_etl.orchestration.maintenance import quarantine_ageing as ageing

    return ageing(Settings.from_env(), as_of)
