"""`sqmy lake migrate`: an embedded warehouse's raw layer moves into an empty lake, unchanged.

Three 来稿 ledgers typed here (2, 3 and 4 rows) are loaded into the embedded
file; the move must carry every raw table row for row, the delivery order
must continue after the moved deliveries, and a second move into the now
filled lake must be refused with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.db import open_warehouse
from tests.integration.lake_support import LAKE_VARS, lake_catalog, lake_env, submissions_csv
from tests.reliability.conftest import sqmy

LEDGERS = (("甲", "赤峰市", 2), ("乙", "包头市", 3), ("丙", "通辽市", 4))


def test_migrate_moves_raw_row_for_row_and_continues_the_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ledgers"
    for part, city, rows in LEDGERS:
        ids = [f"MG{part}-{n:03d}" for n in range(1, rows + 1)]
        submissions_csv(folder / f"{city}{part}册来稿.csv", ids, "2021-07-08", city)
    later = submissions_csv(
        tmp_path / "later" / "兴安盟来稿.csv", ["MG丁-001"], "2021-08-01", "兴安盟"
    )
    with lake_catalog("migrate") as database:
        env = lake_env(tmp_path, database)
        embedded = {k: v for k, v in env.items() if k not in LAKE_VARS}
        assert sqmy(embedded, "ingest", str(folder)).returncode == 0

        moved = sqmy(env, "lake", "migrate")
        assert moved.returncode == 0, moved.stderr[-2000:]
        assert "raw.submissions: 9" in moved.stdout  # 2 + 3 + 4 rows
        again = sqmy(env, "lake", "migrate")
        assert again.returncode == 1
        assert "已有数据" in again.stderr

        for name in (*LAKE_VARS, "SQMY_HOME", "SQMY_PII_KEY_FILE"):
            monkeypatch.setenv(name, env[name])
        settings = Settings.from_env()
        con = open_warehouse(settings, read_only=True)
        try:
            con.execute(f"ATTACH '{settings.warehouse}' AS src (READ_ONLY)")
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() "
                    "WHERE database_name = 'src' AND schema_name = 'raw'"
                ).fetchall()
            ]
            assert {"ingest_files", "submissions", "quarantine"} <= set(tables)
            for table in tables:
                columns = ", ".join(
                    f'"{r[0]}"'
                    for r in con.execute(
                        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'src' "
                        "AND schema_name = 'raw' AND table_name = ?",
                        [table],
                    ).fetchall()
                )
                for a, b in (("src.raw", "raw"), ("raw", "src.raw")):
                    only = con.execute(
                        f'SELECT count(*) FROM (SELECT {columns} FROM {a}."{table}" '
                        f'EXCEPT ALL SELECT {columns} FROM {b}."{table}")'
                    ).fetchall()[0][0]
                    assert only == 0, (table, a)
            moved_last = con.execute("SELECT max(ingest_seq) FROM src.raw.ingest_files").fetchall()
            con.execute("DETACH src")
        finally:
            con.close()

        assert sqmy(env, "ingest", str(later)).returncode == 0
        con = open_warehouse(settings, read_only=True)
        try:
            new_seq = con.execute(
                "SELECT ingest_seq FROM raw.ingest_files WHERE original_name = ?", [later.name]
            ).fetchall()
        finally:
            con.close()
        assert new_seq[0][0] > moved_last[0][0]
