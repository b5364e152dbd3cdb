"""Reference data: taxonomy and region aliases of DOMAIN.md, read from the dbt seeds."""

from __future__ import annotations

import pytest

from sqmy_etl.reference import map_region, map_theme, regions, sectors, theme_l1_names


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("供暖", ("民生", "供暖供气")),
        ("取暖", ("民生", "供暖供气")),
        ("医疗", ("民生", "医疗卫生")),
        ("社保", ("民生", "社会保障")),
        ("食品安全", ("民生", "食品药品安全")),
        ("环保", ("生态环境", "污染防治")),
        ("生态", ("生态环境", None)),
        ("经济", ("经济发展", None)),
        ("三农", ("乡村振兴", None)),
        ("农业", ("乡村振兴", "农牧业")),
        ("民族", ("民族团结", "民族工作")),
        ("青少年心理健康", ("民生", "青少年心理健康")),
        ("民生", ("民生", None)),
        ("其他", ("其他", None)),
        ("外星人", ("未分类", None)),
        ("", ("未分类", None)),
        (None, ("未分类", None)),
    ],
)
def test_theme_aliases_map_to_taxonomy(written: str | None, expected: tuple) -> None:
    """Each DOMAIN.md alias, level-2 and level-1 name maps to its (l1, l2); unknown → 未分类."""
    assert map_theme(written) == expected


@pytest.mark.parametrize(
    ("written", "code", "name"),
    [
        ("呼市", "150100", "呼和浩特市"),
        ("锡盟", "152500", "锡林郭勒盟"),
        ("鄂市", "150600", "鄂尔多斯市"),
        ("包头", "150200", "包头市"),
        ("哲里木盟", "150500", "通辽市"),
        ("昭乌达盟", "150400", "赤峰市"),
        ("伊克昭盟", "150600", "鄂尔多斯市"),
        ("巴彦淖尔盟", "150800", "巴彦淖尔市"),
        ("区直", "150000", "自治区本级"),
        ("兴安盟", "152200", "兴安盟"),
        ("阿盟", "152900", "阿拉善盟"),
        ("北京市", None, "未知"),
        (None, None, "未知"),
    ],
)
def test_region_aliases_map_to_gb2260(written: str | None, code: str | None, name: str) -> None:
    """Region aliases and old names map to the GB/T 2260 code; unknown → 未知 with no code."""
    assert map_region(written) == (code, name)


def test_reference_sizes_match_domain() -> None:
    """12 盟市 plus 自治区本级, 8 level-1 themes plus 未分类, 32 sectors plus 盟市政协."""
    assert len(regions()) == 13
    assert theme_l1_names()[:8] == [
        "民生",
        "经济发展",
        "生态环境",
        "乡村振兴",
        "社会治理",
        "民族团结",
        "文化旅游",
        "其他",
    ]
    assert len(sectors()) == 33
