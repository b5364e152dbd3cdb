"""Everything a report shows, read once from the published marts.

``gather_report_data`` is the only place that queries: the narrative, the
tables, the charts and the workbook all read the ``ReportData`` it returns,
so a figure can never differ between the text and a table. Only aggregates
are read — no titles, posts, ids or hashes — so nothing personal can reach
a report.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqmy_etl.reference import (
    ALL_THEMES,
    MINSHENG,
    UNCLASSIFIED_THEME,
    UNKNOWN_REGION,
    theme_l1_names,
    theme_l2_to_l1,
)
from sqmy_etl.reports.errors import ReportError
from sqmy_etl.reports.hot_topics import HotTopicRow, period_hot_topics
from sqmy_etl.reports.period import Period

if TYPE_CHECKING:
    import duckdb

UNSPECIFIED_SUBTHEME = "未细分"
UNSPECIFIED_SECTOR = "未注明界别"
UNSPECIFIED_LEVEL = "未注明级别"
REGIONAL_CPPCC_SECTOR = "盟市政协"
LEVEL_ORDER = ("国家级", "自治区级", "盟市级")
TOP_UNITS = 10
# Optional data-quality table: published beside the marts when the quality models are.
QUARANTINE_TABLE = "dq_quarantine_by_reason"
# (label, lowest day, highest day or None for open-ended)
DAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("7天以内", 0, 7),
    ("8～15天", 8, 15),
    ("16～30天", 16, 30),
    ("31～60天", 31, 60),
    ("60天以上", 61, None),
)
PROMPT_DAYS = 30
_MEASURE_COLUMNS = (
    "submissions_received, issues_published, issues_instructed, instruction_rate, "
    "instructions_total, issues_adopted_national"
)


@dataclass(frozen=True)
class Measures:
    """The measures of mart_period_summary / mart_region_summary for one cell."""

    submissions_received: int = 0
    issues_published: int = 0
    issues_instructed: int = 0
    instruction_rate: float | None = None
    instructions_total: int = 0
    issues_adopted_national: int = 0

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Measures:
        received, published, instructed, rate, total, adopted = row
        return cls(
            int(received or 0),
            int(published or 0),
            int(instructed or 0),
            None if rate is None else float(rate),
            int(total or 0),
            int(adopted or 0),
        )

    @property
    def has_activity(self) -> bool:
        return self.submissions_received > 0 or self.issues_published > 0


@dataclass(frozen=True)
class Comparison:
    """A base period to compare with; ``total`` is None when it has no data (shown as —)."""

    name: str  # 环比 | 同比
    base_name: str  # 上期 | 上年同期 | 上年
    period: Period
    total: Measures | None
    minsheng: Measures | None


@dataclass(frozen=True)
class IssueCounts:
    """Issues published in the period for one category, with their 批示."""

    name: str
    issues_published: int
    issues_instructed: int
    instructions_total: int

    @property
    def instruction_rate(self) -> float | None:
        return self.issues_instructed / self.issues_published if self.issues_published else None


@dataclass(frozen=True)
class NamedMeasures:
    name: str
    measures: Measures


@dataclass(frozen=True)
class SectorCounts:
    """Submissions received in the period from one 界别, and how many were published."""

    sector: str
    submissions_received: int
    submissions_published: int

    @property
    def publish_rate(self) -> float | None:
        if not self.submissions_received:
            return None
        return self.submissions_published / self.submissions_received


@dataclass(frozen=True)
class UnitCounts:
    """A submitting unit (界别 or 盟市政协) and the period's issues built on its submissions.

    A unit is credited with an issue when at least one of the issue's sources
    is its submission: once per issue however many of its submissions the issue
    merged, and once for every issue a submission went into.
    """

    unit: str
    issues_published: int
    issues_instructed: int
    issues_adopted_national: int


@dataclass(frozen=True)
class Timing:
    """Days from publication to the first 批示, for instructed issues of the period."""

    days: tuple[int, ...]

    @property
    def buckets(self) -> list[tuple[str, int]]:
        return [
            (label, sum(1 for d in self.days if low <= d and (high is None or d <= high)))
            for label, low, high in DAY_BUCKETS
        ]

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.days) if self.days else None

    @property
    def median(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def prompt(self) -> int:
        return sum(1 for d in self.days if d <= PROMPT_DAYS)


@dataclass(frozen=True)
class Quality:
    """Data-quality counts for the period's rows (all still counted in the figures)."""

    submissions_unknown_region: int
    submissions_unclassified: int
    submissions_without_sector: int
    submissions_possible_duplicates: int
    issues_unclassified: int
    quarantined_rows: int | None = None  # all time; None when the marts do not publish it


@dataclass(frozen=True)
class ReportData:
    period: Period
    total: Measures
    minsheng: Measures
    comparisons: list[Comparison]
    months: list[NamedMeasures]
    themes: list[NamedMeasures]
    minsheng_subthemes: list[IssueCounts]
    regions: list[NamedMeasures]
    sectors: list[SectorCounts]
    top_units: list[UnitCounts]
    timing: Timing
    levels: list[tuple[str, int]]
    quality: Quality
    months_in_period: frozenset[str]  # month names ("7月") inside the period itself
    hot_topics: list[HotTopicRow] = field(default_factory=list)  # 本期热点问题

    @property
    def has_data(self) -> bool:
        return self.total.has_activity


def gather_report_data(con: duckdb.DuckDBPyConnection, period: Period) -> ReportData:
    """Read every figure of the report for ``period`` from the published marts."""
    _require_tables(con)
    comparisons = _comparisons(period)
    labels = [period.label] + [base.label for _, _, base in comparisons]
    cells = _period_cells(con, period.kind, labels)

    def cell(label: str, theme: str) -> Measures | None:
        return cells.get((label, theme))

    total = cell(period.label, ALL_THEMES) or Measures()
    minsheng = cell(period.label, MINSHENG) or Measures()
    resolved = []
    for name, base_name, base in comparisons:
        base_total = cell(base.label, ALL_THEMES)
        has_base = base_total is not None and base_total.has_activity
        resolved.append(
            Comparison(
                name,
                base_name,
                base,
                base_total if has_base else None,
                (cell(base.label, MINSHENG) or Measures()) if has_base else None,
            )
        )
    month_periods = period.months_to_date()
    month_cells = _period_cells(con, "month", [m.label for m in month_periods])
    return ReportData(
        period=period,
        total=total,
        minsheng=minsheng,
        comparisons=resolved,
        months=[
            NamedMeasures(f"{m.number}月", month_cells.get((m.label, ALL_THEMES)) or Measures())
            for m in month_periods
        ],
        months_in_period=frozenset(
            f"{m}月" for m in range(period.first_month, period.last_month + 1)
        ),
        themes=_themes(cells, period.label),
        minsheng_subthemes=_minsheng_subthemes(con, period),
        regions=_regions(con, period),
        sectors=_sectors(con, period),
        top_units=_top_units(con, period),
        timing=_timing(con, period),
        levels=_levels(con, period),
        quality=_quality(con, period),
        hot_topics=period_hot_topics(con, period),
    )


def _table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    tables = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    views = con.execute("SELECT view_name FROM duckdb_views()").fetchall()
    return {row[0] for row in tables + views}


def _require_tables(con: duckdb.DuckDBPyConnection) -> None:
    needed = {
        "mart_period_summary",
        "mart_region_summary",
        "fct_submissions",
        "fct_issues",
        "fct_issue_sources",
        "dim_theme",
    }
    missing = sorted(needed - _table_names(con))
    if missing:
        raise ReportError(
            f"发布库缺少 {'、'.join(missing)}，请先运行 sqmy transform 发布数据集市"
            f" / published marts lack {', '.join(missing)}; run `sqmy transform` to publish them"
        )


def _comparisons(period: Period) -> list[tuple[str, str, Period]]:
    if period.kind == "year":
        return [("同比", "上年", period.year_ago())]
    return [("环比", "上期", period.previous()), ("同比", "上年同期", period.year_ago())]


def _period_cells(
    con: duckdb.DuckDBPyConnection, kind: str, labels: list[str]
) -> dict[tuple[str, str], Measures]:
    rows = con.execute(
        f"SELECT period_label, theme_l1, {_MEASURE_COLUMNS} FROM mart_period_summary "
        "WHERE period_type = ? AND list_contains(?, period_label)",
        [kind, labels],
    ).fetchall()
    return {(row[0], row[1]): Measures.from_row(row[2:]) for row in rows}


def _theme_order() -> dict[str, int]:
    names = [*theme_l1_names(), *theme_l2_to_l1()]
    return {name: i for i, name in enumerate(names)}


def _themes(cells: dict[tuple[str, str], Measures], label: str) -> list[NamedMeasures]:
    order = _theme_order()
    themes = [
        NamedMeasures(theme, measures)
        for (row_label, theme), measures in cells.items()
        if row_label == label and theme != ALL_THEMES
    ]
    return sorted(
        themes,
        key=lambda t: (t.name == UNCLASSIFIED_THEME, order.get(t.name, len(order)), t.name),
    )


def _minsheng_subthemes(con: duckdb.DuckDBPyConnection, period: Period) -> list[IssueCounts]:
    rows = con.execute(
        """
        WITH subthemes AS (
            SELECT DISTINCT theme_l2 FROM dim_theme
            WHERE theme_l1 = ? AND theme_l2 IS NOT NULL
        ),
        issues AS (
            SELECT theme_l2,
                   count(*) AS published,
                   count(*) FILTER (WHERE is_instructed) AS instructed,
                   coalesce(sum(instruction_count), 0) AS instructions
            FROM fct_issues
            WHERE theme_l1 = ? AND published_date BETWEEN ? AND ?
            GROUP BY theme_l2
        )
        SELECT s.theme_l2 AS known, i.theme_l2 AS used,
               coalesce(i.published, 0), coalesce(i.instructed, 0), coalesce(i.instructions, 0)
        FROM subthemes AS s FULL JOIN issues AS i ON s.theme_l2 = i.theme_l2
        """,
        [MINSHENG, MINSHENG, period.start, period.end],
    ).fetchall()
    order = _theme_order()
    counts = [
        IssueCounts(known or used or UNSPECIFIED_SUBTHEME, int(n), int(k), int(t))
        for known, used, n, k, t in rows
    ]
    return sorted(
        counts,
        key=lambda c: (c.name == UNSPECIFIED_SUBTHEME, order.get(c.name, len(order)), c.name),
    )


def _regions(con: duckdb.DuckDBPyConnection, period: Period) -> list[NamedMeasures]:
    rows = con.execute(
        f"SELECT region_name, {_MEASURE_COLUMNS} FROM mart_region_summary "
        "WHERE period_type = ? AND period_label = ? "
        "ORDER BY region_code NULLS LAST, region_name = ?, region_name",
        [period.kind, period.label, UNKNOWN_REGION],
    ).fetchall()
    return [NamedMeasures(row[0], Measures.from_row(row[1:])) for row in rows]


def _sectors(con: duckdb.DuckDBPyConnection, period: Period) -> list[SectorCounts]:
    rows = con.execute(
        """
        SELECT coalesce(sector, ?) AS sector,
               count(*) AS received,
               count(*) FILTER (WHERE is_published) AS published
        FROM fct_submissions
        WHERE received_date BETWEEN ? AND ?
        GROUP BY 1
        ORDER BY received DESC, published DESC, sector
        """,
        [UNSPECIFIED_SECTOR, period.start, period.end],
    ).fetchall()
    return [SectorCounts(name, int(n), int(p)) for name, n, p in rows]


def _top_units(con: duckdb.DuckDBPyConnection, period: Period) -> list[UnitCounts]:
    """Units, never people: a 盟市政协 is named by its region, any other unit by its 界别.

    Issues come from the issue → source bridge, not ``fct_submissions.issue_id``
    (a submission's earliest issue only), so a submission published in several
    issues credits its unit with each of them.
    """
    rows = con.execute(
        """
        WITH units AS (
            SELECT DISTINCT
                   CASE WHEN s.sector = ? AND s.region_name <> ? THEN s.region_name || '政协'
                        ELSE coalesce(s.sector, ?) END AS unit,
                   b.issue_id
            FROM fct_issue_sources AS b
            JOIN fct_submissions AS s ON s.submission_id = b.submission_id
        )
        SELECT u.unit,
               count(*) AS published,
               count(*) FILTER (WHERE i.is_instructed) AS instructed,
               count(*) FILTER (WHERE i.is_adopted_national) AS adopted
        FROM units AS u JOIN fct_issues AS i ON i.issue_id = u.issue_id
        WHERE i.published_date BETWEEN ? AND ?
        GROUP BY u.unit
        ORDER BY published DESC, instructed DESC, adopted DESC, u.unit
        LIMIT ?
        """,
        [
            REGIONAL_CPPCC_SECTOR,
            UNKNOWN_REGION,
            UNSPECIFIED_SECTOR,
            period.start,
            period.end,
            TOP_UNITS,
        ],
    ).fetchall()
    return [UnitCounts(unit, int(n), int(k), int(a)) for unit, n, k, a in rows]


def _timing(con: duckdb.DuckDBPyConnection, period: Period) -> Timing:
    rows = con.execute(
        "SELECT days_to_first_instruction FROM fct_issues "
        "WHERE published_date BETWEEN ? AND ? AND is_instructed "
        "AND days_to_first_instruction IS NOT NULL ORDER BY 1",
        [period.start, period.end],
    ).fetchall()
    return Timing(tuple(int(row[0]) for row in rows))


def _levels(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple[str, int]]:
    rows = con.execute(
        "SELECT coalesce(highest_instruction_level, ?), count(*) FROM fct_issues "
        "WHERE published_date BETWEEN ? AND ? AND is_instructed GROUP BY 1",
        [UNSPECIFIED_LEVEL, period.start, period.end],
    ).fetchall()
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    ordered = sorted(rows, key=lambda r: (rank.get(r[0], len(rank)), r[0]))
    return [(level, int(n)) for level, n in ordered]


def _quality(con: duckdb.DuckDBPyConnection, period: Period) -> Quality:
    submissions = con.execute(
        """
        SELECT count(*) FILTER (WHERE region_name = ?),
               count(*) FILTER (WHERE theme_l1 = ?),
               count(*) FILTER (WHERE sector IS NULL),
               count(*) FILTER (WHERE possible_duplicate_of IS NOT NULL)
        FROM fct_submissions WHERE received_date BETWEEN ? AND ?
        """,
        [UNKNOWN_REGION, UNCLASSIFIED_THEME, period.start, period.end],
    ).fetchall()[0]
    issues = con.execute(
        "SELECT count(*) FILTER (WHERE theme_l1 = ?) FROM fct_issues "
        "WHERE published_date BETWEEN ? AND ?",
        [UNCLASSIFIED_THEME, period.start, period.end],
    ).fetchall()[0]
    quarantined = None
    if QUARANTINE_TABLE in _table_names(con):
        total = con.execute(f"SELECT sum(row_count) FROM {QUARANTINE_TABLE}").fetchall()[0][0]
        quarantined = int(total or 0)
    return Quality(
        *(int(v) for v in submissions),
        issues_unclassified=int(issues[0]),
        quarantined_rows=quarantined,
    )
