"""The self-contained HTML report (charts inlined as base64 PNG); the PDF is printed from it."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sqmy_etl.reports.data import ReportData
from sqmy_etl.reports.fonts import CSS_SANS, CSS_SERIF
from sqmy_etl.reports.naming import REPORT_NAME, chinese_date, report_title
from sqmy_etl.reports.tables import Column, Kind, Table, cell_kind, format_value
from sqmy_etl.reports.text import DEFINITIONS, paragraphs, quality_notes


def _cell(column: Column, value: Any) -> dict[str, str]:
    raw, kind = cell_kind(column, value)
    return {"text": format_value(raw, kind), "cls": "text" if kind is Kind.TEXT else "num"}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("sqmy_etl.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["cell"] = _cell
    return env


def render_html(
    data: ReportData, tables: dict[str, Table], charts: dict[str, bytes], generated_on: date
) -> str:
    """One HTML document: title page, narrative, tables, charts, data-quality footnote."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=report_title(data.period),
        report_name=REPORT_NAME,
        period_title=data.period.title,
        generated_on=chinese_date(generated_on),
        has_data=data.has_data,
        paragraphs=paragraphs(data),
        tables=tables,
        charts={
            k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in charts.items()
        },
        quality_notes=quality_notes(data) if data.has_data else [],
        hot_topics=data.hot_topics,
        definitions=DEFINITIONS,
        serif=CSS_SERIF,
        sans=CSS_SANS,
    )
