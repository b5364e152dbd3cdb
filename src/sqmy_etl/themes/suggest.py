"""Suggestions for untagged submissions and hot-topic members, written before dbt builds.

``refresh`` runs in every transform (and as ``sqmy themes suggest``): it replaces
``raw.theme_suggestions`` and ``raw.hot_topic_members`` in one transaction. With
no usable model the suggestions are left empty, a warning is logged and the
transform goes on: a suggestion never changes a count by itself anyway.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqmy_etl.config import Settings
from sqmy_etl.themes import store
from sqmy_etl.themes.corpus import CurrentSubmission, current_submissions
from sqmy_etl.themes.hot_topics import PERIOD_TYPES, HotTopic, find_hot_topics, period_label

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

# A period with more submissions than this is not searched for hot topics: similarity
# over all pairs grows with the square of the period (a year at national scale), and a
# "hot topic" among 100k items of a year says nothing a month's list does not.
MAX_PERIOD_SIZE = 20_000


@dataclass(frozen=True)
class RefreshResult:
    suggestions: int
    hot_topics: int
    model_version: str | None
    warning: str | None


def _suggestions(
    settings: Settings, untagged: list[CurrentSubmission]
) -> tuple[list[tuple], str | None, str | None]:
    """(rows for raw.theme_suggestions, model version, warning when there is no model)."""
    if not untagged:
        return [], None, None
    try:
        model = store.load_current(settings)
    except store.ModelUnavailable as exc:
        return [], None, f"未生成主题建议：{exc}"
    predicted = model.classifier.predict([s.text for s in untagged])
    rows = [
        (s.submission_id, p.theme_l1, p.theme_l2, p.confidence, model.version)
        for s, p in zip(untagged, predicted, strict=True)
    ]
    return rows, model.version, None


def _hot_topics(submissions: list[CurrentSubmission]) -> list[HotTopic]:
    """Hot topics of every period small enough to search (see MAX_PERIOD_SIZE)."""
    sizes = Counter(
        (kind, period_label(kind, s.received_date)) for s in submissions for kind in PERIOD_TYPES
    )
    too_big = {key for key, n in sizes.items() if n > MAX_PERIOD_SIZE}
    for kind, label in sorted(too_big):
        log.info(
            "热点：%s %s 有 %d 篇来稿，超过 %d，未计算",
            kind,
            label,
            sizes[kind, label],
            MAX_PERIOD_SIZE,
        )
    topics: list[HotTopic] = []
    texts = [s.as_topic_text() for s in submissions if s.title or s.content]
    for kind in PERIOD_TYPES:
        kept = [t for t in texts if (kind, period_label(kind, t.received_date)) not in too_big]
        topics += find_hot_topics(kept, (kind,))
    return topics


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple], width: int) -> None:
    """Append ``rows`` column by column (one statement; ``executemany`` runs one per row)."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    unnested = ", ".join(f"unnest(${i + 1})" for i in range(width))
    con.execute(f"INSERT INTO {table} SELECT {unnested}", columns)


def refresh(settings: Settings, con: duckdb.DuckDBPyConnection) -> RefreshResult:
    """Recompute suggestions and hot-topic members from raw and replace both tables."""
    submissions = current_submissions(con)
    untagged = [s for s in submissions if s.label is None and s.text]
    rows, version, warning = _suggestions(settings, untagged)
    if warning:
        log.warning("%s", warning)
    topics = _hot_topics(submissions)
    members = [
        (t.period_type, t.period_label, t.topic_id, t.label, sid)
        for t in topics
        for sid in t.submission_ids
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM raw.theme_suggestions")
        con.execute("DELETE FROM raw.hot_topic_members")
        _insert(con, "raw.theme_suggestions", rows, 5)
        _insert(con, "raw.hot_topic_members", members, 5)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return RefreshResult(len(rows), len(topics), version, warning)


def refresh_warehouse(settings: Settings) -> RefreshResult:
    """``refresh`` on the working warehouse; the caller holds the writer lock (the
    transform does, before dbt builds)."""
    from sqmy_etl.warehouse.db import ensure_raw_schema, open_warehouse

    con = open_warehouse(settings)
    try:
        ensure_raw_schema(con)
        return refresh(settings, con)
    finally:
        con.close()
