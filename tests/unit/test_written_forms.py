"""Region and theme written forms, from the raw layer to the published marts.

Offices write 锡林郭勒 for 锡林郭勒盟, 赤峰市政协 for 赤峰市, a 旗 or a
县级市 for its 盟市, a GB/T 2260 code, 民生类 or 民生/教育 for a theme. One
warehouse is built from hand-written raw rows (the raw layer is what ingest
fills: text already NFKC-normalised) and every expected mapping below is typed
by hand. The county seed is checked against counts made by hand from the
GB/T 2260 list of Inner Mongolia, and the script that writes it on rows made
here (the package it reads is a dependency of the ``seeds`` group only).
"""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from collections.abc import Iterator
from types import ModuleType

import pytest

from sqmy_etl.config import PROJECT_ROOT, Settings
from sqmy_etl.transform.build import run_transform
from sqmy_etl.warehouse.db import connect_writer
from tests.unit.homes import scratch_home
from tests.unit.test_transform_scenarios import Delivery, rows, warehouse_rows

COUNTY_SEED = PROJECT_ROOT / "dbt" / "seeds" / "county_regions.csv"

# (submission_id, region as written, theme as written, region_name, region_code, l1, l2)
# fmt: off
SUBMISSIONS = [
    ("WF01", "锡林郭勒", "民生类", "锡林郭勒盟", "152500", "民生", None),
    ("WF02", "阿拉善", "民生/教育", "阿拉善盟", "152900", "民生", "教育"),
    ("WF03", "赤峰市政协", "民生-供暖", "赤峰市", "150400", "民生", "供暖供气"),
    ("WF04", "满洲里市", "民生（养老）", "呼伦贝尔市", "150700", "民生", "养老服务"),
    ("WF05", "准格尔旗", "教育类", "鄂尔多斯市", "150600", "民生", "教育"),
    ("WF06", "150400", "生态问题", "赤峰市", "150400", "生态环境", None),
    ("WF07", "150781", "未分类", "呼伦贝尔市", "150700", "未分类", None),
    ("WF08", "兴安盟政协委员会", "民生:供暖", "兴安盟", "152200", "民生", "供暖供气"),
    ("WF09", "包头市委", "民生·教育", "包头市", "150200", "民生", "教育"),
    ("WF10", "准格尔旗政协", "民生/宇宙", "鄂尔多斯市", "150600", "民生", None),
    ("WF11", "二连浩特市", "宇宙探索", "锡林郭勒盟", "152500", "未分类", None),
    ("WF12", "110000", "生态环境问题", "未知", None, "生态环境", None),
    ("WF13", "150000", "其他类", "自治区本级", "150000", "其他", None),
    ("WF14", "包头", "民生(养老)", "包头市", "150200", "民生", "养老服务"),
    ("WF15", "兴安", "供暖类别", "兴安盟", "152200", "民生", "供暖供气"),
    ("WF16", "内蒙古自治区赤峰市", "民生", "赤峰市", "150400", "民生", None),
    ("WF17", "赤峰市红山区", "民生", "赤峰市", "150400", "民生", None),
    ("WF18", "内蒙古呼和浩特市赛罕区", "民生", "呼和浩特市", "150100", "民生", None),
    ("WF19", "内蒙古自治区政协", "民生", "自治区本级", "150000", "民生", None),
    ("WF20", "赤峰市(红山区)", "民生", "赤峰市", "150400", "民生", None),
    ("WF21", "准格尔旗(鄂尔多斯)", "民生", "鄂尔多斯市", "150600", "民生", None),
    ("WF22", "科右前旗", "民生", "兴安盟", "152200", "民生", None),
    ("WF23", "兴安盟科右中旗", "民生", "兴安盟", "152200", "民生", None),
    ("WF24", "宁城", "民生", "赤峰市", "150400", "民生", None),
    ("WF25", "达茂旗政协", "民生", "包头市", "150200", "民生", None),
]
# (issue_id, 分类 as written, its source, l1, l2)
ISSUES = [
    ("2025-001", "民生(养老)", "WF01", "民生", "养老服务"),
    ("2025-002", "教育类", "WF02", "民生", "教育"),
    ("2025-003", "生态环境问题", "WF03", "生态环境", None),
    ("2025-004", "民生-交通出行", "WF04", "民生", "交通出行"),
]
# (issue seq, 级别 as written, post, level)
LEVELS = [
    (1, "自治区领导", "主席", "自治区级"),
    (2, "省部级", "副主席", "自治区级"),
    (3, "盟市领导", "市长", "盟市级"),
    (4, "国家级领导", "全国政协副主席", "国家级"),
]
# fmt: on


def load_ledgers(con: object) -> None:
    """One submissions ledger, one issues ledger (each issue citing one submission) and one
    批示 on each issue, its 级别 in an office's wording."""
    ledger = Delivery(con, 1, "2025年社情民意信息台账.xlsx")
    ledger.submissions(
        "来稿",
        "region theme",
        [
            (row, sid, "2025-03-01", region, theme)
            for row, (sid, region, theme, *_) in enumerate(SUBMISSIONS, start=2)
        ],
    )
    ledger.issues(
        "编发",
        [
            (row, issue_id, "2025-04-01", None, theme, [source])
            for row, (issue_id, theme, source, *_) in enumerate(ISSUES, start=2)
        ],
    )
    ledger.feedback(
        "批示",
        [
            (row, 2025, seq, "批示", level, post, "2025-04-10")
            for row, (seq, level, post, _) in enumerate(LEVELS, start=2)
        ],
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A home whose warehouse holds the ledgers above, transformed and published once."""
    with scratch_home(tmp_path_factory, "written-forms", "2025-06-30") as settings:
        with connect_writer(settings) as con:
            load_ledgers(con)
        run_transform(settings)
        yield settings


def test_regions_as_written_reach_their_region(built):
    """Short names, bodies, counties (also shortened: 科右前旗, 宁城), a county's body, codes, the
    province before a name, a 盟市 followed by its county and a name before a note in brackets
    map to the 盟市 the table names; another province's code stays 未知."""
    got = rows(built, "SELECT submission_id, region_name, region_code FROM fct_submissions")
    expected = [(sid, name, code) for sid, _, _, name, code, _, _ in SUBMISSIONS]
    assert sorted(got) == expected


def test_themes_as_written_reach_their_level_one_and_two(built):
    """Category words and two-part forms map to (level 1, level 2); 未分类 and an unknown theme
    are 未分类; a second part that names nothing keeps level 1 alone."""
    got = rows(built, "SELECT submission_id, theme_l1, theme_l2 FROM fct_submissions")
    expected = [(sid, l1, l2) for sid, _, _, _, _, l1, l2 in SUBMISSIONS]
    assert sorted(got) == expected


def test_issue_themes_as_written_are_read_the_same_way(built):
    """An issue's own 分类 written 民生(养老), 教育类, 生态环境问题 or 民生-交通出行 is mapped."""
    got = rows(built, "SELECT issue_id, theme_l1, theme_l2 FROM fct_issues")
    assert sorted(got) == [(issue_id, l1, l2) for issue_id, _, _, l1, l2 in ISSUES]


def test_levels_as_offices_word_them_reach_their_level(built):
    """自治区领导 and 省部级 are 自治区级, 盟市领导 盟市级, 国家级领导 国家级 (领导 dropped, then
    the feedback_level_aliases seed)."""
    got = rows(built, "SELECT issue_id, level FROM fct_feedback")
    assert sorted(got) == [(f"2025-00{seq}", level) for seq, _, _, level in LEVELS]


def test_only_values_that_name_nothing_are_reported_unmapped(built):
    """The quality report lists 110000 as the one unknown region and 宇宙探索 as an unknown
    theme; none of the written forms that were read appears there."""
    unmapped = warehouse_rows(
        built, "SELECT field_name, value_as_written FROM quality.dq_unmapped_values"
    )
    assert [value for field, value in unmapped if field == "region"] == ["110000"]
    themes = {value for field, value in unmapped if field != "region"}
    assert "宇宙探索" in themes
    assert themes.isdisjoint({"民生类", "民生/教育", "民生-供暖", "民生（养老）", "生态问题"})


def test_county_seed_holds_the_103_county_level_units_of_inner_mongolia():
    """103 旗县区 and 县级市 under the 12 盟市, counted per 盟市 by hand from GB/T 2260."""
    with COUNTY_SEED.open(encoding="utf-8", newline="") as fh:
        seed = list(csv.DictReader(fh))
    assert len(seed) == 103
    assert Counter(row["region_code"] for row in seed) == {
        "150100": 9, "150200": 9, "150300": 3, "150400": 12, "150500": 8, "150600": 9,
        "150700": 14, "150800": 7, "150900": 11, "152200": 6, "152500": 12, "152900": 3,
    }  # fmt: skip
    by_name = {row["county_name"]: (row["county_code"], row["region_code"]) for row in seed}
    assert by_name["满洲里市"] == ("150781", "150700")
    assert by_name["准格尔旗"] == ("150622", "150600")
    assert by_name["二连浩特市"] == ("152501", "152500")
    assert by_name["乌兰浩特市"] == ("152201", "152200")
    assert "市辖区" not in by_name


def seed_script() -> ModuleType:
    """scripts/make_county_seed.py as a module (scripts/ is not a package)."""
    path = PROJECT_ROOT / "scripts" / "make_county_seed.py"
    spec = importlib.util.spec_from_file_location("make_county_seed", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_script_keeps_county_level_codes_of_the_province_only():
    """From a GB/T 2260 table the script keeps 旗县区 and 县级市 (a 盟's 01 is a city, a 市's 01
    is the 市辖区 placeholder) and drops the province, the 盟市 and other provinces."""
    table = [
        {"adcode": "150000000000", "name": "内蒙古自治区"},
        {"adcode": "150700000000", "name": "呼伦贝尔市"},
        {"adcode": "150701000000", "name": "市辖区"},
        {"adcode": "150781000000", "name": "满洲里市"},
        {"adcode": "152201000000", "name": "乌兰浩特市"},
        {"adcode": "150622000000", "name": "准格尔旗"},
        {"adcode": "110105000000", "name": "朝阳区"},
    ]
    got = seed_script().county_rows(table, {"150000", "150600", "150700", "152200"})
    assert got == [
        ("150622", "准格尔旗", "150600"),
        ("150781", "满洲里市", "150700"),
        ("152201", "乌兰浩特市", "152200"),
    ]


def test_seed_script_refuses_a_county_of_an_unknown_region():
    """A county whose 盟市 code is not in regions.csv stops the script before it writes."""
    table = [{"adcode": "151001000000", "name": "某旗"}]
    with pytest.raises(SystemExit, match="151001"):
        seed_script().county_rows(table, {"150700"})
