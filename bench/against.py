"""`make bench-against REF=<commit>`: is this checkout as fast as an earlier commit?

"The bench within noise" needs both sides measured on the same machine at the
same time: a figure from another day's run differs by more than the change
being judged (the same `sqmy transform` took 11.0 s and 14.8 s in two full
bench runs a week apart). This clones REF next to the work folder, syncs its
own .venv from its own uv.lock, and then alternates the two trees, RUNS
times each (default 3):

* `sqmy transform` on a home that already holds the demo ledgers and one
  build (the bench's "sqmy transform (demo data, rebuild)");
* `make demo` in a fresh home (what a newcomer waits for).

Alternating spreads a passing load over both sides. It prints, per case, every
run's seconds, the medians and the ratio checkout / REF, and writes the table
to bench/results/<date>-against-<ref>.md. Environment: SQMY_BENCH_WORK (default
bench/work), SQMY_BENCH_RUNS.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from run import BASE_SUBMISSIONS, CLI_TRANSFORM_CASE, RESULTS, ROOT, bench_env, measure


def prepare_tree(ref: str, work: Path) -> Path:
    """A clone of this repository at ``ref`` with its own synced .venv and dbt manifest."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tree = work / f"ref-{sha}"
    if not (tree / ".venv" / "bin" / "sqmy").exists():
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(ROOT), str(tree)], check=True)
        subprocess.run(["git", "-C", str(tree), "checkout", "-q", sha], check=True)
        subprocess.run(["make", "-s", "-C", str(tree), "venv", "manifest"], check=True)
    return tree


def transform_home(tree: Path, home: Path, ledgers: Path) -> list[str]:
    """A home with the demo ledgers ingested and built once; returns the transform command."""
    sqmy = [str(tree / ".venv" / "bin" / "python"), "-m", "sqmy_etl"]
    shutil.rmtree(home, ignore_errors=True)
    env = bench_env(home)
    subprocess.run([*sqmy, "ingest", str(ledgers)], env=env, check=False, capture_output=True)
    subprocess.run([*sqmy, "transform"], env=env, check=True, capture_output=True)
    return [*sqmy, "transform"]


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("用法 / usage: python bench/against.py <git ref>")
    ref = sys.argv[1]
    runs = int(os.environ.get("SQMY_BENCH_RUNS", "3"))
    work = Path(os.environ.get("SQMY_BENCH_WORK", ROOT / "bench" / "work"))
    work.mkdir(parents=True, exist_ok=True)
    trees = {"checkout": ROOT, ref: prepare_tree(ref, work)}
    ledgers = work / "gen-demo"
    if not (ledgers / "truth.json").is_file():
        generate = [sys.executable, "-m", "sqmy_etl", "generate", "--out", str(ledgers)]
        subprocess.run(generate, env=bench_env(work / "gen-home"), check=True)
    transform = {
        name: transform_home(tree, work / f"against-{index}", ledgers / "ledgers")
        for index, (name, tree) in enumerate(trees.items())
    }
    seconds: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for index, (name, tree) in enumerate(trees.items()):
            home = work / f"against-{index}"
            done, _ = measure(transform[name], bench_env(home), case="transform")
            seconds.setdefault((CLI_TRANSFORM_CASE, name), []).append(done.wall_s)
            demo_home = work / f"against-demo-{index}"
            shutil.rmtree(demo_home, ignore_errors=True)
            make = ["make", "-s", "-C", str(tree), "demo"]
            done, _ = measure(make, bench_env(demo_home), case="make demo")
            seconds.setdefault(("make demo", name), []).append(done.wall_s)
    table = markdown(ref, seconds)
    print(table)
    stamp = datetime.now(UTC).date().isoformat()
    out = RESULTS / f"{stamp}-against-{ref.replace('/', '_')}.md"
    out.write_text(table, encoding="utf-8")
    print(f"→ {out}")


def markdown(ref: str, seconds: dict[tuple[str, str], list[float]]) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"Checkout against {ref}, alternating, {BASE_SUBMISSIONS} demo submissions; "
        f"{os.cpu_count()} cores, load average at the end {load:.1f}.",
        "",
        "| case | checkout s (runs) | ref s (runs) | median ratio |",
        "|---|---|---|---:|",
    ]
    for case in dict.fromkeys(case for case, _ in seconds):
        mine, theirs = seconds[(case, "checkout")], seconds[(case, ref)]
        ratio = statistics.median(mine) / statistics.median(theirs)
        lines.append(
            f"| {case} | {statistics.median(mine):.1f} ({', '.join(f'{s:.1f}' for s in mine)}) "
            f"| {statistics.median(theirs):.1f} ({', '.join(f'{s:.1f}' for s in theirs)}) "
            f"| {ratio:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
