"""``sqmy report --kind tongbao|evaluation``: period in, 通报 or 年度考核 files out.

Same pipeline as the work report (``build``): figures read once from the
published marts, tables shared by HTML and XLSX, the PDF printed from the
HTML with the CJK font checked first, every file written atomically. The
document is laid out by one template (``scores.html.j2``) from a list of
sections, so both kinds look alike and alike to the work report.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqmy_etl.config import Settings, today_shanghai
from sqmy_etl.reports import evaluation, tongbao
from sqmy_etl.reports.errors import ReportError
from sqmy_etl.reports.fonts import CSS_SANS, CSS_SERIF, find_cjk_font
from sqmy_etl.reports.html import _environment
from sqmy_etl.reports.naming import chinese_date
from sqmy_etl.reports.pdf import write_pdf
from sqmy_etl.reports.period import Period, parse_period
from sqmy_etl.reports.scores_charts import render_score_charts
from sqmy_etl.reports.scores_data import ScoresData, gather_scores
from sqmy_etl.reports.tables import Table
from sqmy_etl.reports.xlsx import write_workbook

KINDS = ("work", "tongbao", "evaluation")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Section:
    heading: str
    tables: tuple[str, ...] = ()
    chart: str | None = None
    chart_caption: str = ""


@dataclass
class Document:
    name: str  # 社情民意信息工作通报
    period: Period
    paragraphs: list[str]
    tables: dict[str, Table]
    sections: list[Section] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.period.title}{self.name}"

    def filename(self, fmt: str) -> str:
        return f"{self.name}_{self.period.label}.{fmt}"


def _tongbao(data: ScoresData) -> Document:
    tables = tongbao.tongbao_tables(data)
    ranks = tuple(k for k in tables if k.startswith("rank-"))
    return Document(
        tongbao.NAME,
        data.period,
        tongbao.tongbao_paragraphs(data),
        tables,
        [
            Section(
                "一、信息全流程情况",
                ("funnel",),
                "funnel",
                "编发、报送、采用、批示、反馈各环节信息期数",
            ),
            Section("二、各单位积分排名", ranks, "points", "本期积分居前的单位"),
            Section("三、年度任务完成进度", ("quota",)),
            Section("四、零报送单位", ("zero",)),
            Section("五、本期获采用、批示的信息", ("items",)),
        ],
    )


def _evaluation(data: ScoresData, names: dict[str, str] | None) -> Document:
    return Document(
        evaluation.NAME,
        data.period,
        evaluation.evaluation_paragraphs(data),
        evaluation.evaluation_tables(data, names),
        [
            Section("一、考核等次", ("grade-counts", "grades")),
            Section("二、优秀信息推荐", ("excellent-items",)),
            Section("三、先进集体推荐", ("collectives",)),
            Section("四、先进个人推荐", ("individuals",)),
            Section(
                "五、信息全流程情况",
                ("funnel",),
                "funnel",
                "编发、报送、采用、批示、反馈各环节信息期数",
            ),
        ],
    )


def render_document_html(doc: Document, generated_on: date) -> str:
    template = _environment().get_template("scores.html.j2")
    return template.render(
        title=doc.title,
        report_name=doc.name,
        period_title=doc.period.title,
        generated_on=chinese_date(generated_on),
        paragraphs=doc.paragraphs,
        sections=doc.sections,
        tables=doc.tables,
        charts={
            k: "data:image/png;base64," + base64.b64encode(v).decode()
            for k, v in doc.charts.items()
        },
        serif=CSS_SERIF,
        sans=CSS_SANS,
    )


def _load(settings: Settings, period: Period, kind: str) -> ScoresData:
    import duckdb

    marts = settings.published
    if not marts.exists():
        raise ReportError(
            f"未找到发布库 {marts}，请先运行 sqmy transform"
            f" / published marts not found at {marts}; run `sqmy transform` first"
        )
    with duckdb.connect(str(marts), read_only=True) as con:
        return gather_scores(con, period, evaluation=kind == "evaluation")


def build_scores_report(
    settings: Settings,
    period: str,
    kind: str,
    formats: list[str],
    out: Path | None,
    write_atomically: Callable[[Path, Callable[[Path], None]], None],
    *,
    reveal_names: bool = False,
) -> list[Path]:
    """Write the 通报 or 年度考核 report of ``period`` in ``formats``; returns the paths."""
    parsed = parse_period(period)
    if kind == "evaluation":
        evaluation.require_year(parsed)
    needs_html = bool({"html", "pdf"} & set(formats))
    if needs_html:
        find_cjk_font()
    data = _load(settings, parsed, kind)
    if kind == "evaluation":
        names = None
        if reveal_names:
            from sqmy_etl.reports.reveal import reveal_names as read_names

            names = read_names(settings, [m.key for m in data.members or []], parsed.label)
        doc = _evaluation(data, names)
    else:
        doc = _tongbao(data)
    if needs_html and data.has_data:
        doc.charts = render_score_charts(data)
    generated_on = today_shanghai()
    html = render_document_html(doc, generated_on) if needs_html else ""
    writers: dict[str, Callable[[Path], None]] = {
        "html": lambda p: p.write_text(html, encoding="utf-8"),
        "pdf": lambda p: write_pdf(html, p),
        "xlsx": lambda p: write_workbook(doc.title, doc.paragraphs, doc.tables, p, generated_on),
    }
    directory = out if out is not None else settings.reports / parsed.label
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        target = directory / doc.filename(fmt)
        write_atomically(target, writers[fmt])
        log.info("report written: %s", target)
        paths.append(target)
    return paths


def mail_subject(kind: str, period: str) -> str | None:
    """The mail subject of a 通报 or 年度考核 report (None: the work report's default)."""
    name = {"tongbao": tongbao.NAME, "evaluation": evaluation.NAME}.get(check_kind(kind))
    return f"{parse_period(period).title}{name}" if name else None


def check_kind(kind: str, reveal_names: bool = False) -> str:
    """The canonical report kind; names can be revealed in the 年度考核 report only."""
    wanted = kind.strip().lower()
    if reveal_names and wanted != "evaluation":
        raise ReportError(
            "--reveal-names 只用于年度考核报告（--kind evaluation）"
            " / --reveal-names applies to --kind evaluation only"
        )
    if wanted not in KINDS:
        raise ReportError(
            f"未知的报告类型 {kind!r}："
            "请选择 work（工作报告）、tongbao（通报）或 evaluation（年度考核）"
            f" / unknown report kind {kind!r}: choose work, tongbao or evaluation"
        )
    return wanted
