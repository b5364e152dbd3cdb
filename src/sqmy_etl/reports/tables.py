"""The report's tables, defined once and rendered by both HTML and XLSX.

A cell holds a typed value (count, rate, days, change); each renderer
formats it its own way (text in HTML, number formats in Excel), so the
two can never disagree on a figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqmy_etl.reports.data import Measures, ReportData
from sqmy_etl.reports.text import (
    NO_VALUE,
    fmt_change,
    fmt_days,
    fmt_points,
    fmt_rate,
    rate_change,
    relative_change,
)


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    RATE = "rate"  # share in [0, 1]
    CHANGE = "change"  # relative growth, 0.117 = +11.7%
    POINTS = "points"  # difference of two rates, in rate units


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's (only the key-figures table mixes kinds)."""

    value: Any
    kind: Kind


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    key: str  # ASCII id (HTML anchor)
    sheet: str  # worksheet name, ≤ 31 characters
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    total: tuple[Any, ...] | None = None
    note: str | None = None


def cell_kind(column: Column, value: Any) -> tuple[Any, Kind]:
    """The value and kind to render, honouring a per-cell override."""
    if isinstance(value, Cell):
        return value.value, value.kind
    return value, column.kind


_KEY_FIGURES: tuple[tuple[str, str, str, Kind], ...] = (
    ("收到来稿（篇）", "total", "submissions_received", Kind.COUNT),
    ("编发信息（期）", "total", "issues_published", Kind.COUNT),
    ("获党政领导批示（期）", "total", "issues_instructed", Kind.COUNT),
    ("批示率", "total", "instruction_rate", Kind.RATE),
    ("党政领导批示（件次）", "total", "instructions_total", Kind.COUNT),
    ("全国政协采用（期）", "total", "issues_adopted_national", Kind.COUNT),
    ("民生类编发（期）", "minsheng", "issues_published", Kind.COUNT),
    ("民生类获批示（期）", "minsheng", "issues_instructed", Kind.COUNT),
    ("民生类批示率", "minsheng", "instruction_rate", Kind.RATE),
)


def _key_figures(data: ReportData) -> Table:
    columns = [Column("指标", Kind.TEXT), Column(data.period.title, Kind.COUNT)]
    for c in data.comparisons:
        columns += [
            Column(f"{c.base_name}（{c.period.label}）", Kind.COUNT),
            Column(c.name, Kind.COUNT),
        ]
    rows = []
    for label, scope, measure, kind in _KEY_FIGURES:
        current = getattr(getattr(data, scope), measure)
        row: list[Any] = [label, Cell(current, kind)]
        for c in data.comparisons:
            base_measures: Measures | None = getattr(c, scope)
            base = None if base_measures is None else getattr(base_measures, measure)
            if kind is Kind.RATE:
                change = Cell(rate_change(current, base), Kind.POINTS)
            else:
                change = Cell(relative_change(current, base), Kind.CHANGE)
            row += [Cell(base, kind), change]
        rows.append(tuple(row))
    return Table("key-figures", "主要指标", "主要指标", tuple(columns), rows)


_MEASURE_COLUMNS = (
    Column("收到来稿（篇）", Kind.COUNT),
    Column("编发（期）", Kind.COUNT),
    Column("获批示（期）", Kind.COUNT),
    Column("批示率", Kind.RATE),
    Column("批示件次", Kind.COUNT),
    Column("全国政协采用（期）", Kind.COUNT),
)


def _measure_cells(m: Measures) -> tuple[Any, ...]:
    return (
        m.submissions_received,
        m.issues_published,
        m.issues_instructed,
        m.instruction_rate,
        m.instructions_total,
        m.issues_adopted_national,
    )


def _summed(items: list[Measures]) -> Measures:
    published = sum(m.issues_published for m in items)
    instructed = sum(m.issues_instructed for m in items)
    return Measures(
        sum(m.submissions_received for m in items),
        published,
        instructed,
        instructed / published if published else None,
        sum(m.instructions_total for m in items),
        sum(m.issues_adopted_national for m in items),
    )


def _months(data: ReportData) -> Table:
    last = data.months[-1].name if data.months else ""
    span = "全年" if data.period.kind == "year" else f"1～{last}"
    return Table(
        "months",
        "各月情况",
        f"{data.period.year}年{span}各月来稿与编发情况",
        (Column("月份", Kind.TEXT), *_MEASURE_COLUMNS),
        [(m.name, *_measure_cells(m.measures)) for m in data.months],
        total=("合计", *_measure_cells(_summed([m.measures for m in data.months]))),
    )


def _themes(data: ReportData) -> Table:
    return Table(
        "themes",
        "按主题",
        "各主题来稿、编发与批示情况",
        (Column("主题", Kind.TEXT), *_MEASURE_COLUMNS),
        [(t.name, *_measure_cells(t.measures)) for t in data.themes],
        total=("合计", *_measure_cells(data.total)),
    )


def _issue_count_columns(first: str) -> tuple[Column, ...]:
    return (
        Column(first, Kind.TEXT),
        Column("编发（期）", Kind.COUNT),
        Column("获批示（期）", Kind.COUNT),
        Column("批示率", Kind.RATE),
        Column("批示件次", Kind.COUNT),
    )


def _minsheng(data: ReportData) -> Table:
    subs = data.minsheng_subthemes
    published = sum(s.issues_published for s in subs)
    instructed = sum(s.issues_instructed for s in subs)
    return Table(
        "minsheng",
        "民生类细分",
        "民生类信息分主题编发与批示情况",
        _issue_count_columns("民生类细分主题"),
        [
            (
                s.name,
                s.issues_published,
                s.issues_instructed,
                s.instruction_rate,
                s.instructions_total,
            )
            for s in subs
        ],
        total=(
            "民生类合计",
            published,
            instructed,
            instructed / published if published else None,
            sum(s.instructions_total for s in subs),
        ),
    )


def _regions(data: ReportData) -> Table:
    return Table(
        "regions",
        "按盟市",
        "各盟市来稿、编发与批示情况",
        (Column("盟市", Kind.TEXT), *_MEASURE_COLUMNS),
        [(r.name, *_measure_cells(r.measures)) for r in data.regions],
        note="编发、批示按信息所采用来稿的所属盟市统计，一期信息可计入多个盟市。",
    )


def _sectors(data: ReportData) -> Table:
    received = sum(s.submissions_received for s in data.sectors)
    published = sum(s.submissions_published for s in data.sectors)
    return Table(
        "sectors",
        "按界别",
        "各界别来稿及编发采用情况",
        (
            Column("界别", Kind.TEXT),
            Column("收到来稿（篇）", Kind.COUNT),
            Column("被编发采用（篇）", Kind.COUNT),
            Column("采用率", Kind.RATE),
        ),
        [
            (s.sector, s.submissions_received, s.submissions_published, s.publish_rate)
            for s in data.sectors
        ],
        total=("合计", received, published, published / received if received else None),
        note="按收稿日期统计本期来稿；被编发采用指来稿已编入任一期信息。",
    )


def _units(data: ReportData) -> Table:
    return Table(
        "units",
        "报送单位",
        "报送单位编发采用情况（前十位）",
        (
            Column("位次", Kind.COUNT),
            Column("报送单位", Kind.TEXT),
            Column("编发采用（期）", Kind.COUNT),
            Column("获批示（期）", Kind.COUNT),
            Column("全国政协采用（期）", Kind.COUNT),
        ),
        [
            (i, u.unit, u.issues_published, u.issues_instructed, u.issues_adopted_national)
            for i, u in enumerate(data.top_units, start=1)
        ],
        note="报送单位为界别、党派、人民团体或盟市政协；按本期编发信息中采用其来稿的期数排序。",
    )


def _shares(pairs: list[tuple[str, int]], first: str) -> tuple[tuple[Column, ...], list[tuple]]:
    whole = sum(n for _, n in pairs)
    columns = (Column(first, Kind.TEXT), Column("期数", Kind.COUNT), Column("占比", Kind.RATE))
    return columns, [(label, n, n / whole if whole else None) for label, n in pairs]


def _timing(data: ReportData) -> Table:
    columns, rows = _shares(data.timing.buckets, "自编发至首次批示")
    issues = data.timing.issues
    return Table(
        "timing",
        "批示时效",
        "批示时效分布",
        columns,
        rows,
        total=("合计", issues, 1.0 if issues else None),
        note=(
            f"平均用时{fmt_days(data.timing.mean)}天，中位数{fmt_days(data.timing.median)}天。"
            if issues
            else None
        ),
    )


def _levels(data: ReportData) -> Table:
    columns, rows = _shares(data.levels, "最高批示级别")
    whole = sum(n for _, n in data.levels)
    return Table(
        "levels",
        "批示级别",
        "获批示信息的最高批示级别",
        columns,
        rows,
        total=("合计", whole, 1.0 if whole else None),
    )


def _quality(data: ReportData) -> Table:
    q = data.quality
    rows: list[tuple[Any, ...]] = [
        ("来稿所属盟市未知（篇）", q.submissions_unknown_region),
        ("来稿主题未分类（篇）", q.submissions_unclassified),
        ("来稿未注明界别（篇）", q.submissions_without_sector),
        ("疑似重复来稿（篇，仍计入）", q.submissions_possible_duplicates),
        ("编发信息主题未分类（期）", q.issues_unclassified),
    ]
    if q.quarantined_rows is not None:
        rows.append(("隔离待核的台账记录（行，累计）", q.quarantined_rows))
    return Table(
        "quality",
        "数据质量",
        "数据质量说明",
        (Column("项目", Kind.TEXT), Column("数量", Kind.COUNT)),
        rows,
    )


TABLE_BUILDERS: tuple[Callable[[ReportData], Table], ...] = (
    _key_figures,
    _months,
    _themes,
    _minsheng,
    _regions,
    _sectors,
    _units,
    _timing,
    _levels,
    _quality,
)


def build_tables(data: ReportData) -> dict[str, Table]:
    """All tables by key; an empty period has none (its report says 本期无数据)."""
    if not data.has_data:
        return {}
    return {table.key: table for table in (build(data) for build in TABLE_BUILDERS)}


def format_value(value: Any, kind: Kind) -> str:
    """The text a reader sees for a typed value (HTML, PDF and the narrative agree)."""
    if kind is Kind.TEXT:
        return "" if value is None else str(value)
    if value is None:
        return NO_VALUE
    formatters: dict[Kind, Callable[[Any], str]] = {
        Kind.COUNT: str,
        Kind.RATE: fmt_rate,
        Kind.CHANGE: fmt_change,
        Kind.POINTS: fmt_points,
    }
    return formatters[kind](value)
