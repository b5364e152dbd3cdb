"""Write-audit-publish: readers never see a half-published file, a red build publishes nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.transform.build import TransformFailed, run_transform
from sqmy_etl.warehouse.db import connect_writer
from tests.unit.homes import scratch_home
from tests.unit.test_transform_scenarios import Delivery

READER = """
import json, sys
from pathlib import Path
from sqmy_etl.config import Settings
from sqmy_etl.warehouse.query import run_query

settings = Settings.from_env()
stop, out = Path(sys.argv[1]), open(sys.argv[2], "a", encoding="utf-8")
sql = ("SELECT (SELECT count(*) FROM fct_submissions), "
       "(SELECT sum(submissions_received) FROM mart_period_summary "
       " WHERE period_type = 'year' AND theme_l1 = '全部')")
while not stop.exists():
    try:
        out.write(json.dumps({"seen": list(run_query(settings, sql)[1][0])}) + "\\n")
    except Exception as exc:
        out.write(json.dumps({"error": repr(exc)}) + "\\n")
    out.flush()
"""


def wait_for(predicate, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def published_bytes(settings: Settings) -> dict[str, str]:
    """What a reader finds: the marts file and the Parquet set published/parquet points at."""
    return {
        str(p.relative_to(settings.published_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in [settings.published, *sorted(settings.parquet_dir.iterdir())]
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A home whose marts were published once, from two submissions."""
    with scratch_home(tmp_path_factory, "publish") as settings:
        with connect_writer(settings) as con:
            Delivery(con, 1, "a.xlsx").submissions(
                "来稿",
                "region theme",
                [(2, "A1", "2021-03-01", "赤峰", "供暖"), (3, "A2", "2021-05-01", "包头", "教育")],
            )
        run_transform(settings)
        yield settings


def test_reader_never_sees_a_half_published_file(home: Settings, tmp_path: Path):
    """A process querying the published marts in a loop during a transform never errors and only
    ever sees the old (2 submissions) or the new (3) consistent state."""
    stop, log = tmp_path / "stop", tmp_path / "reader.jsonl"
    log.touch()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(stop), str(log)], env=os.environ.copy()
    )
    try:
        wait_for(lambda: log.read_text("utf-8").count("\n") >= 1)
        with connect_writer(home) as con:
            Delivery(con, 2, "b.xlsx").submissions(
                "来稿", "region theme", [(2, "B1", "2021-07-01", "通辽", "就业")]
            )
        run_transform(home)
        wait_for(lambda: '"seen": [3, 3]' in log.read_text("utf-8"))
    finally:
        stop.touch()
        reader.wait(timeout=60)
    records = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [r for r in records if "error" in r] == []
    assert {tuple(r["seen"]) for r in records} <= {(2, 2), (3, 3)}


def test_failing_dbt_test_publishes_nothing_and_names_the_test(home: Settings, tmp_path: Path):
    """With a dbt test that fails, transform raises TransformFailed naming it and published/
    stays byte-identical."""
    project = tmp_path / "dbt"
    shutil.copytree(home.dbt_dir, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "tests" / "assert_always_fails.sql").write_text("select 1 as failing_row\n")
    red = dataclasses.replace(home, dbt_dir=project)
    with connect_writer(home) as con:
        Delivery(con, 3, "c.xlsx").submissions("来稿", "region", [(2, "C1", "2021-08-01", "乌海")])
    before = published_bytes(home)

    with pytest.raises(TransformFailed) as failed:
        run_transform(red)

    assert failed.value.failing_nodes == ["test.sqmy.assert_always_fails"]
    assert "test.sqmy.assert_always_fails" in str(failed.value)
    assert published_bytes(home) == before
    # marts.duckdb + 23 Parquet: 8 §4 marts + fct_issue_sources + the 3 §5 lifecycle marts
    # + dim_scoring_rules + the 2 §6 theme tables (fct_theme_suggestions, mart_hot_topics)
    # + the 8 mart_report_* tables the reports print
    assert len(before) == 24


def test_a_failed_build_leaves_the_warehouse_closed(home: Settings, tmp_path: Path):
    """dbt builds with keep_open; after a failing build the same process still opens the
    warehouse read-only (a different configuration than dbt's) and another process can
    take the writer's lock: no DuckDB instance outlives the dbt call."""
    import duckdb

    project = tmp_path / "dbt"
    shutil.copytree(home.dbt_dir, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "tests" / "assert_always_fails.sql").write_text("select 1 as failing_row\n")
    with pytest.raises(TransformFailed):
        run_transform(dataclasses.replace(home, dbt_dir=project))

    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.submissions").fetchall()[0][0] > 0
    writer = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
         str(home.warehouse)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert writer.returncode == 0, writer.stderr
