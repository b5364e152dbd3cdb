"""Report periods, the figures gathered from the marts, and the narrative built from them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from sqmy_etl.reports.data import ReportData, gather_report_data
from sqmy_etl.reports.errors import ReportError
from sqmy_etl.reports.html import render_html
from sqmy_etl.reports.period import Period, parse_period
from sqmy_etl.reports.tables import build_tables
from sqmy_etl.reports.text import (
    fmt_change,
    fmt_points,
    fmt_rate,
    headline,
    paragraphs,
    quality_notes,
)
from sqmy_etl.reports.xlsx import write_xlsx
from tests.unit.report_fixtures import (
    HOSTILE_SECTOR,
    MONTH_PUBLISHED,
    MONTH_RECEIVED,
    build_marts,
)


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = build_marts(tmp_path_factory.mktemp("marts") / "marts.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def gather(con: duckdb.DuckDBPyConnection, label: str) -> ReportData:
    return gather_report_data(con, parse_period(label))


def test_periods_parse_and_know_their_neighbours() -> None:
    """Year, quarter and month labels parse, and 环比/同比 bases cross year ends correctly."""
    q1 = parse_period("2021-Q1")
    assert (q1.kind, q1.start, q1.end) == ("quarter", date(2021, 1, 1), date(2021, 3, 31))
    assert q1.previous().label == "2020-Q4"
    assert parse_period("2021-01").previous().label == "2020-12"
    assert parse_period("2021-07").year_ago().label == "2020-07"
    assert parse_period("2020-02").end == date(2020, 2, 29)
    assert parse_period(" 2021 ").previous() == Period("year", 2020)
    assert parse_period("2021-Q3").title == "2021年第三季度"


def test_figures_round_half_up_and_show_a_dash_when_missing() -> None:
    """21.25% prints as 21.3% (as on paper, not banker's rounding); no value prints as —."""
    assert fmt_rate(0.2125) == "21.3%"
    assert fmt_rate(43 / 204) == "21.1%"
    assert fmt_rate(None) == "—"
    assert fmt_change(-0.05) == "-5.0%"
    assert fmt_change(0.0) == "0.0%"
    assert fmt_change(None) == "—"
    assert fmt_points(0.22 - 0.125 / 0.6) == "+1.2个百分点"
    assert fmt_points(-0.0004) == "0.0个百分点"


def test_year_headline_uses_the_seed_figures(marts: duckdb.DuckDBPyConnection) -> None:
    """The annual opening sentence carries 1005篇, 320期, 204 民生期, 43 instructed, 21.1%."""
    data = gather(marts, "2021")
    assert headline(data) == (
        "2021年全年共收到社情民意信息1005篇，编发320期，其中重点反映民生类信息204期，"
        "43期得到党政领导批示，批示率21.1%。"
    )
    first, comparison = paragraphs(data)[:2]
    assert "91期得到党政领导批示，批示率28.4%，累计获得批示126件次；10期被全国政协采用。" in first
    assert comparison == (
        "与上年（2020年）相比，来稿数量增长11.7%，编发期数增长6.7%，"
        "民生类信息批示率提高1.1个百分点。"
    )


def test_quarter_figures_and_comparisons(marts: duckdb.DuckDBPyConnection) -> None:
    """Q3 reads its own cells and compares with Q2 (环比) and 2020-Q3 (同比)."""
    data = gather(marts, "2021-Q3")
    text = paragraphs(data)
    assert text[0].startswith(
        "2021年第三季度共收到社情民意信息240篇，编发78期，其中重点反映民生类信息50期，"
        "11期得到党政领导批示，批示率22.0%。"
    )
    assert text[1] == (
        "与上期（2021年第二季度）相比，来稿数量增长6.7%，编发期数增长4.0%，"
        "民生类信息批示率提高1.2个百分点。"
        "与上年同期（2020年第三季度）相比，来稿数量增长20.0%，编发期数增长11.4%，"
        "民生类信息批示率提高2.0个百分点。"
    )
    assert "从来稿地区看，呼和浩特市（40篇）、赤峰市（35篇）来稿较多。" in text
    assert (
        "获批示信息自编发至首次批示平均用时21.3天，中位数16.0天，其中3期在30天内得到批示。" in text
    )


def test_month_headline_and_missing_base_year(marts: duckdb.DuckDBPyConnection) -> None:
    """A month report words its scope by month; a year without a previous year shows —."""
    july = paragraphs(gather(marts, "2021-07"))
    assert july[0].startswith(
        "2021年7月共收到社情民意信息85篇，编发27期，其中重点反映民生类信息17期，"
        "4期得到党政领导批示，批示率23.5%。"
    )
    assert july[1] == (
        "与上期（2021年6月）相比，来稿数量增长21.4%，编发期数增长12.5%，"
        "民生类信息批示率提高3.5个百分点。"
        "与上年同期（2020年7月）相比，来稿数量增长21.4%，编发期数增长12.5%，"
        "民生类信息批示率提高2.1个百分点。"
    )
    assert paragraphs(gather(marts, "2020"))[1] == "上年（2019年）无可比数据，同比记为“—”。"


def test_quarter_breakdowns_from_the_report_marts(marts: duckdb.DuckDBPyConnection) -> None:
    """Sub-themes, sectors, units, timing, levels and quality counts are the report marts'
    rows for the quarter, in the report's order (known sub-themes by taxonomy, 未细分 last;
    sectors by size; units by rank; levels 国家级 first)."""
    data = gather(marts, "2021-Q3")
    subs = {s.name: (s.issues_published, s.issues_instructed) for s in data.minsheng_subthemes}
    assert subs["教育"] == (2, 1)
    assert subs["医疗卫生"] == (1, 1)
    assert subs["供暖供气"] == (1, 1)
    assert subs["未细分"] == (1, 0)
    assert subs["托育服务"] == (0, 0)
    assert sum(n for n, _ in subs.values()) == 5
    assert [(s.sector, s.submissions_received, s.submissions_published) for s in data.sectors] == [
        ("盟市政协", 2, 2),
        ("工商联", 2, 1),
        (HOSTILE_SECTOR, 1, 1),
        ("中国民主同盟", 1, 1),
        ("九三学社", 1, 1),
        ("未注明界别", 1, 0),
    ]
    units = [
        (u.unit, u.issues_published, u.issues_instructed, u.issues_adopted_national)
        for u in data.top_units
    ]
    # 九三学社: 2021-101 (S01, 批示, 采用), 2021-102 (S02), 2021-106 (S01 again, 批示) and
    # 2021-107 (S07 and S02: one issue, credited once)
    assert units[0] == ("九三学社", 4, 2, 1)
    assert set(units[1:5]) == {
        ("赤峰市政协", 1, 1, 0),
        ("中国民主同盟", 1, 1, 0),
        ("盟市政协", 1, 1, 0),
        (HOSTILE_SECTOR, 1, 1, 0),
    }
    assert units[5] == ("工商联", 1, 0, 0)
    assert data.timing.buckets == [
        ("7天以内", 1),
        ("8～15天", 1),
        ("16～30天", 1),
        ("31～60天", 1),
        ("60天以上", 0),
    ]
    assert data.levels == [("国家级", 1), ("自治区级", 2), ("盟市级", 1)]
    q = data.quality
    assert (
        q.submissions_unknown_region,
        q.submissions_unclassified,
        q.submissions_without_sector,
        q.submissions_possible_duplicates,
        q.issues_unclassified,
    ) == (2, 2, 1, 1, 1)
    assert q.quarantined_rows == 5
    notes = quality_notes(data)
    assert notes[0].startswith("本期来稿中，所属盟市无法识别的2篇")
    assert "隔离待核的台账记录累计5行" in notes[-1]


def test_quarantine_note_is_left_out_when_marts_do_not_publish_it(tmp_path: Path) -> None:
    """Without dq_quarantine_by_reason the footnote omits quarantine rather than printing 0."""
    path = build_marts(tmp_path / "marts.duckdb", with_quarantine=False)
    with duckdb.connect(str(path), read_only=True) as con:
        data = gather(con, "2021-Q3")
    assert data.quality.quarantined_rows is None
    assert not any("隔离" in note for note in quality_notes(data))


@pytest.mark.parametrize(
    "label",
    [f"2021-Q{q}" for q in range(1, 5)] + [f"2021-{m:02d}" for m in range(1, 13)],
)
def test_every_quarter_and_month_of_the_year_renders(
    marts: duckdb.DuckDBPyConnection, label: str, tmp_path: Path
) -> None:
    """Each quarter and month of 2021 yields its own headline, a full HTML page and a workbook."""
    period = parse_period(label)
    data = gather_report_data(marts, period)
    months = range(period.first_month - 1, period.last_month)
    received = sum(MONTH_RECEIVED[m] for m in months)
    published = sum(MONTH_PUBLISHED[m] for m in months)
    assert headline(data).startswith(
        f"{period.scope}共收到社情民意信息{received}篇，编发{published}期"
    )
    tables = build_tables(data)
    html = render_html(data, tables, {}, date(2022, 1, 5))
    assert html.count("<table") == 10
    assert headline(data) in html
    write_xlsx(data, tables, tmp_path / "r.xlsx", date(2022, 1, 5))
    themes = openpyxl.load_workbook(tmp_path / "r.xlsx")["按主题"]
    total = next(row for row in themes.iter_rows(values_only=True) if row[0] == "合计")
    assert total[1:3] == (received, published)


def test_empty_period_says_so(marts: duckdb.DuckDBPyConnection) -> None:
    """A period with nothing in the marts gives the short 本期无数据 text and no tables."""
    data = gather(marts, "2022-Q1")
    assert not data.has_data
    assert paragraphs(data) == ["本期无数据：发布库中没有2022年第一季度的来稿和编发记录。"]
    assert build_tables(data) == {}


def test_missing_marts_tables_name_the_fix(tmp_path: Path) -> None:
    """A marts file without the contract tables fails with a message pointing to sqmy transform."""
    with (
        duckdb.connect(str(tmp_path / "empty.duckdb")) as con,
        pytest.raises(ReportError, match="sqmy transform"),
    ):
        gather_report_data(con, parse_period("2021"))
