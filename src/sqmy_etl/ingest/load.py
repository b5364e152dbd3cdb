"""The loader's entry points: offered files → archive + raw.* rows + quarantine, or rejected/.

One file is one unit of work, loaded in one transaction (``transaction``)
batch by batch (``batches``), recorded in the manifest (``manifest``) or
rejected whole with a reason (``rejection``); ``results`` says what happened.
This module decides, per offered file, which of these applies, in delivery
order: refused unread, rejected, skipped as already loaded, redelivered
after a retraction, or loaded. The landing copy is removed only after the
commit.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest import archive, deliveries, landing, manifest, rejection
from sqmy_etl.ingest.batches import RejectedInTransaction
from sqmy_etl.ingest.results import FileResult, IngestReport, ProgressHook
from sqmy_etl.ingest.transaction import Offer, read_and_load
from sqmy_etl.warehouse.db import connect_writer, crashpoint, next_seqs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplaceOptions:
    """How deliveries may replace earlier ones in one ingest call (``sqmy ingest`` flags).

    ``automatic`` applies the name / kinds / 80 % rule (``--no-replace`` turns it
    off); ``declared`` maps a file of this call (absolute path) to the earlier
    delivery it replaces (``--replaces OLD NEW``), whatever the rule says.
    """

    automatic: bool = True
    declared: dict[Path, str] = field(default_factory=dict)


def ingest_file(
    settings: Settings,
    path: Path,
    *,
    encoding: str | None = None,
    replace: ReplaceOptions | None = None,
    progress: ProgressHook | None = None,
    seq: int | None = None,
) -> FileResult:
    """Load one file (CONTRACT.md §1): loaded, skipped as a duplicate, re-delivered after a
    retraction, or rejected with a reason. ``seq`` is a place in the delivery order
    reserved earlier (``reserve_delivery_seqs``); by default the file is the latest.

    A file taken from ``landing/`` leaves it (to ``archive/`` or ``rejected/``);
    a path elsewhere is copied and left where it is. Raises ``archive.FileChanged``
    (nothing written, file left in place) if the bytes change while it is read.
    ``encoding`` forces the codec of a text file (``sqmy ingest --encoding``).
    """
    settings.ensure_dirs()
    path = Path(os.path.abspath(path))
    replace = replace or ReplaceOptions()
    from_landing = landing.is_in_landing(settings, path)
    if from_landing and path.is_symlink():
        return rejection.refuse_unread(settings, path, rejection.SYMLINK_REASON, remove=True)
    if not path.is_file():
        return rejection.refuse_unread(
            settings, path, rejection.SPECIAL_REASON, remove=from_landing
        )
    sha256 = archive.sha256_file(path)
    size = path.stat().st_size
    if size > settings.limits.max_file_bytes:
        reason = f"文件过大 / file too large: {size} bytes > {settings.limits.max_file_bytes}"
        return rejection.reject(
            settings, path, sha256, size, reason, from_landing=from_landing, seq=seq
        )
    if manifest.already_loaded(settings, sha256):
        return _offered_again(settings, path, sha256, from_landing=from_landing)
    offer = Offer(
        path,
        sha256,
        size,
        automatic_replace=replace.automatic,
        declared_replaces=replace.declared.get(path),
        seq=seq,
    )
    try:
        result, read = read_and_load(settings, offer, encoding, progress)
    except FileRejected as exc:
        drawn = exc.seq if isinstance(exc, RejectedInTransaction) else seq
        return rejection.reject(
            settings, path, sha256, size, exc.reason, from_landing=from_landing, seq=drawn
        )
    if result is None:
        return _offered_again(settings, path, sha256, from_landing=from_landing)
    crashpoint("ingest.committed")
    if from_landing:
        path.unlink(missing_ok=True)  # a concurrent run may have taken the same file
    log.info(
        "loaded %s sha=%s rows=%s quarantined=%d skipped=%d notes=%d replaced=%s",
        path.name,
        sha256[:12],
        result.rows_loaded,
        result.rows_quarantined,
        result.rows_skipped,
        len(read.unrecognised),
        result.replaced,
    )
    return result


def _offered_again(
    settings: Settings, path: Path, sha256: str, *, from_landing: bool
) -> FileResult:
    """The same bytes again: skipped, unless the delivery was retracted — then it counts again."""
    with connect_writer(settings) as con:
        change = deliveries.latest_change(con, sha256)
        if change == "retracted":
            deliveries.record_change(
                con, sha256, "redelivered", f"重新交付 / delivered again: {path.name}"
            )
    if from_landing:
        path.unlink(missing_ok=True)
    if change == "retracted":
        log.info("redelivered %s sha=%s after a retraction", path.name, sha256[:12])
        return FileResult(
            path.name,
            sha256,
            "redelivered",
            reason="此前已撤回，现重新计数 / retracted before, counts again",
        )
    reason = "已载入过（内容相同）/ already loaded (same content)"
    if change == "replaced":
        reason = "已载入过，且已被更新的交付替换 / already loaded, and replaced by a later delivery"
    log.info("skipped %s sha=%s: %s", path.name, sha256[:12], reason)
    return FileResult(path.name, sha256, "skipped_duplicate", reason=reason)


def reserve_delivery_seqs(settings: Settings, count: int) -> list[int]:
    """``count`` places in the delivery order, ascending: a run that loads its files in
    parallel tasks (Airflow) reserves them in listing order, so the order holds whichever
    task runs first."""
    if count == 0:
        return []
    with connect_writer(settings) as con:
        return next_seqs(con, count)


def ingest_paths(
    settings: Settings,
    paths: list[Path],
    *,
    encoding: str | None = None,
    replace: ReplaceOptions | None = None,
    progress: ProgressHook | None = None,
) -> IngestReport:
    """Load files and folders (recursively) in delivery order; see ``ingest_file``."""
    paths = [Path(p) for p in paths]
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(map(str, missing))}")
    offered: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        for path in landing.expand(given):
            key = Path(os.path.abspath(path))
            if key in seen or (path.is_dir() and not landing.is_in_landing(settings, path)):
                continue
            seen.add(key)
            offered.append(path)
    report = IngestReport()
    for path in landing.delivery_order(offered):
        try:
            report.files.append(
                ingest_file(settings, path, encoding=encoding, replace=replace, progress=progress)
            )
        except archive.FileChanged as exc:  # still being written: left for the next run
            log.warning("%s", exc)
            report.left.append((str(path), LEFT_CHANGING))
    return report


LEFT_CHANGING = (
    "文件在读取时仍在变化（仍在写入？），留待下次运行 / still changing: left for the next run"
)
LEFT_UNSETTLED = (
    "文件刚被修改，尚未写完，留待下次运行（{s:g} 秒内无变化才会读取）"
    " / modified in the last {s:g} s: left for the next run"
)


def ingest_landing(
    settings: Settings,
    settle_s: float | None = None,
    *,
    wait_s: float = 0.0,
    progress: ProgressHook | None = None,
) -> IngestReport:
    """Load everything waiting in ``landing/`` (and its subfolders).

    A file is taken once it has been quiet for ``settle_s`` seconds, so a copy
    still in progress is never read half-written. ``wait_s`` lets a run started
    by hand wait that long for files just copied in (``sqmy run``); a scheduled
    run does not wait. A file still left is named in ``IngestReport.left`` with
    the reason, never passed over silently.
    """
    import time

    settings.ensure_dirs()
    quiet = landing.settle_seconds() if settle_s is None else settle_s
    deadline = time.monotonic() + wait_s
    while True:
        offered = landing.expand(settings.landing)
        waiting = [p for p in offered if not landing.is_settled(p, quiet)]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
    ready = [p for p in offered if p not in waiting]
    if waiting:
        log.info("%d file(s) in landing/ still being written; left for the next run", len(waiting))
    report = ingest_paths(settings, ready, progress=progress)
    report.left.extend((str(p), LEFT_UNSETTLED.format(s=quiet)) for p in waiting)
    return report
