"""Access to the working warehouse under one writer at a time.

DuckDB allows one read-write process per file. Every writer (CLI, Airflow
task, test) takes an exclusive file lock beside the database first, so a
second writer waits with a clear "warehouse busy" message instead of failing
with DuckDB's lock traceback.
"""

from __future__ import annotations

import logging
import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Hold the single-writer lock of the warehouse for the duration of the block."""
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
    ddl = resources.files("sqmy_etl.warehouse").joinpath("raw_schema.sql").read_text("utf-8")
    con.execute(ddl)


@contextmanager
def connect_writer(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse read-write under the writer lock, with the raw schema in place."""
    import duckdb

    with writer_lock(settings):
        con = duckdb.connect(str(settings.warehouse))
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
