"""Golden scenario LC: the lifecycle, units and points of CONTRACT §5, typed and counted by hand.

One small office year (2021) in a home of its own, because it carries an
office's own scoring rules (``$SQMY_HOME/reference/scoring_rules.csv``) that
change mid-year, and those must not score the shared scenarios:

- 来稿: LC-001 … LC-006 from 赤峰市政协 (also written 赤峰市政协委员会, an alias),
  民盟区委 (alias of 民盟内蒙古区委), 包头市政协 and 某某协会 (not on the roster);
- 编发: 第1期 (LC-001 alone: 单篇), 第2期 (LC-002 + LC-003: 综合), 第3期 (LC-004: 单篇);
- 反馈: 报送, 采用 at two levels and a 批示 on one day (第1期), 综合 adoption and a
  批示 after the rule change (第2期), 盟市级 批示 and two 办理反馈 (one 已办结),
  one row with an unknown 采用方式 (quarantined).

Every expected figure below is a literal with the arithmetic beside it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.scenarios.book import Sheet, xlsx
from tests.scenarios.conftest import World, table_rows

# The office's rules: 自治区级 批示 is worth 20 up to 2021-06-30 and 40 from 2021-07-01.
RULES = """event,channel,level,grade,points,valid_from,valid_to
编发单篇,,,,5,2021-01-01,
编发综合,,,,2,2021-01-01,
报送,,,,1,2021-01-01,
采用,单篇采用,国家级,,20,2021-01-01,
采用,综合采用,国家级,,15,2021-01-01,
采用,单篇采用,自治区级,,15,2021-01-01,
采用,综合采用,自治区级,,10,2021-01-01,
批示,,盟市级,,8,2021-01-01,
批示,,自治区级,,20,2021-01-01,2021-06-30
批示,,自治区级,,40,2021-07-01,
批示,,国家级,,30,2021-01-01,
等次,,,优秀,50,2021-01-01,
等次,,,良好,30,2021-01-01,
等次,,,合格,10,2021-01-01,
等次,,,不合格,0,2021-01-01,
"""
FEEDBACK_FILE = "2021年反馈台账.xlsx"
I1, I2, I3 = "2021年第1期", "2021年第2期", "2021年第3期"


def _ledgers(folder: Path) -> None:
    """The three ledgers of the office year, as a clerk types them."""
    xlsx(
        folder / "2021年来稿台账.xlsx",
        Sheet(
            "来稿",
            [
                ["稿件编号", "标题", "来稿日期", "报送人", "报送单位", "盟市"],
                ["LC-001", "牧区供暖", "2021-02-01", "张三", "赤峰市政协", "赤峰市"],
                ["LC-002", "城区供暖", "2021-02-10", "李四", "赤峰市政协委员会", "赤峰市"],
                ["LC-003", "农村养老", "2021-03-01", "王五", "民盟区委", "自治区本级"],
                ["LC-004", "营商环境", "2021-03-05", "赵六", "包头市政协", "包头市"],
                ["LC-005", "草原防火", "2021-04-01", "张三", "赤峰市政协", "赤峰市"],
                ["LC-006", "行业协会", "2021-05-01", "钱七", "某某协会", "呼和浩特市"],
            ],
        ),
    )
    xlsx(
        folder / "2021年编发台账.xlsx",
        Sheet(
            "编发",
            [
                ["期号", "编发日期", "标题", "采用稿件编号", "分类"],
                ["2021年第1期", "2021-02-20", "牧区供暖问题", "LC-001", "民生"],
                ["2021年第2期", "2021-03-10", "供暖和养老", "LC-002、LC-003", "民生"],
                ["2021年第3期", "2021-03-15", "营商环境", "LC-004", "经济发展"],
            ],
        ),
    )
    header = ["期号", "类型", "采用方式", "采用单位", "级别", "批示领导职务", "日期", "办理状态"]
    xlsx(
        folder / FEEDBACK_FILE,
        Sheet(
            "反馈",
            [
                header,
                [I1, "报送", None, "自治区党委办公厅", None, None, "2021-02-25", None],
                [I1, "采用", "单篇采用", "全国政协办公厅", None, None, "2021-03-20", None],
                [I1, "采用", "单篇采用", "自治区党委办公厅", None, None, "2021-03-20", None],
                [I1, "批示", None, None, "自治区级", "自治区政府副主席", "2021-03-20", None],
                [I2, "采用", "综合", "自治区政府办公厅", None, None, "2021-04-01", None],
                [I2, "批示", None, None, "自治区级", "自治区党委书记", "2021-08-01", None],
                [I2, "部门回复", None, "自治区卫健委", None, None, "2021-09-01", "已办结"],
                [I3, "批示", None, None, "盟市级", "包头市市长", "2021-04-05", None],
                [I3, "反馈", None, "包头市住建局", None, None, "2021-04-10", "办理中"],
                [I3, "采用", "转发", "自治区政府办公厅", None, None, "2021-04-20", None],
            ],
        ),
    )


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The office year ingested and transformed with the office's own rules, once."""
    world = World.under(tmp_path_factory.mktemp("lifecycle"))
    _ledgers(world.root)
    (world.home / "reference").mkdir(parents=True)
    (world.home / "reference" / "scoring_rules.csv").write_text(RULES, encoding="utf-8")
    world.record("ingest", "ingest", str(world.root))
    world.record("transform", "transform")
    world.record("quarantine-list", "quarantine", "list")
    return world


def _query(world: World, sql: str) -> list[dict]:
    call = world.sqmy("query", "--format", "json", sql)
    assert call.returncode == 0, str(call)
    return json.loads(call.stdout)


def test_lc_units_are_resolved_through_the_roster(lifecycle: World) -> None:
    """Names and aliases give the roster name; an unrostered unit keeps its spelling."""
    assert lifecycle.calls["transform"].returncode == 0, str(lifecycle.calls["transform"])
    rows = _query(lifecycle, "SELECT submission_id, unit_name FROM fct_submissions")
    assert {r["submission_id"]: r["unit_name"] for r in rows} == {
        "LC-001": "赤峰市政协",
        "LC-002": "赤峰市政协",  # 赤峰市政协委员会 is an alias
        "LC-003": "民盟内蒙古区委",  # 民盟区委 is an alias
        "LC-004": "包头市政协",
        "LC-005": "赤峰市政协",
        "LC-006": "某某协会",  # not on the roster: kept as written
    }


def test_lc_feedback_types_channels_bodies_and_levels(lifecycle: World) -> None:
    """报送 / 部门回复 / 反馈 are read as types, 综合 as 综合采用, a level from the body."""
    rows = _query(
        lifecycle,
        "SELECT issue_id, feedback_type, channel, body, level, status, feedback_date "
        "FROM fct_feedback ORDER BY issue_id, feedback_date, feedback_type, body",
    )
    got = [(r["issue_id"], r["feedback_type"], r["channel"], r["level"], r["status"]) for r in rows]
    # nine rows of the ledger load, the tenth (采用方式 转发) is held back
    assert got == [
        ("2021-001", "报送", None, "自治区级", None),  # 自治区党委办公厅 → 自治区级
        ("2021-001", "批示", None, "自治区级", None),
        ("2021-001", "采用", "单篇采用", "国家级", None),  # 全国政协办公厅 → 国家级
        ("2021-001", "采用", "单篇采用", "自治区级", None),
        ("2021-002", "采用", "综合采用", "自治区级", None),  # 综合 → 综合采用
        ("2021-002", "批示", None, "自治区级", None),
        ("2021-002", "办理反馈", None, None, "已办结"),  # 部门回复; 自治区卫健委: no level
        ("2021-003", "批示", None, "盟市级", None),
        ("2021-003", "办理反馈", None, "盟市级", "办理中"),  # 反馈; 包头市住建局 → 盟市级
    ]
    held = lifecycle.quarantine_rows(FEEDBACK_FILE)
    assert len(held) == 1  # the 转发 row
    assert any("采用方式" in cell for cell in held[0])


def test_lc_funnel_of_the_year(lifecycle: World) -> None:
    """Published 3 → sent up 2 → adopted 1 national / 2 regional → instructed 3 → answered 2."""
    rows = _query(
        lifecycle,
        "SELECT * FROM mart_lifecycle_funnel WHERE period_label = '2021' AND theme_l1 = '全部'",
    )
    assert len(rows) == 1
    year = rows[0]
    counts = {k: year[k] for k in year if k.startswith("issues_") and not k.endswith("_rate")}
    assert counts == {
        "issues_published": 3,  # 第1, 2, 3期
        "issues_sent_up": 2,  # 第1期 (报送, 采用), 第2期 (采用); 第3期's only 采用 was held back
        "issues_adopted_national": 1,  # 第1期 by 全国政协办公厅
        "issues_adopted_region": 2,  # 第1期 by 自治区党委办公厅, 第2期 by 自治区政府办公厅
        "issues_instructed": 3,
        "issues_instructed_national": 0,
        "issues_instructed_region": 2,  # 第1期, 第2期
        "issues_instructed_league": 1,  # 第3期 (包头市市长)
        "issues_with_response": 2,  # 第2期, 第3期
        "issues_response_done": 1,  # 第2期 已办结; 第3期 办理中
    }
    assert year["issues_sent_up_rate"] == pytest.approx(2 / 3)
    assert year["issues_response_done_rate"] == pytest.approx(1 / 3)
    # days to the first 批示: 第1期 02-20→03-20 = 28, 第2期 03-10→08-01 = 21+30+31+30+31+1 = 144,
    # 第3期 03-15→04-05 = 21; median 28
    assert year["median_days_to_first_instruction"] == 28
    # days to the first response: 第2期 03-10→09-01 = 144+31 = 175, 第3期 03-15→04-10 = 26;
    # median (175 + 26) / 2 = 100.5
    assert year["median_days_to_response"] == pytest.approx(100.5)
    minsheng = _query(
        lifecycle,
        "SELECT issues_published, issues_instructed, issues_with_response FROM "
        "mart_lifecycle_funnel WHERE period_label = '2021' AND theme_l1 = '民生'",
    )
    assert minsheng == [
        {"issues_published": 2, "issues_instructed": 2, "issues_with_response": 1}  # 第1, 2期
    ]


def test_lc_unit_points_of_the_year(lifecycle: World) -> None:
    """Points per unit by the office's rules, the 自治区级 批示 worth 20 before July and 40 after.

    LC-001 (第1期, 单篇): 编发单篇 5 + 报送 1 + 采用 国家级单篇 20 + 采用 自治区级单篇 15
    + 批示 自治区级 on 03-20 20 = 61. LC-002 and LC-003 (第2期, 综合): 编发综合 2 + 采用
    自治区级综合 10 + 批示 自治区级 on 08-01 40 + 办理反馈 0 = 52 each. LC-004 (第3期, 单篇):
    编发单篇 5 + 批示 盟市级 8 + 办理反馈 0 = 13. LC-005 and LC-006 were never published: 0.
    """
    rows = _query(
        lifecycle,
        "SELECT * FROM mart_unit_scores WHERE period_label = '2021'",
    )
    by_unit = {r["unit_name"]: r for r in rows}
    columns = (
        "unit_type", "submissions_received", "submissions_published", "issues_single",
        "issues_combined", "adoptions_national", "adoptions_region", "instructions_national",
        "instructions_region", "instructions_league", "points", "rank_overall", "rank_in_type",
        "quota", "quota_met", "is_zero_report", "grade",
    )  # fmt: skip
    got = {name: tuple(by_unit[name][c] for c in columns) for name in (
        "赤峰市政协", "民盟内蒙古区委", "包头市政协", "某某协会", "乌海市政协",
    )}  # fmt: skip
    # fmt: off
    assert got == {
        # LC-001, 002, 005 received; 001, 002 published; 61 + 52 = 113 ≥ 50 → 优秀;
        # quota 30 (roster), 3 received → not met
        "赤峰市政协": ("盟市政协", 3, 2, 1, 1, 1, 2, 0, 2, 0,
                       113, 1, 1, 30, False, False, "优秀"),
        # LC-003: 52 ≥ 50 → 优秀; quota 20
        "民盟内蒙古区委": ("民主党派", 1, 1, 0, 1, 0, 1, 0, 1, 0,
                           52, 2, 1, 20, False, False, "优秀"),
        # LC-004: 13 ≥ 10 → 合格; second among 盟市政协; quota 30
        "包头市政协": ("盟市政协", 1, 1, 1, 0, 0, 0, 0, 0, 1,
                       13, 3, 2, 30, False, False, "合格"),
        # LC-006, unpublished: 0 → 不合格, ranked with every other unit at 0 (4th)
        "某某协会": ("未登记单位", 1, 0, 0, 0, 0, 0, 0, 0, 0,
                     0, 4, 1, None, None, False, "不合格"),
        # on the roster, nothing received: 零报送; quota 20; rank 4 overall, 3 among 盟市政协
        "乌海市政协": ("盟市政协", 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       0, 4, 3, 20, False, True, "不合格"),
    }
    # fmt: on
    # the roster's 41 units plus 某某协会, one row each
    assert len(rows) == 42


def test_lc_unit_points_by_quarter_follow_the_event_dates(lifecycle: World) -> None:
    """Points land in the quarter of each event: 赤峰市政协 63 / 10 / 40, 民盟 2 / 10 / 40."""
    rows = _query(
        lifecycle,
        "SELECT period_label, unit_name, points, quota FROM mart_unit_scores "
        "WHERE period_type = 'quarter' "
        "AND unit_name IN ('赤峰市政协', '民盟内蒙古区委', '包头市政协')",
    )
    got = {(r["period_label"], r["unit_name"]): r["points"] for r in rows}
    # 赤峰市政协 Q1: LC-001 5 + 1 + 20 + 15 + 20 = 61, LC-002 编发综合 on 03-10 2 → 63;
    # Q2: LC-002 采用 on 04-01 10; Q3: LC-002 批示 on 08-01 40; Q4: 0 (the 办理反馈 scores 0)
    assert [got[(f"2021-Q{q}", "赤峰市政协")] for q in (1, 2, 3, 4)] == [63, 10, 40, 0]
    assert [got[(f"2021-Q{q}", "民盟内蒙古区委")] for q in (1, 2, 3, 4)] == [2, 10, 40, 0]
    # 包头市政协 Q1: 编发单篇 on 03-15 5; Q2: 盟市级 批示 on 04-05 8
    assert [got[(f"2021-Q{q}", "包头市政协")] for q in (1, 2, 3, 4)] == [5, 8, 0, 0]
    # a quarter's quota is a quarter of the year's, rounded up: 30 / 4 → 8
    assert {r["quota"] for r in rows if r["unit_name"] == "赤峰市政协"} == {8}


def test_lc_member_points_carry_no_names(lifecycle: World) -> None:
    """Members are ranked by points under their hash; no name reaches the marts or Parquet."""
    rows = _query(
        lifecycle,
        "SELECT unit_name, submissions_received, submissions_published, points, rank "
        "FROM mart_member_scores WHERE period_label = '2021' ORDER BY rank, unit_name",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("赤峰市政协", 2, 1, 61, 1),  # 张三: LC-001 (61) and LC-005 (unpublished)
        ("民盟内蒙古区委", 1, 1, 52, 2),  # 王五: LC-003
        ("赤峰市政协", 1, 1, 52, 2),  # 李四: LC-002
        ("包头市政协", 1, 1, 13, 4),  # 赵六: LC-004
        ("某某协会", 1, 0, 0, 5),  # 钱七: LC-006
    ]
    for name in ("张三", "李四", "王五", "赵六", "钱七"):
        assert lifecycle.files_containing(name, "published", "reports") == []


def test_lc_unknown_unit_and_levelless_body_are_in_the_quality_report(lifecycle: World) -> None:
    """某某协会 (no roster entry) and 自治区卫健委 (no level) are listed for the clerk."""
    reports = sorted((lifecycle.home / "reports" / "quality").glob("*.html"))
    assert reports
    text = reports[-1].read_text("utf-8")
    assert "某某协会" in text
    assert "自治区卫健委" in text


def test_lc_bad_rules_file_stops_the_transform_and_publishes_nothing(lifecycle: World) -> None:
    """A negative point value: the transform refuses, naming the file and line; marts stay."""
    rules = lifecycle.home / "reference" / "scoring_rules.csv"
    published = lifecycle.home / "published" / "marts.duckdb"
    before = published.stat().st_mtime_ns
    kept = rules.with_suffix(".kept")
    shutil.copyfile(rules, kept)
    try:
        rules.write_text(RULES.replace("报送,,,,1,", "报送,,,,-1,"), encoding="utf-8")
        call = lifecycle.sqmy("transform")
    finally:
        shutil.copyfile(kept, rules)
    assert call.returncode != 0
    # 报送 is the 4th line of the file (header on line 1)
    assert "第4行" in call.stderr and "scoring_rules.csv" in call.stderr, str(call)
    assert published.stat().st_mtime_ns == before


def test_lc_quarantine_reason_lists_the_accepted_channels(lifecycle: World) -> None:
    """The held 转发 row says what to write instead: 单篇采用, 综合采用 or 转送."""
    listed = lifecycle.calls["quarantine-list"].stdout
    lines = [cells for cells in table_rows(listed) if FEEDBACK_FILE in cells]
    assert len(lines) == 1
    reason = " ".join(lines[0])
    assert all(word in reason for word in ("单篇采用", "综合采用", "转送"))
