"""`make bench`: what users feel, side by side with the bare-DuckDB floor.

Every case runs as a separate process so wall time and peak RSS (of the whole
process tree, polled) are what a user of the CLI would see. Results go to
bench/results/<date>-<machine>.json, a table on stdout and a plot of time vs
rows (bench/results/scale.png).

Environment: SQMY_BENCH_SCALES (default "10,100,1000" → 10k, 100k, 1M
submissions), SQMY_BENCH_WORK (default bench/work).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
SQMY = [PYTHON, "-m", "sqmy_etl"]
BASE_SUBMISSIONS = 1005


@dataclass
class Measurement:
    case: str
    rows: int
    wall_s: float
    peak_rss_mb: float
    detail: str = ""


def measure(cmd: list[str], env: dict[str, str], *, case: str, rows: int = 0) -> Measurement:
    """Run cmd, polling the RSS of its whole process tree; fail loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            done.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    poller.join()
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{case} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    return Measurement(case, rows, round(wall, 3), round(peak / 1024**2, 1), out.decode()[-200:])


def bench_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SQMY_HOME": str(home),
        "SQMY_PII_KEY": "bench-key-not-secret",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    }


def baseline_script(files: list[Path], db: Path) -> str:
    """The floor: DuckDB reads the same CSVs, applies the row rules as SQL, aggregates."""
    loads = "\n".join(
        f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{p}', all_varchar=true, header=true);"
        for i, p in enumerate(files)
    )
    return f"""
import duckdb, time
con = duckdb.connect({str(db)!r})
con.execute(\"\"\"{loads}\"\"\")
cols = [r[0] for r in con.execute("DESCRIBE t0").fetchall()]
id_col, date_col = cols[0], [c for c in cols if 'date' in c or '日期' in c][0]
theme_col = [c for c in cols if 'theme' in c or '分类' in c or '主题' in c][0]
con.execute(f\"\"\"CREATE TABLE clean AS SELECT *, try_strptime("{{date_col}}", '%Y-%m-%d')::DATE AS d
  FROM t0 WHERE "{{id_col}}" IS NOT NULL AND try_strptime("{{date_col}}", '%Y-%m-%d') IS NOT NULL
  AND try_strptime("{{date_col}}", '%Y-%m-%d') >= DATE '1990-01-01'\"\"\")
con.execute(f'SELECT year(d), "{{theme_col}}", count(*) FROM clean GROUP BY 1, 2').fetchall()
"""


def scale_case(scale: int, work: Path) -> list[Measurement]:
    home = work / f"scale-{scale}"
    shutil.rmtree(home, ignore_errors=True)
    env = bench_env(home)
    gen_dir = home / "generated"
    rows = BASE_SUBMISSIONS * scale
    results = [
        measure(
            [*SQMY, "generate", "--year", "2021", "--format", "csv", "--scale", str(scale),
             "--out", str(gen_dir)],
            env, case="generate", rows=rows,
        )
    ]
    files = sorted((gen_dir / "ledgers").glob("*.csv"))
    results.append(
        measure([*SQMY, "ingest", str(gen_dir / "ledgers")], env, case="ingest", rows=rows)
    )
    results.append(measure([*SQMY, "transform"], env, case="transform", rows=rows))
    pipeline = Measurement(
        "pipeline (ingest+transform)",
        rows,
        round(results[-2].wall_s + results[-1].wall_s, 3),
        max(results[-2].peak_rss_mb, results[-1].peak_rss_mb),
    )
    base_db = home / "baseline.duckdb"
    baseline = measure(
        [PYTHON, "-c", baseline_script(files, base_db)], env, case="baseline duckdb", rows=rows
    )
    base_db.unlink(missing_ok=True)
    ratio = pipeline.wall_s / baseline.wall_s if baseline.wall_s else float("nan")
    pipeline.detail = f"ratio to baseline {ratio:.2f}x"
    return [*results, pipeline, baseline]


def incremental_case(scale: int, work: Path) -> Measurement:
    """A 1,000-row daily file onto the warehouse the largest scale case left behind."""
    home = work / f"scale-{scale}"
    env = bench_env(home)
    daily = work / "daily"
    shutil.rmtree(daily, ignore_errors=True)
    subprocess.run(
        [*SQMY, "generate", "--year", "2022", "--format", "csv", "--scale",
         str(1000 / BASE_SUBMISSIONS), "--seed", "7", "--out", str(daily)],
        env=env, check=True, capture_output=True,
    )
    landing = home / "landing"
    for path in (daily / "ledgers").glob("*.csv"):
        shutil.copyfile(path, landing / f"daily-{path.name}")
    return measure([*SQMY, "run"], env, case="incremental 1k rows + transform", rows=1000)


def overhead_cases(work: Path) -> list[Measurement]:
    home = work / "scale-10"
    env = bench_env(home)
    out = [
        measure([*SQMY, "--help"], env, case="sqmy --help"),
        measure(
            [*SQMY, "query", "SELECT * FROM mart_period_summary LIMIT 1"], env, case="sqmy query"
        ),
    ]
    for dag_file in sorted((ROOT / "dags").glob("*.py")):
        out.append(
            measure(
                [PYTHON, "-c", f"import runpy; runpy.run_path({str(dag_file)!r})"],
                env,
                case=f"parse {dag_file.name} (incl. interpreter)",
            )
        )
    return out


def plot(results: list[Measurement], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for case in ("pipeline (ingest+transform)", "baseline duckdb"):
        pts = sorted((m.rows, m.wall_s) for m in results if m.case == case)
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=case)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("submissions")
    ax.set_ylabel("wall time (s)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    work = Path(os.environ.get("SQMY_BENCH_WORK", ROOT / "bench" / "work"))
    work.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in os.environ.get("SQMY_BENCH_SCALES", "10,100,1000").split(",")]
    results: list[Measurement] = []
    for scale in scales:
        results.extend(scale_case(scale, work))
    results.append(incremental_case(max(scales), work))
    results.extend(overhead_cases(work))
    machine = {
        "hostname": platform.node(),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{date.today().isoformat()}-{platform.node() or 'machine'}"
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {"machine": machine, "results": [asdict(m) for m in results]},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    plot(results, RESULTS / "scale.png")
    print(f"machine: {machine}")
    print(f"{'case':45} {'rows':>9} {'wall s':>9} {'peak MB':>9}  detail")
    for m in results:
        print(f"{m.case:45} {m.rows:>9} {m.wall_s:>9.2f} {m.peak_rss_mb:>9.1f}  {m.detail}")


if __name__ == "__main__":
    main()
