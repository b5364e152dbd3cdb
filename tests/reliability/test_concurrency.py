"""Concurrency through the CLI: ingests started while a transform holds the warehouse wait with a
clear "warehouse busy" message, and two ingests of overlapping files load each file exactly once."""

from __future__ import annotations

from typing import Any

from tests.reliability.conftest import fetch


def test_ingests_during_a_transform_wait_with_a_clear_message(pipeline: dict[str, Any]) -> None:
    """Both ingests started while `sqmy transform` ran print "warehouse busy" on stderr and finish;
    no DuckDB lock error or traceback reaches the user."""
    for run in pipeline["concurrent"]:
        assert run["returncode"] in (0, 2), run["stderr"][-3000:]
        assert "warehouse busy" in run["stderr"]
        assert "Traceback" not in run["stderr"]
        assert "Could not set lock" not in run["stderr"]


def test_overlapping_concurrent_ingests_lose_nothing_and_double_nothing(
    pipeline: dict[str, Any],
) -> None:
    """Every loadable file is loaded once across the runs, raw rows and quarantine equal the
    truth, although several files were offered to both runs at once."""
    truth = pipeline["truth"]
    counts = pipeline["raw_counts"]
    assert {k: counts[k] for k in truth["raw_rows"]} == truth["raw_rows"]
    assert counts["quarantine"] == len(truth["quarantine"])
    loadable = {f["name"] for f in truth["generated_files"] if f["expect"] == "load"}
    loaded = fetch(
        pipeline["warehouse"],
        "SELECT original_name FROM raw.ingest_files WHERE status = 'loaded'",
    )
    assert sorted(name for (name,) in loaded) == sorted(loadable)
    group_a, group_b = pipeline["groups"]
    assert {p.name for p in group_a} & {p.name for p in group_b} & loadable
