"""The `sqmy` command line: what it lists, and how it fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from filelock import FileLock

from sqmy_etl.config import Settings

CONTRACT_COMMANDS = {
    "demo",
    "ingest",
    "transform",
    "run",
    "query",
    "themes",
    "report",
    "quarantine",
    "generate",
    "retract",
}


def run_cli(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqmy_etl", *args],
        env={**os.environ, "SQMY_HOME": str(settings.home), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_the_contract_commands(settings: Settings) -> None:
    """`sqmy --help` lists every command of CONTRACT.md §2 (plus erase, and lake for the §7
    DuckLake engine: `sqmy lake migrate`), and nothing else."""
    out = run_cli(settings, "--help")
    assert out.returncode == 0
    listed = {
        line.split()[0]
        for line in out.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ") and line.strip()
    }
    assert listed == CONTRACT_COMMANDS | {"erase", "lake"}


def test_busy_warehouse_is_a_message_not_a_traceback(settings: Settings, tmp_path: Path) -> None:
    """When another writer holds the warehouse past the wait limit, ingest says so and exits 1."""
    ledger = tmp_path / "来稿.csv"
    ledger.write_text("稿件编号,收稿日期\nA-1,2021-03-18\n", encoding="utf-8")
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.warehouse) + ".lock"):
        out = run_cli(settings, "ingest", str(ledger), SQMY_WRITER_WAIT_S="1")
    assert out.returncode == 1
    assert "warehouse busy" in out.stderr
    assert "Traceback" not in out.stderr


def test_query_before_any_publish_explains_itself(settings: Settings) -> None:
    """`sqmy query` on a home with no published marts fails with a message, not a traceback."""
    out = run_cli(settings, "query", "SELECT 1")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert out.stderr.strip()
