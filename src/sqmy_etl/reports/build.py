"""``build_report``: period in, report files out, from the published marts only.

Files are named 社情民意信息工作报告_<period>.<ext> (see ``naming``) and
written atomically: a reader or
the mailer sees the previous file or the finished one, never half of one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from sqmy_etl.config import Settings, today_shanghai
from sqmy_etl.reports.charts import render_charts
from sqmy_etl.reports.data import ReportData, gather_report_data
from sqmy_etl.reports.errors import ReportError
from sqmy_etl.reports.fonts import find_cjk_font
from sqmy_etl.reports.html import render_html
from sqmy_etl.reports.naming import report_filename
from sqmy_etl.reports.pdf import write_pdf
from sqmy_etl.reports.period import Period, parse_period
from sqmy_etl.reports.scores_build import build_scores_report, check_kind
from sqmy_etl.reports.tables import build_tables
from sqmy_etl.reports.xlsx import write_xlsx

FORMATS = ("html", "pdf", "xlsx")
log = logging.getLogger(__name__)


def parse_formats(formats: Iterable[str]) -> list[str]:
    """'html', 'PDF', ' xlsx' → canonical names in the order given, without repeats."""
    wanted: list[str] = []
    for raw in formats:
        for name in raw.split(","):
            fmt = name.strip().lower()
            if fmt and fmt not in wanted:
                wanted.append(fmt)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ReportError(
            f"unknown or missing report format {', '.join(unknown) or '(none)'}: "
            f"choose from {', '.join(FORMATS)}"
        )
    return wanted


def report_path(directory: Path, period: Period, fmt: str) -> Path:
    return directory / report_filename(period, fmt)


def load_report_data(settings: Settings, period: Period) -> ReportData:
    """Open the published marts read-only and gather every figure for ``period``."""
    import duckdb

    marts = settings.published
    if not marts.exists():
        raise ReportError(f"published marts not found at {marts}; run `sqmy transform` first")
    with duckdb.connect(str(marts), read_only=True) as con:
        return gather_report_data(con, period)


def _write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    partial = target.with_name(f".{target.name}.part")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def build_report(
    settings: Settings,
    period: str,
    formats: Iterable[str],
    out: Path | None = None,
    *,
    kind: str = "work",
    reveal_names: bool = False,
) -> list[Path]:
    """Write the report for ``period`` ('2021', '2021-Q3', '2021-07') in the given formats.

    ``kind`` is ``work`` (this module), ``tongbao`` or ``evaluation``
    (``scores_build``). Output goes to ``out`` or ``$SQMY_HOME/reports/<period>/``;
    returns the paths written, in the order the formats were given.
    """
    parsed = parse_period(period)
    wanted = parse_formats(formats)
    kind = check_kind(kind, reveal_names)
    if kind != "work":
        return build_scores_report(
            settings, period, kind, wanted, out, _write_atomically, reveal_names=reveal_names
        )
    needs_html = bool({"html", "pdf"} & set(wanted))
    if needs_html:
        find_cjk_font()
    data = load_report_data(settings, parsed)
    tables = build_tables(data)
    generated_on: date = today_shanghai()
    html = render_html(data, tables, render_charts(data), generated_on) if needs_html else ""
    writers: dict[str, Callable[[Path], None]] = {
        "html": lambda p: p.write_text(html, encoding="utf-8"),
        "pdf": lambda p: write_pdf(html, p),
        "xlsx": lambda p: write_xlsx(data, tables, p, generated_on),
    }
    directory = out if out is not None else settings.reports / parsed.label
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in wanted:
        target = report_path(directory, parsed, fmt)
        _write_atomically(target, writers[fmt])
        log.info("report written: %s", target)
        paths.append(target)
    return paths
