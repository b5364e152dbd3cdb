"""Shared helpers for the reliability tests: the CLI as a subprocess, homes, small data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCALE = 0.2


def home_env(base: Path, **extra: str) -> dict[str, str]:
    """Environment for a CLI run on the home ``base/home`` (PII key outside it)."""
    env = {
        **os.environ,
        "SQMY_HOME": str(base / "home"),
        "SQMY_PII_KEY_FILE": str(base / "keys" / "pii.key"),
    }
    for name in ("SQMY_PII_KEY", "SQMY_CRASHPOINT"):
        env.pop(name, None)
    env.update(extra)
    return env


def sqmy(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``sqmy ARGS`` in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "sqmy_etl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_sqmy(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sqmy_etl", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fetch(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of ``sql`` on a DuckDB file opened read-only."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Messy 2021 ledgers at a small scale (all 17 delivery files) and their truth."""
    from sqmy_etl.synth.generate import generate_ledgers

    out = tmp_path_factory.mktemp("generated")
    truth_file = generate_ledgers(2021, out, seed=2021, scale=SCALE, messy=True)
    return out / "ledgers", json.loads(truth_file.read_text("utf-8"))


def wait_until_locked(warehouse: Path, proc: subprocess.Popen[str], timeout_s: float = 300) -> None:
    """Block until another process holds the warehouse writer lock (``proc`` must still run)."""
    import time

    from filelock import FileLock, Timeout

    lock = FileLock(str(warehouse) + ".lock")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the lock holder ended before it was seen holding the lock"
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return
        lock.release()
        time.sleep(0.05)
    raise AssertionError("the writer lock was never taken")


@pytest.fixture(scope="session")
def pipeline(
    generated: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The generated ledgers through the CLI: a first ingest, then a transform during which two
    ingests of overlapping file sets start (they must wait), a transform of everything loaded,
    the leadership report in three formats, and the data-quality report. Raw counts are taken
    at the end, before any erase.

    The second transform makes the published marts hold every file whatever test runs
    first: without it they held the first eight files' rows until a test's erase rebuilt them.
    """
    ledgers, truth = generated
    base = tmp_path_factory.mktemp("pipeline")
    env = home_env(base)
    home = Path(env["SQMY_HOME"])
    files = sorted(ledgers.iterdir())
    first = sqmy(env, "ingest", *map(str, files[:8]))
    assert first.returncode == 0, first.stderr[-3000:]
    warehouse = home / "warehouse" / "sqmy.duckdb"

    transform = start_sqmy(env, "transform")
    wait_until_locked(warehouse, transform)
    group_a, group_b = files[6:13], files[10:]
    ingests = [start_sqmy(env, "ingest", *map(str, g)) for g in (group_a, group_b)]
    _, transform_err = transform.communicate(timeout=900)
    assert transform.returncode == 0, transform_err[-3000:]
    concurrent = []
    for proc in ingests:
        out, err = proc.communicate(timeout=900)
        concurrent.append({"returncode": proc.returncode, "stdout": out, "stderr": err})
    # the next scheduled transform: the marts, reports and every test read all the files
    again = sqmy(env, "transform")
    assert again.returncode == 0, again.stderr[-3000:]

    report = sqmy(env, "report", "--period", "2021", "--format", "html,pdf,xlsx")
    assert report.returncode == 0, report.stderr[-3000:]
    # the 通报 and the 年度考核 (CONTRACT §5) too: units, members and items of the period
    for period, kind in (("2021-Q2", "tongbao"), ("2021", "evaluation")):
        scores = sqmy(env, "report", "--period", period, "--kind", kind, "--format", "html,xlsx")
        assert scores.returncode == 0, scores.stderr[-3000:]
    quality = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sqmy_etl.config import Settings\n"
            "from sqmy_etl.quality.report import write_quality_report\n"
            "print(write_quality_report(Settings.from_env()))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert quality.returncode == 0, quality.stderr[-3000:]
    raw_counts = {
        kind: fetch(warehouse, f"SELECT count(*) FROM raw.{kind}")[0][0]
        for kind in (*truth["raw_rows"], "quarantine")
    }
    return {
        "env": env,
        "home": home,
        "truth": truth,
        "ledgers": files,
        "groups": (group_a, group_b),
        "concurrent": concurrent,
        "raw_counts": raw_counts,
        "warehouse": warehouse,
        "published": home / "published" / "marts.duckdb",
        "quality_report": Path(quality.stdout.strip()),
    }
