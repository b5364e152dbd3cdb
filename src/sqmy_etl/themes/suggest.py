"""Suggestions for untagged submissions and hot-topic members, written before dbt builds.

``refresh`` runs in every transform (and as ``sqmy themes suggest``) and brings
``raw.theme_suggestions`` and ``raw.hot_topic_members`` up to date in one
transaction. It is incremental, and ends where a refresh from empty tables would:

- a suggestion row carries the model version and a hash of the text it was
  predicted from; only untagged submissions without such a row for the current
  model and their current text are predicted (streamed in batches), and rows
  for submissions now tagged, gone or changed are dropped. A new model version
  therefore predicts everything again.
- period sizes are counted in SQL (by month, summed into quarters and years);
  ``raw.hot_topic_periods`` keeps a fingerprint (count and hash of ids, dates,
  texts, units, regions, and the finder's settings) of every period small
  enough to search; only periods whose fingerprint changed are searched again,
  the others keep their members.

With no usable model the suggestions are left empty, a warning is logged and the
transform goes on: a suggestion never changes a count by itself anyway. Texts
are read only for what is predicted or searched, so a daily batch onto a million
submissions reads a thousand texts, not a million.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqmy_etl.config import Settings
from sqmy_etl.themes import corpus, store
from sqmy_etl.themes.features import document
from sqmy_etl.themes.hot_topics import (
    PERIOD_TYPES,
    RULES,
    HotTopic,
    TopicText,
    find_hot_topics,
    period_label,
)
from sqmy_etl.warehouse.db import scalar_int

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

log = logging.getLogger(__name__)

# A period with more submissions than this is not searched for hot topics: similarity
# over all pairs grows with the square of the period (a year at national scale), and a
# "hot topic" among 100k items of a year says nothing a month's list does not.
MAX_PERIOD_SIZE = 20_000
# Texts read per query (they are aggregated whole first) and predicted per call (the
# features of a batch are in memory at once, ~25 kB a submission): both bound the memory
# of a new model's first refresh, whatever the number of untagged submissions.
TEXT_CHUNK = 50_000
PREDICT_BATCH = 5_000

_MONTH = "date_trunc('month', received_date)::DATE"
_IN_MONTHS = f"{_MONTH} IN (SELECT unnest($months::DATE[]))"  # $months: first days
Period = tuple[str, str]  # (period type, period label)

# Untagged submissions with a text and no suggestion of $version for that text.
_TO_PREDICT = """
SELECT c.submission_id
FROM theme_current AS c JOIN theme_texts AS t USING (submission_id)
WHERE NOT c.tagged AND t.has_text AND NOT EXISTS (
    SELECT 1 FROM raw.theme_suggestions AS s
    WHERE s.submission_id = c.submission_id
      AND s.model_version = $version AND s.text_hash = t.text_hash
)
"""


@dataclass(frozen=True)
class RefreshResult:
    suggestions: int  # rows in raw.theme_suggestions after the refresh
    hot_topics: int  # hot topics in raw.hot_topic_members after the refresh
    model_version: str | None
    warning: str | None
    predicted: int = 0  # submissions predicted by this refresh
    periods_searched: int = 0  # periods searched for hot topics by this refresh


@dataclass(frozen=True)
class _Suggestions:
    version: str | None  # rows of other versions are dropped (None: all rows)
    new: pa.Table | None
    warning: str | None = None


@dataclass(frozen=True)
class _HotTopics:
    fingerprints: dict[Period, str]  # every period small enough to search
    kept: list[Period]  # periods whose members stay
    topics: list[HotTopic]  # of the periods searched again


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> int:
    return scalar_int(con, f"SELECT count(*) FROM ({sql})", params)


def _suggestion_rows(model: store.LoadedModel, batch: pa.RecordBatch) -> pa.Table:
    """Rows of raw.theme_suggestions for a batch of ``latest_texts`` (those whose text has
    something to judge once digits and punctuation are dropped)."""
    import pyarrow as pa

    rows = batch.to_pydict()
    docs = [document(t, c) for t, c in zip(rows["title"], rows["content"], strict=True)]
    keep = [i for i, doc in enumerate(docs) if doc]
    predicted = model.classifier.predict([docs[i] for i in keep])
    return pa.table(
        {
            "submission_id": [rows["submission_id"][i] for i in keep],
            "suggested_l1": [p.theme_l1 for p in predicted],
            "suggested_l2": pa.array([p.theme_l2 for p in predicted], pa.string()),
            "confidence": pa.array([p.confidence for p in predicted], pa.float64()),
            "model_version": [model.version] * len(keep),
            "text_hash": pa.array([rows["text_hash"][i] for i in keep], pa.uint64()),
        }
    )


def _predict(con: duckdb.DuckDBPyConnection, model: store.LoadedModel) -> pa.Table | None:
    """Suggestions for every submission ``_TO_PREDICT`` names: texts read ``TEXT_CHUNK`` ids
    at a time, predicted ``PREDICT_BATCH`` at a time; the result holds ids, labels and
    hashes, no text."""
    import pyarrow as pa

    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE theme_to_predict AS
        SELECT submission_id, (row_number() OVER () - 1) // {TEXT_CHUNK} AS chunk
        FROM ({_TO_PREDICT})
        """,
        {"version": model.version},
    )
    (chunks,) = con.execute("SELECT coalesce(max(chunk) + 1, 0) FROM theme_to_predict").fetchone()
    parts = []
    for chunk in range(chunks):
        texts = corpus.latest_texts(
            con, "SELECT submission_id FROM theme_to_predict WHERE chunk = $chunk", {"chunk": chunk}
        ).to_arrow_table()
        parts += [_suggestion_rows(model, batch) for batch in texts.to_batches(PREDICT_BATCH)]
    return pa.concat_tables(parts) if parts else None


def _suggestions(settings: Settings, con: duckdb.DuckDBPyConnection) -> _Suggestions:
    """What to keep and what to add; the model is loaded only when something is new."""
    untagged = "SELECT 1 FROM theme_current JOIN theme_texts USING (submission_id) "
    if not _count(con, untagged + "WHERE NOT tagged AND has_text"):
        return _Suggestions(None, None)
    version = store.current_version(settings)
    if not _count(con, _TO_PREDICT, {"version": version}):
        return _Suggestions(version, None)
    try:
        model = store.load_current(settings)
    except store.ModelUnavailable as exc:
        return _Suggestions(None, None, f"未生成主题建议：{exc}")
    return _Suggestions(model.version, _predict(con, model))


def _month_sizes(con: duckdb.DuckDBPyConnection) -> dict[date, int]:
    """Submissions per month (by its first day), counted in SQL."""
    rows = con.execute(f"SELECT {_MONTH}, count(*) FROM theme_current GROUP BY 1").fetchall()
    return dict(rows)


def _periods_of(day: date) -> list[Period]:
    """The year, quarter and month a day falls in."""
    return [(kind, period_label(kind, day)) for kind in PERIOD_TYPES]


def _period_sizes(months: dict[date, int]) -> dict[Period, int]:
    """Submissions per period of every type, summed from the months."""
    sizes: dict[Period, int] = defaultdict(int)
    for month, n in months.items():
        for key in _periods_of(month):
            sizes[key] += n
    return sizes


def _fingerprints(
    con: duckdb.DuckDBPyConnection, sizes: dict[Period, int], small_months: list[date]
) -> dict[Period, str]:
    """A fingerprint of every searchable period, folded from its months' (count, xor of row
    hashes): a period no bigger than ``MAX_PERIOD_SIZE`` has only such months."""
    rows = con.execute(
        f"""
        SELECT {_MONTH}, count(*),
               bit_xor(hash(c.submission_id, c.received_date, t.text_hash, t.unit, t.region))
        FROM theme_current AS c LEFT JOIN theme_texts AS t USING (submission_id)
        WHERE {_IN_MONTHS}
        GROUP BY 1
        """,
        {"months": small_months},
    ).fetchall()
    folded: dict[Period, tuple[int, int]] = {}
    for month, n, xor in rows:
        for key in _periods_of(month):
            count, acc = folded.get(key, (0, 0))
            folded[key] = (count + n, acc ^ xor)
    return {
        key: f"{RULES}|{n}|{xor}"
        for key, (n, xor) in folded.items()
        if sizes[key] <= MAX_PERIOD_SIZE
    }


def _search(
    con: duckdb.DuckDBPyConnection, periods: set[Period], small_months: list[date]
) -> list[HotTopic]:
    """Hot topics of ``periods``, reading the texts of their months only, oldest first (the
    order ``find_hot_topics`` numbers ties by)."""
    months = [m for m in small_months if any(p in periods for p in _periods_of(m))]
    if not months:
        return []
    result = corpus.latest_texts(
        con,
        f"SELECT submission_id FROM theme_current WHERE {_IN_MONTHS}",
        {"months": months},
    )
    texts = sorted(
        (TopicText(*row[:6]) for row in result.fetchall()),
        key=lambda t: (t.received_date, t.submission_id),
    )
    by_period: dict[Period, list[TopicText]] = defaultdict(list)
    for text in texts:
        for key in _periods_of(text.received_date):
            if key in periods:
                by_period[key].append(text)
    topics: list[HotTopic] = []
    for kind, label in sorted(periods):
        topics += find_hot_topics(by_period[kind, label], (kind,))
    return topics


def _hot_topics(
    con: duckdb.DuckDBPyConnection, sizes: dict[Period, int], small_months: list[date]
) -> _HotTopics:
    """Fingerprint the searchable periods, keep those unchanged, search the others."""
    for (kind, label), n in sorted(sizes.items()):
        if n > MAX_PERIOD_SIZE:
            log.info("热点：%s %s 有 %d 篇来稿，超过 %d，未计算", kind, label, n, MAX_PERIOD_SIZE)
    fingerprints = _fingerprints(con, sizes, small_months)
    stored = {
        (kind, label): fingerprint
        for kind, label, fingerprint in con.execute(
            "SELECT period_type, period_label, fingerprint FROM raw.hot_topic_periods"
        ).fetchall()
    }
    kept = [key for key, fingerprint in fingerprints.items() if stored.get(key) == fingerprint]
    changed = set(fingerprints) - set(kept)
    return _HotTopics(fingerprints, kept, _search(con, changed, small_months))


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Append ``rows`` column by column (one statement; ``executemany`` runs one per row)."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    unnested = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
    con.execute(f"INSERT INTO {table} SELECT {unnested}", columns)


def _write(con: duckdb.DuckDBPyConnection, suggestions: _Suggestions, hot: _HotTopics) -> None:
    """Drop what is stale and add what is new, in both tables, in one transaction."""
    members = [
        (t.period_type, t.period_label, t.topic_id, t.label, sid)
        for t in hot.topics
        for sid in t.submission_ids
    ]
    periods = [(kind, label, fp) for (kind, label), fp in sorted(hot.fingerprints.items())]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            """
            DELETE FROM raw.theme_suggestions AS s
            WHERE s.model_version IS DISTINCT FROM $version OR NOT EXISTS (
                SELECT 1 FROM theme_current AS c JOIN theme_texts AS t USING (submission_id)
                WHERE c.submission_id = s.submission_id AND NOT c.tagged
                  AND t.text_hash = s.text_hash
            )
            """,
            {"version": suggestions.version},
        )
        if suggestions.new is not None:
            con.register("theme_new_suggestions", suggestions.new)
            con.execute(
                "INSERT INTO raw.theme_suggestions (submission_id, suggested_l1, suggested_l2, "
                "confidence, model_version, text_hash) SELECT * FROM theme_new_suggestions"
            )
            con.unregister("theme_new_suggestions")
        con.execute(
            "DELETE FROM raw.hot_topic_members "
            "WHERE NOT list_contains($kept::VARCHAR[], period_type || ' ' || period_label)",
            {"kept": [f"{kind} {label}" for kind, label in hot.kept]},
        )
        con.execute("DELETE FROM raw.hot_topic_periods")
        _insert(con, "raw.hot_topic_periods", periods)
        _insert(con, "raw.hot_topic_members", members)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def refresh(settings: Settings, con: duckdb.DuckDBPyConnection) -> RefreshResult:
    """Bring suggestions and hot-topic members up to date with raw (see the module doc)."""
    corpus.snapshot(con)
    months = _month_sizes(con)
    sizes = _period_sizes(months)
    small_months = sorted(m for m, n in months.items() if n <= MAX_PERIOD_SIZE)
    corpus.hash_texts(
        con,
        f"SELECT submission_id FROM theme_current WHERE NOT tagged OR {_IN_MONTHS}",
        {"months": small_months},
    )
    suggestions = _suggestions(settings, con)
    if suggestions.warning:
        log.warning("%s", suggestions.warning)
    hot = _hot_topics(con, sizes, small_months)
    _write(con, suggestions, hot)
    total, version = con.execute(
        "SELECT count(*), any_value(model_version) FROM raw.theme_suggestions"
    ).fetchone()
    (topics,) = con.execute(
        "SELECT count(DISTINCT (period_type, topic_id)) FROM raw.hot_topic_members"
    ).fetchone()
    return RefreshResult(
        total,
        topics,
        version,
        suggestions.warning,
        0 if suggestions.new is None else suggestions.new.num_rows,
        len(hot.fingerprints) - len(hot.kept),
    )


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
