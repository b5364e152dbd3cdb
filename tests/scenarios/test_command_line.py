"""Golden scenarios C01–C10: what the clerk sees from `sqmy` (CONTRACT.md §1 bad input, §2).

Every expected figure is counted by hand from the rows typed in ledgers.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.scenarios import ledgers
from tests.scenarios.conftest import World, counts_in_order, table_rows

PHONES = ("13987654321", "13987654322", "13987654323", "13987654324", "13987654325")


def _only_quarantine_id(world: World, file_name: str) -> str:
    rows = world.quarantine_rows(file_name)
    assert len(rows) == 1, rows
    return rows[0][0]


def _unambiguous_prefix(world: World, quarantine_id: str) -> str:
    """The id cut to the shortest length no other listed id shares, but at least 8 characters."""
    others = [cells[0] for cells in table_rows(world.calls["quarantine-list"].stdout)]
    others = [o for o in others if o != quarantine_id]
    length = next(
        n
        for n in range(1, len(quarantine_id) + 1)
        if not any(o.startswith(quarantine_id[:n]) for o in others)
    )
    length = max(length, 8)
    assert length < len(quarantine_id), f"{quarantine_id} has no shorter unambiguous prefix"
    return quarantine_id[:length]


def test_c01_run_loads_files_just_copied_into_landing(world: World) -> None:
    """`sqmy run` right after a copy into landing/ (and a subfolder) loads both files."""
    run = world.calls["A-run"]
    assert run.returncode == 0, str(run)
    # CA-001, CA-002 in landing/; CA-003 in landing/盟市报送/
    assert sorted(world.submissions("CA-", phase="A")) == ["CA-001", "CA-002", "CA-003"]
    left = [p.name for p in (world.home / "landing").rglob("*") if p.is_file()]
    assert left == []


def test_c02_ingest_summary_per_file_and_sheet(world: World) -> None:
    """The ingest summary gives, per sheet, the kind and the rows loaded / quarantined / skipped."""
    ingest = world.calls["A-main"]
    first = ingest.lines_with("甲表")
    assert first, str(ingest)
    assert any(word in first[0] for word in ("来稿", "submissions")), first
    # loaded CB-001..004, quarantined CB-005 (2027: after the ingest day), skipped 合计 + 制表
    assert counts_in_order(first[0], 4, 1, 2), first
    second = ingest.lines_with("乙表")
    assert second, str(ingest)
    assert any(word in second[0] for word in ("编发", "issues")), second
    assert counts_in_order(second[0], 2, 0, 0), second  # 第501期, 第502期
    assert sorted(world.submissions("CB-")) == ["CB-001", "CB-002", "CB-003", "CB-004"]
    assert sorted(world.issues("1990-5")) == ["1990-501", "1990-502"]


def test_c03_quarantine_show_takes_an_unambiguous_prefix(world: World) -> None:
    """`sqmy quarantine show` finds a row by any unambiguous prefix of its id."""
    quarantine_id = _only_quarantine_id(world, "隔离前缀来稿台账.csv")  # CC-002, dated 1989-12-31
    shown = world.sqmy("quarantine", "show", _unambiguous_prefix(world, quarantine_id))
    assert shown.returncode == 0, str(shown)
    assert "CC-002" in shown.stdout
    assert sorted(world.submissions("CC-")) == ["CC-001"]


PERIODS = [
    ("2025年第三季度", "2025-Q3", "2025年第三季度"),
    ("2025Q3", "2025-Q3", "2025年第三季度"),
    ("2025q3", "2025-Q3", "2025年第三季度"),
    ("2025年7月", "2025-07", "2025年7月"),
    ("2025-7", "2025-07", "2025年7月"),
    ("2025年", "2025", "2025年度"),
]


@pytest.mark.parametrize(("argument", "label", "title"), PERIODS)
def test_c04_report_accepts_period_forms(
    world: World, tmp_path: Path, argument: str, label: str, title: str
) -> None:
    """`sqmy report --period` accepts the written forms of §2 and reports on that period."""
    out = tmp_path / "report"
    call = world.sqmy("report", "--period", argument, "--format", "html", "--out", str(out))
    assert call.returncode == 0, str(call)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 1, pages
    assert label in str(pages[0].relative_to(out.parent))  # the period's own label names the output
    head = re.search(r"<title>(.*?)</title>", pages[0].read_text("utf-8"), re.S)
    assert head and title in head.group(1), head


def test_c04_report_period_figures(world: World) -> None:
    """The 2025 ledgers behind the report: 2 submissions and 1 issue in Q3."""
    quarter = world.period("2025-Q3")
    assert (quarter["submissions_received"], quarter["issues_published"]) == (
        2,
        1,
    )  # RP-001, RP-002; 第31期
    assert world.period("2025-Q1")["submissions_received"] == 1  # RP-003


def test_c05_phone_in_sector_never_reaches_marts(world: World) -> None:
    """A phone typed into 界别 (alone or in text) is dropped or masked: marts, Parquet, reports."""
    subs = world.submissions("CD-")
    assert sorted(subs) == ["CD-001", "CD-002"]  # CD-003 is dated 2027: quarantined
    assert subs["CD-001"]["sector"] is None  # a value that is only a phone number is missing
    assert "139****4322" in subs["CD-002"]["sector"]
    text = repr(sorted(subs.items()))
    assert not [p for p in PHONES if p in text]
    assert [world.files_containing(p, "published", "reports") for p in PHONES] == [[]] * 5


def test_c05_phone_never_in_quarantine_in_clear(world: World) -> None:
    """`sqmy quarantine list` and `show` mask phones in 界别 and in an extra column."""
    assert not [p for p in PHONES if p in world.calls["quarantine-list"].stdout]
    quarantine_id = _only_quarantine_id(world, "界别电话来稿台账.xlsx")  # CD-003
    shown = world.sqmy("quarantine", "show", quarantine_id)
    assert shown.returncode == 0, str(shown)
    assert "CD-003" in shown.stdout
    assert not [p for p in PHONES if p in shown.stdout + shown.stderr]


def test_c06_formula_without_cached_value_is_quarantined(world: World) -> None:
    """A never-calculated formula cell is quarantined with 公式未计算 in the reason."""
    assert sorted(world.submissions("CF-")) == ["CF-001", "CF-003"]
    quarantine_id = _only_quarantine_id(world, "公式来稿台账.xlsx")  # CF-002
    shown = world.sqmy("quarantine", "show", quarantine_id)
    assert "公式未计算" in shown.stdout, str(shown)


def test_c07_unrecognised_sheet_does_not_reject_the_workbook(world: World) -> None:
    """A notes sheet no kind matches leaves the 来稿 sheet loading."""
    assert sorted(world.submissions("CG-")) == ["CG-001", "CG-002"]
    assert not (world.home / "rejected" / "说明页来稿台账.xlsx").exists()


def test_c08_unparseable_published_date_is_quarantined(world: World) -> None:
    """An unparseable 编发日期 in a 来稿台账 quarantines the row with a reason, never drops it."""
    assert sorted(world.submissions("CH-")) == ["CH-001", "CH-003"]  # CH-003's 编发日期 is blank
    rows = world.quarantine_rows("编发日期来稿台账.xlsx")
    assert len(rows) == 1, rows  # CH-002: 1990/13/05
    shown = world.sqmy("quarantine", "show", rows[0][0])
    assert "CH-002" in shown.stdout, str(shown)


def test_c09_impossible_dates_and_missing_ids_are_quarantined(world: World) -> None:
    """Before 1990, after the ingest day, no id: three rows quarantined, the good one loads."""
    assert sorted(world.submissions("CI-")) == ["CI-001"]
    assert len(world.quarantine_rows("坏行来稿台账.csv")) == 3  # CI-002, CI-003, the row without id


def test_c10_file_without_a_table_is_rejected(world: World) -> None:
    """A file naming no ledger kind is rejected: exit 2, copy and reason in rejected/."""
    call = world.calls["A-reject"]
    assert call.returncode == 2, str(call)
    rejected = world.home / "rejected"
    source = world.root / ledgers.REJECT_DIR / ledgers.REJECT_NAME
    assert (rejected / ledgers.REJECT_NAME).read_bytes() == source.read_bytes()
    assert (rejected / f"{ledgers.REJECT_NAME}.reason.txt").read_text("utf-8").strip()
