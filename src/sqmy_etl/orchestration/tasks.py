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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqmy_etl.config import Settings
from sqmy_etl.orchestration import knobs
from sqmy_etl.orchestration.alerting import send_mail

log = logging.getLogger(__name__)


def list_landing(settings: Settings) -> list[dict[str, Any]]:
    """Files in ``landing/`` ready to ingest (quiet for the settle time), each with its place
    in the delivery order (``{"path", "seq"}``).

    The same listing ``ingest_landing`` uses (recursive, hidden and Office lock
    files skipped), so the DAG and ``sqmy run`` take the same files. The places
    are reserved here, in delivery order (modification time, then name), because
    the mapped ingest tasks run in no particular order: a corrected copy stays
    the later delivery whichever task runs first. Symlinks are listed on
    purpose: the loader rejects them with a reason instead of leaving them
    unexplained in ``landing/``.
    """
    from sqmy_etl.ingest import landing
    from sqmy_etl.ingest.load import reserve_delivery_seqs

    settle_s = landing.settle_seconds()
    offered = landing.expand(settings.landing) if settings.landing.is_dir() else []
    ready = landing.delivery_order(
        [p for p in offered if p.is_symlink() or landing.is_settled(p, settle_s)]
    )
    seqs = reserve_delivery_seqs(settings, len(ready))
    return [{"path": str(p), "seq": seq} for p, seq in zip(ready, seqs, strict=True)]


def ingest_one(path: str, seq: int | None = None) -> dict[str, Any]:
    """Ingest one landed file; idempotent (the SHA-256 manifest skips a file loaded before).

    A rejected file carries its reason (phone / ID numbers masked) and a file
    with quarantined rows the count per Chinese reason, for ``notify_rejections``:
    rule texts from the suites and the loader, never a row's content.
    """
    from sqmy_etl.ingest.load import ingest_file
    from sqmy_etl.pii import redact_text

    file = Path(path)
    if not file.exists() and not file.is_symlink():
        # Another run (or `sqmy ingest`) took it between listing and now.
        log.info("%s left landing before this task ran", file.name)
        return {"file": file.name, "status": "gone", "rows_loaded": 0, "rows_quarantined": 0}
    settings = Settings.from_env()
    result = ingest_file(settings, file, seq=seq)
    out: dict[str, Any] = {
        "file": file.name,
        "status": result.status,
        "rows_loaded": result.total_loaded,
        "rows_quarantined": result.rows_quarantined,
    }
    if result.status == "rejected":
        log.warning("%s rejected: %s", file.name, result.reason)
        out["reason"] = redact_text(result.reason or "")
    if result.rows_quarantined:
        out["quarantined"] = _quarantine_reasons(settings, result.sha256)
    return out


def _quarantine_reasons(settings: Settings, sha256: str) -> dict[str, int]:
    """Quarantined rows of one file per reason (the suites' fixed texts), for the clerks' mail."""
    from sqmy_etl.warehouse.db import connect_writer

    with connect_writer(settings) as con:
        rows = con.execute(
            "SELECT reason, count(*) FROM raw.quarantine WHERE ingest_file_sha256 = ? "
            "GROUP BY reason ORDER BY reason",
            [sha256],
        ).fetchall()
    return {reason: int(n) for reason, n in rows}


def map_label(result: Mapping[str, Any]) -> str:
    """The mapped task's name in the UI: the file, marked when it was rejected or rows held.

    The task itself succeeds (the file was handled); the label is what shows a
    rejected file among green tasks before ``notify_rejections`` turns the run red.
    """
    name = str(result["file"])
    if result["status"] == "rejected":
        return f"{name}（已拒收 / rejected）"
    if result.get("rows_quarantined"):
        return f"{name}（隔离 {result['rows_quarantined']} 行 / rows quarantined）"
    return name


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


def rejection_notice(results: Iterable[Mapping[str, Any] | None]) -> tuple[str, str] | None:
    """Subject and HTML body telling the clerks what did not load and what to do; None if all did.

    File names and rejection reasons go through ``redact_text``; a rejection
    shows only its Chinese part, as the English detail may quote a cell (the
    full text stays in ``rejected/<name>.reason.txt``). Quarantine reasons are
    the suites' fixed texts. No row content is ever mailed.
    """
    from sqmy_etl.pii import redact_text

    problems = [
        r for r in results if r and (r["status"] == "rejected" or r.get("rows_quarantined"))
    ]
    if not problems:
        return None
    rejected = sum(1 for r in problems if r["status"] == "rejected")
    held = sum(int(r.get("rows_quarantined", 0)) for r in problems)
    subject = (
        f"[sqmy] 台账未能全部入库：{rejected} 个文件被拒收，{held} 行被隔离"
        f" / ledgers not fully loaded: {rejected} file(s) rejected, {held} row(s) quarantined"
    )
    lines: list[tuple[str, str, str, str]] = []
    for r in problems:
        name = redact_text(str(r["file"]))
        if r["status"] == "rejected":
            why = redact_text(str(r.get("reason", ""))).split(" / ", 1)[0]
            lines.append((name, "整个文件被拒收", why, "—"))
        for reason, n in r.get("quarantined", {}).items():
            lines.append((name, "部分行被隔离", redact_text(reason), str(n)))
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line) + "</tr>" for line in lines
    )
    body = (
        f"<p>{html.escape(subject)}</p>"
        "<p>请按下表“原因”修改原台账，改好后把整份台账重新放入 landing/"
        "（文件名相同或只多“(更正)”等版本标记，即替换原来那份）。"
        "被拒收文件的完整原因见 rejected/文件名.reason.txt；被隔离的行用"
        " sqmy quarantine list 查看（电话、身份证号已打码）。"
        " / Fix each ledger as the reason says and deliver the whole ledger again;"
        " full reasons are in rejected/NAME.reason.txt, held rows in `sqmy quarantine list`.</p>"
        "<table><tr><th>文件</th><th>结果</th><th>原因</th><th>行数</th></tr>"
        f"{cells}</table>"
    )
    return subject, body


def notify_rejections(results: Iterable[Mapping[str, Any] | None]) -> dict[str, int]:
    """Mail the clerks what did not load; a rejected file also fails the task (run red).

    Recipients: Variable ``sqmy_clerk_recipients``, else the alert list. A file
    that did not load at all is something someone must act on, so the task
    then fails with an ``AirflowFailException`` (no retry, so no second mail)
    and its failure callback tells the on-call list too. Rows held in
    quarantine are everyday clerk work: mailed, and the task succeeds (its
    file's task is labelled with the count). A mail error raises a plain
    exception instead: the task retries and mails again.
    """
    from airflow.sdk.exceptions import AirflowFailException

    results = list(results)
    notice = rejection_notice(results)
    counts = {
        "files_rejected": sum(1 for r in results if r and r.get("status") == "rejected"),
        "rows_quarantined": sum(int(r.get("rows_quarantined", 0)) for r in results if r),
    }
    if notice is None:
        return counts
    subject, body = notice
    to = knobs.CLERK_RECIPIENTS.get_list() or knobs.ALERT_RECIPIENTS.get_list()
    if to:
        send_mail(to, subject, body)
        told = f"已邮件通知 {len(to)} 位经办人 / mailed {len(to)} clerk(s)"
    else:
        told = (
            f"未通知任何人：请设置 Variable {knobs.CLERK_RECIPIENTS.variable}"
            f" / nobody mailed: set Variable {knobs.CLERK_RECIPIENTS.variable}"
        )
        log.warning("rejection notice not mailed: no clerk or alert recipients")
    if not counts["files_rejected"]:
        log.info("%s。%s", subject, told)
        return counts
    raise AirflowFailException(f"{subject}。{told}；已载入的文件照常转换 / loaded files go on")


def publish() -> dict[str, str]:
    """Swap the freshly built marts into ``published/``, then write the data-quality report.

    The one transform function of ``sqmy transform`` (``transform_and_publish``),
    minus the dbt build Cosmos ran: under the writer lock, so a concurrent CLI
    publish cannot remove this one's files, and a deployment that only runs
    Airflow gets the report under ``reports/quality/`` too.
    """
    from sqmy_etl.transform.build import transform_and_publish

    result = transform_and_publish(Settings.from_env(), build=False)
    return {"published": str(result.published.path), "quality_report": str(result.quality_report)}


def ingest_pool(settings: Settings, writer_pool: str) -> str:
    """The pool of the ingest tasks: the one-slot writer pool for the embedded file, Airflow's
    default pool in lake mode, where ingests commit side by side (the transform keeps the
    writer pool)."""
    return "default_pool" if settings.is_lake else writer_pool


def build_report(period: str, kind: str = "work") -> list[str]:
    """Render the report of ``period`` (work, tongbao or evaluation) from the published marts;
    returns file paths."""
    from sqmy_etl.reports.build import build_report as build

    formats = [f.strip() for f in knobs.REPORT_FORMATS.get().split(",") if f.strip()]
    return [str(p) for p in build(Settings.from_env(), period, formats, kind=kind)]


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


def dbt_log_retention(as_of: datetime) -> dict[str, int]:
    """Delete the kept logs of failed dbt runs older than the retention knob, as of the run."""
    from sqmy_etl.orchestration.dbt_failures import prune_run_folders

    days = int(knobs.DBT_LOG_RETENTION_DAYS.get())
    pruned = prune_run_folders(Settings.from_env(), as_of - timedelta(days=days))
    return {"runs_pruned": pruned}


def checkpoint() -> dict[str, int]:
    """Fold the warehouse WAL into the database file."""
    from sqmy_etl.orchestration.maintenance import checkpoint_warehouse

    return checkpoint_warehouse(Settings.from_env())


def quarantine_ageing(as_of: datetime) -> dict[str, dict[str, int]]:
    """Rows held in quarantine per rule and age bucket, logged for the data stewards."""
    from sqmy_etl.orchestration.maintenance import quarantine_ageing as ageing

    return ageing(Settings.from_env(), as_of)


def retrain_themes(as_of: datetime) -> dict[str, Any]:
    """Retrain the theme model once a month (the run whose interval ends on the 1st); the
    previous one stays when the new one scores worse or there are too few labelled
    submissions (both logged, neither fails the run)."""
    from sqmy_etl.themes.retrain import is_retrain_day, retrain
    from sqmy_etl.themes.train import TooFewLabels

    if not is_retrain_day(as_of):
        log.info("主题模型每月 1 日重新训练，今天不训练")
        return {"version": None, "promoted": False}
    try:
        outcome = retrain(Settings.from_env())
    except TooFewLabels as exc:
        log.warning("主题模型未重新训练：%s", exc)
        return {"version": None, "promoted": False}
    if not outcome.promoted:
        log.warning("%s", outcome.message)
    return {
        "version": outcome.version,
        "promoted": outcome.promoted,
        "macro_f1_l1": outcome.metrics["macro_f1_l1"],
        "macro_f1_l2": outcome.metrics["macro_f1_l2"],
    }
