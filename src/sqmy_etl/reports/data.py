"""Everything a report shows, read once from the published marts.

``gather_report_data`` is the only place that queries: the narrative, the
tables, the charts and the workbook all read the ``ReportData`` it returns,
so a figure can never differ between the text and a table. Every figure is
a row of a mart that dbt builds and tests (the contract marts and the
``mart_report_*`` breakdowns, one row per period); here rows are only
selected and ordered, never counted. Only aggregates are read — no titles,
posts, ids or hashes — so nothing personal can reach a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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

UNSPECIFIED_SUBTHEME = "未细分"  # as mart_report_minsheng_subthemes names it
LEVEL_ORDER = ("国家级", "自治区级", "盟市级")
TOP_UNITS = 10
# Optional data-quality table: published beside the marts when the quality models are.
QUARANTINE_TABLE = "dq_quarantine_by_reason"
# (label, column of mart_report_instruction_timing)
DAY_BUCKETS: tuple[tuple[str, str], ...] = (
    ("7天以内", "days_0_to_7"),
    ("8～15天", "days_8_to_15"),
    ("16～30天", "days_16_to_30"),
    ("31～60天", "days_31_to_60"),
    ("60天以上", "days_over_60"),
)
PROMPT_DAYS = 30  # mart_report_instruction_timing.issues_within_30_days
REPORT_MARTS = (
    "mart_period_summary",
    "mart_region_summary",
    "mart_report_minsheng_subthemes",
    "mart_report_sectors",
    "mart_report_submitting_units",
    "mart_report_instruction_timing",
    "mart_report_instruction_levels",
    "mart_report_data_quality",
)
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
    instruction_rate: float | None
    instructions_total: int


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
    publish_rate: float | None


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
    """Days from publication to the first 批示 for the period's instructed issues."""

    issues: int = 0
    bucket_counts: tuple[int, ...] = (0,) * len(DAY_BUCKETS)
    mean: float | None = None
    median: float | None = None
    prompt: int = 0  # instructed within PROMPT_DAYS

    @property
    def buckets(self) -> list[tuple[str, int]]:
        return [(label, n) for (label, _), n in zip(DAY_BUCKETS, self.bucket_counts, strict=True)]


@dataclass(frozen=True)
class Quality:
    """Data-quality counts for the period's rows (all still counted in the figures)."""

    submissions_unknown_region: int = 0
    submissions_unclassified: int = 0
    submissions_without_sector: int = 0
    submissions_possible_duplicates: int = 0
    issues_unclassified: int = 0
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
    missing = sorted(set(REPORT_MARTS) - _table_names(con))
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


def _period_rows(
    con: duckdb.DuckDBPyConnection, period: Period, table: str, columns: str, order: str = "1"
) -> list[tuple[Any, ...]]:
    """The rows of a ``mart_report_*`` table for ``period``, in ``order``."""
    return con.execute(
        f"SELECT {columns} FROM {table} WHERE period_type = ? AND period_label = ? "
        f"ORDER BY {order}",
        [period.kind, period.label],
    ).fetchall()


def _minsheng_subthemes(con: duckdb.DuckDBPyConnection, period: Period) -> list[IssueCounts]:
    rows = _period_rows(
        con,
        period,
        "mart_report_minsheng_subthemes",
        "theme_l2, issues_published, issues_instructed, instruction_rate, instructions_total",
    )
    order = _theme_order()
    counts = [IssueCounts(name, int(n), int(k), rate, int(t)) for name, n, k, rate, t in rows]
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
    rows = _period_rows(
        con,
        period,
        "mart_report_sectors",
        "sector, submissions_received, submissions_published, publish_rate",
        "submissions_received DESC, submissions_published DESC, sector",
    )
    return [SectorCounts(name, int(n), int(p), rate) for name, n, p, rate in rows]


def _top_units(con: duckdb.DuckDBPyConnection, period: Period) -> list[UnitCounts]:
    """The first ``TOP_UNITS`` units by ``unit_rank`` (units, never people)."""
    rows = _period_rows(
        con,
        period,
        "mart_report_submitting_units",
        "submitting_unit, issues_published, issues_instructed, issues_adopted_national, unit_rank",
        "unit_rank",
    )
    return [
        UnitCounts(unit, int(n), int(k), int(a))
        for unit, n, k, a, rank in rows
        if rank <= TOP_UNITS
    ]


def _timing(con: duckdb.DuckDBPyConnection, period: Period) -> Timing:
    columns = ", ".join(column for _, column in DAY_BUCKETS)
    rows = _period_rows(
        con,
        period,
        "mart_report_instruction_timing",
        f"issues_timed, issues_within_30_days, mean_days, median_days, {columns}",
    )
    if not rows:
        return Timing()
    issues, prompt, mean, median, *buckets = rows[0]
    return Timing(int(issues), tuple(int(n) for n in buckets), mean, median, int(prompt))


def _levels(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple[str, int]]:
    rows = _period_rows(
        con,
        period,
        "mart_report_instruction_levels",
        "highest_instruction_level, issues_instructed",
    )
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    ordered = sorted(rows, key=lambda r: (rank.get(r[0], len(rank)), r[0]))
    return [(level, int(n)) for level, n in ordered]


def _quality(con: duckdb.DuckDBPyConnection, period: Period) -> Quality:
    rows = _period_rows(
        con,
        period,
        "mart_report_data_quality",
        "submissions_unknown_region, submissions_unclassified, submissions_without_sector, "
        "submissions_possible_duplicates, issues_unclassified",
    )
    counts = Quality(*(int(v) for v in rows[0])) if rows else Quality()
    quarantined = None
    if QUARANTINE_TABLE in _table_names(con):
        total = con.execute(f"SELECT sum(row_count) FROM {QUARANTINE_TABLE}").fetchall()[0][0]
        quarantined = int(total or 0)
    return replace(counts, quarantined_rows=quarantined)
