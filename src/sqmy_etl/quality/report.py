"""Write the data-quality report (HTML, Chinese) from the dbt ``quality`` views.

The views (dbt/models/quality) hold only ids, counts, file names, rule codes
and values as written for regions, themes and levels: never names, phone or
ID-card numbers, content or quarantined row bodies. The warehouse is read
under the writer lock, because DuckDB refuses a reader while a writer has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqmy_etl.config import SHANGHAI, Settings, today_shanghai
from sqmy_etl.warehouse.db import writer_lock

VIEWS = (
    "dq_ingest_freshness",
    "dq_quarantine_by_reason",
    "dq_rejected_files",
    "dq_file_notes",
    "dq_unmapped_values",
    "dq_orphan_feedback",
    "dq_near_duplicate_pairs",
)
FIELD_LABELS = {
    "region": "地区",
    "submission_theme": "来稿主题",
    "issue_theme": "编发主题",
    "feedback_level": "批示级别",
}
NOTE_LABELS = {"unrecognised_sheet": "未识别的工作表"}


class QualityReportUnavailable(RuntimeError):
    """The warehouse has no quality views yet: transform has not run."""


@dataclass(frozen=True)
class Freshness:
    last_ingested: datetime | None
    days_since: int | None
    warn_after_days: int

    @property
    def is_stale(self) -> bool:
        return self.days_since is None or self.days_since > self.warn_after_days


def _fetch(con: Any, view: str) -> list[dict[str, Any]]:
    cursor = con.execute(f"SELECT * FROM quality.{view}")
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def collect_quality(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Every quality view as a list of rows, read from the warehouse under the writer lock."""
    import duckdb

    if not settings.warehouse.exists():
        raise QualityReportUnavailable(f"no warehouse at {settings.warehouse}: run ingest first")
    with writer_lock(settings):
        con = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            present = {
                row[0]
                for row in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'quality' "
                    "UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'quality'"
                ).fetchall()
            }
            missing = [v for v in VIEWS if v not in present]
            if missing:
                raise QualityReportUnavailable(
                    f"quality views missing ({', '.join(missing)}): run `sqmy transform` first"
                )
            return {view: _fetch(con, view) for view in VIEWS}
        finally:
            con.close()


def _freshness(totals: dict[str, Any]) -> Freshness:
    last = totals["last_ingested_at"]
    if last is None:
        return Freshness(None, None, totals["warn_after_days"])
    last_local = last.astimezone(SHANGHAI)
    days = (today_shanghai() - last_local.date()).days
    return Freshness(last_local, days, totals["warn_after_days"])


def render_quality_report(data: dict[str, list[dict[str, Any]]]) -> str:
    """The report as one self-contained HTML page."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("sqmy_etl.quality", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    totals = data["dq_ingest_freshness"][0]
    return env.get_template("quality.html.j2").render(
        today=today_shanghai(),
        totals=totals,
        freshness=_freshness(totals),
        field_labels=FIELD_LABELS,
        note_labels=NOTE_LABELS,
        **{view: rows for view, rows in data.items() if view != "dq_ingest_freshness"},
    )


def write_quality_report(settings: Settings) -> Path:
    """Write ``reports/quality/data-quality-<today>.html`` (atomically) and return its path."""
    html = render_quality_report(collect_quality(settings))
    out_dir = settings.reports / "quality"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"data-quality-{today_shanghai().isoformat()}.html"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
