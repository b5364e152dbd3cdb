"""Golden scenarios D01–D13: versions, delivery order, replacement, retraction (CONTRACT §1).

Phase A is the first delivery, B the second (after `sqmy retract`), C the
retracted bytes delivered again. Every expected figure is counted by hand
from the rows typed in ledgers.py.
"""

from __future__ import annotations

from tests.scenarios import ledgers
from tests.scenarios.conftest import World


def test_d01_sheets_deliver_by_position_not_name(world: World) -> None:
    """Sheet10 placed after Sheet9 is the later version, though its name sorts first."""
    subs = world.submissions("DA-")
    assert sorted(subs) == ["DA-001", "DA-002"]
    assert subs["DA-001"]["region_name"] == "乌海市"  # Sheet10's (second sheet's) value


def test_d02_files_of_one_call_deliver_by_modification_time(world: World) -> None:
    """台账(更正).xlsx, newer, wins over 台账.xlsx in one `sqmy ingest FOLDER` (it sorts first)."""
    subs = world.submissions("DB-")
    assert sorted(subs) == ["DB-001", "DB-002"]
    assert subs["DB-001"]["region_name"] == "乌海市"  # the newer file's value (older: 包头市)


def test_d03_empty_cell_never_erases(world: World) -> None:
    """A later row with blank 盟市/界别 and a JSON issue without 分类 keep the earlier values."""
    row = world.submissions("DC-")["DC-001"]
    assert (row["region_name"], row["sector"]) == ("通辽市", "农业界")  # phase A values kept
    assert (row["theme_l1"], row["theme_l2"]) == (
        "民生",
        "养老服务",
    )  # phase B's non-empty 主题 养老 wins
    issue = world.issues("1990-301")["1990-301"]
    assert (issue["theme_l1"], issue["theme_l2"]) == ("生态环境", "草原保护")  # the 编发台账's 分类


def test_d04_cumulative_ledger_before_correction(world: World) -> None:
    """Phase A: the first 2021年 ledgers count as delivered, typo issue 2021-012 included."""
    assert world.period("2021", phase="A")["submissions_received"] == 6  # DD-001..006
    assert sorted(world.issues("2021-", phase="A")) == [
        "2021-001",
        "2021-002",
        "2021-004",
        "2021-005",
        "2021-012",  # the typo for 第3期
    ]
    assert world.period("2021", phase="A")["instructions_total"] == 2


def test_d04_cumulative_ledger_replaced(world: World) -> None:
    """(更正) ledgers with ≥80 % of the rows replace: deleted row, 期号 typo, old 批示日期 gone."""
    year = world.period("2021")
    assert year["submissions_received"] == 5  # DD-006 deleted (5 of 6 rows = 83 %)
    assert "DD-006" not in world.submissions("DD-")
    assert sorted(world.issues("2021-")) == [
        "2021-001",
        "2021-002",
        "2021-003",
        "2021-004",
        "2021-005",
    ]
    assert year["issues_published"] == 5  # 2021-012 gone, 2021-003 in its place
    assert year["instructions_total"] == 2  # 第1期 once (date corrected), 第2期 once
    assert year["issues_instructed"] == 2
    dates = [r["feedback_date"] for r in world.feedback("2021-001")]
    assert dates == ["2021-03-11"]  # the corrected date only, not 03-10 as well
    ingest = world.calls["B-main"]
    assert ingest.lines_with("替换", "2021年来稿台账.xlsx"), str(ingest)


def test_d05_small_correction_is_applied_by_id(world: World) -> None:
    """A (更正) file with 1 of 5 rows (< 80 %) corrects DE-002; the rows it lacks still count."""
    subs = world.submissions("DE-")
    assert sorted(subs) == ["DE-001", "DE-002", "DE-003", "DE-004", "DE-005"]
    assert subs["DE-002"]["region_name"] == "乌海市"  # corrected
    assert subs["DE-001"]["region_name"] == "包头市"  # untouched
    assert not world.calls["B-main"].lines_with("替换", "小更正来稿台账")


def test_d06_names_differing_by_a_period_are_different_ledgers(world: World) -> None:
    """1990年2月来稿台账 does not replace 1990年1月来稿台账 (same size, same kind)."""
    # 3 January rows from phase A + 3 February rows from phase B
    assert sorted(world.submissions("DF-")) == [
        "DF-001",
        "DF-002",
        "DF-003",
        "DF-004",
        "DF-005",
        "DF-006",
    ]


def test_d07_explicit_replaces(world: World) -> None:
    """`--replaces OLD NEW` between unrelated names: OLD's DG-003 stops counting."""
    call = world.calls["B-replaces"]
    assert call.returncode == 0, str(call)
    assert call.lines_with("替换", ledgers.REPLACES_OLD), str(call)
    assert sorted(world.submissions("DG-", phase="A")) == ["DG-001", "DG-002", "DG-003"]
    assert sorted(world.submissions("DG-")) == ["DG-001", "DG-002", "DG-004"]  # NEW's rows only


def test_d08_no_replace(world: World) -> None:
    """`--no-replace`: a full-size (更正) file applies by id; the old file's DH-005 still counts."""
    call = world.calls["B-no-replace"]
    assert call.returncode == 0, str(call)
    assert not call.lines_with("替换")
    # DH-001..005 from the first file + DH-006 from the second
    assert sorted(world.submissions("DH-")) == [
        "DH-001",
        "DH-002",
        "DH-003",
        "DH-004",
        "DH-005",
        "DH-006",
    ]


def test_d09_same_name_new_content_replaces(world: World) -> None:
    """A cumulative ledger re-sent under the same name with new content replaces the earlier one."""
    assert sorted(world.submissions("DI-", phase="A")) == ["DI-001", "DI-002", "DI-003", "DI-004"]
    assert sorted(world.submissions("DI-")) == [
        "DI-001",
        "DI-002",
        "DI-003",
        "DI-005",
    ]  # DI-004 deleted


def test_d10_retract_by_file_then_deliver_again(world: World) -> None:
    """`sqmy retract FILE` withdraws at the next transform; the same bytes re-deliver it."""
    retract = world.calls["B-retract-file"]
    assert retract.returncode == 0, str(retract)
    assert retract.lines_with(ledgers.RETRACT_FILE.name), str(retract)  # it says what it withdrew
    assert sorted(world.submissions("DJ-", phase="A")) == ["DJ-001", "DJ-002"]
    assert world.submissions("DJ-", phase="B") == {}  # withdrawn
    assert world.calls["C-redeliver"].returncode == 0
    assert sorted(world.submissions("DJ-", phase="C")) == ["DJ-001", "DJ-002"]  # counted again
    sha = ledgers.sha256_of(world.root / ledgers.RETRACT_FILE)
    assert [
        p for p in (world.home / "archive").rglob(f"*{sha}*") if p.is_file()
    ]  # archive copy stays


def test_d11_retract_by_sha_prefix(world: World) -> None:
    """`sqmy retract <SHA-256 prefix>` withdraws that delivery for good."""
    assert world.calls["B-retract-sha"].returncode == 0, str(world.calls["B-retract-sha"])
    assert sorted(world.submissions("DK-", phase="A")) == ["DK-001", "DK-002", "DK-003"]
    assert world.submissions("DK-", phase="B") == {}
    assert world.submissions("DK-", phase="C") == {}


def test_d12_same_file_twice_is_skipped(world: World) -> None:
    """The same bytes delivered again are skipped as already loaded; nothing counts twice."""
    lines = world.calls["B-main"].lines_with("重复投递来稿台账.csv")
    assert lines and any(word in lines[0] for word in ("跳过", "skipped", "已载入")), lines
    assert sorted(world.submissions("DL-")) == ["DL-001", "DL-002"]


def test_d13_feedback_before_its_issue(world: World) -> None:
    """A 批示 delivered before its issue is kept and counts once the issue arrives."""
    assert world.issues("1990-401", phase="A") == {}
    issue = world.issues("1990-401")["1990-401"]
    assert (issue["instruction_count"], issue["is_instructed"]) == (1, True)
