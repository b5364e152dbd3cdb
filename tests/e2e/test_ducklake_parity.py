"""The messy 2021 data through DuckLake gives the embedded warehouse's marts, row for row.

Reuses the session's embedded run (conftest ``pipeline``: its generated ledgers,
PII key and published marts). The same ledgers go into a lake whose catalog is
a PostgreSQL database of this test; the first lake transform loses its catalog
connections half-way (``pg_terminate_backend`` once the intermediate models are
being written), must fail and publish nothing; the rerun must publish every
mart identical to the embedded one: same tables, same columns and types, same
rows (EXCEPT ALL both ways, so duplicates count).
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

from sqmy_etl.config import SHANGHAI
from tests.e2e.support import sqmy
from tests.integration.lake_support import lake_catalog, lake_env, psql

# dbt has committed its first table outside raw (the seeds come first): the build is under way
MID_BUILD_SQL = (
    "SELECT count(*) FROM ducklake_table AS t JOIN ducklake_schema AS s USING (schema_id) "
    "WHERE s.schema_name <> 'raw' AND t.end_snapshot IS NULL AND s.end_snapshot IS NULL"
)
KILL_SQL = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _wait_mid_build(database: str, proc: subprocess.Popen[str], timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if int(psql(MID_BUILD_SQL, database)) > 0:
                return
        except subprocess.CalledProcessError:
            pass  # the catalog tables appear with the first connect
        time.sleep(0.2)
    raise AssertionError(f"the lake transform never got under way: {proc.poll()}")


def _tables(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? ORDER BY table_name, column_index",
        [db],
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def test_lake_marts_equal_embedded_after_a_lost_catalog(pipeline: dict, tmp_path: Path) -> None:
    ledgers = sorted((pipeline["home"].parent / "generated" / "ledgers").iterdir())
    with lake_catalog("parity") as database:
        env = lake_env(tmp_path, database, SQMY_PII_KEY_FILE=pipeline["env"]["SQMY_PII_KEY_FILE"])
        ingest = sqmy(env, "ingest", *map(str, ledgers))
        assert ingest.returncode == pipeline["first"].returncode, ingest.stderr[-2000:]
        published = Path(env["SQMY_HOME"]) / "published" / "marts.duckdb"

        first = subprocess.Popen(
            [sys.executable, "-m", "sqmy_etl", "transform"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_mid_build(database, first)
        assert int(psql(KILL_SQL, database)) > 0
        _, err = first.communicate(timeout=300)
        if first.returncode != 0:
            # the lost catalog failed the build: nothing may be published; the rerun repairs it
            assert not published.exists(), "a failed transform published something"
            rerun = sqmy(env, "transform")
            assert rerun.returncode == 0, rerun.stderr[-3000:]
        # else DuckDB reconnected to the catalog and the build went on: it must be whole too
        assert published.exists(), err[-3000:]

        # --as-of: today reads the publish just made (1005 submissions in the 2021 truth);
        # a day before any publish is refused with the reason
        sql = "SELECT count(*) AS n FROM fct_submissions"
        today = datetime.now(SHANGHAI).date().isoformat()
        as_of = sqmy(env, "query", "--as-of", today, "--format", "csv", sql)
        assert as_of.returncode == 0, as_of.stderr[-2000:]
        assert as_of.stdout.splitlines() == ["n", str(pipeline["truth"]["distinct"]["submissions"])]
        before = sqmy(env, "query", "--as-of", "2000-01-01", sql)
        assert before.returncode == 1
        assert "2000-01-01 及以前没有发布过数据" in before.stderr

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{pipeline['published']}' AS embedded (READ_ONLY)")
        con.execute(f"ATTACH '{published}' AS lake (READ_ONLY)")
        embedded_tables, lake_tables = _tables(con, "embedded"), _tables(con, "lake")
        assert lake_tables == embedded_tables
        assert "fct_submissions" in lake_tables
        differing = {}
        for table in embedded_tables:
            only = [
                con.execute(
                    f'SELECT count(*) FROM (FROM {a}."{table}" EXCEPT ALL FROM {b}."{table}")'
                ).fetchall()[0][0]
                for a, b in (("embedded", "lake"), ("lake", "embedded"))
            ]
            if only != [0, 0]:
                differing[table] = only
        assert differing == {}
    finally:
        con.close()
