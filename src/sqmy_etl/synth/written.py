"""How offices write regions, themes, ids and issue numbers — typed here by hand.

The messy plan writes a value in one of these forms and tells the truth the
value it *means*. The meanings are typed from DOMAIN.md and CONTRACT §1, not
read from the dbt seeds the pipeline maps with: if a seed or the county list
mapped a form wrongly, the pipeline and the truth would disagree and the
end-to-end test would say so.
"""

from __future__ import annotations

from sqmy_etl.synth.forms import Cell

# region → the other ways it is written: aliases, old names, the name without its
# 盟/市, a body of the region, a county-level unit in it, a GB/T 2260 code
REGION_FORMS: dict[str, tuple[Cell, ...]] = {
    "自治区本级": ("区直", "自治区"),
    "呼和浩特市": ("呼市", "呼和浩特"),
    "包头市": ("包头",),
    "乌海市": ("乌海",),
    "赤峰市": ("赤峰", "昭乌达盟", "赤峰市政协", "150400"),
    "通辽市": ("通辽", "哲里木盟"),
    "鄂尔多斯市": ("鄂市", "鄂尔多斯", "伊克昭盟", "准格尔旗"),
    "呼伦贝尔市": ("呼伦贝尔", "满洲里市", 150781),  # 150781: 满洲里市, typed as a number
    "巴彦淖尔市": ("巴市", "巴彦淖尔", "巴彦淖尔盟"),
    "乌兰察布市": ("乌兰察布", "乌盟"),
    "兴安盟": ("兴安盟政协委员会",),
    "锡林郭勒盟": ("锡盟", "锡林郭勒", "二连浩特市"),
    "阿拉善盟": ("阿盟", "阿拉善"),
}
# written where the region is outside Inner Mongolia: no 盟市, so 未知
UNKNOWN_REGIONS = ("区外",)

# theme (its level-2 name) → forms meaning it: DOMAIN.md aliases, then the written
# forms of CONTRACT §1 (a trailing 类, level 1 and level 2 joined by / - or brackets)
THEME_FORMS: dict[str, tuple[str, ...]] = {
    "医疗卫生": ("医疗", "卫生"),
    "就业创业": ("就业",),
    "社会保障": ("社保",),
    "养老服务": ("养老", "民生（养老）"),
    "住房保障": ("住房",),
    "供暖供气": ("供暖", "取暖", "民生-供暖"),
    "食品药品安全": ("食品安全",),
    "污染防治": ("环保",),
    "农牧业": ("农业",),
    "民族工作": ("民族",),
    "教育": ("教育类", "民生/教育"),
}
# level-1 name → forms meaning that level 1 (without a level 2)
L1_FORMS: dict[str, tuple[str, ...]] = {
    "民生": ("民生类",),
    "生态环境": ("生态",),
    "经济发展": ("经济",),
    "乡村振兴": ("三农",),
}
# the written forms offices use for an issue's 分类: (written, its level 1, its level 2)
ISSUE_THEME_FORMS: tuple[tuple[str, str, str | None], ...] = (
    ("民生类", "民生", None),
    ("教育类", "民生", "教育"),
    ("民生/教育", "民生", "教育"),
    ("民生-供暖", "民生", "供暖供气"),
    ("民生（养老）", "民生", "养老服务"),
)
# written where the clerk had no category: no theme, so 未分类
UNKNOWN_THEMES = ("综合", "其它")

# the bulletin's cumulative number of its first issue of 2021 minus one: 第1期 is 总第1733期
CUMULATIVE_BEFORE = 1732

FULL_WIDTH_OFFSET = 0xFEE0  # ASCII ! … ~ → full-width ！ … ～, as a Chinese IME types them


def id_variant(submission_id: str, k: int) -> str:
    """One submission id as a clerk re-types it: lower case, a space for the dash, or
    full-width; all three are the same submission (CONTRACT §1 "Submission ids")."""
    forms = (
        submission_id.lower(),
        submission_id.replace("-", " "),
        "".join(chr(ord(c) + FULL_WIDTH_OFFSET) if "!" <= c <= "~" else c for c in submission_id),
    )
    return forms[k % len(forms)]


def with_cumulative(number: str, seq: int) -> str:
    """``2021年第37期`` → ``2021年第37期（总第1769期）``: the number the bulletin prints."""
    return f"{number}（总第{seq + CUMULATIVE_BEFORE}期）"


def typo_of(seq: int) -> int:
    """The number a doubled keystroke makes of ``seq`` (312 → 3122): no real issue has it."""
    return int(f"{seq}{seq % 10}")
