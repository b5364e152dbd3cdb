"""The 通报 (monthly or quarterly bulletin on the units' work): its tables and its text.

What offices publish each quarter (DOMAIN.md): units ranked by points within
their type with the change against the previous period (环比) and the same
period a year earlier (同比), progress towards the annual quota, the units
that sent nothing (零报送), the items adopted or instructed in the period and
the lifecycle funnel. Every figure comes from ``ScoresData``.
"""

from __future__ import annotations

from sqmy_etl.reports.scores_data import ScoresData, UnitScore
from sqmy_etl.reports.tables import Column, Kind, Table
from sqmy_etl.reports.text import fmt_days, relative_change

NAME = "社情民意信息工作通报"
TOP_NAMED = 3
_RANK_COLUMNS = (
    Column("类型内排名", Kind.COUNT),
    Column("单位", Kind.TEXT),
    Column("报送（篇）", Kind.COUNT),
    Column("编发（篇）", Kind.COUNT),
    Column("上级采用（次）", Kind.COUNT),
    Column("获批示（件次）", Kind.COUNT),
    Column("积分", Kind.COUNT),
)


def funnel_table(data: ScoresData) -> Table:
    funnel = data.funnel
    note = (
        f"自编发至首次批示用时中位数 {fmt_days(funnel.median_days_to_first_instruction)} 天，"
        f"至首次办理反馈用时中位数 {fmt_days(funnel.median_days_to_response)} 天。"
        "各环节按本期编发的信息计（件，不计次数）。"
    )
    return Table(
        key="funnel",
        sheet="全流程",
        title=f"{data.period.name}编发信息全流程情况",
        columns=(
            Column("环节", Kind.TEXT),
            Column("信息（期）", Kind.COUNT),
            Column("占编发", Kind.RATE),
        ),
        rows=[(s.name, s.issues, s.rate) for s in data.funnel.stages],
        note=note,
    )


def _changes(data: ScoresData) -> tuple[tuple[str, str], ...]:
    """(header, UnitScore attribute of the base points): a year compares with the year before."""
    if data.period.kind == "year":
        return (("同比", "points_year_ago"),)
    return (("环比", "points_previous"), ("同比", "points_year_ago"))


def _rank_row(unit: UnitScore, changes: tuple[tuple[str, str], ...]) -> tuple:
    base = (
        unit.rank_in_type,
        unit.name,
        unit.received,
        unit.published,
        unit.adoptions,
        unit.instructions,
        unit.points,
    )
    return base + tuple(relative_change(unit.points, getattr(unit, attr)) for _, attr in changes)


def ranking_tables(data: ScoresData) -> dict[str, Table]:
    """One ranking per unit type, in roster order of the types."""
    changes = _changes(data)
    columns = _RANK_COLUMNS + tuple(Column(f"积分{h}", Kind.CHANGE) for h, _ in changes)
    tables = {}
    for i, (unit_type, units) in enumerate(data.by_type(), start=1):
        tables[f"rank-{i}"] = Table(
            key=f"rank-{i}",
            sheet=f"排名-{unit_type}"[:31],
            title=f"{unit_type}积分排名",
            columns=columns,
            rows=[_rank_row(u, changes) for u in units],
        )
    return tables


def _quota(data: ScoresData) -> Table:
    months = f"1—{data.period.last_month}月"
    return Table(
        key="quota",
        sheet="任务进度",
        title=f"年度任务完成进度（{data.period.year}年{months}）",
        columns=(
            Column("单位", Kind.TEXT),
            Column("类型", Kind.TEXT),
            Column("年度任务（篇）", Kind.COUNT),
            Column("累计报送（篇）", Kind.COUNT),
            Column("完成率", Kind.RATE),
        ),
        rows=[(q.name, q.unit_type, q.quota, q.received_to_date, q.share) for q in data.quota],
    )


def _zero(data: ScoresData) -> Table:
    return Table(
        key="zero",
        sheet="零报送",
        title=f"{data.period.name}零报送单位",
        columns=(
            Column("单位", Kind.TEXT),
            Column("类型", Kind.TEXT),
            Column("所在地区", Kind.TEXT),
        ),
        rows=[(u.name, u.unit_type, u.region or "") for u in data.zero_units],
    )


def _items(data: ScoresData) -> Table:
    return Table(
        key="items",
        sheet="采用批示",
        title=f"{data.period.name}获采用、批示的信息",
        columns=(
            Column("期号", Kind.TEXT),
            Column("主题", Kind.TEXT),
            Column("事项", Kind.TEXT),
            Column("级别", Kind.TEXT),
            Column("采用方式", Kind.TEXT),
            Column("采用单位", Kind.TEXT),
            Column("日期", Kind.TEXT),
        ),
        rows=[
            (
                e.issue_id,
                e.theme_l1 or "",
                e.event,
                e.level or "",
                e.channel or "",
                e.body or "",
                e.day.isoformat() if e.day else "",
            )
            for e in data.items
        ],
        note="按采用、批示日期列出；同一期信息获多次采用或批示的逐次列出。",
    )


def tongbao_tables(data: ScoresData) -> dict[str, Table]:
    return {
        "funnel": funnel_table(data),
        **ranking_tables(data),
        "quota": _quota(data),
        "zero": _zero(data),
        "items": _items(data),
    }


def _leaders(data: ScoresData) -> str | None:
    parts = []
    for unit_type, units in data.by_type():
        top = [u for u in units if u.points > 0][:TOP_NAMED]
        if top:
            named = "、".join(f"{u.name}（{u.points}分）" for u in top)
            parts.append(f"{unit_type}中{named}")
    return f"积分居前的单位：{'；'.join(parts)}。" if parts else None


def funnel_sentence(data: ScoresData) -> str:
    s = {stage.name: stage.issues for stage in data.funnel.stages}
    return (
        f"本期编发信息{s['编发信息']}期，报送上级{s['报送上级']}期，"
        f"被全国政协采用{s['全国政协采用']}期、被自治区党委政府采用{s['自治区党委政府采用']}期，"
        f"获党政领导批示{s['获党政领导批示']}期，收到部门办理反馈{s['部门办理反馈']}期"
        f"（其中已办结{s['其中已办结']}期）。"
    )


def tongbao_paragraphs(data: ScoresData) -> list[str]:
    if not data.has_data:
        return [f"{data.period.scope}暂无报送和编发数据，本期通报无可排名的单位。"]
    received = sum(u.received for u in data.units)
    active = sum(1 for u in data.units if u.received)
    lines = [
        f"{data.period.scope}，{active}个报送单位共报送社情民意信息{received}篇。"
        + funnel_sentence(data)
    ]
    leaders = _leaders(data)
    if leaders:
        lines.append(leaders)
    zero = data.zero_units
    if zero:
        lines.append(
            f"本期零报送单位{len(zero)}个：{'、'.join(u.name for u in zero)}，请抓紧报送。"
        )
    else:
        lines.append("本期无零报送单位。")
    return lines
