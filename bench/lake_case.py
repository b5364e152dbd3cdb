"""`make bench`, lake section (CONTRACT §7, issue 13): ingest throughput of many writers.

Run as its own process (``python bench/lake_case.py``); prints one JSON object.
Eight generated 2021 ledger sets (seeds 1–8, CSV, ``SQMY_BENCH_LAKE_SCALE`` × 1005
submissions each, file names made distinct so no delivery replaces another) are
ingested four ways on the same files: the embedded warehouse by one process (it
has one writer), then a DuckLake by 1, 2 and 4 ``sqmy ingest`` processes started
together, the files dealt round-robin. Each lake run gets its own PostgreSQL
database on 127.0.0.1:5432 (dropped WITH (FORCE) after). Reported: wall seconds
and the speed-up over the embedded single writer (goal on 2 cores: 2 workers ≥
1.6×). Every run must load every file, or the case fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SEEDS = range(1, 9)
WORKERS = (1, 2, 4)
SQMY = [sys.executable, "-m", "sqmy_etl"]
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]


def _generate(work: Path, scale: float) -> list[Path]:
    files = work / "files"
    files.mkdir(parents=True)
    env = {**os.environ, "SQMY_HOME": str(work / "gen-home")}
    for seed in SEEDS:
        out = work / f"gen-{seed}"
        args = ["generate", "--year", "2021", "--format", "csv", "--scale", str(scale)]
        subprocess.run(
            [*SQMY, *args, "--seed", str(seed), "--out", str(out)],
            env=env,
            check=True,
            capture_output=True,
        )
        for ledger in sorted((out / "ledgers").iterdir()):
            shutil.copy(
                ledger, files / f"s{seed}_{ledger.name.replace('2021年', f'2021年第{seed}组')}"
            )
    return sorted(files.iterdir())


def _ingest(work: Path, files: list[Path], workers: int, catalog: str | None) -> float:
    """Wall seconds for ``workers`` processes ingesting ``files`` round-robin into a new home."""
    home = work / f"home-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "SQMY_HOME": str(home), "SQMY_PII_KEY_FILE": str(work / "pii.key")}
    if catalog:
        env |= {"SQMY_WAREHOUSE": "ducklake", "SQMY_LAKE_CATALOG": catalog}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*SQMY, "ingest", *map(str, files[w::workers])],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    failed = [p.communicate()[1][-2000:] for p in procs if p.wait() != 0]
    elapsed = time.perf_counter() - started
    if failed:
        raise RuntimeError(f"ingest failed: {failed}")
    return elapsed


def main() -> None:
    scale = float(os.environ.get("SQMY_BENCH_LAKE_SCALE", "10"))
    with tempfile.TemporaryDirectory(prefix="sqmy-lake-bench-") as tmp:
        work = Path(tmp)
        files = _generate(work, scale)
        embedded = _ingest(work, files, 1, None)
        lake: dict[str, float] = {}
        for workers in WORKERS:
            database = f"sqmy_bench_{uuid.uuid4().hex[:10]}"
            subprocess.run([*PG, f'CREATE DATABASE "{database}"'], check=True)
            try:
                catalog = f"host=127.0.0.1 dbname={database} user=postgres"
                lake[str(workers)] = _ingest(work, files, workers, catalog)
            finally:
                subprocess.run(
                    [*PG, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], check=True
                )
    print(
        json.dumps(
            {
                "files": len(files),
                "submissions": round(1005 * scale) * len(SEEDS),
                "embedded_1_writer_s": round(embedded, 2),
                "lake_s": {k: round(v, 2) for k, v in lake.items()},
                "speedup_vs_embedded": {k: round(embedded / v, 2) for k, v in lake.items()},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
