"""Every figure of the 通报 and the 年度考核 report, read once from the published marts.

Like ``data`` for the work report, this is the only place these reports query:
tables, narrative, charts and workbook read the dataclasses it returns. The
scores themselves are computed by dbt (``mart_unit_scores``,
``mart_member_scores``, ``mart_lifecycle_funnel``, CONTRACT §5, and the
report marts ``mart_report_unit_quota`` and ``mart_report_issue_points``);
here they are only selected, ordered and compared. Issues are named by their 期号 and theme,
never by title, and 批示 by level, never by post: titles and posts are free
text a clerk may have typed a name into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqmy_etl.reference import ALL_THEMES
from sqmy_etl.reports.errors import ReportError
from sqmy_etl.reports.period import Period

if TYPE_CHECKING:
    import duckdb

UNIT_TYPE_ORDER = ("盟市政协", "民主党派", "工商联", "专门委员会", "界别", "直报点")
UNROSTERED = "未登记单位"
GRADE_ORDER = ("优秀", "良好", "合格", "不合格")
# each issue's points under the scoring rules, when the marts publish them
ITEM_POINTS_TABLE = "mart_report_issue_points"
SHORTLIST_ITEMS = 10
SHORTLIST_UNITS_PER_TYPE = 3
SHORTLIST_MEMBERS = 10
KEY_SHOWN = 12  # leading characters of a submitter key shown in a report
AWARD_CLASSES = ("一等", "二等", "三等")
# (column of mart_lifecycle_funnel, stage name in the report)
FUNNEL_STAGES = (
    ("issues_published", "编发信息"),
    ("issues_sent_up", "报送上级"),
    ("issues_adopted_national", "全国政协采用"),
    ("issues_adopted_region", "自治区党委政府采用"),
    ("issues_instructed", "获党政领导批示"),
    ("issues_with_response", "部门办理反馈"),
    ("issues_response_done", "其中已办结"),
)
_UNIT_COLUMNS = (
    "unit_name, unit_type, region_name, submissions_received, submissions_published, "
    "adoptions_national, adoptions_region, instructions_national, instructions_region, "
    "instructions_league, points, rank_overall, rank_in_type, quota, quota_met, "
    "is_zero_report, grade"
)


@dataclass(frozen=True)
class UnitScore:
    """One unit's row of ``mart_unit_scores`` for the period, with its base-period points."""

    name: str
    unit_type: str
    region: str | None
    received: int
    published: int
    adoptions_national: int
    adoptions_region: int
    instructions_national: int
    instructions_region: int
    instructions_league: int
    points: int
    rank_overall: int | None
    rank_in_type: int | None
    quota: int | None
    quota_met: bool | None
    is_zero_report: bool
    grade: str | None
    points_previous: int | None = None  # 环比 base (None: no row there)
    points_year_ago: int | None = None  # 同比 base

    @property
    def adoptions(self) -> int:
        return self.adoptions_national + self.adoptions_region

    @property
    def instructions(self) -> int:
        return self.instructions_national + self.instructions_region + self.instructions_league


@dataclass(frozen=True)
class QuotaProgress:
    """Submissions from January to the period's end against the unit's annual quota."""

    name: str
    unit_type: str
    quota: int
    received_to_date: int
    share: float


@dataclass(frozen=True)
class FunnelStage:
    name: str
    issues: int
    rate: float | None  # over issues published


@dataclass(frozen=True)
class Funnel:
    stages: list[FunnelStage]
    median_days_to_first_instruction: float | None
    median_days_to_response: float | None


@dataclass(frozen=True)
class ItemEvent:
    """An 采用 or 批示 given in the period, on the issue it concerns."""

    issue_id: str
    theme_l1: str | None
    event: str
    level: str | None
    channel: str | None
    body: str | None
    day: Any


@dataclass(frozen=True)
class ScoredItem:
    """An issue published in the period and the points its events earn each source."""

    issue_id: str
    theme_l1: str | None
    published: Any
    points: int
    adoptions: int
    instructions: int


@dataclass(frozen=True)
class MemberScore:
    key: str  # the submitter hash (never a name)
    sector: str | None
    unit: str | None
    region: str | None
    received: int
    published: int
    points: int
    rank: int | None

    @property
    def shown_key(self) -> str:
        return self.key[:KEY_SHOWN]


@dataclass(frozen=True)
class ScoresData:
    period: Period
    units: list[UnitScore]
    quota: list[QuotaProgress]
    funnel: Funnel
    items: list[ItemEvent]
    scored_items: list[ScoredItem] | None = None  # None: the marts publish no rules
    members: list[MemberScore] | None = None

    @property
    def has_data(self) -> bool:
        return any(u.received or u.points for u in self.units) or bool(self.funnel.stages[0].issues)

    @property
    def zero_units(self) -> list[UnitScore]:
        return [u for u in self.units if u.is_zero_report]

    def by_type(self) -> list[tuple[str, list[UnitScore]]]:
        """Units grouped by type in roster order, each group by rank in type."""
        groups: dict[str, list[UnitScore]] = {}
        for unit in self.units:
            groups.setdefault(unit.unit_type, []).append(unit)
        order = {t: i for i, t in enumerate(UNIT_TYPE_ORDER)}
        return [
            (t, sorted(groups[t], key=_rank_key))
            for t in sorted(groups, key=lambda t: (order.get(t, len(order)), t))
        ]


def _rank_key(unit: UnitScore) -> tuple:
    return (unit.rank_in_type is None, unit.rank_in_type or 0, -unit.points, unit.name)


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    tables = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    views = con.execute("SELECT view_name FROM duckdb_views()").fetchall()
    return {row[0] for row in tables + views}


def _require(con: duckdb.DuckDBPyConnection) -> None:
    needed = {
        "mart_unit_scores",
        "mart_report_unit_quota",
        "mart_lifecycle_funnel",
        "fct_feedback",
        "fct_issues",
    }
    missing = sorted(needed - table_names(con))
    if missing:
        raise ReportError(
            f"发布库缺少 {'、'.join(missing)}，无法生成通报或考核报告；请先运行 sqmy transform"
            f" 发布数据集市 / published marts lack {', '.join(missing)}; run `sqmy transform`"
        )


def _base_points(con: duckdb.DuckDBPyConnection, kind: str, label: str) -> dict[str, int]:
    rows = con.execute(
        "SELECT unit_name, points FROM mart_unit_scores WHERE period_type = ? AND period_label = ?",
        [kind, label],
    ).fetchall()
    return {name: int(points or 0) for name, points in rows}


def _units(con: duckdb.DuckDBPyConnection, period: Period) -> list[UnitScore]:
    rows = con.execute(
        f"SELECT {_UNIT_COLUMNS} FROM mart_unit_scores "
        "WHERE period_type = ? AND period_label = ? ORDER BY rank_overall NULLS LAST, unit_name",
        [period.kind, period.label],
    ).fetchall()
    previous = _base_points(con, period.kind, period.previous().label)
    year_ago = _base_points(con, period.kind, period.year_ago().label)
    units = []
    for row in rows:
        name, unit_type, region, *counts = row[:11]
        rank_overall, rank_in_type, quota, quota_met, zero, grade = row[11:]
        units.append(
            UnitScore(
                name,
                unit_type or UNROSTERED,
                region,
                *(int(c or 0) for c in counts),
                rank_overall=rank_overall,
                rank_in_type=rank_in_type,
                quota=quota,
                quota_met=quota_met,
                is_zero_report=bool(zero),
                grade=grade,
                points_previous=previous.get(name),
                points_year_ago=year_ago.get(name),
            )
        )
    return units


def _quota(con: duckdb.DuckDBPyConnection, period: Period) -> list[QuotaProgress]:
    """Year-to-date submissions per unit with a quota, most advanced first."""
    rows = con.execute(
        "SELECT unit_name, unit_type, quota, submissions_received_to_date, quota_share "
        "FROM mart_report_unit_quota WHERE period_type = ? AND period_label = ? "
        "ORDER BY quota_share DESC, unit_name",
        [period.kind, period.label],
    ).fetchall()
    return [QuotaProgress(n, t or UNROSTERED, int(q), int(r), share) for n, t, q, r, share in rows]


def _funnel(con: duckdb.DuckDBPyConnection, period: Period) -> Funnel:
    columns = ", ".join(c for c, _ in FUNNEL_STAGES)
    row = con.execute(
        f"SELECT {columns}, median_days_to_first_instruction, median_days_to_response "
        "FROM mart_lifecycle_funnel WHERE period_type = ? AND period_label = ? AND theme_l1 = ?",
        [period.kind, period.label, ALL_THEMES],
    ).fetchone()
    counts = [int(v or 0) for v in row[: len(FUNNEL_STAGES)]] if row else [0] * len(FUNNEL_STAGES)
    published = counts[0]
    stages = [
        FunnelStage(name, n, n / published if published else None)
        for (_, name), n in zip(FUNNEL_STAGES, counts, strict=True)
    ]
    medians = (
        (None, None)
        if row is None
        else tuple(None if v is None else float(v) for v in row[len(FUNNEL_STAGES) :])
    )
    return Funnel(stages, *medians)


def _items(con: duckdb.DuckDBPyConnection, period: Period) -> list[ItemEvent]:
    rows = con.execute(
        """
        SELECT f.issue_id, i.theme_l1, f.feedback_type, f.level, f.channel, f.body,
               f.feedback_date
        FROM fct_feedback AS f LEFT JOIN fct_issues AS i ON i.issue_id = f.issue_id
        WHERE f.feedback_type IN ('采用', '批示') AND f.feedback_date BETWEEN ? AND ?
        ORDER BY f.feedback_date, f.issue_id, f.feedback_type, f.level
        """,
        [period.start, period.end],
    ).fetchall()
    return [ItemEvent(*row) for row in rows]


def _scored_items(con: duckdb.DuckDBPyConnection, period: Period) -> list[ScoredItem] | None:
    """The period's issues with the most points (CONTRACT §5); None when the marts do not
    publish issue points."""
    if ITEM_POINTS_TABLE not in table_names(con):
        return None
    rows = con.execute(
        f"SELECT issue_id, theme_l1, published_date, points, adoptions, instructions "
        f"FROM {ITEM_POINTS_TABLE} WHERE period_type = ? AND period_label = ? "
        "ORDER BY points DESC, published_date, issue_id LIMIT ?",
        [period.kind, period.label, SHORTLIST_ITEMS],
    ).fetchall()
    return [ScoredItem(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows]


def _members(con: duckdb.DuckDBPyConnection, period: Period) -> list[MemberScore]:
    if "mart_member_scores" not in table_names(con):
        return []
    rows = con.execute(
        """
        SELECT submitter_key, sector, unit_name, region_name, submissions_received,
               submissions_published, points, rank
        FROM mart_member_scores
        WHERE period_type = ? AND period_label = ? AND points > 0
        ORDER BY rank NULLS LAST, points DESC, submitter_key
        LIMIT ?
        """,
        [period.kind, period.label, SHORTLIST_MEMBERS],
    ).fetchall()
    return [
        MemberScore(k, s, u, r, int(n or 0), int(p or 0), int(pts or 0), rank)
        for k, s, u, r, n, p, pts, rank in rows
    ]


def gather_scores(
    con: duckdb.DuckDBPyConnection, period: Period, *, evaluation: bool = False
) -> ScoresData:
    """Read the 通报 (``evaluation`` False) or the 年度考核 figures for ``period``."""
    _require(con)
    return ScoresData(
        period=period,
        units=_units(con, period),
        quota=_quota(con, period),
        funnel=_funnel(con, period),
        items=_items(con, period),
        scored_items=_scored_items(con, period) if evaluation else None,
        members=_members(con, period) if evaluation else None,
    )
