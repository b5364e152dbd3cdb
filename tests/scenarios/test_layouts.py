"""Golden scenarios L01–L12: sheet layouts clerks keep (CONTRACT.md §1 Formats, primary kind).

Every expected figure is counted by hand from the rows typed in ledgers.py.
"""

from __future__ import annotations

import pytest

from tests.scenarios.conftest import World, counts_in_order


def test_l01_running_number_is_not_the_id(world: World) -> None:
    """A running-number 编号 before 稿件编号 is an extra column: two quarters keep 6 submissions."""
    # 3 rows on 一季度 + 3 rows on 二季度, ids LA-001..LA-006
    assert sorted(world.submissions("LA-")) == [
        "LA-001",
        "LA-002",
        "LA-003",
        "LA-004",
        "LA-005",
        "LA-006",
    ]
    assert world.period("1991")["submissions_received"] == 6  # the same 6 rows, all dated 1991
    regions = world.regions(1991)
    # 赤峰市 LA-001/002, 包头市 LA-003/004, 通辽市 LA-005/006
    assert [regions[r]["submissions_received"] for r in ("赤峰市", "包头市", "通辽市")] == [2, 2, 2]


def test_l02_received_date_beats_plain_date(world: World) -> None:
    """来稿日期 wins over a generic 日期 column standing before it."""
    received = {k: v["received_date"] for k, v in world.submissions("LB-").items()}
    # the 来稿日期 column of the three rows (日期 holds 1992-11-20..22)
    assert received == {"LB-001": "1992-02-03", "LB-002": "1992-05-06", "LB-003": "1992-08-09"}
    assert world.period("1992-Q4")["submissions_received"] == 0  # only the ignored 日期 is in Q4


def test_l02_instruction_date_beats_plain_date(world: World) -> None:
    """批示日期 wins over a generic 日期 column standing before it in a 批示台账."""
    assert [r["feedback_date"] for r in world.feedback("1992-")] == ["1992-03-20"]
    assert world.issues("1992-")["1992-001"]["days_to_first_instruction"] == 19  # 03-01 → 03-20


def test_l03_two_row_header_keeps_region(world: World) -> None:
    """报送情况 merged over 报送人 | 盟市: the lower header row names the fields, 盟市 is read."""
    regions = world.regions(1993)
    assert regions["呼和浩特市"]["submissions_received"] == 1  # LC-001
    assert regions["包头市"]["submissions_received"] == 2  # LC-002, LC-003
    assert regions["未知"]["submissions_received"] == 0  # every row names its 盟市
    assert world.period("1993")["submissions_received"] == 3  # three data rows under the header


def test_l04_merged_issue_no_is_one_issue_with_three_sources(world: World) -> None:
    """期号 merged over three rows (one source a row) is one issue with three sources."""
    issues = world.issues("1994-")
    assert list(issues) == ["1994-001"]  # one 期号 cell, merged A2:A4
    assert issues["1994-001"]["submission_count"] == 3  # LD-001, LD-002, LD-003, one per row
    assert (issues["1994-001"]["theme_l1"], issues["1994-001"]["theme_l2"]) == ("民生", "供暖供气")
    assert world.period("1994")["issues_published"] == 1
    regions = world.regions(1994)
    # each source's region counts the issue once: 赤峰市 LD-001, 通辽市 LD-002, 包头市 LD-003
    assert [regions[r]["issues_published"] for r in ("赤峰市", "通辽市", "包头市")] == [1, 1, 1]
    published = {k: v["is_published"] for k, v in world.submissions("LD-").items()}
    # LD-004 is in the 来稿台账 only
    assert published == {"LD-001": True, "LD-002": True, "LD-003": True, "LD-004": False}


def test_l05_combined_issue_and_instruction_ledger(world: World) -> None:
    """An 编发及批示台账 yields its issues and, from the same rows, their 批示."""
    year = world.period("1995")
    assert year["issues_published"] == 3  # 第1期, 第2期 (two rows), 第3期
    assert year["issues_instructed"] == 2  # 第1期 and 第2期 carry a 批示日期
    assert year["instructions_total"] == 3  # 1 on 第1期 + 2 (书记, 副主席) on 第2期
    assert year["instruction_rate"] == pytest.approx(2 / 3)
    assert len(world.feedback("1995-")) == 3  # the three rows with a 批示日期
    issue = world.issues("1995-")["1995-002"]
    assert issue["instruction_count"] == 2
    assert issue["first_instruction_date"] == "1995-03-18"
    assert issue["days_to_first_instruction"] == 8  # 03-10 → 03-18
    minsheng = world.period("1995", "民生")
    # 教育 (第1期) and 医疗 (第2期) are 民生, both instructed; 经济 (第3期) is not
    assert (minsheng["issues_published"], minsheng["issues_instructed"]) == (2, 2)


def test_l06_issue_ledger_listing_sources_is_not_a_submission_ledger(world: World) -> None:
    """An 编发台账 with 稿件编号 + 来稿日期 gives issues with sources, not new submissions."""
    assert world.period("1996")["submissions_received"] == 4  # LF-001..004 of the 来稿台账 only
    assert world.period("1996")["issues_published"] == 2  # 第1期, 第2期
    counts = {k: v["submission_count"] for k, v in world.issues("1996-").items()}
    assert counts == {"1996-001": 1, "1996-002": 2}  # LF-001; LF-002 + LF-003 on two rows
    issue_of = {k: v["issue_id"] for k, v in world.submissions("LF-").items()}
    assert issue_of == {
        "LF-001": "1996-001",
        "LF-002": "1996-002",
        "LF-003": "1996-002",
        "LF-004": None,
    }


def test_l07_totals_and_footer_lines_are_skipped(world: World) -> None:
    """小计/合计/总计 and 填表人/审核人 lines are skipped, not quarantined; 总计划… loads."""
    assert sorted(world.submissions("LG-")) == [
        "LG-001",
        "LG-002",
        "LG-003",
        "LG-004",
    ]  # LG-004 is 总计划…
    assert world.period("1997")["submissions_received"] == 4
    assert world.quarantine_rows("合计行来稿台账.xlsx") == []  # nothing held back from this file
    ingest = world.calls["A-main"]
    lines = ingest.lines_with("合计行来稿台账.xlsx") + ingest.lines_with("登记表")
    # loaded 4, quarantined 0, skipped 5 = 小计 + 合计 + 总计 + 填表人 + 审核人 (blank: uncounted)
    assert any(counts_in_order(line, 4, 0, 5) for line in lines), str(ingest)


def test_l07_footer_phone_never_in_clear(world: World) -> None:
    """The footer's 联系电话 never shows in clear: quarantine list/show, reports, Parquet."""
    assert "13912345678" not in world.calls["quarantine-list"].stdout
    for cells in world.quarantine_rows("合计行来稿台账.xlsx"):
        shown = world.sqmy("quarantine", "show", cells[0])
        assert "13912345678" not in shown.stdout + shown.stderr, str(shown)
    assert world.files_containing("13912345678", "reports", "published") == []


def test_l08_title_rows_and_decorated_headers(world: World) -> None:
    """Three title rows above a header written 稿件编号* / 标 题 / 来稿日期（必填） / 盟　市."""
    assert sorted(world.submissions("LH-")) == ["LH-001", "LH-002", "LH-003"]
    regions = world.regions(1998)
    assert regions["锡林郭勒盟"]["submissions_received"] == 2  # 锡林郭勒盟 + 锡盟
    assert regions["兴安盟"]["submissions_received"] == 1


def test_l09_merged_data_cell_fills_every_row(world: World) -> None:
    """盟市 merged over three data rows gives its value to all three."""
    regions = world.regions(1999)
    assert regions["巴彦淖尔市"]["submissions_received"] == 3  # LI-001..003 under the merged D2:D4
    assert regions["乌兰察布市"]["submissions_received"] == 1  # LI-004
    assert regions["未知"]["submissions_received"] == 0


def test_l10_hidden_sheet_is_read(world: World) -> None:
    """A hidden sheet is read like the others."""
    assert sorted(world.submissions("LJ-")) == [
        "LJ-001",
        "LJ-002",
        "LJ-003",
    ]  # LJ-003 on the hidden sheet


def test_l11_last_row_with_an_id_is_never_a_total(world: World) -> None:
    """A last row with a valid id loads even though its title starts with 总计."""
    assert sorted(world.submissions("LK-")) == ["LK-001", "LK-002"]  # LK-002: 总计划外用工…


def test_l12_combined_ledger_with_grouped_header_and_merged_issue_no(world: World) -> None:
    """批示情况 over three 批示 fields and 期号 merged over two 批示 rows: one issue, two 批示."""
    issues = world.issues("2014-")
    assert sorted(issues) == ["2014-001", "2014-002"]
    assert issues["2014-001"]["instruction_count"] == 2  # 主席 04-10, 副主席 04-12
    assert issues["2014-001"]["days_to_first_instruction"] == 9  # 04-01 → 04-10
    year = world.period("2014")
    counts = (year["issues_published"], year["issues_instructed"], year["instructions_total"])
    assert counts == (2, 1, 2)
