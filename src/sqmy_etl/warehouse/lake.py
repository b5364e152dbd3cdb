"""DuckLake: the warehouse as a catalog in PostgreSQL plus data files in a shared folder.

``SQMY_WAREHOUSE=ducklake`` (CONTRACT §7) lets many processes, Celery workers
or machines write at once: DuckLake commits are optimistic and a conflicting
commit fails with ``TransactionException``, which the writers retry. What the
embedded file got from its single writer comes from PostgreSQL instead: the
delivery order from a PostgreSQL sequence (DuckLake has no sequences) and the
one-transform-at-a-time rule from an advisory lock.

The extensions come from the ``duckdb-extension-ducklake`` and
``duckdb-extension-postgres`` wheels and load offline: their files are copied
into a DuckDB extension directory that is handed over at connect time (as a
later ``SET`` it comes too late, and the ATTACH would try to download).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqmy_etl.config import Settings

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

LAKE_DB = "sqmy_lake"
META_DB = f"__ducklake_metadata_{LAKE_DB}"
SEQUENCE = "sqmy_ingest_seq"
# (wheel package, file inside it, name DuckDB looks for in the extension directory)
_EXTENSIONS = (
    ("duckdb_extension_ducklake", "ducklake.duckdb_extension", "ducklake.duckdb_extension"),
    ("duckdb_extension_postgres", "postgres.duckdb_extension", "postgres_scanner.duckdb_extension"),
)
COMMIT_ATTEMPTS = 8
T = TypeVar("T")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def extension_dir(settings: Settings) -> Path:
    """A DuckDB extension directory holding the wheels' extension files, made on first use.

    Copies go in under a temporary name and are renamed into place, so two
    processes preparing it at once never load a half-written file.
    """
    import duckdb

    version = f"v{duckdb.__version__}"
    root = settings.home / "warehouse" / "duckdb_extensions"
    platform_dir = root / version / "linux_amd64"
    for package, source_name, target_name in _EXTENSIONS:
        target = platform_dir / target_name
        if target.exists():
            continue
        platform_dir.mkdir(parents=True, exist_ok=True)
        source = resources.files(package).joinpath("extensions", version, source_name)
        tmp = target.with_name(f"{target_name}.tmp-{os.getpid()}")
        tmp.write_bytes(source.read_bytes())
        os.replace(tmp, target)
    return root


def connect_config(settings: Settings) -> dict[str, str | bool]:
    """DuckDB connect options that load the lake extensions from disk and never download."""
    return {
        "extension_directory": str(extension_dir(settings)),
        "autoinstall_known_extensions": False,
    }


def attach_path(settings: Settings) -> str:
    """The ATTACH path of the lake: DuckLake over the PostgreSQL catalog."""
    return f"ducklake:postgres:{settings.lake_catalog}"


def data_path(settings: Settings) -> str:
    """The shared data folder, with the trailing slash DuckLake expects."""
    settings.lake_data.mkdir(parents=True, exist_ok=True)
    return str(settings.lake_data) + "/"


def attach(con: duckdb.DuckDBPyConnection, settings: Settings, *, read_only: bool = False) -> None:
    """Attach the lake as ``sqmy_lake`` and make it the default database of ``con``."""
    mode = ", READ_ONLY" if read_only else ""
    con.execute(
        f"ATTACH {_sql_string(attach_path(settings))} AS {LAKE_DB} "
        f"(DATA_PATH {_sql_string(data_path(settings))}{mode})"
    )
    con.execute(f"USE {LAKE_DB}")


# One attached lake per process and mode: an ATTACH costs ≈ 0.6 s (extension load,
# catalog round trips) and a file's load opens the warehouse several times.
_attached: dict[tuple[int, str, str, bool], duckdb.DuckDBPyConnection] = {}


def connect(settings: Settings, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection of its own (a cursor: own transactions, close it when done) on this
    process's DuckDB with the lake attached, the lake in use."""
    import duckdb

    key = (os.getpid(), settings.lake_catalog, data_path(settings), read_only)
    parent = _attached.get(key)
    if parent is not None:
        try:
            cursor = parent.cursor()
            cursor.execute(f"USE {LAKE_DB}")
            cursor.execute("SELECT 1 FROM duckdb_schemas() LIMIT 1").fetchall()
            return cursor
        except duckdb.Error:  # the catalog connection was lost: attach afresh
            log.info("lake connection lost, attaching again")
            _attached.pop(key, None)
    prepare_catalog(settings)
    parent = duckdb.connect(config=connect_config(settings))
    try:
        attach(parent, settings, read_only=read_only)
    except BaseException:
        parent.close()
        raise
    _attached[key] = parent
    cursor = parent.cursor()
    cursor.execute(f"USE {LAKE_DB}")
    return cursor


def catalog_ready(settings: Settings) -> bool:
    """DuckLake's metadata tables and the delivery sequence exist in the catalog database."""
    import psycopg2

    conn = psycopg2.connect(settings.lake_catalog)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT to_regclass('ducklake_metadata') IS NOT NULL "
                "AND to_regclass(%s) IS NOT NULL",
                [SEQUENCE],
            )
            return bool(cur.fetchone()[0])
    finally:
        conn.close()


def prepare_catalog(settings: Settings) -> None:
    """Set up a new catalog once: DuckLake's metadata tables, the sequence, the raw schema.

    Two processes creating them at once collide in PostgreSQL's own catalog
    ("duplicate key … pg_type"), IF NOT EXISTS or not: so the first use takes
    an advisory lock, and every later one sees the catalog ready and skips it.
    """
    import duckdb

    from sqmy_etl.warehouse.db import WarehouseBusy

    if catalog_ready(settings):
        return
    with advisory_lock(settings, "setup", WarehouseBusy):
        if catalog_ready(settings):
            return
        con = duckdb.connect(config=connect_config(settings))
        try:
            attach(con, settings)
            ensure_raw_schema(con)
            # last: "ready" (``catalog_ready``) means everything above is in place
            con.execute(
                f"CALL postgres_execute('{META_DB}', 'CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}')"
            )
        finally:
            con.close()


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con`` works on the lake (its default database is the attached DuckLake)."""
    return con.execute("SELECT current_database()").fetchall()[0][0] == LAKE_DB


def raw_ddl() -> list[str]:
    """The raw schema of ``raw_schema.sql`` as DuckLake accepts it.

    DuckLake has no sequences and no PRIMARY KEY/UNIQUE constraints: the
    sequence lives in PostgreSQL (``next_seqs``), and the two keys are kept by
    the writers (a file's manifest row is deleted before it is written again;
    quarantine ids carry the file's hash, which is loaded once).
    """
    text = resources.files("sqmy_etl.warehouse").joinpath("raw_schema.sql").read_text("utf-8")
    text = re.sub(r"--[^\n]*", "", text)  # comments first: they may hold a ';'
    text = re.sub(r"CREATE SEQUENCE[^;]*;", "", text)
    text = text.replace(" PRIMARY KEY", "")
    return [s.strip() for s in text.split(";") if s.strip()]


def _is_current(con: duckdb.DuckDBPyConnection, ddl: list[str]) -> bool:
    """Every table and every added column of the raw schema exists: nothing left to run.

    One catalog look-up spares the dozen no-op statements on every connect.
    """
    text = "\n".join(ddl)
    wanted = {(t, None) for t in re.findall(r"CREATE TABLE IF NOT EXISTS raw\.(\w+)", text)}
    wanted |= set(re.findall(r"ALTER TABLE raw\.(\w+) ADD COLUMN IF NOT EXISTS (\w+)", text))
    present = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'raw'",
        [LAKE_DB],
    ).fetchall()
    have = set(present) | {(table, None) for table, _ in present}
    return wanted <= have


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or complete the raw tables in the lake (idempotent).

    A new catalog gets them under ``prepare_catalog``'s lock; a raw schema
    that grew later is brought up to date by whichever writer comes first, the
    others' commits conflict and are retried, by then finding it in place.
    """
    ddl = raw_ddl()

    def create() -> None:
        if _is_current(con, ddl):
            return
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in ddl:
                con.execute(statement)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    retry_conflicts(create, "raw schema")


def next_seqs(con: duckdb.DuckDBPyConnection, count: int) -> list[int]:
    """``count`` fresh, ascending places in the delivery order from the PostgreSQL sequence.

    Like a DuckDB sequence, a value drawn is never given back, whatever
    becomes of the transaction that drew it.
    """
    rows = con.execute(
        f"SELECT * FROM postgres_query('{META_DB}', "
        f"'SELECT nextval(''{SEQUENCE}'') AS seq FROM generate_series(1, {int(count)})')"
    ).fetchall()
    return sorted(row[0] for row in rows)


def set_sequence_after(con: duckdb.DuckDBPyConnection, last: int) -> None:
    """Make the next drawn value follow ``last`` (a migrated warehouse keeps its order)."""
    con.execute(
        f"SELECT * FROM postgres_query('{META_DB}', "
        f"'SELECT setval(''{SEQUENCE}'', greatest({int(last)}, 1), {str(last > 0).lower()})')"
    ).fetchall()


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit lost to a concurrent one: worth running the transaction again."""
    import duckdb

    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def retry_conflicts(work: Callable[[], T], what: str) -> T:
    """Run ``work`` (one whole transaction) again while its commit loses a DuckLake conflict."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            return work()
        except Exception as exc:
            if not is_conflict(exc) or attempt == COMMIT_ATTEMPTS:
                raise
            pause = min(2.0, 0.05 * 2**attempt)
            log.info("lake commit conflict on %s (attempt %d), retrying: %s", what, attempt, exc)
            time.sleep(pause)
    raise AssertionError("unreachable")


@contextmanager
def advisory_lock(
    settings: Settings, name: str, busy: Callable[[str], Exception]
) -> Iterator[None]:
    """Hold a PostgreSQL session advisory lock on the catalog for the block.

    The lock lives as long as the session: a killed holder releases it with
    its connection, so a crash never leaves the transform locked out.
    ``busy(message)`` builds the exception raised after ``writer_wait_s``.
    """
    import psycopg2

    key = f"sqmy:{name}"
    conn = psycopg2.connect(settings.lake_catalog)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            deadline = time.monotonic() + settings.writer_wait_s
            while True:
                cur.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
                if cur.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise busy(
                        f"数据湖忙：另一个 sqmy 进程持有锁 {key} 超过 {settings.writer_wait_s} 秒，"
                        f"请稍后再试 / lake busy: another process held {key} for more than "
                        f"{settings.writer_wait_s}s"
                    )
                time.sleep(0.2)
        yield
    finally:
        conn.close()
