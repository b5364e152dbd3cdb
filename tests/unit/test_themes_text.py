"""Theme labels as clerks write them, the keyword baseline, and hot-topic clustering —
every expected value typed by hand from the inputs below."""

from __future__ import annotations

from datetime import date

import pytest

from sqmy_etl.themes.baseline import keyword_label
from sqmy_etl.themes.features import CharNgramTfidf, document
from sqmy_etl.themes.hot_topics import TopicText, clusters, find_hot_topics
from sqmy_etl.themes.labels import accepted_themes, parse_theme


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("教育", ("民生", "教育")),
        ("民生/教育", ("民生", "教育")),
        ("民生（养老）", ("民生", "养老服务")),  # alias inside brackets
        ("民生类", ("民生", None)),
        ("医疗", ("民生", "医疗卫生")),  # alias
        ("生态环境-供暖", ("生态环境", None)),  # 供暖 is not a level 2 of 生态环境
        ("其他", ("其他", None)),
        ("未分类", None),
        ("", None),
        (None, None),
        ("火星主题", None),
    ],
)
def test_parse_theme_reads_the_written_forms(written: str | None, expected: tuple | None) -> None:
    """A theme as written maps to (level 1, level 2) the way CONTRACT §1 reads ledger themes."""
    assert parse_theme(written) == expected


def test_accepted_themes_are_all_parseable() -> None:
    """Every value the review sheet lists as accepted is itself read back as a theme."""
    values = accepted_themes()
    assert "民生/教育" in values and "其他" in values and "未分类" not in values
    assert all(parse_theme(v) is not None for v in values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("关于加强养老服务体系建设的建议", ("民生", "养老服务")),  # 养老服务 beats 养老
        ("乡村学校取暖设施老化", ("民生", "供暖供气")),  # alias 取暖
        ("建议优化营商环境", ("经济发展", "营商环境")),
        ("关于城区停车难的反映", ("其他", None)),  # names no theme
    ],
)
def test_keyword_baseline_takes_the_longest_theme_word(text: str, expected: tuple) -> None:
    """The baseline tags a text by the longest taxonomy name or alias in it, else 其他."""
    assert keyword_label(text) == expected


def test_features_drop_digits_and_punctuation_and_match_sklearn() -> None:
    """document() keeps letters only; the n-gram TF-IDF equals scikit-learn's own character
    1–2-gram TfidfVectorizer (sublinear tf), column for column."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    assert document("关于2021年“供暖”问题", "全区3940余人。") == "关于年供暖问题全区余人"
    docs = ["供暖不达标", "供暖价格高", "养老服务难", "养老床位少"]
    ours = CharNgramTfidf(min_df=1)
    matrix = ours.fit_transform(docs).toarray()
    theirs = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    expected = theirs.fit_transform(docs).toarray()
    low = (1 << 21) - 1
    names = [chr(i) if i <= low else chr(i >> 21) + chr(i & low) for i in ours.vocabulary]
    order = [theirs.vocabulary_[name] for name in names]
    assert abs(matrix - expected[:, order]).max() < 1e-6
    # distinct characters: 供暖不达标 + 价格高 + 养老服务难 + 床位少 = 5 + 3 + 5 + 3 = 16;
    # bigrams: 4 per text = 16, minus the two repeated (供暖, 养老) = 14; 16 + 14 = 30
    assert matrix.shape == (4, 30)


# Thirteen titles typed by hand. Which belong together, decided by reading them:
#   A (4): 供暖 room temperature below standard in old estates, from 4 units in 3 regions
#   B (4): 校外培训 prepaid fees not refunded, from 4 units in 4 regions
#   C (4): 电动自行车 charged in stairwells, all from ONE unit in ONE region -> a cluster, not hot
#   the other 2 stand alone (a hot topic needs 4 submissions: MIN_SUBMISSIONS)
_TITLES = [
    ("A1", "老旧小区冬季供暖室温不达标居民挨冻", "包头市社情民意信息直报点", "包头市"),
    ("A2", "老旧小区冬季供暖室温长期不达标问题", "赤峰市政协", "赤峰市"),
    ("A3", "关于老旧小区冬季供暖室温不达标的反映", "中国民主同盟内蒙古自治区委员会", "包头市"),
    ("A4", "老旧小区冬季供暖室温不达标亟待解决", "通辽市政协", "通辽市"),
    ("B1", "校外培训机构卷款跑路预收学费难退还", "呼和浩特市政协", "呼和浩特市"),
    ("B2", "校外培训机构跑路家长预收学费难退", "九三学社内蒙古自治区委员会", "乌海市"),
    ("B3", "关于校外培训机构卷款跑路预收学费退还难的反映", "鄂尔多斯市政协", "鄂尔多斯市"),
    ("B4", "校外培训机构卷款跑路学费难以退还", "巴彦淖尔市政协", "巴彦淖尔市"),
    ("C1", "电动自行车楼道充电火灾隐患突出", "兴安盟政协", "兴安盟"),
    ("C2", "电动自行车楼道充电存在火灾隐患", "兴安盟政协", "兴安盟"),
    ("C3", "关于电动自行车楼道充电火灾隐患的反映", "兴安盟政协", "兴安盟"),
    ("C4", "电动自行车进楼道充电火灾隐患大", "兴安盟政协", "兴安盟"),
    ("D1", "草原禁牧补助标准多年未调整", "锡林郭勒盟政协", "锡林郭勒盟"),
    ("E1", "景区周边餐馆菜价虚高游客投诉多", "阿拉善盟政协", "阿拉善盟"),
]


def _texts() -> list[TopicText]:
    return [
        TopicText(sid, date(2021, 11, 3 + n), title, None, unit, region)
        for n, (sid, title, unit, region) in enumerate(_TITLES)
    ]


def test_similar_titles_cluster_as_read_by_hand() -> None:
    """The finder groups exactly the A, B and C titles and leaves D1 and E1 alone."""
    texts = _texts()
    found = {frozenset(texts[i].submission_id for i in group) for group in clusters(texts)}
    assert found == {
        frozenset({"A1", "A2", "A3", "A4"}),
        frozenset({"B1", "B2", "B3", "B4"}),
        frozenset({"C1", "C2", "C3", "C4"}),
    }


def test_links_computed_in_blocks_are_the_whole_product_thresholded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``_linked`` a few rows at a time gives exactly the entries ``shared @ shared.T`` has
    at or above the cutoff, off the diagonal, with the same values, whatever the block."""
    import numpy as np
    from scipy.sparse import random as sparse_random

    from sqmy_etl.themes import hot_topics

    rng = np.random.default_rng(7)
    for rows, block in ((1, 1), (7, 3), (40, 5), (40, 64), (200, 17)):
        shared = sparse_random(rows, 30, density=0.3, format="csr", random_state=rng)
        shared.data = np.round(shared.data, 1)  # repeated values: many ties at the cutoff
        whole = (shared @ shared.T).toarray()
        expected = {
            (i, j): whole[i, j]
            for i in range(rows)
            for j in range(rows)
            if i != j and whole[i, j] >= 0.5
        }
        monkeypatch.setattr(hot_topics, "LINK_ROWS", block)
        got = hot_topics._linked(shared, 0.5).tocoo()
        assert got.shape == (rows, rows)
        cells = zip(got.row.tolist(), got.col.tolist(), strict=True)
        assert dict(zip(cells, got.data.tolist(), strict=True)) == expected
        assert len(got.data) == len(expected)


def test_hot_topics_need_two_units_or_regions() -> None:
    """A and B are hot topics of 2021-11 (equal size: earliest first); C, one unit in one
    region, is not."""
    topics = find_hot_topics(_texts(), ("month",))
    assert [(t.topic_id, t.submission_ids) for t in topics] == [
        ("2021-11-01", ("A1", "A2", "A3", "A4")),
        ("2021-11-02", ("B1", "B2", "B3", "B4")),
    ]
    assert topics[0].label.startswith("老旧小区冬季供暖室温")
