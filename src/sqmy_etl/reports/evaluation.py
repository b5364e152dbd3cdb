"""The 年度考核 report: grades per unit and the shortlists for the yearly awards.

Grades (优秀 / 良好 / 合格 / 不合格) are dbt's, from the thresholds in the
scoring rules (``mart_unit_scores.grade``). Shortlists: 优秀信息 (issues by the
points their events earn), 先进集体 (the first units of each type, 一/二/三等)
and 先进个人 (submitter keys; names only when the operator asked for them,
see ``reveal``). A year period only: a quarter has no grades.
"""

from __future__ import annotations

from sqmy_etl.reports.errors import PeriodError
from sqmy_etl.reports.period import Period
from sqmy_etl.reports.scores_data import (
    AWARD_CLASSES,
    GRADE_ORDER,
    ITEM_POINTS_TABLE,
    SHORTLIST_UNITS_PER_TYPE,
    UNROSTERED,
    ScoresData,
)
from sqmy_etl.reports.tables import Column, Kind, Table
from sqmy_etl.reports.tongbao import funnel_sentence, funnel_table

NAME = "社情民意信息工作年度考核"
NOT_FOUND = "（原始台账中未找到）"
NO_RULES = (
    f"发布库未包含信息积分表（{ITEM_POINTS_TABLE}），无法按积分排列优秀信息；"
    "请运行 sqmy transform 重新发布数据集市后重新生成本报告。"
)


def require_year(period: Period) -> None:
    if period.kind != "year":
        raise PeriodError(
            f"年度考核只能按年度生成，{period.name}不是年度：请写成 --period {period.year}"
            f" / the evaluation covers a whole year: use --period {period.year}"
        )


def _grades(data: ScoresData) -> Table:
    rows = [
        (
            u.name,
            u.unit_type,
            u.received,
            u.published,
            u.points,
            u.rank_overall,
            u.rank_in_type,
            u.quota,
            "" if u.quota_met is None else ("是" if u.quota_met else "否"),
            u.grade or "",
        )
        for _, units in data.by_type()
        for u in units
    ]
    return Table(
        key="grades",
        sheet="考核等次",
        title=f"{data.period.year}年度各单位考核等次",
        columns=(
            Column("单位", Kind.TEXT),
            Column("类型", Kind.TEXT),
            Column("报送（篇）", Kind.COUNT),
            Column("编发（篇）", Kind.COUNT),
            Column("积分", Kind.COUNT),
            Column("总排名", Kind.COUNT),
            Column("类型内排名", Kind.COUNT),
            Column("年度任务（篇）", Kind.COUNT),
            Column("完成任务", Kind.TEXT),
            Column("等次", Kind.TEXT),
        ),
        rows=rows,
    )


def grade_counts(data: ScoresData) -> list[tuple[str, int]]:
    counts = {g: sum(1 for u in data.units if u.grade == g) for g in GRADE_ORDER}
    return list(counts.items())


def _grade_table(data: ScoresData) -> Table:
    return Table(
        key="grade-counts",
        sheet="等次分布",
        title="考核等次分布",
        columns=(Column("等次", Kind.TEXT), Column("单位数", Kind.COUNT)),
        rows=grade_counts(data),
        total=("合计", sum(n for _, n in grade_counts(data))),
    )


def _excellent_items(data: ScoresData) -> Table:
    items = data.scored_items or []
    return Table(
        key="excellent-items",
        sheet="优秀信息",
        title="优秀信息推荐名单（按积分）",
        columns=(
            Column("期号", Kind.TEXT),
            Column("主题", Kind.TEXT),
            Column("编发日期", Kind.TEXT),
            Column("积分", Kind.COUNT),
            Column("上级采用（次）", Kind.COUNT),
            Column("获批示（件次）", Kind.COUNT),
        ),
        rows=[
            (
                i.issue_id,
                i.theme_l1 or "",
                i.published.isoformat(),
                i.points,
                i.adoptions,
                i.instructions,
            )
            for i in items
        ],
        note=NO_RULES if data.scored_items is None else "积分为每条来源稿件因该期信息所得积分。",
    )


def _collectives(data: ScoresData) -> Table:
    """The first units of each rostered type; a unit the roster does not know is not
    proposed for an award until the office adds it."""
    rows = []
    for unit_type, units in data.by_type():
        if unit_type == UNROSTERED:
            continue
        ranked = [u for u in units if u.points > 0][:SHORTLIST_UNITS_PER_TYPE]
        rows += [
            (unit_type, award, u.name, u.points, u.grade or "")
            for award, u in zip(AWARD_CLASSES, ranked, strict=False)
        ]
    return Table(
        key="collectives",
        sheet="先进集体",
        title="先进集体推荐名单（分类型）",
        columns=(
            Column("类型", Kind.TEXT),
            Column("拟评", Kind.TEXT),
            Column("单位", Kind.TEXT),
            Column("积分", Kind.COUNT),
            Column("等次", Kind.TEXT),
        ),
        rows=rows,
    )


def _individuals(data: ScoresData, names: dict[str, str] | None) -> Table:
    members = data.members or []
    columns = [Column("排名", Kind.COUNT), Column("人员编号", Kind.TEXT)]
    if names is not None:
        columns.append(Column("姓名", Kind.TEXT))
    columns += [
        Column("界别", Kind.TEXT),
        Column("报送单位", Kind.TEXT),
        Column("报送（篇）", Kind.COUNT),
        Column("编发（篇）", Kind.COUNT),
        Column("积分", Kind.COUNT),
    ]
    rows = [
        (
            m.rank,
            m.shown_key,
            *(() if names is None else (names.get(m.key, NOT_FOUND),)),
            m.sector or "",
            m.unit or "",
            m.received,
            m.published,
            m.points,
        )
        for m in members
    ]
    note = (
        "人员编号为报送人姓名的密钥散列前12位，不含姓名。"
        if names is None
        else "姓名经 --reveal-names 从原始台账读取，已记入审计日志；"
        "本文件含个人信息，请按涉密材料管理。"
    )
    return Table(
        key="individuals",
        sheet="先进个人",
        title="先进个人推荐名单（按积分）",
        columns=tuple(columns),
        rows=rows,
        note=note,
    )


def evaluation_tables(data: ScoresData, names: dict[str, str] | None = None) -> dict[str, Table]:
    return {
        "grades": _grades(data),
        "grade-counts": _grade_table(data),
        "excellent-items": _excellent_items(data),
        "collectives": _collectives(data),
        "individuals": _individuals(data, names),
        "funnel": funnel_table(data),
    }


def evaluation_paragraphs(data: ScoresData) -> list[str]:
    if not data.has_data:
        return [f"{data.period.scope}暂无报送和编发数据，无法评定考核等次。"]
    graded = "、".join(f"{g}{n}个" for g, n in grade_counts(data) if n)
    lines = [
        f"{data.period.scope}，参加考核的报送单位{len(data.units)}个，"
        f"评定结果：{graded or '暂无等次'}。",
        funnel_sentence(data),
    ]
    if data.scored_items:
        top = data.scored_items[0]
        lines.append(
            f"推荐优秀信息{len(data.scored_items)}期，积分最高的为{top.issue_id}期（{top.points}分）。"
        )
    if data.members:
        lines.append(f"推荐先进个人{len(data.members)}名（按积分排列，名单以人员编号列出）。")
    return lines
