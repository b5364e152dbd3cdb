"""One shared SQMY_HOME for every golden scenario, driven through the `sqmy` command line only.

The plan runs in three phases, each ending with a transform and a snapshot of
the published marts read back with `sqmy query --format json`:

- A: the main folder in one `sqmy ingest`; a Big5 CSV without and with
  `--encoding big5`; a folder whose files must load by modification time; a
  file with no table; then files copied into landing/ right before `sqmy run`
  (which transforms).
- B: `sqmy retract` by path and by SHA-256 prefix, the second-delivery folder
  in one call, `--replaces OLD NEW` and `--no-replace` in calls of their own,
  `sqmy transform`.
- C: the retracted bytes delivered again, `sqmy transform`.

The CLI runs as ``python -m sqmy_etl`` in this interpreter, so prepending
``PYTHONPATH=/some/checkout/src`` runs the scenarios against that checkout
(the dbt project is found next to the package); the session header says
which package ran.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.scenarios import ledgers

INGEST_DAY = "2026-12-01"
SNAPSHOT_SQL = {
    "fct_submissions": "SELECT * FROM fct_submissions",
    "fct_issues": "SELECT * FROM fct_issues",
    "fct_feedback": "SELECT * FROM fct_feedback",
    "period": "SELECT * FROM mart_period_summary WHERE period_type IN ('year', 'quarter')",
    "region": "SELECT * FROM mart_region_summary WHERE period_type = 'year'",
}
_INT = re.compile(r"(?<!\d)\d+(?!\d)")


@dataclass(frozen=True)
class Call:
    """One `sqmy` invocation and what it printed."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def lines_with(self, *needles: str) -> list[str]:
        """Lines of stdout+stderr that contain every needle."""
        text = self.stdout + "\n" + self.stderr
        return [line for line in text.splitlines() if all(n in line for n in needles)]

    def __str__(self) -> str:
        return (
            f"sqmy {' '.join(self.args)} → {self.returncode}\n{self.stdout}\n{self.stderr[-3000:]}"
        )


@dataclass
class World:
    """The shared home, every call made to build it, and the marts after each phase."""

    root: Path
    home: Path
    env: dict[str, str]
    calls: dict[str, Call] = field(default_factory=dict)
    snapshots: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    snapshot_errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def under(cls, base: Path) -> World:
        """An empty home in ``base`` (the PII key outside it), ledgers to be built in ``base``,
        ingests dated INGEST_DAY, wide terminal output for the tables the scenarios read."""
        env = {
            **os.environ,
            "SQMY_HOME": str(base / "home"),
            "SQMY_PII_KEY_FILE": str(base / "keys" / "pii.key"),
            "SQMY_TODAY": INGEST_DAY,
            "COLUMNS": "1000",
        }
        env.pop("SQMY_PII_KEY", None)
        return cls(root=base / "ledgers", home=base / "home", env=env)

    def sqmy(self, *args: str, cwd: Path | None = None) -> Call:
        """Run `sqmy ARGS` as a user would, in this home."""
        done = subprocess.run(
            [sys.executable, "-m", "sqmy_etl", *args],
            env=self.env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        return Call(tuple(args), done.returncode, done.stdout, done.stderr)

    def record(self, label: str, *args: str, cwd: Path | None = None) -> Call:
        """Run `sqmy ARGS` and keep what it printed under ``label`` for the tests."""
        self.calls[label] = call = self.sqmy(*args, cwd=cwd)
        return call

    def snapshot(self, phase: str) -> None:
        """Read the published marts back through `sqmy query --format json`."""
        tables: dict[str, list[dict]] = {}
        for name, sql in SNAPSHOT_SQL.items():
            call = self.sqmy("query", "--format", "json", sql)
            if call.returncode != 0:
                self.snapshot_errors[phase] = str(call)
                tables[name] = []
                continue
            tables[name] = json.loads(call.stdout)
        self.snapshots[phase] = tables

    # ------------------------------------------------------------ reading figures

    def table(self, name: str, phase: str) -> list[dict]:
        """A snapshot table; a phase whose marts could not be read fails with the CLI's words."""
        assert phase not in self.snapshot_errors, self.snapshot_errors[phase]
        return self.snapshots[phase][name]

    def submissions(self, prefix: str, phase: str = "C") -> dict[str, dict]:
        """fct_submissions rows whose id starts with ``prefix``, by id."""
        rows = self.table("fct_submissions", phase)
        return {r["submission_id"]: r for r in rows if r["submission_id"].startswith(prefix)}

    def submissions_received_in(self, year: int, phase: str = "C") -> dict[str, dict]:
        """fct_submissions rows received in ``year``, by id."""
        rows = self.table("fct_submissions", phase)
        return {
            r["submission_id"]: r for r in rows if str(r["received_date"]).startswith(f"{year}-")
        }

    def issues(self, id_prefix: str, phase: str = "C") -> dict[str, dict]:
        """fct_issues rows whose issue_id starts with ``id_prefix`` ('2001-', '1990-3'), by id."""
        rows = self.table("fct_issues", phase)
        return {r["issue_id"]: r for r in rows if r["issue_id"].startswith(id_prefix)}

    def feedback(self, id_prefix: str, phase: str = "C") -> list[dict]:
        """fct_feedback rows on issues whose id starts with ``id_prefix``."""
        rows = self.table("fct_feedback", phase)
        return [r for r in rows if (r["issue_id"] or "").startswith(id_prefix)]

    def period(self, label: str, theme: str = "全部", phase: str = "C") -> dict:
        """The mart_period_summary row of a year ('2001') or quarter ('2001-Q1') and theme_l1."""
        rows = [
            r
            for r in self.table("period", phase)
            if r["period_label"] == label and r["theme_l1"] == theme
        ]
        assert len(rows) == 1, f"{len(rows)} rows for period {label} theme {theme}"
        return rows[0]

    def regions(self, year: int, phase: str = "C") -> dict[str, dict]:
        """The year's mart_region_summary rows, by region_name."""
        rows = self.table("region", phase)
        return {r["region_name"]: r for r in rows if r["period_label"] == str(year)}

    def files_containing(self, text: str, *folders: str) -> list[Path]:
        """Files under ``$SQMY_HOME/<folder>`` whose bytes hold ``text`` (UTF-8) in clear."""
        needle = text.encode("utf-8")
        return [
            path
            for folder in folders
            for path in sorted((self.home / folder).rglob("*"))
            if path.is_file() and needle in path.read_bytes()
        ]

    def quarantine_rows(self, file_name: str) -> list[list[str]]:
        """Rows of `sqmy quarantine list` that name ``file_name``, as their cells."""
        listed = self.calls["quarantine-list"]
        assert listed.returncode == 0, str(listed)
        return [cells for cells in table_rows(listed.stdout) if file_name in cells]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of a table printed by rich (cells between │ bars)."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in text.splitlines()
        if line.lstrip().startswith("│")
    ]


def counts_in_order(line: str, *expected: int) -> bool:
    """True when the integers ``expected`` appear among the line's numbers in this order."""
    numbers = iter(int(n) for n in _INT.findall(line))
    return all(any(n == e for n in numbers) for e in expected)


def _package_under_test() -> str:
    """Where `python -m sqmy_etl` imports the package from (PYTHONPATH first wins)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import sqmy_etl; print(sqmy_etl.__file__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (probe.stdout or probe.stderr).strip()


def pytest_report_header() -> str:
    """Say which checkout the scenarios ran against."""
    return f"sqmy_etl under test: {_package_under_test()}"


def _copy_into_landing(root: Path, home: Path) -> None:
    """Copy (fresh modification time, as a clerk's copy has) the landing files into landing/."""
    source = root / ledgers.LANDING_SRC
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = home / "landing" / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _phase_a(world: World) -> None:
    root = world.root
    replaces_old = root / ledgers.REPLACES_DIR / ledgers.REPLACES_OLD
    world.record("A-main", "ingest", str(root / ledgers.PHASE_A), str(replaces_old))
    big5 = root / ledgers.BIG5_DIR / ledgers.BIG5_NAME
    world.record("A-big5", "ingest", str(big5))
    world.record("A-big5-forced", "ingest", "--encoding", "big5", str(big5))
    world.record("A-mtime", "ingest", str(root / ledgers.MTIME_DIR))
    world.record("A-reject", "ingest", str(root / ledgers.REJECT_DIR / ledgers.REJECT_NAME))
    _copy_into_landing(root, world.home)
    world.record("A-run", "run")
    world.snapshot("A")
    world.record("quarantine-list", "quarantine", "list")


def _phase_b(world: World) -> None:
    root = world.root
    world.record("B-retract-file", "retract", str(root / ledgers.RETRACT_FILE))
    prefix = ledgers.sha256_of(root / ledgers.RETRACT_SHA_FILE)[:12]
    world.record("B-retract-sha", "retract", prefix)
    world.record("B-main", "ingest", str(root / ledgers.PHASE_B))
    # bare names, run from their folder: OLD and NEW read the same as a path or a file name
    world.record(
        "B-replaces",
        "ingest",
        "--replaces",
        ledgers.REPLACES_OLD,
        ledgers.REPLACES_NEW,
        ledgers.REPLACES_NEW,
        cwd=root / ledgers.REPLACES_DIR,
    )
    world.record("B-no-replace", "ingest", "--no-replace", str(root / ledgers.NO_REPLACE_DIR))
    world.record("B-transform", "transform")
    world.snapshot("B")


def _phase_c(world: World) -> None:
    world.record("C-redeliver", "ingest", str(world.root / ledgers.RETRACT_FILE))
    world.record("C-transform", "transform")
    world.snapshot("C")


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Build every scenario's ledgers and run the three phases once for the session."""
    built = World.under(tmp_path_factory.mktemp("scenarios"))
    ledgers.build_all(built.root)
    _phase_a(built)
    _phase_b(built)
    _phase_c(built)
    return built
