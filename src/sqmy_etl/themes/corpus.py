"""Read submissions for the theme tools straight from ``raw.submissions``.

The tools run before dbt builds (suggestions are part of the transform), so they
cannot read the marts of the build they feed. Each submission is taken as its
latest non-empty values by delivery order — the merge rule of CONTRACT §1 — and
dbt then keeps only what still counts (a retracted delivery's rows drop out when
the suggestions are joined to the current submissions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqmy_etl.themes.features import document
from sqmy_etl.themes.hot_topics import TopicText
from sqmy_etl.themes.labels import Label, parse_theme
from sqmy_etl.themes.train import LabelledText

if TYPE_CHECKING:
    import duckdb

_LATEST = """
SELECT
    submission_id,
    max_by(received_date, [ingest_seq, source_sheet_no, source_row]) AS received_date,
    max_by(title, [ingest_seq, source_sheet_no, source_row]) FILTER (WHERE title IS NOT NULL),
    max_by(content, [ingest_seq, source_sheet_no, source_row]) FILTER (WHERE content IS NOT NULL),
    max_by(unit, [ingest_seq, source_sheet_no, source_row]) FILTER (WHERE unit IS NOT NULL),
    max_by(region, [ingest_seq, source_sheet_no, source_row]) FILTER (WHERE region IS NOT NULL),
    max_by(theme, [ingest_seq, source_sheet_no, source_row])
        FILTER (WHERE theme IS NOT NULL AND theme <> '未分类')
FROM raw.submissions
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
    """Every submission id in raw with its latest values, oldest first."""
    rows = con.execute(_LATEST).fetchall()
    return [CurrentSubmission(*row[:6], parse_theme(row[6])) for row in rows]


def labelled(submissions: list[CurrentSubmission]) -> list[LabelledText]:
    """The submissions a clerk gave a known theme: the training data."""
    return [
        LabelledText(s.submission_id, s.received_date, s.text, s.label)
        for s in submissions
        if s.label is not None and s.text
    ]
