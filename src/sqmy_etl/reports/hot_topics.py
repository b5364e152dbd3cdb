"""The report's 本期热点问题 section: the period's biggest hot topics from ``mart_hot_topics``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from sqmy_etl.reports.period import Period

TOP_TOPICS = 5


@dataclass(frozen=True)
class HotTopicRow:
    label: str
    submissions: int
    units: int
    regions: int
    first_date: str  # 2021-11-03
    last_date: str
    issues_published: int


def period_hot_topics(con: duckdb.DuckDBPyConnection, period: Period) -> list[HotTopicRow]:
    """The period's hot topics, most submissions first (at most ``TOP_TOPICS``); none when
    the marts predate hot topics."""
    known = con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'mart_hot_topics'")
    if not known.fetchall():
        return []
    rows = con.execute(
        "SELECT label, submissions, units, regions, first_date, last_date, issues_published "
        "FROM mart_hot_topics WHERE period_type = ? AND period_label = ? "
        "ORDER BY submissions DESC, units DESC, first_date, topic_id LIMIT ?",
        [period.kind, period.label, TOP_TOPICS],
    ).fetchall()
    return [
        HotTopicRow(label, n, units, regions, str(first), str(last), issues)
        for label, n, units, regions, first, last, issues in rows
    ]
