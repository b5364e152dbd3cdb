"""The units (报送单位) of the generated office, and which one a submission comes through.

CONTRACT §5: a unit is an organisation — a 盟市政协, a 民主党派区委, the
工商联, a 专门委员会 of the 自治区政协, a 界别 group or an information point
(直报点) — never the person who wrote the item, so its name is not personal
data. Which 界别 groups and 直报点 exist is the office's roster (the dbt seed
``units.csv``), read here so generated names stay on it; a 界别 or region the
roster has no unit for writes through a 直报点 the roster does not know, as
real ledgers do now and then (the data-quality report lists such units).
"""

from __future__ import annotations

import csv
from functools import cache

from sqmy_etl import reference
from sqmy_etl.config import Settings

FORWARDED_SECTOR = "盟市政协"  # submissions a 盟市 CPPCC forwards
# members of no party or rostered group write through the 专门委员会 whose field the
# item is in; ledgers write a committee by its name or by its long name (an alias)
COMMITTEE_SECTORS = ("中国共产党", "无党派人士")
COMMITTEE_BY_THEME = {
    "民生": "教科卫体委员会",
    "经济发展": "经济委员会",
    "生态环境": "人口资源环境委员会",
    "乡村振兴": "农业和农村委员会",
    "社会治理": "社会和法制委员会",
    "民族团结": "民族和宗教委员会",
    "文化旅游": "文化文史和学习委员会",
    "其他": "提案委员会",
}
COMMITTEE_LONG_NAME = "自治区政协{name}"
UNKNOWN_POINT = "{region}社情民意信息直报点"  # one region's point is not on the roster
UNROSTERED_REGION = "乌海市"
# the democratic parties' usual short names (民革内蒙古区委 …)
PARTY_SHORT = {
    "中国国民党革命委员会": "民革",
    "中国民主同盟": "民盟",
    "中国民主建国会": "民建",
    "中国民主促进会": "民进",
    "中国农工民主党": "农工党",
    "中国致公党": "致公党",
    "九三学社": "九三学社",
    "台湾民主自治同盟": "台盟",
}
CHAMBER = "自治区工商联"


@cache
def roster() -> dict[str, tuple[str, str]]:
    """Roster unit name → (unit_type, region), from the dbt seed."""
    path = Settings.from_env().dbt_dir / "seeds" / "units.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["name"]: (row["unit_type"], row["region"]) for row in csv.DictReader(fh)}


@cache
def _information_point(region: str) -> str | None:
    """The region's first rostered 直报点, if it has one."""
    for name, (unit_type, unit_region) in roster().items():
        if unit_type == "直报点" and unit_region == region:
            return name
    return None


@cache
def unit_of(sector: str, region: str, theme_l1: str) -> tuple[str, str | None]:
    """(unit name as the roster names it, unit type) of a submission from its sector,
    region and theme; a unit the roster does not know has type None."""
    if sector == FORWARDED_SECTOR:
        return f"{region}政协", "盟市政协"
    if sector in PARTY_SHORT:
        return f"{PARTY_SHORT[sector]}内蒙古区委", "民主党派"
    if sector == "工商联":
        return CHAMBER, "工商联"
    group = f"{sector}界别小组"
    if reference.sector_groups().get(sector) == "界别" and group in roster():
        return group, "界别"
    if region == UNROSTERED_REGION and sector not in COMMITTEE_SECTORS:
        return UNKNOWN_POINT.format(region=region), None
    point = _information_point(region)
    if point and sector not in COMMITTEE_SECTORS:
        return point, "直报点"
    return COMMITTEE_BY_THEME[theme_l1], "专门委员会"


def written_unit(unit: str, index: int) -> str:
    """The unit as a ledger row writes it: every other committee row by its long name."""
    if unit in COMMITTEE_BY_THEME.values() and index % 2:
        return COMMITTEE_LONG_NAME.format(name=unit)
    return unit
