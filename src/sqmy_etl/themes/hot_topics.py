"""Hot topics (热点): the same problem raised by several units or regions in one period.

Submissions of one period are compared on the classifier's text features
(character 1–2-gram TF-IDF, ``features``). Features found in more than
``COMMON_SHARE`` of the period's submissions (and in at least
``COMMON_MIN_DOCUMENTS``) are dropped first: they are the
office's shared boilerplate (究其原因, 为此建议) and the wording of whole themes,
not what makes one problem one problem; without them, two submissions are
similar when they share the rare words of a specific complaint. Pairs at least
``SIMILARITY`` alike are linked, linked submissions form a cluster, and a
cluster is a hot topic when it has at least ``MIN_SUBMISSIONS`` submissions
from at least two units or two regions. Near-duplicates (one text sent twice)
link like any other pair: they are one signal, the cluster is the definition.

Python finds the members; dbt (``mart_hot_topics``) counts them against the
current submissions, so a retracted delivery drops out as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqmy_etl.themes.features import CharNgramTfidf, document

SIMILARITY = 0.6
COMMON_SHARE = 0.2
COMMON_MIN_DOCUMENTS = 10  # in a small period nothing is boilerplate yet
MIN_SHARED = 0.5
MIN_SUBMISSIONS = 4
LINK_ROWS = 1024  # rows of the similarity product computed at once (``_linked``)
PERIOD_TYPES = ("year", "quarter", "month")
# The settings above, part of every stored period fingerprint: a change to any of them
# makes the next refresh search every period again.
RULES = (
    f"similarity={SIMILARITY} common={COMMON_SHARE}/{COMMON_MIN_DOCUMENTS} "
    f"shared={MIN_SHARED} min={MIN_SUBMISSIONS}"
)


@dataclass(frozen=True)
class TopicText:
    """What the finder needs of a submission."""

    submission_id: str
    received_date: date
    title: str | None
    content: str | None
    unit: str | None
    region: str | None


@dataclass(frozen=True)
class HotTopic:
    period_type: str
    period_label: str
    topic_id: str
    label: str  # the title of the member most like the others
    submission_ids: tuple[str, ...]


def period_label(period_type: str, day: date) -> str:
    """``2021``, ``2021-Q3`` or ``2021-07`` (CONTRACT §4 period labels)."""
    if period_type == "year":
        return f"{day.year}"
    if period_type == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def problem_text(text: TopicText) -> str:
    """What a submission says the problem is: its title and the body's first sentence.

    The rest of a body is the office's common stock — causes, and remedies every
    submission of a theme draws on — which would link different problems of one
    theme; the opening names the problem, where and since when.
    """
    opening = (text.content or "").split("。", 1)[0]
    return document(text.title, opening)


def _row_norms(matrix: Any) -> Any:
    import numpy as np

    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())


def clusters(texts: Sequence[TopicText], similarity: float = SIMILARITY) -> list[list[int]]:
    """Groups (indices into ``texts``, two or more) of submissions linked by similar text.

    Cosine similarity over the n-grams two or more submissions share, boilerplate
    dropped, each row rescaled to unit length over those n-grams (so a typo's
    one-off bigrams do not dilute it). A submission with less than ``MIN_SHARED``
    of its weight in shared n-grams links to nothing: two texts that have only a
    character or two in common are not one problem.
    """
    import numpy as np
    from scipy.sparse import csgraph, diags

    if len(texts) < 2:
        return []
    matrix = CharNgramTfidf(min_df=1).fit_transform([problem_text(t) for t in texts])
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    common = (df > COMMON_SHARE * len(texts)) & (df >= COMMON_MIN_DOCUMENTS)
    shared = matrix[:, (df >= 2) & ~common]
    norms = _row_norms(shared)
    scale = np.where(norms >= MIN_SHARED * _row_norms(matrix), 1.0 / np.maximum(norms, 1e-12), 0.0)
    shared = diags(scale) @ shared
    alike = _linked(shared, similarity)
    _, component = csgraph.connected_components(alike, directed=False)
    groups: dict[int, list[int]] = {}
    for index, group in enumerate(component):
        groups.setdefault(int(group), []).append(index)
    return [members for members in groups.values() if len(members) > 1]


def _linked(shared: Any, similarity: float) -> Any:
    """The pairs of rows of ``shared`` whose dot product is at least ``similarity``, as a
    sparse matrix without the diagonal.

    Computed ``LINK_ROWS`` rows at a time, each block thresholded before the next:
    the whole product of a period of 20k texts holds most of its 400M pairs (2.3 GB
    at the first refresh of a 100k warehouse), the few links it keeps fit in a
    few MB. SciPy multiplies each row on its own, so a block's rows are the
    product's rows, value for value.
    """
    from scipy.sparse import coo_matrix, vstack

    transposed = shared.T.tocsr()  # what ``shared @ shared.T`` converts it to
    blocks = []
    for start in range(0, shared.shape[0], LINK_ROWS):
        block = (shared[start : start + LINK_ROWS] @ transposed).tocoo()
        keep = (block.data >= similarity) & (block.row + start != block.col)
        kept = (block.data[keep], (block.row[keep], block.col[keep]))
        blocks.append(coo_matrix(kept, shape=block.shape).tocsr())
    return vstack(blocks, format="csr")


def _representative(texts: Sequence[TopicText], members: list[int]) -> str:
    """The title of the member whose text shares most with the other members'."""
    import numpy as np

    matrix = CharNgramTfidf(min_df=1).fit_transform([problem_text(texts[i]) for i in members])
    centrality = np.asarray((matrix @ matrix.T).sum(axis=1)).ravel()
    best = members[int(centrality.argmax())]
    return texts[best].title or (texts[best].content or "")[:40]


def is_hot(texts: Sequence[TopicText], members: list[int], min_submissions: int) -> bool:
    """Enough submissions, from at least two units or at least two regions."""
    units = {texts[i].unit for i in members if texts[i].unit}
    regions = {texts[i].region for i in members if texts[i].region}
    return len(members) >= min_submissions and (len(units) >= 2 or len(regions) >= 2)


def find_hot_topics(
    texts: Sequence[TopicText],
    period_types: Sequence[str] = PERIOD_TYPES,
    similarity: float = SIMILARITY,
    min_submissions: int = MIN_SUBMISSIONS,
) -> list[HotTopic]:
    """Every hot topic of every period the submissions fall in, biggest first within a
    period; topic ids are ``<period label>-<n>`` (stable for the same input)."""
    topics: list[HotTopic] = []
    for period_type in period_types:
        periods: dict[str, list[int]] = {}
        for index, text in enumerate(texts):
            periods.setdefault(period_label(period_type, text.received_date), []).append(index)
        for label, indices in sorted(periods.items()):
            subset = [texts[i] for i in indices]
            found = [m for m in clusters(subset, similarity) if is_hot(subset, m, min_submissions)]
            found.sort(key=lambda m: (-len(m), min(subset[i].received_date for i in m)))
            for n, members in enumerate(found, start=1):
                ids = tuple(sorted(subset[i].submission_id for i in members))
                topics.append(
                    HotTopic(
                        period_type,
                        label,
                        f"{label}-{n:02d}",
                        _representative(subset, members),
                        ids,
                    )
                )
    return topics
