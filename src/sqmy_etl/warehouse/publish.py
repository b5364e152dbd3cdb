"""Publish the marts: the "publish" of write-audit-publish.

Analysts and reports never open the working warehouse (DuckDB allows one
writer or many readers, never both). They read ``published/marts.duckdb``,
which is built beside its final name, checkpointed, closed and swapped in
with ``os.replace``: a reader opens the old file or the new one, never half
of either. Only the ``marts`` schema is copied, into the file's default
schema: no raw rows, no content, no personal data beyond the keyed hash.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.db import crashpoint

log = logging.getLogger(__name__)

MARTS_SCHEMA = "marts"


class PublishError(RuntimeError):
    """The warehouse has nothing publishable (transform never ran)."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    parquet_dir: Path
    row_counts: dict[str, int]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build(settings: Settings, db_tmp: Path, parquet_tmp: dict[str, Path]) -> dict[str, int]:
    """Copy every marts table into ``db_tmp`` and write each as Parquet; return row counts."""
    import duckdb

    con = duckdb.connect(str(db_tmp))
    try:
        con.execute(f"ATTACH {_sql_string(str(settings.warehouse))} AS warehouse (READ_ONLY)")
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = 'warehouse' AND schema_name = ? ORDER BY table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise PublishError(f"no tables in schema {MARTS_SCHEMA!r} of {settings.warehouse}")
        counts: dict[str, int] = {}
        for table in tables:
            con.execute(
                f'CREATE TABLE main."{table}" AS SELECT * FROM warehouse.{MARTS_SCHEMA}."{table}"'
            )
            counts[table] = con.execute(f'SELECT count(*) FROM main."{table}"').fetchall()[0][0]
            parquet_tmp[table] = settings.parquet_dir / f"{table}.parquet.tmp-{os.getpid()}"
            con.execute(
                f'COPY main."{table}" TO {_sql_string(str(parquet_tmp[table]))} (FORMAT parquet)'
            )
        con.execute("DETACH warehouse")
        con.execute("CHECKPOINT")
        return counts
    finally:
        con.close()


def _remove_leftovers(settings: Settings) -> None:
    """Delete temporary files of earlier publishes that were killed before their cleanup.

    They carry the dead process's pid, so the ``finally`` of a later run never
    matches them; the caller holds the writer lock, so none of them is live.
    """
    patterns = (
        (settings.published_dir, f"{settings.published.name}.tmp-*"),
        (settings.parquet_dir, "*.parquet.tmp-*"),
    )
    for folder, pattern in patterns:
        for leftover in folder.glob(pattern):
            leftover.unlink(missing_ok=True)


def publish_marts(settings: Settings) -> PublishResult:
    """Swap fresh copies of the marts into ``published/``; the caller holds the writer lock."""
    settings.parquet_dir.mkdir(parents=True, exist_ok=True)
    db_tmp = settings.published_dir / f"{settings.published.name}.tmp-{os.getpid()}"
    parquet_tmp: dict[str, Path] = {}
    _remove_leftovers(settings)
    try:
        counts = _build(settings, db_tmp, parquet_tmp)
        crashpoint("publish.built")
        for table, tmp in parquet_tmp.items():
            _fsync_file(tmp)
            os.replace(tmp, settings.parquet_dir / f"{table}.parquet")
            crashpoint("publish.parquet")
        _fsync_dir(settings.parquet_dir)
        _fsync_file(db_tmp)
        os.replace(db_tmp, settings.published)
        crashpoint("publish.swapped")
        _fsync_dir(settings.published_dir)
    finally:
        db_tmp.unlink(missing_ok=True)
        for tmp in parquet_tmp.values():
            tmp.unlink(missing_ok=True)
    log.info("published %d tables to %s", len(counts), settings.published)
    return PublishResult(settings.published, settings.parquet_dir, counts)
