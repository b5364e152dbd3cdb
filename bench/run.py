"""`make bench`: what users feel, side by side with the bare-DuckDB floor.

Every case runs as a separate process so wall time and peak RSS (of the whole
process tree, polled) are what a user of the CLI would see. Results go to
bench/results/<date>-<machine>.json, a table on stdout (also as Markdown in
bench/results/<date>-<machine>.md, for the README) and a plot of time vs rows
(bench/results/scale.png).

Environment: SQMY_BENCH_SCALES (default "10,100,1000" → 10k, 100k and 1M
submissions; "10,100" for a quick run), SQMY_BENCH_ENGINES (default
"duckdb,ducklake": every scale and the daily batch on the embedded file, then
on a DuckLake whose catalog is a fresh database on the local PostgreSQL),
SQMY_BENCH_LAKE_SCALES (the lake's scales, default "10,100"; "" for SQMY_BENCH_SCALES),
SQMY_BENCH_WORK (default bench/work).
Generated ledgers are kept in SQMY_BENCH_WORK/gen-<scale> and reused by the
next run: generating is not part of the pipeline and costs minutes at 1M.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
SQMY = [PYTHON, "-m", "sqmy_etl"]
BASE_SUBMISSIONS = 1005
DEFAULT_SCALES = "10,100,1000"
DEFAULT_LAKE_SCALES = "10,100"
PIPELINE = "pipeline (ingest+transform)"
BASELINE = "baseline duckdb"
EMBEDDED, LAKE = "duckdb", "ducklake"
DEFAULT_ENGINES = f"{EMBEDDED},{LAKE}"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]


@dataclass
class Measurement:
    case: str
    rows: int
    wall_s: float
    peak_rss_mb: float
    detail: str = ""
    engine: str = EMBEDDED


def measure(
    cmd: list[str], env: dict[str, str], *, case: str, rows: int = 0
) -> tuple[Measurement, str]:
    """Run cmd, polling the RSS of its whole process tree; fail loudly on a non-zero exit.

    Exit code 2 is accepted: `sqmy ingest` returns it when a file was rejected.
    """
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
    return Measurement(case, rows, round(wall, 3), round(peak / 1024**2, 1)), out.decode()


def bench_env(home: Path, engine: str = EMBEDDED) -> dict[str, str]:
    """The environment of one case; in lake mode the home's catalog is a PostgreSQL database
    named after the home (see ``lake_database``)."""
    env = {
        **os.environ,
        "SQMY_HOME": str(home),
        "SQMY_PII_KEY": "be" * 32,  # hex; a fixed, not-secret bench key
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        # the daily file is copied in just before `sqmy run`: don't wait for it to settle
        "SQMY_LANDING_SETTLE_S": "0",
    }
    if engine == LAKE:
        env |= {
            "SQMY_WAREHOUSE": "ducklake",
            "SQMY_LAKE_CATALOG": f"host=127.0.0.1 user=postgres dbname={lake_database(home)}",
        }
    return env


def lake_database(home: Path) -> str:
    return f"sqmy_bench_{home.name.replace('-', '_')}"


def fresh_lake_catalog(home: Path) -> None:
    """Drop and create the home's catalog database on the local PostgreSQL (trust auth)."""
    name = lake_database(home)
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run([*PSQL, sql], check=True, capture_output=True)


# The floor: DuckDB reads the same CSVs into tables, applies the row rules of the
# submissions suite as SQL (id present, date readable and in range) and aggregates
# by year × theme. argv: database path, then the CSV files (submissions first).
BASELINE_SCRIPT = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1])
for i, path in enumerate(sys.argv[2:]):
    con.execute(
        f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [path]
    )
cols = [r[0] for r in con.execute("DESCRIBE t0").fetchall()]
id_col = next(c for c in cols if "编号" in c)
date_col = next(c for c in cols if "日期" in c)
theme_col = next(c for c in cols if "分类" in c or "主题" in c)
day = f"try_strptime(trim(\\"{date_col}\\"), '%Y-%m-%d')::DATE"
con.execute(
    f"CREATE TABLE clean AS SELECT *, {day} AS d FROM t0 WHERE nullif(trim(\\"{id_col}\\"), '') "
    f"IS NOT NULL AND {day} BETWEEN DATE '1990-01-01' AND current_date"
)
con.execute(f'SELECT year(d), "{theme_col}", count(*) FROM clean GROUP BY 1, 2').fetchall()
"""


def scale_case(scale: int, work: Path, engine: str = EMBEDDED) -> list[Measurement]:
    suffix = "" if engine == EMBEDDED else "-lake"
    home = work / f"scale-{scale}{suffix}"
    shutil.rmtree(home, ignore_errors=True)
    if engine == LAKE:
        fresh_lake_catalog(home)
    env = bench_env(home, engine)
    gen_dir = work / f"gen-{scale}"
    rows = BASE_SUBMISSIONS * scale
    results: list[Measurement] = []
    if not (gen_dir / "truth.json").is_file():
        shutil.rmtree(gen_dir, ignore_errors=True)
        generate = [*SQMY, "generate", "--year", "2021", "--format", "csv"]
        generate += ["--scale", str(scale), "--out", str(gen_dir)]
        results.append(measure(generate, env, case="generate (not pipeline)", rows=rows)[0])
    ingest, _ = measure([*SQMY, "ingest", str(gen_dir / "ledgers")], env, case="ingest", rows=rows)
    transform, _ = measure([*SQMY, "transform"], env, case="transform", rows=rows)
    pipeline = Measurement(
        PIPELINE,
        rows,
        round(ingest.wall_s + transform.wall_s, 3),
        max(ingest.peak_rss_mb, transform.peak_rss_mb),
    )
    for m in (ingest, transform, pipeline):
        m.engine = engine
    if engine == LAKE:
        return [*results, ingest, transform, pipeline]
    base_db = home / "baseline.duckdb"
    files = [str(p) for p in sorted((gen_dir / "ledgers").glob("*.csv"))]
    baseline, _ = measure(
        [PYTHON, "-c", BASELINE_SCRIPT, str(base_db), *files], env, case=BASELINE, rows=rows
    )
    base_db.unlink(missing_ok=True)
    return [*results, ingest, transform, pipeline, baseline]


INCREMENTAL = "incremental: 1k rows (sqmy run)"


def incremental_case(scale: int, work: Path, engine: str = EMBEDDED) -> Measurement:
    """A 1,000-row daily file onto the warehouse the largest scale case left behind."""
    home = work / f"scale-{scale}{'' if engine == EMBEDDED else '-lake'}"
    env = bench_env(home, engine)
    daily = work / "daily"
    if not (daily / "truth.json").is_file():
        shutil.rmtree(daily, ignore_errors=True)
        subprocess.run(
            [*SQMY, "generate", "--year", "2022", "--format", "csv", "--scale",
             str(1000 / BASE_SUBMISSIONS), "--seed", "7", "--out", str(daily)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    landing = home / "landing"
    for path in sorted((daily / "ledgers").glob("*.csv")):
        shutil.copyfile(path, landing / f"daily-{path.name}")
    result, _ = measure([*SQMY, "run"], env, case=INCREMENTAL, rows=1000)
    result.detail = f"onto {BASE_SUBMISSIONS * scale:,}"
    result.engine = engine
    return result


# What the dag-processor pays per DAG file, following Airflow's own steps. Before it parses
# anything, `airflow dag-processor` has imported airflow.dag_processing.manager (with the
# processor and the models), loaded the plugins (Job() builds the listener manager; Cosmos'
# plugin brings much of cosmos along) and frozen the GC (DagFileProcessorManager.before_run).
# Per file it pre-imports the airflow.* modules the file names
# (processor._pre_import_airflow_modules) and forks a child that runs the file: a file's
# time is that run. Argv: the DAG folder; prints [[file, seconds], ...] as its last line.
DAG_PARSE_SCRIPT = """
import gc, json, os, runpy, sys, time, traceback
from pathlib import Path
import structlog
import airflow.dag_processing.manager  # noqa: F401
from airflow.dag_processing.processor import _pre_import_airflow_modules
from airflow.listeners.listener import get_listener_manager
get_listener_manager()
gc.freeze()
log = structlog.get_logger()
times = []
for path in sorted(Path(sys.argv[1]).glob("*.py")):
    _pre_import_airflow_modules(str(path), log)
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 1
        try:
            start = time.perf_counter()
            runpy.run_path(str(path))
            os.write(write_end, repr(time.perf_counter() - start).encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        seconds = pipe.read()
    if os.waitpid(pid, 0)[1] != 0 or not seconds:
        sys.exit(f"parsing {path} failed")
    times.append((path.name, round(float(seconds), 3)))
print(json.dumps(times))
"""


def overhead_cases(work: Path, scale: int) -> list[Measurement]:
    env = bench_env(work / f"scale-{scale}")
    query = [*SQMY, "query", "SELECT * FROM mart_period_summary LIMIT 1"]
    out = [
        measure([*SQMY, "--help"], env, case="sqmy --help")[0],
        measure(query, env, case="sqmy query (one mart row)")[0],
    ]
    dags, printed = measure(
        [PYTHON, "-c", DAG_PARSE_SCRIPT, str(ROOT / "dags")],
        env,
        case="dag-processor: start, then parse each DAG file in a forked child",
    )
    out.append(dags)
    parse_times = json.loads(printed.strip().splitlines()[-1])
    out.extend(Measurement(f"parse dags/{name}", 0, seconds, 0.0) for name, seconds in parse_times)
    return out


def demo_case(work: Path) -> Measurement:
    """`make demo` from a warm venv: what a newcomer waits for after the first setup."""
    home = work / "demo-home"
    shutil.rmtree(home, ignore_errors=True)
    return measure(["make", "-s", "-C", str(ROOT), "demo"], bench_env(home), case="make demo")[0]


THEMES_TRAIN_CASE = "themes: train 100k (2020 corpus)"
THEMES_SUGGEST_CASE = "themes: suggest 10k (2021 corpus)"
THEMES_CASE = "themes: quality on unseen 2021 + hot topics"


def themes_cases(work: Path) -> list[Measurement]:
    """Theme classifier and hot topics (bench/themes_case.py, one process): its own
    timings for training and suggesting, the process's wall time and RSS for the rest."""
    cmd = [PYTHON, str(ROOT / "bench" / "themes_case.py")]
    whole, out = measure(cmd, bench_env(work / "themes-home"), case=THEMES_CASE)
    found = json.loads(out.strip().splitlines()[-1])
    whole.detail = json.dumps({k: v for k, v in found.items() if not k.endswith("_s")})
    return [
        Measurement(THEMES_TRAIN_CASE, found["train_rows"], found["train_s"], 0.0),
        Measurement(THEMES_SUGGEST_CASE, found["suggest_rows"], found["suggest_s"], 0.0),
        whole,
    ]


def _theme_targets(results: list[Measurement], check: Any) -> None:
    """Issue 14's targets: quality on an unseen year, hot topics, and speed (a shortfall
    is measured as how far below the target; 0 or less means met)."""
    quality = _one(results, THEMES_CASE)
    if quality is None:
        return
    q = json.loads(quality.detail)
    check("themes macro-F1 L1 ≥ 0.85 (shortfall)", 0.85 - q["macro_f1_l1"], 0, "")
    check("themes macro-F1 L2 ≥ 0.70 (shortfall)", 0.70 - q["macro_f1_l2"], 0, "")
    for level in ("l1", "l2"):
        gain = q[f"macro_f1_{level}"] - q[f"baseline_macro_f1_{level}"]
        check(
            f"themes {level.upper()} ≥ 10 points above keyword baseline (shortfall)",
            0.10 - gain,
            0,
            "",
        )
    check("hot topics recovered ≥ 90 % (shortfall)", 0.90 - q["recovered_share"], 0, "")
    check("hot topics spurious ≤ 10 %", q["spurious_share"], 0.10, "")
    train = _one(results, THEMES_TRAIN_CASE)
    check("themes train 100k ≤ 60 s", train and train.wall_s, 60, " s")
    suggest = _one(results, THEMES_SUGGEST_CASE)
    check("themes suggest 10k ≤ 5 s", suggest and suggest.wall_s, 5, " s")


AIRFLOW_CASE = "Airflow: asset event → publish (demo data)"
CLI_TRANSFORM_CASE = "sqmy transform (demo data, rebuild)"


def airflow_cases(work: Path) -> list[Measurement]:
    """The transform through Airflow's one-machine recipe beside ``sqmy transform``, same home."""
    from airflow_case import asset_event_to_publish

    home = work / "airflow-demo-home"
    shutil.rmtree(home, ignore_errors=True)
    # As the README recipe: `make manifest` with the deployment's SQMY_HOME, in a
    # copy of dbt/ so the checkout's own manifest and partial-parse file stay put.
    dbt_dir = work / "airflow-dbt"
    shutil.rmtree(dbt_dir, ignore_errors=True)
    shutil.copytree(ROOT / "dbt", dbt_dir, ignore=shutil.ignore_patterns("target", "logs"))
    env = {**bench_env(home), "SQMY_DBT_DIR": str(dbt_dir)}
    subprocess.run([PYTHON, "-m", "sqmy_etl.transform.manifest"], env=env, check=True)
    ledgers = work / "gen-demo"
    if not (ledgers / "truth.json").is_file():
        subprocess.run([*SQMY, "generate", "--out", str(ledgers)], env=env, check=True)
    subprocess.run([*SQMY, "ingest", str(ledgers / "ledgers")], env=env, check=False)
    subprocess.run([*SQMY, "transform"], env=env, check=True, capture_output=True)
    cli, _ = measure([*SQMY, "transform"], env, case=CLI_TRANSFORM_CASE, rows=BASE_SUBMISSIONS)
    seconds = asset_event_to_publish(work / "airflow", env)
    detail = f"{seconds / cli.wall_s:.1f}x sqmy transform; LocalExecutor on PostgreSQL"
    return [cli, Measurement(AIRFLOW_CASE, BASE_SUBMISSIONS, seconds, 0.0, detail)]


def _one(
    results: list[Measurement], case: str, rows: int = 0, engine: str = EMBEDDED
) -> Measurement | None:
    return next(
        (
            m
            for m in results
            if m.case == case and (not rows or m.rows == rows) and m.engine == engine
        ),
        None,
    )


def relate_to_baseline(results: list[Measurement]) -> None:
    """Each pipeline row's note: how many times the bare-DuckDB floor on the same files."""
    for m in results:
        base = _one(results, BASELINE, m.rows)
        if m.case == PIPELINE and base:
            m.detail = f"{m.wall_s / base.wall_s:.1f}x baseline"


def _scale_targets(results: list[Measurement], engine: str, check: Any) -> None:
    """End to end against the floor, peak RSS and growth at the largest scale of one engine."""
    sizes = sorted({m.rows for m in results if m.case == PIPELINE and m.engine == engine})
    if not sizes:
        return
    largest = _one(results, PIPELINE, sizes[-1], engine)
    base = _one(results, BASELINE, sizes[-1])
    rows = f"{sizes[-1]:,} ({engine})"
    if largest and base:
        check(f"{rows} end to end ≤ 5× baseline", largest.wall_s / base.wall_s, 5, "×")
    if largest:
        check(f"{rows} peak RSS ≤ 2.5 GB", largest.peak_rss_mb / 1024, 2.5, " GB")
    if len(sizes) >= 2:
        small = _one(results, PIPELINE, sizes[-2], engine)
        if small and largest:
            growth = (largest.wall_s / small.wall_s) / (largest.rows / small.rows)
            check(
                f"{engine}: time grows no worse than linearly (time ratio / rows ratio ≤ 1)",
                growth,
                1,
                "",
            )
    incremental = _one(results, INCREMENTAL, 1000, engine)
    check(
        f"incremental 1k-row batch ≤ 15 s ({engine})", incremental and incremental.wall_s, 15, " s"
    )
    if incremental:
        check(
            f"incremental peak RSS ≤ 2.5 GB ({engine})", incremental.peak_rss_mb / 1024, 2.5, " GB"
        )


def targets(results: list[Measurement]) -> list[dict[str, object]]:
    """The issues' targets against this run's numbers: (target, measured, met)."""
    checks: list[dict[str, object]] = []

    def check(target: str, measured: float | None, limit: float, unit: str) -> None:
        if measured is not None:
            shown = f"{measured:.2f}{unit}"
            checks.append({"target": target, "measured": shown, "met": measured <= limit})

    for engine in (EMBEDDED, LAKE):
        _scale_targets(results, engine, check)
    airflow, cli = _one(results, AIRFLOW_CASE), _one(results, CLI_TRANSFORM_CASE)
    if airflow and cli:
        ratio = airflow.wall_s / cli.wall_s
        check("Airflow asset event → publish ≤ 1.5× sqmy transform", ratio, 1.5, "×")
    helped = _one(results, "sqmy --help")
    check("sqmy --help ≤ 0.5 s", helped and helped.wall_s, 0.5, " s")
    for m in results:
        if m.case.startswith("parse dags/"):
            check(f"{m.case} ≤ 0.3 s", m.wall_s, 0.3, " s")
    _theme_targets(results, check)
    return checks


def plot(results: list[Measurement], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for case, engine in ((PIPELINE, EMBEDDED), (PIPELINE, LAKE), (BASELINE, EMBEDDED)):
        pts = sorted((m.rows, m.wall_s) for m in results if m.case == case and m.engine == engine)
        if pts:
            label = case if case == BASELINE else f"{case}, {engine}"
            ax.plot(*zip(*pts, strict=True), marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("submissions")
    ax.set_ylabel("wall time (s)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def markdown(machine: dict[str, object], results: list[Measurement]) -> str:
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB RAM, "
        f"Python {machine['python']}; load average at start / end "
        f"{machine['load_start']} / {machine.get('load_end', '?')}; run {machine['started']} UTC.",
        "",
        "| case | engine | rows | wall s | peak RSS MB | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for m in results:
        rss = f"{m.peak_rss_mb:.0f}" if m.peak_rss_mb else ""
        row = f"| {m.case} | {m.engine} | {m.rows or ''} | {m.wall_s:.2f} | {rss} | {m.detail} |"
        lines.append(row)
    lines += ["", "| target | measured | met |", "|---|---:|---|"]
    for t in targets(results):
        lines.append(f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    work = Path(os.environ.get("SQMY_BENCH_WORK", ROOT / "bench" / "work"))
    work.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in os.environ.get("SQMY_BENCH_SCALES", DEFAULT_SCALES).split(",")]
    started = time.perf_counter()
    machine: dict[str, object] = {
        "hostname": platform.node(),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        # other work on the machine slows every case alike; the load says how much
        "load_start": round(os.getloadavg()[0], 1),
    }
    results: list[Measurement] = []
    stem = f"{datetime.now(UTC).date().isoformat()}-{platform.node() or 'machine'}"
    engines = os.environ.get("SQMY_BENCH_ENGINES", DEFAULT_ENGINES).split(",")
    # the lake transform is several times slower on one machine (its catalog round trips):
    # SQMY_BENCH_LAKE_SCALES keeps its part of the run in budget (default 10k and 100k)
    wanted = os.environ.get("SQMY_BENCH_LAKE_SCALES", DEFAULT_LAKE_SCALES)
    lake_scales = [int(x) for x in wanted.split(",") if x]
    for engine in engines:
        engine_scales = (lake_scales or scales) if engine == LAKE else scales
        for scale in engine_scales:
            results.extend(scale_case(scale, work, engine))
            relate_to_baseline(results)
            save(stem, machine, scales, results)  # a run cut short still leaves its numbers
        results.append(incremental_case(max(engine_scales), work, engine))
        save(stem, machine, scales, results)
        if engine == LAKE:  # the catalogs are not kept between runs (the homes are rebuilt)
            for scale in engine_scales:
                name = lake_database(work / f"scale-{scale}-lake")
                drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                subprocess.run([*PSQL, drop], check=True)
    results.extend(overhead_cases(work, min(scales)))
    results.append(demo_case(work))
    results.extend(themes_cases(work))
    results.extend(airflow_cases(work))
    machine["load_end"] = round(os.getloadavg()[0], 1)
    machine["bench_wall_s"] = round(time.perf_counter() - started, 1)
    save(stem, machine, scales, results)
    plot(results, RESULTS / "scale.png")
    print((RESULTS / f"{stem}.md").read_text(encoding="utf-8"))
    print(f"bench took {machine['bench_wall_s']} s; results in {RESULTS}/{stem}.json")


def save(
    stem: str, machine: dict[str, object], scales: list[int], results: list[Measurement]
) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {
                "machine": machine,
                "scales": scales,
                "results": [asdict(m) for m in results],
                "targets": targets(results),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    (RESULTS / f"{stem}.md").write_text(markdown(machine, results), encoding="utf-8")


if __name__ == "__main__":
    main()
