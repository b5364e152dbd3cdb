"""Theme labels: a theme as written → (level 1, level 2), the way the ledgers read it.

The review sheet and the generator's corpus both carry themes as a clerk writes
them: a level-2 or level-1 name, an alias, ``民生类``, ``民生/教育``,
``民生（养老）``. The warehouse maps ledger themes in dbt
(``int_theme_names``); this reads the same seeds for the places where
Python meets a written theme before dbt does.
"""

from __future__ import annotations

import re
import unicodedata

from sqmy_etl import reference

_SUFFIXES = ("类别", "问题", "类")
_PARTS = re.compile(r"^([^(\[【〔/:：·・\-—–－]+)[(\[【〔/:：·・\-—–－]+([^)\]】〕/:：·・\-—–－]+)")

Label = tuple[str, str | None]
OTHER = "其他"  # the level 1 without level 2


def _one(name: str) -> Label | None:
    """A single name (no joiner): canonical, alias, or either with a 类 / 问题 suffix."""
    for candidate in (
        name,
        *(name[: -len(s)] for s in _SUFFIXES if name.endswith(s) and len(name) > len(s)),
    ):
        mapped = reference.map_theme(candidate)
        if mapped[0] != reference.UNCLASSIFIED_THEME:
            return mapped
    return None


def parse_theme(written: str | None) -> Label | None:
    """(theme_l1, theme_l2) of a theme as written, None when blank, 未分类 or unknown.

    Two parts joined by ``/ - ： ·`` or brackets give level 1 from the first part
    and level 2 from the second when it names a level 2 of that level 1.
    """
    if not written:
        return None
    name = unicodedata.normalize("NFKC", written).strip()
    if not name or name == reference.UNCLASSIFIED_THEME:
        return None
    whole = _one(name)
    if whole is not None:
        return whole
    match = _PARTS.match(name)
    if match is None:
        return None
    first, second = _one(match.group(1)), _one(match.group(2))
    if first is None:
        return None
    if second is not None and second[0] == first[0] and second[1] is not None:
        return second
    return first[0], None


def l2_key(label: Label) -> str:
    """The level-2 class of a label: its level-2 name, or its level-1 name when it has none
    (其他). Only labels whose level 2 is known or cannot exist train the level-2 model."""
    return label[1] or label[0]


def has_l2(label: Label) -> bool:
    """Whether a label can train or score level 2: its level 2 is known, or it is 其他."""
    return label[1] is not None or label[0] == OTHER


def l1_of_key(key: str) -> str:
    """Level 1 of a level-2 class (a level-2 name, or a level-1 name standing for itself)."""
    return reference.theme_l2_to_l1().get(key, key)


def accepted_themes() -> list[str]:
    """Every value a clerk may write in 确认主题, in taxonomy order: ``民生/教育`` forms,
    then the level-1 names (未分类 is not a theme)."""
    pairs = [f"{l1}/{l2}" for l2, l1 in reference.theme_l2_to_l1().items()]
    return pairs + [
        name for name in reference.theme_l1_names() if name != reference.UNCLASSIFIED_THEME
    ]


def suggestion_text(label: Label) -> str:
    """A label as the review sheet writes it: ``民生/教育``, or the level-1 name alone."""
    return f"{label[0]}/{label[1]}" if label[1] else label[0]
