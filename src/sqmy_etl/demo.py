"""`sqmy demo`: the whole product on the calibrated 2021 data, in one call.

Generated ledgers are dropped into landing/ exactly as a clerk would, so the
demo exercises the drop zone, not a shortcut; the headline is then read back
from the *published* marts, the way an analyst sees it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from sqmy_etl.config import Settings

DEMO_YEAR = 2021

HEADLINE_SQL = """
SELECT
    max(CASE WHEN theme_l1 = '全部' THEN submissions_received END) AS submissions_received,
    max(CASE WHEN theme_l1 = '全部' THEN issues_published END) AS issues_published,
    max(CASE WHEN theme_l1 = '民生' THEN issues_published END) AS minsheng_published,
    max(CASE WHEN theme_l1 = '民生' THEN issues_instructed END) AS minsheng_instructed,
    max(CASE WHEN theme_l1 = '民生' THEN instruction_rate END) AS minsheng_rate
FROM mart_period_summary
WHERE period_type = 'year' AND period_label = ?
"""


@dataclass(frozen=True)
class DemoResult:
    headline: dict[str, float | int | None]
    headline_table: Table
    published: Path
    report_dir: Path


def drop_into_landing(settings: Settings, generated: Path) -> list[Path]:
    """Copy the generated ledgers into landing/ (sorted, as the ingest reads them)."""
    dropped = []
    for path in sorted(generated.iterdir()):
        target = settings.landing / path.name
        shutil.copyfile(path, target)
        dropped.append(target)
    return dropped


def read_headline(settings: Settings, year: int) -> dict[str, float | int | None]:
    """The 2021 headline figures from the published marts."""
    import duckdb

    with duckdb.connect(str(settings.published), read_only=True) as con:
        cursor = con.execute(HEADLINE_SQL, [str(year)])
        columns = [d[0] for d in cursor.description]
        row = cursor.fetchall()[0]
    return dict(zip(columns, row, strict=True))


def headline_table(headline: dict[str, float | int | None], year: int) -> Table:
    rate = headline["minsheng_rate"]
    table = Table(title=f"{year} 年社情民意信息工作要点")
    table.add_column("指标")
    table.add_column("数值", justify="right")
    table.add_row("收到社情民意信息（篇）", str(headline["submissions_received"]))
    table.add_row("编发（期）", str(headline["issues_published"]))
    table.add_row("其中民生类（期）", str(headline["minsheng_published"]))
    table.add_row("民生类得到批示（期）", str(headline["minsheng_instructed"]))
    table.add_row("民生类批示率", "—" if rate is None else f"{rate:.1%}")
    return table


def run_demo(settings: Settings, *, via_airflow: bool = False) -> DemoResult:
    """generate → landing → ingest → validate → transform → publish → report."""
    from sqmy_etl.quality.report import write_quality_report
    from sqmy_etl.reports.build import build_report
    from sqmy_etl.synth import generate_ledgers
    from sqmy_etl.synth.generate import LEDGERS_DIR

    truth = generate_ledgers(DEMO_YEAR, settings.home / "generated" / str(DEMO_YEAR), messy=True)
    drop_into_landing(settings, truth.parent / LEDGERS_DIR)
    if via_airflow:
        from sqmy_etl.orchestration.embedded import run_embedded

        run_embedded(settings)
    else:
        from sqmy_etl.ingest.load import ingest_landing
        from sqmy_etl.transform.build import run_transform

        ingest_landing(settings, settle_s=0)
        run_transform(settings)
    write_quality_report(settings)
    report_paths = build_report(settings, str(DEMO_YEAR), ["html", "pdf", "xlsx"])
    headline = read_headline(settings, DEMO_YEAR)
    return DemoResult(
        headline=headline,
        headline_table=headline_table(headline, DEMO_YEAR),
        published=settings.published,
        report_dir=report_paths[0].parent,
    )
