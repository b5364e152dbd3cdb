"""Move an embedded warehouse into a DuckLake (``sqmy lake migrate``).

Only the raw layer moves: it is the record of every delivery, and everything
else (staging → marts, the snapshot history aside) is rebuilt from it by the
next ``sqmy transform`` in lake mode. The delivery order continues where the
file left off, so deliveries made after the move sort after the old ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.warehouse import lake
from sqmy_etl.warehouse.db import embedded_writer_lock, ensure_raw_schema, writer_lock

log = logging.getLogger(__name__)

# tables with an ingest_seq column: the lake's sequence must continue after their largest
_SEQ_TABLES = ("ingest_files", "delivery_changes")


class MigrationError(RuntimeError):
    """The move cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Migration:
    source: Path
    rows: dict[str, int]
    last_seq: int


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _upgrade_source(source: Path) -> None:
    """Bring an older warehouse file's raw schema up to date, so every column can move."""
    import duckdb

    con = duckdb.connect(str(source))
    try:
        ensure_raw_schema(con)
    finally:
        con.close()


def migrate_to_lake(settings: Settings, source: Path | None = None) -> Migration:
    """Copy the raw tables of the warehouse file into the (empty) lake, in one transaction."""
    import duckdb

    if not settings.is_lake:
        raise MigrationError(
            "请先设置 SQMY_WAREHOUSE=ducklake 和 SQMY_LAKE_CATALOG（目标数据湖）"
            " / set SQMY_WAREHOUSE=ducklake and SQMY_LAKE_CATALOG (the target lake) first"
        )
    source = source or settings.warehouse
    if not source.is_file():
        raise MigrationError(
            f"没有找到要迁移的仓库文件 {source} / no warehouse file to migrate at {source}"
        )
    with embedded_writer_lock(settings), writer_lock(settings):
        _upgrade_source(source)
        lake.prepare_catalog(settings)
        con = duckdb.connect(config=lake.connect_config(settings))
        try:
            lake.attach(con, settings)
            ensure_raw_schema(con)
            if con.execute("SELECT count(*) FROM raw.ingest_files").fetchall()[0][0]:
                raise MigrationError(
                    "目标数据湖已有数据，迁移只做一次：请换一个空的 SQMY_LAKE_CATALOG"
                    " / the lake already holds deliveries: migrate into an empty catalog"
                )
            con.execute(f"ATTACH {_sql_string(str(source))} AS src (READ_ONLY)")
            tables = [
                row[0]
                for row in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src' "
                    "AND schema_name = 'raw' ORDER BY table_name"
                ).fetchall()
            ]
            rows: dict[str, int] = {}
            con.execute("BEGIN TRANSACTION")
            for table in tables:
                con.execute(f'INSERT INTO raw."{table}" BY NAME SELECT * FROM src.raw."{table}"')
                rows[table] = con.execute(f'SELECT count(*) FROM src.raw."{table}"').fetchall()[0][
                    0
                ]
            con.execute("COMMIT")
            union = " UNION ALL ".join(
                f"SELECT max(ingest_seq) FROM src.raw.{t}" for t in _SEQ_TABLES
            )
            last = con.execute(f"SELECT coalesce(max(m), 0) FROM ({union}) AS s(m)").fetchall()[0][
                0
            ]
            lake.set_sequence_after(con, int(last))
            con.execute("DETACH src")
        finally:
            con.close()
    log.info("migrated %s into the lake: %s, delivery order continues after %d", source, rows, last)
    return Migration(source, rows, int(last))
