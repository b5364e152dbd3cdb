"""The keyword baseline the classifier must beat: theme names and aliases found in the text.

A clerk without a model would tag a submission by the theme words it contains.
This does exactly that, with the seeds' names and aliases: the longest name found
wins (养老服务 before 养老), a level-2 name gives its level 1, and a text naming
no theme gets 其他. Its macro-F1 on the same hold-out sits beside the model's in
``metrics.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqmy_etl import reference
from sqmy_etl.themes.labels import OTHER, Label


@cache
def _keywords() -> tuple[tuple[str, Label], ...]:
    """(word, label) for every level-1 name, level-2 name and alias, longest word first."""
    words: dict[str, Label] = {}
    for l2, l1 in reference.theme_l2_to_l1().items():
        words[l2] = (l1, l2)
    for l1 in reference.theme_l1_names():
        if l1 not in (reference.UNCLASSIFIED_THEME, OTHER):
            words.setdefault(l1, (l1, None))
    for alias in reference.theme_aliases():
        mapped = reference.map_theme(alias)
        if mapped[0] != reference.UNCLASSIFIED_THEME:
            words.setdefault(alias, mapped)
    return tuple(sorted(words.items(), key=lambda item: -len(item[0])))


def keyword_label(text: str) -> Label:
    """The label of the longest theme word in ``text``; 其他 when it names none."""
    for word, label in _keywords():
        if word in text:
            return label
    return OTHER, None


def keyword_labels(texts: Sequence[str]) -> list[Label]:
    """``keyword_label`` of each text."""
    return [keyword_label(t) for t in texts]
