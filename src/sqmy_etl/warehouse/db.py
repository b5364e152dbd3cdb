"""Access to the working warehouse: the embedded DuckDB file or the DuckLake.

DuckDB allows one read-write process per file. Every writer (CLI, Airflow
task, test) takes an exclusive file lock beside the database first, so a
second writer waits with a clear "warehouse busy" message instead of failing
with DuckDB's lock traceback. In lake mode (``warehouse.lake``) writers commit
side by side; only transforms (``writer_lock``) and the loads of one file
(``file_lock``) take turns, on PostgreSQL advisory locks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from sqmy_etl.config import Settings

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

CRASHPOINT_ENV = "SQMY_CRASHPOINT"
_crash_hits: Counter[str] = Counter()


class WarehouseBusy(RuntimeError):
    """Another process held the writer lock for longer than we may wait."""


def writer_lock(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """Hold the writer lock for the block: the file lock of the embedded warehouse, or in
    lake mode the advisory lock that serialises transforms (ingests do not take it)."""
    if settings.is_lake:
        from sqmy_etl.warehouse import lake

        return lake.advisory_lock(settings, "transform", WarehouseBusy)
    return embedded_writer_lock(settings)


def file_lock(settings: Settings, sha256: str) -> contextlib.AbstractContextManager[None]:
    """Serialise the loads of one file (by content) so each is loaded exactly once.

    The embedded warehouse has one writer anyway; in the lake two workers
    offered the same bytes would both append (DuckLake appends never conflict).
    """
    if settings.is_lake:
        from sqmy_etl.warehouse import lake

        return lake.advisory_lock(settings, f"file:{sha256}", WarehouseBusy)
    return nullcontext()


@contextmanager
def embedded_writer_lock(settings: Settings) -> Iterator[None]:
    """The exclusive file lock beside the embedded warehouse."""
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.warehouse) + ".lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning(
            "warehouse busy: waiting up to %ss for the other writer", settings.writer_wait_s
        )
        try:
            lock.acquire(timeout=settings.writer_wait_s)
        except Timeout as exc:
            raise WarehouseBusy(
                f"warehouse busy: another sqmy process held {settings.warehouse} "
                f"for more than {settings.writer_wait_s}s"
            ) from exc
    try:
        yield
    finally:
        lock.release()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables if absent; safe on every connect."""
    from sqmy_etl.warehouse import lake

    if lake.is_lake(con):
        lake.ensure_raw_schema(con)
        return
    ddl = resources.files("sqmy_etl.warehouse").joinpath("raw_schema.sql").read_text("utf-8")
    con.execute(ddl)


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """``schema.table`` exists in the connection's own database (the embedded file, or the
    lake every lake connection USEs), never a same-named table of another attached one."""
    schema, table = qualified.split(".")
    found = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = ? and table_catalog = current_database()",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def scalar_int(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | dict | None = None
) -> int:
    """The first column of the first row as an int; 0 for no row or NULL (``max`` of nothing)."""
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def next_seqs(con: duckdb.DuckDBPyConnection, count: int) -> list[int]:
    """``count`` fresh, ascending places in the delivery order (never given back)."""
    from sqmy_etl.warehouse import lake

    if lake.is_lake(con):
        return lake.next_seqs(con, count)
    rows = con.execute(
        "SELECT nextval('raw.ingest_seq') FROM range(?) ORDER BY 1", [count]
    ).fetchall()
    return [row[0] for row in rows]


def open_warehouse(settings: Settings, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the working warehouse of either engine, with no lock taken."""
    import duckdb

    if settings.is_lake:
        from sqmy_etl.warehouse import lake

        return lake.connect(settings, read_only=read_only)
    return duckdb.connect(str(settings.warehouse), read_only=read_only)


@contextmanager
def connect_writer(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse read-write with the raw schema in place: under the writer lock for
    the embedded file, side by side with other writers in lake mode."""
    lock = nullcontext() if settings.is_lake else embedded_writer_lock(settings)
    with lock:
        con = open_warehouse(settings)
        try:
            ensure_raw_schema(con)
            yield con
        finally:
            con.close()


def crashpoint(name: str) -> None:
    """Test hook for the crash-safety tests: ``SQMY_CRASHPOINT=name:N`` SIGKILLs this process
    the Nth time it passes ``name``. Unset (always, outside those tests) it does nothing.

    Killing at named points between the steps of a write proves that every
    step boundary leaves a state a rerun repairs, without waiting for luck.
    """
    wanted = os.environ.get(CRASHPOINT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _crash_hits[name] += 1
    if _crash_hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
