"""Parquet is published as one set: a publish killed between two tables leaves the old set.

A hand-made warehouse holds two marts tables (dim_region 1 row, fct_issues 2
rows); the second version has 3 issue rows. A publish of the second version
kills itself after its first Parquet file (``SQMY_CRASHPOINT=publish.parquet:1``,
tables go in name order, so dim_region is written and fct_issues is not): the
published set must still be the first version, whole. The next publish lands
the second version and removes the half-written set; a third one leaves only
the current set and the one before it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.publish import SETS_DIR, publish_marts

PUBLISH = (
    "from sqmy_etl.config import Settings; from sqmy_etl.warehouse.publish import "
    "publish_marts; publish_marts(Settings.from_env())"
)


def _warehouse(settings: Settings, issues: int) -> None:
    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("CREATE OR REPLACE TABLE marts.dim_region AS SELECT '150400' AS region_code")
        con.execute(
            "CREATE OR REPLACE TABLE marts.fct_issues AS "
            f"SELECT printf('2021-%03d', i) AS issue_id FROM range(1, {issues + 1}) t(i)"
        )
    finally:
        con.close()


def _rows(settings: Settings, table: str) -> int:
    return pq.read_table(settings.parquet_dir / f"{table}.parquet").num_rows


def test_killed_parquet_publish_leaves_the_previous_set(settings: Settings) -> None:
    _warehouse(settings, issues=2)
    publish_marts(settings)
    first_set = settings.parquet_dir.resolve()
    _warehouse(settings, issues=3)

    env = {k: v for k, v in os.environ.items() if k != "SQMY_CRASHPOINT"}
    killed = subprocess.run(
        [sys.executable, "-c", PUBLISH],
        env={**env, "SQMY_CRASHPOINT": "publish.parquet:1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert settings.parquet_dir.resolve() == first_set
    assert (_rows(settings, "dim_region"), _rows(settings, "fct_issues")) == (1, 2)
    sets = settings.published_dir / SETS_DIR
    half = [p for p in sets.iterdir() if p.is_dir() and p != first_set]
    assert len(half) == 1 and sorted(p.name for p in half[0].iterdir()) == ["dim_region.parquet"]

    publish_marts(settings)
    second_set = settings.parquet_dir.resolve()
    assert (_rows(settings, "dim_region"), _rows(settings, "fct_issues")) == (1, 3)
    assert not half[0].exists()
    publish_marts(settings)
    folders = sorted(p for p in sets.iterdir() if p.is_dir())
    # the current set and the one before it (a reader may still be in it); the first is gone
    assert folders == sorted([second_set, settings.parquet_dir.resolve()])
    assert first_set not in folders
