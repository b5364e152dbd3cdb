"""``raw.ingest_files``: one row per distinct file ever offered, and what makes it "loaded".

A file's manifest row is written in the same transaction as its rows, so a
file counts as loaded exactly when its rows are in; ``ingest_seq`` orders
the deliveries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqmy_etl.config import Settings
from sqmy_etl.warehouse import lake
from sqmy_etl.warehouse.db import connect_writer, next_seqs

if TYPE_CHECKING:
    import duckdb

_COLUMNS = (
    "file_sha256, ingest_seq, original_name, archived_path, size_bytes, file_format, encoding, "
    "status, reason, rows_loaded, rows_quarantined, ingested_at, data_rows, table_kinds"
)


def file_format(name: str) -> str:
    """The format a manifest row names for a file: its suffix, lower-case."""
    return Path(name).suffix.lower().lstrip(".") or "unknown"


def is_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    rows = con.execute(
        "SELECT 1 FROM raw.ingest_files WHERE file_sha256 = ? AND status = 'loaded'", [sha256]
    ).fetchall()
    return bool(rows)


def already_loaded(settings: Settings, sha256: str) -> bool:
    with connect_writer(settings) as con:
        return is_loaded(con, sha256)


def next_seq(con: duckdb.DuckDBPyConnection) -> int:
    return next_seqs(con, 1)[0]


def write_manifest(
    con: duckdb.DuckDBPyConnection,
    *,
    sha256: str,
    seq: int,
    path: Path,
    size: int,
    stored_at: Path | None,
    file_format: str,
    encoding: str | None,
    status: str,
    reason: str | None,
    rows_loaded: int,
    rows_quarantined: int,
    data_rows: int = 0,
    table_kinds: str = "",
) -> None:
    """The file's row, replacing an earlier one of the same content (a rejection retried)."""
    verb = "INSERT OR REPLACE"
    if lake.is_lake(con):  # no primary key in DuckLake: replace by hand, deleting only if there
        verb = "INSERT"
        if con.execute("SELECT 1 FROM raw.ingest_files WHERE file_sha256 = ?", [sha256]).fetchall():
            con.execute("DELETE FROM raw.ingest_files WHERE file_sha256 = ?", [sha256])
    con.execute(
        f"{verb} INTO raw.ingest_files ({_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha256,
            seq,
            path.name,
            str(stored_at) if stored_at else None,
            size,
            file_format,
            encoding,
            status,
            reason,
            rows_loaded,
            rows_quarantined,
            datetime.now(UTC),
            data_rows,
            table_kinds,
        ],
    )
