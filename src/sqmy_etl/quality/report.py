"""Write the data-quality report (HTML, Chinese) from the dbt ``quality`` views.

The views (dbt/models/quality) hold only ids, counts, file names, rule codes,
values as written for regions, themes and levels, 批示 posts, and the text
of skipped total / footer rows with phone and ID numbers and the names after
填表人 … masked at ingest: never submitter names, content or quarantined row
bodies. Skipped-row text is masked once more here, so a row stored by an
older loader cannot show a number in clear. The warehouse is read under the
writer lock, because DuckDB refuses a reader while a writer has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqmy_etl.config import SHANGHAI, Settings, today_shanghai
from sqmy_etl.pii import redact_text
from sqmy_etl.warehouse.db import open_warehouse, writer_lock

VIEWS = (
    "dq_ingest_freshness",
    "dq_quarantine_by_reason",
    "dq_rejected_files",
    "dq_file_notes",
    "dq_unmapped_values",
    "dq_orphan_feedback",
    "dq_near_duplicate_pairs",
    "dq_skipped_rows",
    "dq_possible_replacements",
    "dq_delivery_winners",
    "dq_ambiguous_feedback_pairs",
)
FIELD_LABELS = {
    "region": "地区",
    "submission_theme": "来稿主题",
    "issue_theme": "编发主题",
    "feedback_level": "批示级别",
    "unit": "报送单位（未在名册中）",
    "feedback_body": "采用/办理单位（无法判断级别）",
    "feedback_status": "办理状态",
    "issue_form": "编发形式",
}
NOTE_LABELS = {"unrecognised_sheet": "未识别的工作表"}
SKIP_LABELS = {"total": "小计／合计行", "footer": "表尾说明行"}
TABLE_KIND_LABELS = {
    "submissions": "来稿",
    "issues": "编发",
    "feedback": "批示／采用",
    "theme_reviews": "主题复核",
}
ID_KIND_LABELS = {"submission": "来稿", "issue": "期"}
PAIR_LABELS = {
    "post_blank": "一方未写职务",
    "level_differs": "职务相同、级别不同",
    "post_suffix": "职务一长一短（如 常务副主席／副主席）",
    "several_candidates": "可与多条写法配对，未能确定",
}
# ids listed per group of "which delivery won": enough to find them, bounded for big runs
WINNER_IDS_SHOWN = 200


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
    if not settings.is_lake and not settings.warehouse.exists():
        raise QualityReportUnavailable(f"no warehouse at {settings.warehouse}: run ingest first")
    with writer_lock(settings):
        con = open_warehouse(settings, read_only=True)
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


@dataclass(frozen=True)
class WinnerGroup:
    """Ids of one kind delivered in several files whose current version came from one file."""

    id_kind: str
    winning_file: str
    other_files: str
    ids: list[str]

    @property
    def shown_ids(self) -> str:
        shown = "、".join(self.ids[:WINNER_IDS_SHOWN])
        if len(self.ids) > WINNER_IDS_SHOWN:
            return f"{shown} 等 {len(self.ids)} 个"
        return shown


def _winner_groups(rows: list[dict[str, Any]]) -> list[WinnerGroup]:
    """dq_delivery_winners grouped by (kind, winning file, other files), in first-seen order.

    A resent cumulative ledger makes every id a row of the view; one line per
    group says the same thing readably.
    """
    groups: dict[tuple[str, str, str], list[str]] = {}
    for row in rows:
        key = (row["id_kind"], row["winning_file"], row["other_files"] or "")
        groups.setdefault(key, []).append(str(row["id"]))
    return [WinnerGroup(*key, ids) for key, ids in groups.items()]


def _masked_skipped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "row_text": redact_text(row["row_text"])} for row in rows]


def _kinds_named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``issues,submissions`` → ``编发、来稿`` for dq_possible_replacements."""
    return [
        {
            **row,
            "table_kinds": "、".join(
                TABLE_KIND_LABELS.get(kind, kind) for kind in row["table_kinds"].split(",")
            ),
        }
        for row in rows
    ]


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
    views = {view: rows for view, rows in data.items() if view != "dq_ingest_freshness"}
    views["dq_skipped_rows"] = _masked_skipped(views["dq_skipped_rows"])
    views["dq_possible_replacements"] = _kinds_named(views["dq_possible_replacements"])
    return env.get_template("quality.html.j2").render(
        today=today_shanghai(),
        totals=totals,
        freshness=_freshness(totals),
        field_labels=FIELD_LABELS,
        note_labels=NOTE_LABELS,
        skip_labels=SKIP_LABELS,
        id_kind_labels=ID_KIND_LABELS,
        pair_labels=PAIR_LABELS,
        winner_groups=_winner_groups(views.pop("dq_delivery_winners")),
        **views,
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
