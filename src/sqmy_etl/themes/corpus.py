"""Read submissions for the theme tools straight from ``raw.submissions``.

The tools run before dbt builds (suggestions are part of the transform), so they
cannot read the marts of the build they feed. Each submission is taken as its
latest non-empty values in delivery order — the merge rule of CONTRACT §1 — over
the deliveries that count: a file whose latest change is ``replaced`` or
``retracted`` (``raw.delivery_changes``, see ``ingest.deliveries``) is left out,
a re-delivered one is ordered at its re-delivery, as dbt's
``int_deliveries`` does. dbt then joins suggestions and hot-topic members
to the current submissions, so what is left over drops out there too.

At a million submissions the texts are most of the warehouse, so the refresh
does not load them whole: ``snapshot`` keeps one row per submission without
text in a temporary table, ``hash_texts`` adds a hash of the latest title and
content for the submissions the caller names, and ``latest_texts`` reads the
texts themselves only for those it must, a bounded number of ids at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqmy_etl import reference
from sqmy_etl.themes.features import document
from sqmy_etl.themes.hot_topics import TopicText
from sqmy_etl.themes.labels import Label, parse_theme
from sqmy_etl.themes.train import LabelledText

if TYPE_CHECKING:
    import duckdb

UNCLASSIFIED = reference.UNCLASSIFIED_THEME

# Every raw row of a delivery that counts, with its place in the delivery order as one
# number (a re-delivered file at its re-delivery, then sheet position, then row), so
# ``max_by`` compares integers, not lists: delivery and sheet numbers stay far below
# 2**64 and 2**32, rows below 2**32.
_VERSIONS = """
changes AS (
    SELECT file_sha256, arg_max(change, ingest_seq) AS change, max(ingest_seq) AS seq
    FROM raw.delivery_changes
    GROUP BY file_sha256
),
versions AS (
    SELECT
        s.*,
        ((CASE WHEN ch.change = 'redelivered' THEN ch.seq ELSE s.ingest_seq END)::HUGEINT << 64)
            + (coalesce(s.source_sheet_no, 0)::HUGEINT << 32)
            + s.source_row AS delivery_order
    FROM raw.submissions AS s
    LEFT JOIN changes AS ch ON s.ingest_file_sha256 = ch.file_sha256
    WHERE coalesce(ch.change, '') NOT IN ('replaced', 'retracted')
)
"""


def _latest(column: str, condition: str | None = None, value: str | None = None) -> str:
    """The latest non-empty ``column`` (or the latest meeting ``condition``), or of
    ``value`` computed from it (a hash: the aggregate then keeps a number, not a text)."""
    return (
        f"max_by({value or column}, delivery_order) "
        f"FILTER (WHERE {condition or f'{column} IS NOT NULL'}) AS {column}"
    )


_LATEST = f"""
WITH {_VERSIONS}
SELECT
    submission_id,
    max_by(received_date, delivery_order) AS received_date,
    {_latest("title")},
    {_latest("content")},
    {_latest("unit")},
    {_latest("region")},
    {_latest("theme", f"theme IS NOT NULL AND theme <> '{UNCLASSIFIED}'")}
FROM versions
GROUP BY submission_id
ORDER BY received_date, submission_id
"""


@dataclass(frozen=True)
class CurrentSubmission:
    submission_id: str
    received_date: date
    title: str | None
    content: str | None
    unit: str | None
    region: str | None
    label: Label | None  # None: blank, 未分类 or a theme no seed names

    @property
    def text(self) -> str:
        return document(self.title, self.content)

    def as_topic_text(self) -> TopicText:
        return TopicText(
            self.submission_id, self.received_date, self.title, self.content, self.unit, self.region
        )


def current_submissions(con: duckdb.DuckDBPyConnection) -> list[CurrentSubmission]:
    """Every current submission with its latest values and text, oldest first (for training
    and the review sheet; the transform's refresh reads less, see ``snapshot``)."""
    rows = con.execute(_LATEST).fetchall()
    return [CurrentSubmission(*row[:6], parse_theme(row[6])) for row in rows]


def labelled(submissions: list[CurrentSubmission]) -> list[LabelledText]:
    """The submissions a clerk gave a known theme: the training data."""
    return [
        LabelledText(s.submission_id, s.received_date, s.text, s.label)
        for s in submissions
        if s.label is not None and s.text
    ]


def _known_themes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every theme written in raw that names a seed theme (a few dozen values to parse)."""
    written = con.execute(
        "SELECT DISTINCT theme FROM raw.submissions WHERE theme IS NOT NULL"
    ).fetchall()
    return [theme for (theme,) in written if parse_theme(theme) is not None]


def snapshot(con: duckdb.DuckDBPyConnection) -> None:
    """``theme_current`` (temporary): one row per current submission — id, received date
    and ``tagged`` (its latest theme names a seed theme) — and nothing else: at a million
    submissions every column more is seconds more on every transform."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE theme_current AS
        WITH {_VERSIONS},
        latest AS (
            SELECT
                submission_id,
                max_by(received_date, delivery_order) AS received_date,
                {_latest("theme", f"theme IS NOT NULL AND theme <> '{UNCLASSIFIED}'")}
            FROM versions
            GROUP BY submission_id
        )
        SELECT
            submission_id, received_date,
            coalesce(theme IN (SELECT unnest($known::VARCHAR[])), false) AS tagged
        FROM latest
        """,
        {"known": _known_themes(con)},
    )


def hash_texts(con: duckdb.DuckDBPyConnection, ids_sql: str, params: dict | None = None) -> None:
    """``theme_texts`` (temporary): ``submission_id``, ``has_text`` (a title or a content),
    ``text_hash`` (DuckDB's hash of the latest title's and content's hashes), ``unit`` and
    ``region``
    of the submissions ``ids_sql`` selects (a query returning ``submission_id`` from
    ``theme_current``).

    The hash is a change detector stored with suggestions and period fingerprints: a
    DuckDB upgrade that changed it would make one refresh recompute everything, nothing
    worse."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE theme_texts AS
        WITH {_VERSIONS},
        latest AS (
            SELECT
                submission_id,
                {_latest("title", value="hash(title)")},
                {_latest("content", value="hash(content)")},
                {_latest("unit")},
                {_latest("region")}
            FROM versions
            WHERE submission_id IN ({ids_sql})
            GROUP BY submission_id
        )
        SELECT
            submission_id,
            title IS NOT NULL OR content IS NOT NULL AS has_text,
            hash(title, content) AS text_hash,
            unit,
            region
        FROM latest
        """,
        params or {},
    )


def latest_texts(
    con: duckdb.DuckDBPyConnection, ids_sql: str, params: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """The executed query of ``submission_id, received_date, title, content, unit, region,
    text_hash`` for the submissions with a text that ``ids_sql`` selects (as in
    ``hash_texts``, which must have covered them), in no order. The texts are aggregated
    before the first row comes out, so ask for a bounded number of ids at a time."""
    return con.execute(
        f"""
        WITH {_VERSIONS},
        latest AS (
            SELECT submission_id, {_latest("title")}, {_latest("content")}
            FROM versions
            WHERE submission_id IN ({ids_sql})
            GROUP BY submission_id
        )
        SELECT
            c.submission_id, c.received_date, l.title, l.content, t.unit, t.region, t.text_hash
        FROM latest AS l
        JOIN theme_current AS c USING (submission_id)
        JOIN theme_texts AS t USING (submission_id)
        WHERE l.title IS NOT NULL OR l.content IS NOT NULL
        """,
        params or {},
    )
