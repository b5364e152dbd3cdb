"""Reading the quarantine: list, show, and a clear answer when a writer holds the warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sqmy_etl.config import Settings
from sqmy_etl.ingest.load import ingest_file
from sqmy_etl.ingest.quarantine import list_quarantine, show_quarantine, with_unique_ids
from sqmy_etl.warehouse.db import WarehouseBusy

LEDGER = (
    "期号,编发日期,标题\n"
    "第1期,2021-01-05,正常\n"
    "第X期,2021-01-06,期号写错\n"
    "第3期,2021-01-07 25:00,时间不存在\n"
)


@pytest.fixture
def loaded(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A warehouse holding one issues ledger with two bad rows; returns the file's sha."""
    monkeypatch.setenv("SQMY_TODAY", "2021-12-31")
    source = tmp_path / "编发.csv"
    source.write_text(LEDGER, encoding="utf-8")
    return ingest_file(settings, source).sha256


def test_list_shows_where_and_why_without_contents(settings: Settings, loaded: str) -> None:
    """Each held-back row is listed with file, row, rule and reason, but not its record."""
    listed = list_quarantine(settings)
    assert [(q["original_name"], q["source_row"], q["rule"]) for q in listed] == [
        ("编发.csv", 3, "invalid_issue_no"),
        ("编发.csv", 4, "invalid_date"),
    ]
    assert all("record" not in q and "record_json" not in q for q in listed)
    assert listed[0]["quarantine_id"] == f"{loaded[:12]}::3"


def test_show_returns_the_record_and_none_for_unknown_ids(settings: Settings, loaded: str) -> None:
    """show gives the stored record (with the unreadable text); an unknown id gives None."""
    shown = show_quarantine(settings, f"{loaded[:12]}::4")
    assert shown is not None
    assert shown["rule"] == "invalid_date"
    assert shown["record"]["published_date_text"] == "2021-01-07 25:00"
    assert shown["record"]["issue_title"] == "时间不存在"
    assert show_quarantine(settings, "nope") is None


def test_no_warehouse_means_nothing_quarantined(settings: Settings) -> None:
    """Before the first ingest there is simply nothing to list."""
    assert list_quarantine(settings) == []
    assert show_quarantine(settings, "x") is None


def test_a_busy_warehouse_gives_a_clear_message(settings: Settings, loaded: str) -> None:
    """While another process writes, the reader gives up after its wait with 'warehouse busy'."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "sys.stdin.read()",
            str(settings.warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseBusy, match="warehouse busy"):
            list_quarantine(settings, wait_s=0.5)
    finally:
        holder.communicate("", timeout=30)


def test_clashing_ids_from_one_json_record_are_made_unique() -> None:
    """Rows of several tables, or several feedback items, from one record get distinct ids."""
    held = pd.DataFrame(
        {
            "quarantine_id": ["abc::7", "abc::7", "abc::7", "abc::8"],
            "table_kind": ["submissions", "feedback", "feedback", "feedback"],
        }
    )
    assert with_unique_ids(held)["quarantine_id"].tolist() == [
        "abc::7:submissions",
        "abc::7:feedback:1",
        "abc::7:feedback:2",
        "abc::8",
    ]
