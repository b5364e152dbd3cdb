"""Lake mode: five `sqmy ingest` processes at once, a reader in a loop, each file loaded once.

Four processes load disjoint folders; a fifth loads two of those folders again
while they are being loaded. The ledgers are typed here: worker w (1–4) has
three 来稿 files 甲/乙/丙 of 2, 3 and 4 rows, so 12 files and 4 × (2 + 3 + 4) =
36 submissions with 36 distinct ids. Every file must be in the manifest once,
every row once, every delivery with its own place in the order; a reader
polling the lake meanwhile (from the moment the first process has set the new
catalog up) never errs and never sees part of a file.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.warehouse import lake
from sqmy_etl.warehouse.db import open_warehouse
from tests.integration.lake_support import LAKE_VARS, lake_catalog, lake_env, submissions_csv

CITIES = ("赤峰市", "包头市", "通辽市", "鄂尔多斯市")
PARTS = (("甲", 2), ("乙", 3), ("丙", 4))
# per file, in one statement (one snapshot): manifest rows vs rows present, and orphans
READER_SQL = """
SELECT f.file_sha256, f.rows_loaded,
       (SELECT count(*) FROM raw.submissions AS s WHERE s.ingest_file_sha256 = f.file_sha256),
       (SELECT count(*) FROM raw.submissions AS s
        WHERE s.ingest_file_sha256 NOT IN (SELECT file_sha256 FROM raw.ingest_files))
FROM raw.ingest_files AS f WHERE f.status = 'loaded'
"""


def _ledgers(root: Path) -> list[Path]:
    """One folder per worker with its three files; returns the folders."""
    folders = []
    for w, city in enumerate(CITIES, start=1):
        folder = root / f"worker{w}"
        for part, rows in PARTS:
            ids = [f"LK{w}{part}-{n:03d}" for n in range(1, rows + 1)]
            submissions_csv(folder / f"{city}{part}册来稿.csv", ids, f"2021-03-0{w}", city)
        folders.append(folder)
    return folders


class _Reader(threading.Thread):
    """Polls the lake until stopped; keeps every error and every torn view it saw."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.polls = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                con = open_warehouse(self.settings, read_only=True)
                try:
                    rows = con.execute(READER_SQL).fetchall()
                finally:
                    con.close()
            except Exception as exc:  # any reader error fails the test, with its text
                self.errors.append(repr(exc))
                continue
            self.polls += 1
            self.errors.extend(
                f"torn or orphaned: {row}" for row in rows if row[1] != row[2] or row[3]
            )


def test_five_ingest_processes_load_every_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with lake_catalog("conc") as database:
        env = lake_env(tmp_path, database)
        for name in (*LAKE_VARS, "SQMY_HOME", "SQMY_PII_KEY_FILE"):
            monkeypatch.setenv(name, env[name])
        settings = Settings.from_env()
        folders = _ledgers(tmp_path / "ledgers")
        runs = [[str(f)] for f in folders] + [[str(folders[0]), str(folders[1])]]
        # all five start on a new, empty catalog: setting it up is part of what is raced
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "sqmy_etl", "ingest", *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in runs
        ]
        deadline = time.monotonic() + 120
        while not lake.catalog_ready(settings) and time.monotonic() < deadline:
            time.sleep(0.1)
        reader = _Reader(settings)
        reader.start()
        outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
        reader.stop.set()
        reader.join(timeout=60)
        assert [code for code, _ in outcomes] == [0] * 5, [err[-1500:] for _, err in outcomes]
        assert reader.errors == []
        assert reader.polls > 0
        con = open_warehouse(settings, read_only=True)
        try:
            files = con.execute(
                "SELECT count(*), count(DISTINCT file_sha256), count(DISTINCT ingest_seq), "
                "sum(rows_loaded) FROM raw.ingest_files WHERE status = 'loaded'"
            ).fetchall()
            rows = con.execute(
                "SELECT count(*), count(DISTINCT submission_id) FROM raw.submissions"
            ).fetchall()
            per_city = con.execute(
                "SELECT region, count(*) FROM raw.submissions GROUP BY 1"
            ).fetchall()
        finally:
            con.close()
        # 12 files once each, each with its own place in the delivery order; 36 rows once each
        assert files == [(12, 12, 12, 36)]
        assert rows == [(36, 36)]
        assert sorted(per_city) == sorted((city, 2 + 3 + 4) for city in CITIES)
