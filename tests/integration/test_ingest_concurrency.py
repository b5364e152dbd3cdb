"""The ingest task cannot double-load: not when two run at once, not when one is killed and retried.

Processes call the same adapter the mapped ``ingest_file`` task calls
(``orchestration.tasks.ingest_one``); the expected raw row counts come from
the generator's truth.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import Settings

pytestmark = pytest.mark.timeout(600)

_INGEST = r"""
import json, sys
from sqmy_etl.orchestration.tasks import ingest_one
for path in sys.argv[1:]:
    print(json.dumps(ingest_one(path)), flush=True)
"""


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, Any]]:
    """Small 2021 CSV ledgers from the generator and their truth."""
    from sqmy_etl.synth.generate import generate_ledgers

    out = tmp_path_factory.mktemp("ledgers")
    truth = json.loads(generate_ledgers(2021, out, fmt="csv", scale=0.05).read_text("utf-8"))
    files = sorted((out / "ledgers").iterdir())
    assert len(files) >= 3, "the kill test needs files still to go after the first"
    return files, truth


def start_ingest(settings: Settings, paths: list[Path]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SQMY_HOME": str(settings.home),
        "SQMY_PII_KEY_FILE": str(settings.pii_key_file),
    }
    return subprocess.Popen(
        [sys.executable, "-c", _INGEST, *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def raw_counts(settings: Settings) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return {
            kind: con.execute(f"SELECT count(*) FROM raw.{kind}").fetchall()[0][0]
            for kind in ("submissions", "issues", "feedback", "ingest_files")
        }
    finally:
        con.close()


def test_two_concurrent_ingests_of_the_same_files_load_each_once(
    settings: Settings, ledgers: tuple[list[Path], dict[str, Any]]
) -> None:
    """Two processes offered the same contents under different names: one load per file."""
    files, truth = ledgers
    first = [shutil.copy(f, settings.landing / f.name) for f in files]
    second = [shutil.copy(f, settings.landing / f"again-{f.name}") for f in files]
    procs = [start_ingest(settings, first), start_ingest(settings, list(reversed(second)))]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=500)
        assert proc.returncode == 0, err
        outcomes += [json.loads(line) for line in out.splitlines()]

    statuses = sorted(o["status"] for o in outcomes)
    assert statuses == sorted(["loaded"] * len(files) + ["skipped_duplicate"] * len(files))
    counts = raw_counts(settings)
    assert {k: counts[k] for k in truth["raw_rows"]} == truth["raw_rows"]
    assert counts["ingest_files"] == len(files)


def test_a_killed_ingest_retried_loads_everything_exactly_once(
    settings: Settings, ledgers: tuple[list[Path], dict[str, Any]]
) -> None:
    """SIGKILL mid-run, then the retry over what is left in landing/: counts equal the truth."""
    files, truth = ledgers
    landed = [shutil.copy(f, settings.landing / f.name) for f in files]
    proc = start_ingest(settings, landed)
    # Kill as soon as the first file is done, while the next one is in flight.
    assert proc.stdout is not None
    assert proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    retry = start_ingest(settings, landed)
    out, err = retry.communicate(timeout=500)
    assert retry.returncode == 0, err
    assert {json.loads(line)["status"] for line in out.splitlines()} <= {
        "loaded",
        "skipped_duplicate",
        "gone",
    }
    assert list(settings.landing.iterdir()) == []
    counts = raw_counts(settings)
    assert {k: counts[k] for k in truth["raw_rows"]} == truth["raw_rows"]
    assert counts["ingest_files"] == len(files)
