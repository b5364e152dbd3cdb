"""A rejected file: a byte-identical copy in ``rejected/``, its ``.reason.txt``, a manifest row.

A file is rejected whole (CONTRACT §1): nothing of it reaches ``raw.*``, and
the clerk reads why next to the copy. Links and special files are refused
without being opened.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.ingest import archive, landing, manifest
from sqmy_etl.ingest.results import FileResult
from sqmy_etl.warehouse import lake
from sqmy_etl.warehouse.db import connect_writer, crashpoint

log = logging.getLogger(__name__)

SYMLINK_REASON = (
    "landing/ 中的符号链接不会被读取（请放入文件本身） / symlinks in landing/ are refused"
)
SPECIAL_REASON = "不是普通文件（管道或设备） / not a regular file (a FIFO or device): not read"


def reject(
    settings: Settings,
    path: Path,
    sha256: str,
    size: int,
    reason: str,
    *,
    from_landing: bool,
    seq: int | None = None,
) -> FileResult:
    """Byte-identical copy (moved from landing) + ``.reason.txt`` + a manifest row.

    ``seq`` is the ``ingest_seq`` already drawn for the file, if any.
    """
    dest = archive.rejected_path(settings, path.name, sha256)
    archive.write_text_atomic(archive.reason_path(dest), reason + "\n")
    if not from_landing:
        archive.place_rejected(path, dest, move=False)
    with connect_writer(settings) as con:
        drawn = manifest.next_seq(con) if seq is None else seq
        lake.retry_conflicts(
            lambda: manifest.write_manifest(
                con,
                sha256=sha256,
                seq=drawn,
                path=path,
                size=size,
                stored_at=dest,
                file_format=manifest.file_format(path.name),
                encoding=None,
                status="rejected",
                reason=reason,
                rows_loaded=0,
                rows_quarantined=0,
            ),
            path.name,
        )
    crashpoint("ingest.rejected")
    if from_landing:
        archive.place_rejected(path, dest, move=True)
    log.warning("rejected %s sha=%s: %s", path.name, sha256[:12], reason)
    return FileResult(path.name, sha256, "rejected", reason=reason, stored_at=dest)


def refuse_unread(settings: Settings, path: Path, reason: str, *, remove: bool) -> FileResult:
    """Reject without opening: a link in landing/ could point anywhere on the machine, and
    reading a FIFO or device would block or never end. Only the reason is written."""
    target = settings.rejected / landing.safe_name(path.name)
    archive.write_text_atomic(archive.reason_path(target), reason + "\n")
    if remove:
        path.unlink()
    log.warning("rejected %s: %s", path.name, reason)
    return FileResult(path.name, "", "rejected", reason=reason)
