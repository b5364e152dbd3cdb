"""Crash safety: SIGKILL `sqmy ingest` / `sqmy transform` at 20 points; reruns lose nothing.

The processes kill themselves at named step boundaries (``SQMY_CRASHPOINT=name:N``,
see ``warehouse.db.crashpoint``): inside and after the per-file transaction,
after archiving, while rejecting, between dbt nodes, and in the publish.
Every killed run is followed by the next one over what is left, exactly as an
operator (or Airflow's retry) would rerun it. The end state must equal the
generator's truth (what a clean run produces, see tests/e2e), and after every
kill ``published/marts.duckdb`` must open and hold either the previous
complete version or the final one.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import fetch, home_env, sqmy

pytestmark = pytest.mark.timeout(1200)

# (command, crash point) in the order they run; the files wait in landing/ throughout.
KILLS_BEFORE_FIRST_PUBLISH = [
    ("ingest", "ingest.committed:1"),  # 01 loaded, killed before it left landing/
    ("ingest", "ingest.before_commit:2"),  # 01 skipped, 02 killed inside its transaction
    ("ingest", "ingest.committed:1"),  # 02 loaded, killed before leaving landing/
    ("ingest", "ingest.archived:2"),  # 03 loaded, 04 archived then killed
    ("ingest", "ingest.before_commit:2"),  # 04 loaded, 05 killed inside its transaction
    ("transform", "dbt.node:2"),
    ("transform", "dbt.node:30"),
    ("transform", "publish.swapped:1"),  # the first publish lands, then the process dies
]
KILLS_AFTER_FIRST_PUBLISH = [
    ("ingest", "ingest.committed:3"),
    ("ingest", "ingest.archived:3"),
    ("ingest", "ingest.rejected:1"),  # killed between the reject's manifest row and the move
    ("ingest", "ingest.rejected:2"),
    ("ingest", "ingest.rejected:2"),
    ("transform", "dbt.node:1"),
    ("transform", "dbt.node:8"),
    ("transform", "dbt.node:20"),
    ("transform", "dbt.node:35"),
    ("transform", "dbt.node:55"),
    ("transform", "dbt.node:75"),
    ("transform", "publish.built:1"),  # new marts built beside the old file, not yet swapped
]
FIGURES_SQL = """
SELECT period_type, period_label, theme_l1, submissions_received, issues_published,
       issues_instructed, instructions_total, issues_adopted_national
FROM mart_period_summary ORDER BY ALL
"""
MEASURES = (
    "submissions_received",
    "issues_published",
    "issues_instructed",
    "instructions_total",
    "issues_adopted_national",
)


def published_state(published: Path) -> tuple:
    """Every table's row count and the full period summary: a complete version's fingerprint."""
    tables = [r[0] for r in fetch(published, "SELECT table_name FROM duckdb_tables() ORDER BY 1")]
    counts = tuple((t, fetch(published, f'SELECT count(*) FROM "{t}"')[0][0]) for t in tables)
    return counts, tuple(fetch(published, FIGURES_SQL))


def run_killed(env: dict[str, str], command: str, point: str) -> None:
    args = [command, str(Path(env["SQMY_HOME"]) / "landing")] if command == "ingest" else [command]
    done = sqmy({**env, "SQMY_CRASHPOINT": point}, *args)
    assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr[-2000:])


def test_killed_runs_rerun_to_the_clean_result(
    generated: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """20 SIGKILLs across load, dbt build and publish, each followed by a rerun: raw rows,
    quarantine and published figures equal the truth; published/ was never partial or missing."""
    ledgers, truth = generated
    env = home_env(tmp_path)
    home = Path(env["SQMY_HOME"])
    (home / "landing").mkdir(parents=True)
    for f in sorted(ledgers.iterdir()):
        shutil.copy(f, home / "landing" / f.name)
    published = home / "published" / "marts.duckdb"

    for command, point in KILLS_BEFORE_FIRST_PUBLISH:
        run_killed(env, command, point)
    first_version = published_state(published)

    seen_after_kills = []
    for command, point in KILLS_AFTER_FIRST_PUBLISH:
        run_killed(env, command, point)
        assert published.is_file(), point
        seen_after_kills.append((point, published_state(published)))

    assert len(KILLS_BEFORE_FIRST_PUBLISH) + len(KILLS_AFTER_FIRST_PUBLISH) >= 20
    final_ingest = sqmy(env, "ingest", str(home / "landing"))
    assert final_ingest.returncode in (0, 2), final_ingest.stderr[-2000:]
    final_transform = sqmy(env, "transform")
    assert final_transform.returncode == 0, final_transform.stderr[-2000:]
    final_version = published_state(published)

    for point, state in seen_after_kills:
        assert state in (first_version, final_version), point
    assert list((home / "landing").iterdir()) == []
    assert [p.name for p in home.joinpath("published").rglob("*.tmp-*")] == []

    warehouse = home / "warehouse" / "sqmy.duckdb"
    raw = {
        kind: fetch(warehouse, f"SELECT count(*) FROM raw.{kind}")[0][0]
        for kind in truth["raw_rows"]
    }
    assert raw == truth["raw_rows"]
    assert fetch(warehouse, "SELECT count(*) FROM raw.quarantine")[0][0] == len(truth["quarantine"])
    expected_files = {f["name"]: f["expect"] for f in truth["generated_files"]}
    rejected = sorted(n for n, e in expected_files.items() if e == "reject")
    for name in rejected:
        assert (home / "rejected" / name).is_file()
        assert (home / "rejected" / f"{name}.reason.txt").read_text("utf-8").strip()

    got = {
        (row[0], row[1], row[2]): row[3:]
        for row in fetch(published, FIGURES_SQL)
        if row[0] == "year"
    }
    for want in truth["period_summary"]:
        if want["period_type"] != "year":
            continue
        key = (want["period_type"], want["period_label"], want["theme_l1"])
        assert got[key] == tuple(want[m] for m in MEASURES), key
