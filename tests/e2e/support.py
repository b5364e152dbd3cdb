"""Helpers of the end-to-end tests: the CLI as a user runs it, and read-only queries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

RAW_COUNTS_SQL = """
SELECT (SELECT count(*) FROM raw.submissions) AS submissions,
       (SELECT count(*) FROM raw.issues) AS issues,
       (SELECT count(*) FROM raw.feedback) AS feedback,
       (SELECT count(*) FROM raw.quarantine) AS quarantine,
       (SELECT count(*) FROM raw.ingest_files WHERE status = 'loaded') AS files_loaded
"""


def sqmy(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`sqmy ARGS` in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "sqmy_etl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def fetch_dicts(db: Path, sql: str) -> list[dict]:
    """Rows of ``sql`` on a DuckDB file opened read-only, as dicts."""
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
