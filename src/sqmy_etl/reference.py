"""Reference data (taxonomy, regions, sectors) read from the dbt seeds.

The seeds in ``dbt/seeds/`` are the single source: dbt maps values with
them in SQL, and Python (generator, reports) reads the same files here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqmy_etl.config import Settings

UNKNOWN_REGION = "未知"
UNCLASSIFIED_THEME = "未分类"
ALL_THEMES = "全部"
MINSHENG = "民生"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    population_10k: int


def _read_seed(name: str) -> list[dict[str, str]]:
    seeds = Settings.from_env().dbt_dir / "seeds"
    with Path(seeds, f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def theme_l2_to_l1() -> dict[str, str]:
    """Level-2 theme name → its level-1 name, in taxonomy order."""
    return {row["theme_l2"]: row["theme_l1"] for row in _read_seed("theme_taxonomy")}


@cache
def theme_l1_names() -> list[str]:
    """Level-1 names in display order, including 其他 and 未分类."""
    return [row["theme_l1"] for row in _read_seed("theme_l1")]


@cache
def theme_aliases() -> dict[str, str]:
    return {row["alias"]: row["theme_name"] for row in _read_seed("theme_aliases")}


def map_theme(text: str | None) -> tuple[str, str | None]:
    """(theme_l1, theme_l2) for a theme as written; unknown or blank → ('未分类', None)."""
    if not text:
        return UNCLASSIFIED_THEME, None
    name = theme_aliases().get(text, text)
    l2_to_l1 = theme_l2_to_l1()
    if name in l2_to_l1:
        return l2_to_l1[name], name
    if name in theme_l1_names() and name != UNCLASSIFIED_THEME:
        return name, None
    return UNCLASSIFIED_THEME, None


@cache
def regions() -> list[Region]:
    """The 12 盟市 plus 自治区本级, in GB/T 2260 order."""
    return [
        Region(row["region_code"], row["region_name"], int(row["population_10k"]))
        for row in _read_seed("regions")
    ]


@cache
def region_aliases() -> dict[str, str]:
    return {row["alias"]: row["region_name"] for row in _read_seed("region_aliases")}


def map_region(text: str | None) -> tuple[str | None, str]:
    """(region_code, region_name) for a region as written; unknown or blank → (None, '未知')."""
    by_name = {r.name: r for r in regions()}
    name = region_aliases().get(text or "", text or "")
    region = by_name.get(name)
    return (region.code, region.name) if region else (None, UNKNOWN_REGION)


@cache
def sector_groups() -> dict[str, str]:
    """Sector → its group (党派, 人民团体, 界别, 盟市政协), in seed order."""
    return {row["sector"]: row["sector_group"] for row in _read_seed("sectors")}


def sectors() -> list[str]:
    return list(sector_groups())
