"""Publish the marts: the "publish" of write-audit-publish.

Analysts and reports never open the working warehouse (DuckDB allows one
writer or many readers, never both). They read ``published/marts.duckdb``,
which is built beside its final name, checkpointed, closed and swapped in
with ``os.replace``: a reader opens the old file or the new one, never half
of either. Only the ``marts`` schema is copied, into the file's default
schema: no raw rows, no content, no personal data beyond the keyed hash.

The Parquet files are published as one set: each publish writes a new
folder under ``published/.parquet-sets/`` and swaps the symlink
``published/parquet`` to it with one ``os.replace``, so a kill never leaves
old and new tables mixed. The set before stays for readers still in it;
older sets are removed. In lake mode the marts are read from the DuckLake,
and each publish is logged with its lake snapshot for ``--as-of``.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.db import crashpoint

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

MARTS_SCHEMA = "marts"
SETS_DIR = ".parquet-sets"


class PublishError(RuntimeError):
    """The warehouse has nothing publishable (transform never ran)."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    parquet_dir: Path
    row_counts: dict[str, int]
    lake_snapshot: int | None = None


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


def _attach_warehouse(
    con: duckdb.DuckDBPyConnection, settings: Settings, snapshot: int | None
) -> int | None:
    """Attach the working warehouse read-only as ``warehouse`` (the lake at ``snapshot`` if
    given, else now); the lake's snapshot id, None for the embedded file."""
    if not settings.is_lake:
        con.execute(f"ATTACH {_sql_string(str(settings.warehouse))} AS warehouse (READ_ONLY)")
        return None
    from sqmy_etl.warehouse import lake

    at = "" if snapshot is None else f", SNAPSHOT_VERSION {int(snapshot)}"
    con.execute(
        f"ATTACH {_sql_string(lake.attach_path(settings))} AS warehouse "
        f"(DATA_PATH {_sql_string(lake.data_path(settings))}, READ_ONLY{at})"
    )
    return con.execute("FROM warehouse.current_snapshot()").fetchall()[0][0]


def _build(
    settings: Settings, db_tmp: Path, set_dir: Path | None, snapshot: int | None = None
) -> tuple[dict[str, int], int | None]:
    """Copy every marts table into ``db_tmp`` and, unless ``set_dir`` is None, write each as
    Parquet into it; return row counts and the lake snapshot they were read at (None for the
    embedded file). ``snapshot`` reads the lake as it was then."""
    import duckdb

    config = {}
    if settings.is_lake:
        from sqmy_etl.warehouse import lake

        config = lake.connect_config(settings)
    con = duckdb.connect(str(db_tmp), config=config)
    try:
        snapshot = _attach_warehouse(con, settings, snapshot)
        con.execute("BEGIN TRANSACTION")  # one snapshot of the lake for every table
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
            if set_dir is None:
                continue
            target = set_dir / f"{table}.parquet"
            con.execute(f'COPY main."{table}" TO {_sql_string(str(target))} (FORMAT parquet)')
            _fsync_file(target)
            crashpoint("publish.parquet")
        con.execute("COMMIT")
        con.execute("DETACH warehouse")
        con.execute("CHECKPOINT")
        return counts, snapshot
    finally:
        con.close()


def _sets(settings: Settings) -> Path:
    return settings.published_dir / SETS_DIR


def _current_set(settings: Settings) -> Path | None:
    """The set ``published/parquet`` points at now, if it is a set."""
    link = settings.parquet_dir
    return link.resolve() if link.is_symlink() else None


def _remove_leftovers(settings: Settings) -> None:
    """Delete what earlier publishes left when killed before their cleanup, and stale sets.

    Temporary files carry the dead process's pid, so the ``finally`` of a later
    run never matches them; the caller holds the writer lock, so none is live.
    Sets other than the current one and the one before it (a reader may still
    be in it) are stale: a killed publish's half-written set is one of them.
    """
    for leftover in settings.published_dir.glob(f"{settings.published.name}.tmp-*"):
        leftover.unlink(missing_ok=True)
    for leftover in settings.published_dir.glob("parquet.tmp-*"):
        leftover.unlink(missing_ok=True)
    current = _current_set(settings)
    complete = sorted(
        (p for p in _sets(settings).glob("*") if p.is_dir() and _marker(p).exists()),
        key=lambda p: p.name,
    )
    keep = {current} | ({complete[-2]} if len(complete) > 1 and complete[-1] == current else set())
    for folder in _sets(settings).glob("*"):
        if folder.is_dir() and folder not in keep:
            _marker(folder).unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
        elif not folder.is_dir() and folder.with_suffix("") not in keep:
            folder.unlink(missing_ok=True)  # the marker of a set already gone


def _marker(set_dir: Path) -> Path:
    """Beside the set (not in it, so the folder holds only the tables): the set is whole."""
    return set_dir.with_name(f"{set_dir.name}.complete")


def _adopt_plain_folder(settings: Settings) -> None:
    """A ``published/parquet`` folder from before the sets becomes a set, so the link can
    replace it (a folder cannot be swapped for a link in one step)."""
    link = settings.parquet_dir
    if link.is_dir() and not link.is_symlink():
        adopted = _sets(settings) / "0-adopted"
        shutil.rmtree(adopted, ignore_errors=True)
        (adopted).parent.mkdir(parents=True, exist_ok=True)
        os.replace(link, adopted)
        _marker(adopted).touch()
        _swap_link(settings, adopted)


def _swap_link(settings: Settings, set_dir: Path) -> None:
    """Point ``published/parquet`` at ``set_dir`` in one ``os.replace`` (relative link)."""
    tmp = settings.published_dir / f"parquet.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path(SETS_DIR) / set_dir.name, target_is_directory=True)
    os.replace(tmp, settings.parquet_dir)


def publish_marts(settings: Settings) -> PublishResult:
    """Swap fresh copies of the marts into ``published/``; the caller holds the writer lock."""
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    _adopt_plain_folder(settings)
    _remove_leftovers(settings)
    db_tmp = settings.published_dir / f"{settings.published.name}.tmp-{os.getpid()}"
    set_dir = _sets(settings) / f"{time.time_ns()}-{os.getpid()}"
    set_dir.mkdir(parents=True)
    try:
        counts, snapshot = _build(settings, db_tmp, set_dir)
        crashpoint("publish.built")
        _fsync_dir(set_dir)
        _marker(set_dir).touch()
        _fsync_file(db_tmp)
        os.replace(db_tmp, settings.published)
        crashpoint("publish.swapped")
        _swap_link(settings, set_dir)
        _fsync_dir(settings.published_dir)
    except BaseException:
        shutil.rmtree(set_dir, ignore_errors=True)
        raise
    finally:
        db_tmp.unlink(missing_ok=True)
    _remove_leftovers(settings)
    if snapshot is not None:
        from sqmy_etl.warehouse import history

        history.record(settings, snapshot, counts)
    log.info("published %d tables to %s", len(counts), settings.published)
    return PublishResult(settings.published, settings.parquet_dir, counts, snapshot)


def marts_as_of(settings: Settings, day: date) -> Path:
    """A read-only copy of the marts as last published on or before ``day`` (lake mode).

    Made once per snapshot under ``published/as-of/`` from the lake's time
    travel, so ``sqmy query``/``sqmy report --as-of`` read it like the current
    ``published/marts.duckdb``. Raises ``history.NoSnapshot`` with the reason.
    """
    from sqmy_etl.warehouse import history

    snapshot = history.snapshot_as_of(settings, day)
    target = settings.published_dir / "as-of" / f"snapshot-{snapshot}.duckdb"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        _build(settings, tmp, None, snapshot)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
