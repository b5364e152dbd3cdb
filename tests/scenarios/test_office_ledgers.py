"""Golden scenarios O01–O07: layouts and wordings found by trying office ledgers by hand.

Each failed on the commit before these fixes (see README.md); every expected
figure is counted by hand from the rows typed in ledgers.py.
"""

from __future__ import annotations

from tests.scenarios.conftest import World


def test_o01_header_notes_and_line_breaks(world: World) -> None:
    """`稿件\\n编号`, `收稿日期（年月日）`, `盟市(旗县)`, `主题（分类）` under a title: all read."""
    rows = world.submissions("OA-")
    # three rows under the header; the 示例 row (OA-000) is the template's sample
    assert sorted(rows) == ["OA-001", "OA-002", "OA-003"]
    assert rows["OA-002"]["received_date"] == "1990-02-05"  # from 收稿日期（年月日）
    # 盟市(旗县): 赤峰市, 通辽市, 赤峰市
    assert [rows[i]["region_name"] for i in sorted(rows)] == ["赤峰市", "通辽市", "赤峰市"]
    # 主题（分类）: 民生 → 民生/—, 生态环境 → 生态环境/—, 教育 (level 2) → 民生/教育
    themes = [(rows[i]["theme_l1"], rows[i]["theme_l2"]) for i in sorted(rows)]
    assert themes == [("民生", None), ("生态环境", None), ("民生", "教育")]


def test_o02_second_table_under_the_first_is_read_as_its_own_kind(world: World) -> None:
    """An 编发 table under the 来稿 on one sheet gives issues, not submissions or quarantine."""
    assert sorted(world.submissions("OB-")) == ["OB-001", "OB-002"]  # the upper table only
    issues = world.issues("1990-70")
    assert sorted(issues) == ["1990-701", "1990-702"]  # the lower table's two 期号
    assert [issues[i]["submission_count"] for i in sorted(issues)] == [1, 1]  # OB-001, OB-002
    assert world.submissions("OB-")["OB-001"]["issue_id"] == "1990-701"
    # the 编发情况 title row, the lower header and its rows: nothing held back
    assert world.quarantine_rows("来稿编发同表台账.xlsx") == []


def test_o02_quarter_blocks_with_repeated_header(world: World) -> None:
    """一季度 / 二季度 blocks, each titled and headed again: both rows load, no title held."""
    assert sorted(world.submissions("OJ-")) == ["OJ-001", "OJ-002"]
    # 二季度 is a title; 小计 ×2 and the 单位负责人 line are skipped
    assert world.quarantine_rows("分季度来稿台账.xlsx") == []


def test_o03_register_with_issue_columns_counts_every_submission(world: World) -> None:
    """A 来稿登记表 with 期号 + 编发日期 columns: 5 submissions, one issue with 2 sources."""
    rows = world.submissions("OC-")
    assert sorted(rows) == ["OC-001", "OC-002", "OC-003", "OC-004", "OC-005"]  # published or not
    # OC-001 and OC-003 name 第3期 (the year from 编发日期 2026-02-01, written on OC-001's
    # row only); OC-002 and OC-004 have blank 期号, OC-005 has — in both columns
    issue_ids = [rows[i]["issue_id"] for i in sorted(rows)]
    assert issue_ids == ["2026-003", None, "2026-003", None, None]
    issues = world.issues("2026-")
    assert list(issues) == ["2026-003"]
    assert issues["2026-003"]["submission_count"] == 2
    year = world.period("2026")
    assert (year["submissions_received"], year["issues_published"]) == (5, 1)
    regions = world.regions(2026)
    # 赤峰市 OC-001 (published), 包头市 OC-003 (published) + OC-004, 通辽市 OC-002, 乌海市 OC-005
    names = ("赤峰市", "包头市", "通辽市", "乌海市")
    received = {r: regions[r]["submissions_received"] for r in names}
    assert received == {"赤峰市": 1, "包头市": 2, "通辽市": 1, "乌海市": 1}
    published = {r: regions[r]["issues_published"] for r in names}
    assert published == {"赤峰市": 1, "包头市": 1, "通辽市": 0, "乌海市": 0}
    assert world.quarantine_rows("来稿登记含编发情况.xlsx") == []


def test_o04_region_with_province_and_county(world: World) -> None:
    """内蒙古自治区赤峰市, 赤峰市红山区, 呼和浩特市赛罕区 … name their 盟市; a mismatch is 未知."""
    regions = {k: v["region_name"] for k, v in world.submissions("OD-").items()}
    assert regions == {
        "OD-001": "赤峰市",  # 内蒙古自治区 + 赤峰市
        "OD-002": "赤峰市",  # 赤峰市 + its county 红山区
        "OD-003": "呼和浩特市",  # 呼和浩特市 + its county 赛罕区
        "OD-004": "包头市",  # 内蒙古 + 包头市 + its county 昆都仑区
        "OD-005": "自治区本级",  # 内蒙古自治区 + 政协
        "OD-006": "未知",  # 红山区 is 赤峰市's, not 包头市's
        "OD-007": "赤峰市",  # 赤峰市 before the note （红山区）
        "OD-008": "兴安盟",  # 科右前旗 = 科尔沁右翼前旗
        "OD-009": "包头市",  # 达茂旗 (达尔罕茂明安联合旗) + 政协
    }


def test_o05_issue_number_office_forms(world: World) -> None:
    """〔2017〕第40期, 社情民意2017年第45期, 第四十二期, 2017年第十期, 2017年度第46期 are 2017's."""
    expected = ["2017-010", "2017-040", "2017-042", "2017-045", "2017-046"]
    assert sorted(world.issues("2017-")) == expected
    assert world.quarantine_rows("期号公文写法编发台账.xlsx") == []


def test_o06_level_and_type_wording(world: World) -> None:
    """领导批示 / 批示件 are 批示, 全国政协采用 is 采用; 自治区领导 / 省部级 / 盟市领导 are levels.

    A 未采用 row is held back; （以下空白） is skipped.
    """
    rows = sorted(
        (r["issue_id"], r["feedback_type"], r["level"]) for r in world.feedback("1990-80")
    )
    assert rows == [
        ("1990-801", "批示", "自治区级"),  # 领导批示, 自治区领导
        ("1990-802", "采用", "国家级"),  # 全国政协采用, 国家级
        ("1990-803", "批示", "自治区级"),  # 批示件, 省部级
        ("1990-804", "批示", "盟市级"),  # blank 类型, 盟市领导
    ]
    issues = world.issues("1990-80")
    # one 批示 each on 801, 803, 804; 802 was adopted, not instructed
    assert [issues[i]["instruction_count"] for i in sorted(issues)] == [1, 0, 1, 1]
    # 未采用 is held back with a reason; （以下空白） is a footer line, skipped
    assert len(world.quarantine_rows("用语批示台账.xlsx")) == 1


def test_o07_json_feedback_object_and_numeric_issue_no(world: World) -> None:
    """An export with a BOM, 期号 601 as a number and its 批示 as one object counts the 批示;
    an issue list gives every issue."""
    assert world.submissions("OG-")["OG-001"]["issue_id"] == "1990-601"  # year from 1990-06-01
    issues = world.issues("1990-60")
    # 601, 602 and both issues of OG-003's list
    assert sorted(issues) == ["1990-601", "1990-602", "1990-603", "1990-604"]
    assert [issues[i]["instruction_count"] for i in sorted(issues)] == [1, 0, 0, 0]
    assert [r["level"] for r in world.feedback("1990-601")] == ["自治区级"]
    # the record links to the first issue of its list
    assert world.submissions("OG-")["OG-003"]["issue_id"] == "1990-603"


def test_o08_time_headers_and_leader_column(world: World) -> None:
    """编发时间 / 批示时间 name the dates, 批示领导 the post: two leaders, two 批示."""
    issue = world.issues("1990-901")["1990-901"]
    assert issue["published_date"] == "1990-09-01"
    assert issue["instruction_count"] == 2  # 党委书记 and 政府主席 on 1990-09-10
    posts = sorted(r["post"] for r in world.feedback("1990-901"))
    assert posts == ["自治区党委书记", "自治区政府主席"]
