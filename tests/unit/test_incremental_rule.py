"""The rule that chooses an incremental build or a full rebuild, on hand-set states."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.transform.build import planned_build
from sqmy_etl.transform.incremental import (
    BUILT_TABLES,
    STATE_TABLE,
    BuildPlan,
    BuildState,
    code_fingerprint,
    decide,
)
from sqmy_etl.warehouse.db import open_warehouse, table_exists

LAST = BuildState(
    code_fingerprint="code-1",
    reference_fingerprint="ref-1",
    delivery_changes=2,
    raw_rows={"submissions": 10, "issues": 4, "feedback": 3},
    high_water_mark=7,
)


def test_only_new_deliveries_build_incrementally() -> None:
    """Same code, reference files, changes and old rows: incremental from the last mark."""
    assert decide(LAST, LAST, tables_exist=True) == (
        "incremental",
        "rows loaded after ingest_seq 7",
    )


@pytest.mark.parametrize(
    ("current", "tables_exist", "reason"),
    [
        (replace(LAST, code_fingerprint="code-2"), True, "the dbt project or its versions changed"),
        (
            replace(LAST, reference_fingerprint="ref-2"),
            True,
            "a reference file (units, scoring rules) changed",
        ),
        (
            replace(LAST, delivery_changes=3),
            True,
            "a delivery was replaced, retracted or re-delivered",
        ),
        (
            replace(LAST, raw_rows={"submissions": 9, "issues": 4, "feedback": 3}),
            True,
            "raw rows loaded before the last build were removed (erasure)",
        ),
        (LAST, False, "a table of the last build is missing"),
    ],
)
def test_anything_else_rebuilds_in_full(
    current: BuildState, tables_exist: bool, reason: str
) -> None:
    assert decide(current, LAST, tables_exist) == ("full", reason)


def test_a_failed_build_of_other_code_since_the_last_one_rebuilds_in_full() -> None:
    """A build of other code (a deployment rolled back after its full build failed half-way)
    may have left tables and views built by that code: the next build must not trust them.
    A failed build of the same code and reference files leaves nothing another build
    would not."""
    failed_other = {("code-1", "ref-1"), ("code-2", "ref-1")}
    assert decide(LAST, LAST, True, failed_other) == (
        "full",
        "a build of other code or reference files failed since the last one",
    )
    assert decide(LAST, LAST, True, {("code-1", "ref-2")})[0] == "full"
    assert decide(LAST, LAST, True, {("code-1", "ref-1")})[0] == "incremental"


def test_an_incremental_build_leaves_out_seeds_and_views_but_not_their_tests() -> None:
    full = BuildPlan("full", "first", LAST)
    incremental = BuildPlan("incremental", "new rows", LAST, since_ingest_seq=7)
    assert full.dbt_selection() == []
    assert incremental.dbt_selection() == [
        "--exclude",
        "resource_type:seed",
        "config.materialized:view",
        "--indirect-selection",
        "empty",
    ]


def test_the_first_build_is_full() -> None:
    assert decide(LAST, None, tables_exist=False) == ("full", "no successful build recorded")


def test_a_full_plan_names_no_mark_and_an_incremental_one_names_its_mark() -> None:
    """No --full-refresh: without a mark the merges are plain tables, and the flag would
    also drop the near-duplicate cache (a full search at 1M)."""
    full = BuildPlan("full", "first", LAST)
    incremental = BuildPlan("incremental", "new rows", LAST, since_ingest_seq=7)
    assert full.dbt_env() == {"SQMY_SINCE_INGEST_SEQ": ""}
    assert incremental.dbt_env() == {"SQMY_SINCE_INGEST_SEQ": "7"}


def test_a_changed_model_or_seed_changes_the_code_fingerprint(tmp_path: Path) -> None:
    """Models, seeds and the project file count; dbt's target/ does not."""
    (tmp_path / "models").mkdir()
    (tmp_path / "seeds").mkdir()
    (tmp_path / "target").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    model = tmp_path / "models" / "m.sql"
    model.write_text("select 1\n")
    seed = tmp_path / "seeds" / "units.csv"
    seed.write_text("unit_name\n甲\n")
    first = code_fingerprint(tmp_path)
    (tmp_path / "target" / "run_results.json").write_text("{}")
    assert code_fingerprint(tmp_path) == first
    model.write_text("select 2\n")
    second = code_fingerprint(tmp_path)
    assert second != first
    seed.write_text("unit_name\n乙\n")
    assert code_fingerprint(tmp_path) not in (first, second)


def _recorded_modes(settings: Settings) -> list[str]:
    con = open_warehouse(settings, read_only=True)
    try:
        if not table_exists(con, STATE_TABLE):
            return []
        rows = con.execute(f"select mode from {STATE_TABLE} order by build_no").fetchall()
        return [row[0] for row in rows]
    finally:
        con.close()


def test_a_build_is_recorded_only_when_its_body_returns(settings: Settings) -> None:
    """A failed dbt call (the body raises) leaves no state to build the next one on."""
    settings.ensure_dirs()
    with pytest.raises(RuntimeError, match="dbt failed"), planned_build(settings):
        raise RuntimeError("dbt failed")
    assert _recorded_modes(settings) == []
    with planned_build(settings) as plan:
        assert plan.dbt_env() == {"SQMY_SINCE_INGEST_SEQ": ""}
    assert _recorded_modes(settings) == ["full"]


def test_a_build_of_other_code_that_failed_forces_the_next_build_to_be_full(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passed with code A; failed with code B (noted before dbt ran); back on code A the
    next build is full, and the one after it incremental again. No dbt runs: the tables an
    incremental build updates are made empty by hand."""
    settings.ensure_dirs()
    with planned_build(settings):
        pass
    con = open_warehouse(settings)
    try:
        for table in BUILT_TABLES:
            con.execute(f"create schema if not exists {table.split('.')[0]}")
            con.execute(f"create table {table} (id integer)")
    finally:
        con.close()
    monkeypatch.setattr(
        "sqmy_etl.transform.incremental.code_fingerprint", lambda _dbt_dir: "code-B"
    )
    with pytest.raises(RuntimeError, match="dbt failed"), planned_build(settings):
        raise RuntimeError("dbt failed")
    monkeypatch.undo()
    with planned_build(settings) as plan:
        assert (plan.mode, plan.reason) == (
            "full",
            "a build of other code or reference files failed since the last one",
        )
    with planned_build(settings) as plan:
        assert plan.mode == "incremental"
    assert _recorded_modes(settings) == ["full", "full", "incremental"]
