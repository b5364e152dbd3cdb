"""Golden scenarios V01–V12: how cell values are read (CONTRACT.md §1 Values, themes).

Every expected figure is counted by hand from the rows typed in ledgers.py.
"""

from __future__ import annotations

import pytest

from tests.scenarios.conftest import World


def _themes(rows: dict[str, dict]) -> dict[str, tuple[str, str | None]]:
    return {k: (v["theme_l1"], v["theme_l2"]) for k, v in rows.items()}


def test_v01_theme_written_forms_on_submissions(world: World) -> None:
    """民生类, 教育类, 民生/教育, 民生-供暖, 民生（养老）, 经济发展问题 read as taxonomy themes."""
    assert _themes(world.submissions("VA-")) == {
        "VA-001": ("民生", None),  # 民生类: trailing 类 dropped
        "VA-002": ("民生", "教育"),  # 教育类: a level-2 implies 民生
        "VA-003": ("民生", "教育"),
        "VA-004": ("民生", "供暖供气"),  # 供暖 is an alias of 供暖供气
        "VA-005": ("民生", "养老服务"),  # 养老 is an alias of 养老服务
        "VA-006": ("经济发展", None),  # trailing 问题 dropped
    }
    assert world.period("2000", "民生")["submissions_received"] == 5  # VA-001..005
    assert world.period("2000", "未分类")["submissions_received"] == 0


def test_v02_theme_written_forms_drive_the_instruction_rate(world: World) -> None:
    """Issue 分类 written forms count under 民生 and give the 民生 批示率."""
    minsheng = world.period("2001", "民生")
    assert minsheng["issues_published"] == 5  # 第1–5期 are 民生 in five written forms
    assert minsheng["issues_instructed"] == 2  # 第2期, 第4期
    assert minsheng["instruction_rate"] == pytest.approx(2 / 5)
    everything = world.period("2001")
    assert (everything["issues_published"], everything["issues_instructed"]) == (
        6,
        2,
    )  # + 第6期 经济类
    assert everything["instruction_rate"] == pytest.approx(2 / 6)
    assert world.period("2001", "经济发展")["issues_published"] == 1  # 经济类 → 经济 → 经济发展
    assert world.period("2001", "未分类")["issues_published"] == 0


def test_v03_issue_theme_from_sources_level_one_first(world: World) -> None:
    """No 分类: the most frequent level-1 among sources; 未分类 and blank sources never vote."""
    assert _themes(world.issues("2002-")) == {
        # 生态保护 (生态环境 ×1) vs 教育 + 医疗卫生 (民生 ×2) → 民生;
        # 教育 / 医疗卫生 tie at level 2 → the first listed source's, 教育
        "2002-001": ("民生", "教育"),
        # 未分类 + blank don't vote; 草原保护 is the only vote
        "2002-002": ("生态环境", "草原保护"),
        # its own 分类 wins over its source's 教育
        "2002-003": ("乡村振兴", None),
        # 生态环境 ×1 vs 民生 ×1: tie → the first listed source's (VC-001 生态保护)
        "2002-004": ("生态环境", "生态保护"),
        # 民生 ×3; level 2: 教育 ×1, 医疗卫生 ×2 (医疗卫生, 医疗) → 医疗卫生
        "2002-005": ("民生", "医疗卫生"),
    }
    # 民生: 第1, 5期; 生态环境: 第2, 4期; 乡村振兴: 第3期
    for theme, issues in (("民生", 2), ("生态环境", 2), ("乡村振兴", 1), ("未分类", 0)):
        assert world.period("2002", theme)["issues_published"] == issues, theme


def test_v04_region_written_forms(world: World) -> None:
    """Short names, bodies, county-level units and GB/T 2260 codes map to their 盟市."""
    regions = world.regions(2003)
    expected = {
        "锡林郭勒盟": 1,  # 锡林郭勒
        "阿拉善盟": 1,  # 阿拉善
        "赤峰市": 2,  # 赤峰市政协, 150400
        "呼伦贝尔市": 2,  # 满洲里市, 150781 (满洲里市's code)
        "鄂尔多斯市": 1,  # 准格尔旗
        "兴安盟": 1,  # 兴安盟政协委员会
        "通辽市": 1,  # 哲里木盟 (old name)
        "呼和浩特市": 1,  # 呼市
        "未知": 1,  # 火星市 loads as 未知
    }
    assert {r: regions[r]["submissions_received"] for r in expected} == expected
    codes = {k: v["region_code"] for k, v in world.submissions("VD-").items()}
    assert (codes["VD-006"], codes["VD-007"], codes["VD-009"]) == ("150400", "150700", None)


def test_v05_id_written_forms_are_one_submission(world: World) -> None:
    """ve2004-0001 / VE2004-0001 / "VE2004 0001" are one submission; full-width and _ forms too."""
    received = world.submissions_received_in(2004)
    # the form each id's latest row wrote
    assert sorted(received) == ["VE2004 0001", "VE2004_0002"]
    assert received["VE2004 0001"]["region_name"] == "通辽市"  # the third (latest) row's 盟市
    assert world.period("2004")["submissions_received"] == 2


def test_v06_issue_number_forms(world: World) -> None:
    """第38期（总第612期） keeps sequence 38; yearless forms take the 编发 year."""
    issues = world.issues("2005-")
    assert sorted(issues) == ["2005-038", "2005-039", "2005-040", "2005-041", "2005-042"]
    assert issues["2005-038"]["issue_seq"] == 38  # never 612, the 总第 number
    assert world.period("2005")["issues_published"] == 5


def test_v07_yearless_issue_no_is_the_latest_published(world: World) -> None:
    """第5期 on a 批示 means the latest 第5期 published on or before the 批示日期."""
    dates = {
        r["issue_id"]: r["feedback_date"] for r in world.feedback("2006-") + world.feedback("2007-")
    }
    # 2007-01-15 is before 2007年第5期 (2007-02-20): 2006年第5期; 2007-03-01 is after it
    assert dates == {"2006-005": "2007-01-15", "2007-005": "2007-03-01"}
    assert (
        world.issues("2006-")["2006-005"]["days_to_first_instruction"] == 320
    )  # 2006-03-01 → 2007-01-15
    for year in ("2006", "2007"):
        row = world.period(year)
        assert (row["issues_published"], row["issues_instructed"], row["instructions_total"]) == (
            1,
            1,
            1,
        )


def test_v08_yearless_issue_no_reaches_back_365_days(world: World) -> None:
    """A yearless 期号 resolves across a year end within 365 days, and is an orphan beyond."""
    year = world.period("2008")
    assert year["issues_published"] == 2  # 第7期, 第8期
    assert (
        year["issues_instructed"] == 1
    )  # 第7期: 26 days before its 批示; 第8期: 371 days → orphan
    assert year["instructions_total"] == 1
    assert [r["issue_id"] for r in world.feedback("2008-")] == ["2008-007"]
    assert world.feedback("2009-") == []  # the orphan is not counted on a made-up 2009 issue


def test_v09_same_instruction_in_ledger_and_export_counts_once(world: World) -> None:
    """副主席 级别 blank (ledger) and 自治区政府副主席 自治区级 (JSON), one day: one 批示."""
    rows = world.feedback("2010-")
    assert len(rows) == 1
    assert rows[0]["level"] == "自治区级"  # the only level given
    year = world.period("2010")
    assert (year["issues_instructed"], year["instructions_total"]) == (1, 1)
    assert world.issues("2010-")["2010-001"]["highest_instruction_level"] == "自治区级"


def test_v10_chairman_and_vice_chairman_on_one_day_are_two(world: World) -> None:
    """主席 and 副主席 on the same issue and day are two 批示."""
    assert len(world.feedback("2011-")) == 2
    year = world.period("2011")
    assert (year["issues_instructed"], year["instructions_total"]) == (1, 2)


def test_v11_adoption_is_never_an_instruction(world: World) -> None:
    """采用 / 采纳 / 录用 are adoptions; only 批示 (or a blank 类型) counts as an instruction."""
    types = sorted(r["feedback_type"] for r in world.feedback("2012-"))
    # 第1期 批示 and 第4期 blank 类型 → 批示; 采用, 采纳, 录用 → 采用
    assert types == ["批示", "批示", "采用", "采用", "采用"]
    year = world.period("2012")
    assert year["issues_instructed"] == 2  # 第1期, 第4期
    assert year["instructions_total"] == 2


def test_v11_national_adoption_needs_the_national_level(world: World) -> None:
    """Only a 国家级 采用 is an adoption by 全国政协; a 自治区级 录用 is not."""
    # 第1期 采用 国家级, 第2期 采纳 国家级; 第3期 录用 自治区级 is not national
    assert world.period("2012")["issues_adopted_national"] == 2
    national = {k: v["is_adopted_national"] for k, v in world.issues("2012-").items()}
    assert national == {"2012-001": True, "2012-002": True, "2012-003": False, "2012-004": False}


def test_v12_date_written_forms(world: World) -> None:
    """Date strings, date cells, Excel serials and a 1904-system workbook give calendar dates."""
    received = {k: v["received_date"] for k, v in world.submissions("VL-").items()}
    assert received == {
        "VL-001": "2013-03-18",  # 2013/3/18
        "VL-002": "2013-04-02",  # 2013.4.2
        "VL-003": "2013-05-06",  # 2013年5月6日
        "VL-004": "2013-06-07",  # 20130607
        "VL-005": "2013-07-08",  # a date cell
        "VL-006": "2013-05-20",  # serial 41414 = 41275 (2013-01-01) + 139
        "VL-007": "2013-08-09",  # with a time of day
        "VL-008": "2013-09-10",  # date cells of a 1904-system workbook
        "VL-009": "2013-10-11",
    }
