"""Lake mode: a writer SIGKILLed before and after its commit; the rerun loads each file once.

Three 来稿 ledgers typed here: 甲 (赤峰市, 2 rows), 乙 (包头市, 3), 丙 (通辽市, 4),
so a complete load is 3 files and 2 + 3 + 4 = 9 rows. The loader kills itself at
the named points (``SQMY_CRASHPOINT``, ``warehouse.db.crashpoint``), exactly as in
tests/reliability, but with the catalog in PostgreSQL and the rows in DuckLake.
Killing the catalog connection in the middle of a transform is in
tests/e2e/test_ducklake_parity.py, where the rerun is compared with the
embedded warehouse's marts.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.integration.lake_support import lake_catalog, lake_env, psql, submissions_csv
from tests.reliability.conftest import sqmy

LEDGERS = (("甲", "赤峰市", 2), ("乙", "包头市", 3), ("丙", "通辽市", 4))
COUNTS_SQL = (
    "SELECT (SELECT count(*) FROM raw.ingest_files WHERE status = 'loaded'), "
    "(SELECT count(DISTINCT ingest_file_sha256) FROM raw.submissions), "
    "(SELECT count(*) FROM raw.submissions)"
)


def _write_ledgers(folder: Path) -> None:
    for part, city, rows in LEDGERS:
        ids = [f"KF{part}-{n:03d}" for n in range(1, rows + 1)]
        submissions_csv(folder / f"{city}{part}册来稿.csv", ids, "2021-05-06", city)


def _loaded(env: dict[str, str]) -> tuple[int, int, int]:
    """(files loaded in the manifest, files with rows, rows) read by a fresh process."""
    code = (
        "import json; from sqmy_etl.config import Settings; "
        "from sqmy_etl.warehouse.db import open_warehouse; "
        "con = open_warehouse(Settings.from_env(), read_only=True); "
        f"print(json.dumps(con.execute({COUNTS_SQL!r}).fetchall()[0]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return tuple(json.loads(out.stdout))


def test_killed_lake_writers_rerun_to_each_file_once(tmp_path: Path) -> None:
    with lake_catalog("faults") as database:
        env = lake_env(tmp_path, database)
        folder = tmp_path / "ledgers"
        _write_ledgers(folder)

        def ingest(point: str | None) -> int:
            extra = {"SQMY_CRASHPOINT": point} if point else {}
            return sqmy({**env, **extra}, "ingest", str(folder)).returncode

        # killed inside the second file's transaction: the first file is in, nothing of the second
        assert ingest("ingest.before_commit:2") == -signal.SIGKILL
        files, with_rows, _ = _loaded(env)
        assert (files, with_rows) == (1, 1)
        # killed right after the next commit, before the file left: two files in, once each
        assert ingest("ingest.committed:1") == -signal.SIGKILL
        files, with_rows, _ = _loaded(env)
        assert (files, with_rows) == (2, 2)
        assert ingest(None) == 0
        assert _loaded(env) == (3, 3, 2 + 3 + 4)
        # no transaction of a killed writer is left open on the catalog
        idle = psql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction'",
            database,
        )
        assert idle == "0"
