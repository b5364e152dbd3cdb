"""The clerk's review loop: a sheet of suggestions out, confirmed themes back in.

``sqmy themes review --out FILE.xlsx`` writes one row per suggestion (稿件编号,
标题, 摘要 masked, 建议主题, 置信度, 确认主题 left blank). The clerk fills 确认主题
— copying the suggestion or writing another theme — and delivers the sheet like
any ledger: its headers (稿件编号 + 确认主题) make it a ``theme_reviews`` table,
each confirmed theme is mapped here, a theme no taxonomy name or alias matches
is quarantined with the accepted values listed, and a row left blank sets
nothing. dbt applies the latest confirmation of each untagged submission
(``theme_source = review``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqmy_etl.config import Settings
from sqmy_etl.themes.labels import parse_theme, suggestion_text

if TYPE_CHECKING:
    import pandas as pd

HEADERS = ("稿件编号", "标题", "摘要", "建议主题", "置信度", "确认主题")
SUMMARY_CHARS = 80


@dataclass(frozen=True)
class ReviewRow:
    submission_id: str
    title: str
    summary: str  # the body's opening, phone and ID numbers masked
    suggested: str  # 民生/教育
    confidence: float


def confirmed_columns(
    written: Sequence[str | None] | pd.api.extensions.ExtensionArray,
) -> dict[str, Any]:
    """theme_l1, theme_l2 and ``_theme_error`` (the written theme when it maps to nothing)
    for the 确认主题 cells of a review sheet; blank cells give three NULLs."""
    written = [text if isinstance(text, str) else None for text in written]  # NA → None
    labels = {text: parse_theme(text) for text in set(written) if text is not None}
    l1 = [labels[t][0] if t is not None and labels[t] else None for t in written]
    l2 = [labels[t][1] if t is not None and labels[t] else None for t in written]
    error = [t if t is not None and labels[t] is None else None for t in written]
    return {"theme_l1": l1, "theme_l2": l2, "_theme_error": error}


def _summary(content: str | None) -> str:
    from sqmy_etl.pii import redact_text

    text = redact_text(content or "")
    return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")


def review_rows(settings: Settings) -> list[ReviewRow]:
    """The published suggestions (``fct_theme_suggestions``: untagged, not yet reviewed), with
    title and summary read from the warehouse under the writer lock."""
    import duckdb

    from sqmy_etl.themes.corpus import current_submissions
    from sqmy_etl.warehouse.db import open_warehouse, writer_lock

    published = duckdb.connect(str(settings.published), read_only=True)
    try:
        suggestions = published.execute(
            "SELECT submission_id, suggested_l1, suggested_l2, confidence "
            "FROM fct_theme_suggestions ORDER BY submission_id"
        ).fetchall()
    finally:
        published.close()
    with writer_lock(settings):
        con = open_warehouse(settings, read_only=True)
        try:
            texts = {s.submission_id: s for s in current_submissions(con)}
        finally:
            con.close()
    rows = []
    for submission_id, l1, l2, confidence in suggestions:
        text = texts.get(submission_id)
        rows.append(
            ReviewRow(
                submission_id,
                (text.title if text else None) or "",
                _summary(text.content if text else None),
                suggestion_text((l1, l2)),
                round(float(confidence), 2),
            )
        )
    return rows


def write_review_sheet(rows: Sequence[ReviewRow], out: Path) -> Path:
    """An xlsx a clerk can fill: the six columns, 确认主题 blank and highlighted."""
    import xlsxwriter

    out.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(
        str(out), {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet("主题复核")
    bold = book.add_format({"bold": True})
    fill = book.add_format({"bg_color": "#FFF2CC"})
    sheet.write_row(0, 0, HEADERS, bold)
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, (row.submission_id, row.title, row.summary, row.suggested))
        sheet.write_number(n, 4, row.confidence)
        sheet.write_blank(n, 5, None, fill)
    for column, width in enumerate((16, 40, 60, 18, 8, 18)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    book.close()
    return out
