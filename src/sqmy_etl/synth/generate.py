"""Orchestration: build the world, stream it through a delivery plan, write the truth."""

from __future__ import annotations

from pathlib import Path

from sqmy_etl.synth.deliveries import StandardPlan
from sqmy_etl.synth.model import build_world
from sqmy_etl.synth.truth import Truth, write_truth

ENCODINGS = ("utf-8", "gb18030")
NEAR_DUPLICATE_PAIRS = 6
LEDGERS_DIR = "ledgers"


def generate_ledgers(
    year: int,
    out: Path,
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    seed: int = 2021,
    scale: float = 1.0,
    messy: bool = False,
) -> Path:
    """Write one office's ledgers into ``out/ledgers/`` and the truth into ``out/truth.json``.

    The ledgers get a folder of their own so that ``sqmy ingest out/ledgers``
    delivers exactly what a clerk would, and the truth never reaches the ingest.

    ``fmt`` None mixes xlsx, JSON and CSV; ``xlsx``/``csv``/``json`` writes every
    ledger in that format. ``messy`` plants every quirk the ingest must survive
    (it chooses its own mix of formats, so it cannot be combined with ``fmt``).
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}: use utf-8 or gb18030")
    if scale <= 0:
        raise ValueError("scale must be positive")
    if messy and fmt is not None:
        raise ValueError("--messy writes its own mix of formats; leave --format out")
    out = Path(out)
    ledgers = out / LEDGERS_DIR
    ledgers.mkdir(parents=True, exist_ok=True)
    world = build_world(year, seed, scale, NEAR_DUPLICATE_PAIRS if messy else 0)
    if messy:
        from sqmy_etl.synth.messy import MessyPlan

        plan = MessyPlan(world, ledgers, encoding)
    else:
        plan = StandardPlan(world, ledgers, fmt, encoding)
    truth = Truth(world)
    for submission in world.iter_submissions():
        plan.emit_submission(submission, truth)
    plan.finish(truth)
    plan.stamp()
    summary = truth.summarise(plan.files, messy)
    summary["planted"] = plan.planted
    return write_truth(out / "truth.json", summary)
