"""One file in one DuckDB transaction: its rows, quarantined rows, notes and manifest row.

The manifest row is what makes a file "already loaded", so a crash at any
point leaves either nothing or everything, and a rerun ends in the same
state. In lake mode several loaders commit at once: one file's load holds
that file's advisory lock (so it is loaded once), and a commit that loses a
DuckLake conflict is read and written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqmy_etl import pii
from sqmy_etl.config import Settings, today_shanghai
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest import archive, deliveries, manifest
from sqmy_etl.ingest.batches import FileLoad, load_rows
from sqmy_etl.ingest.model import FileRead
from sqmy_etl.ingest.results import FileResult, ProgressHook
from sqmy_etl.warehouse import lake
from sqmy_etl.warehouse.db import connect_writer, crashpoint, file_lock

CHUNK_ROWS = 100_000  # CSV rows read, normalised, validated and inserted at a time
# DuckDB's memory while a file loads: rows already written to the database file
# need not stay cached, and the default (80% of RAM) lets the cache grow with the file
DUCKDB_MEMORY = "256MB"


def read_tables(settings: Settings, path: Path, encoding: str | None) -> FileRead:
    """The file's tables (a CSV in chunks, up to its first); FileRejected if it has none."""
    from sqmy_etl.ingest.readers import read_file

    read = read_file(path, settings.limits, chunk_rows=CHUNK_ROWS, encoding=encoding)
    if not read.tables:
        sheets = "; ".join(f"{sheet or '(file)'}: {why}" for sheet, why in read.unrecognised)
        raise FileRejected(f"没有可识别的台账表 / no recognisable table ({sheets})")
    return read


@dataclass(frozen=True)
class Offer:
    """One file offered to this call, and how it may replace an earlier delivery."""

    path: Path
    sha256: str
    size: int
    automatic_replace: bool = True
    declared_replaces: str | None = None  # --replaces OLD for this file
    seq: int | None = None  # place in the delivery order reserved when the file was listed


def _replacement(load: FileLoad, offer: Offer) -> tuple[str | None, str | None]:
    """Record which delivery replaces which (declared, or by the rule in ``deliveries``);
    returns (the earlier file this one replaced, the later file that replaced this one)."""
    con = load.con
    old = newer = None
    if offer.declared_replaces is not None:
        old_path = Path(offer.declared_replaces)
        old_sha = archive.sha256_file(old_path) if old_path.is_file() else None
        old = deliveries.find_delivery(con, offer.declared_replaces, old_sha)
    elif offer.automatic_replace:
        old, newer = deliveries.automatic_replacement(
            con, load.name, load.sha256, load.table_kinds, load.data_rows, load.seq
        )
    if old is not None and old.sha256 != load.sha256:
        deliveries.record_change(
            con,
            old.sha256,
            "replaced",
            f"被新交付“{load.name}”替换 / replaced by {load.name}",
            by_sha256=load.sha256,
        )
    if newer is not None:
        deliveries.record_change(
            con,
            load.sha256,
            "replaced",
            f"已被更晚交付的“{newer.name}”替换 / replaced by the later {newer.name}",
            by_sha256=newer.sha256,
        )
    return (old.name if old else None), (newer.name if newer else None)


def load_file(
    settings: Settings, offer: Offer, read: FileRead, progress: ProgressHook | None
) -> FileResult | None:
    """Write everything of one file in one transaction; None if another run loaded it first.

    Rows go in chunk by chunk as they are read, so memory follows the chunk,
    not the file; the archive copy is made once every row is in, before the
    COMMIT. Raises FileRejected (everything rolled back) for a problem found
    part-way.
    """
    path, sha256 = offer.path, offer.sha256
    key = pii.load_key(settings)
    with connect_writer(settings) as con:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        con.execute("BEGIN TRANSACTION")
        try:
            if manifest.is_loaded(con, sha256):
                con.execute("ROLLBACK")
                return None
            load = FileLoad(
                con=con,
                sha256=sha256,
                name=path.name,
                seq=manifest.next_seq(con) if offer.seq is None else offer.seq,
                key=key,
                ingest_day=today_shanghai(),
                quarantined_at=datetime.now(UTC),
                progress=progress,
            )
            load_rows(load, read)
            replaced, replaced_by = _replacement(load, offer)
            stored_at = archive.archive_file(settings, path, sha256)
            crashpoint("ingest.archived")
            for sheet, why in read.unrecognised:
                con.execute(
                    "INSERT INTO raw.file_notes VALUES (?, ?, ?, 'unrecognised_sheet', ?)",
                    [sha256, path.name, sheet, why],
                )
            manifest.write_manifest(
                con,
                sha256=sha256,
                seq=load.seq,
                path=path,
                size=offer.size,
                stored_at=stored_at,
                file_format=read.file_format,
                encoding=read.encoding,
                status="loaded",
                reason=None,
                rows_loaded=sum(load.rows_loaded.values()),
                rows_quarantined=load.rows_quarantined,
                data_rows=load.data_rows,
                table_kinds=load.table_kinds,
            )
            crashpoint("ingest.before_commit")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return FileResult(
        path.name,
        sha256,
        "loaded",
        load.rows_loaded,
        load.rows_quarantined,
        stored_at=stored_at,
        tables=list(load.tables.values()),
        unrecognised=list(read.unrecognised),
        replaced=replaced,
        replaced_by=replaced_by,
    )


def read_and_load(
    settings: Settings, offer: Offer, encoding: str | None, progress: ProgressHook | None
) -> tuple[FileResult | None, FileRead]:
    """Read and load ``offer`` holding its file lock; a load whose commit lost a lake conflict
    is read and loaded again (the read streams, so it cannot be replayed)."""

    def attempt() -> tuple[FileResult | None, FileRead]:
        read = read_tables(settings, offer.path, encoding)
        return load_file(settings, offer, read, progress), read

    with file_lock(settings, offer.sha256):
        return lake.retry_conflicts(attempt, offer.path.name)
