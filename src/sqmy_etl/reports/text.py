"""Number formatting and the narrative, written from ``ReportData`` alone.

Rounding is half-up on the decimal value (21.25 → 21.3), as readers of a
printed report expect, not Python's round-half-even on binary floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqmy_etl.reference import UNKNOWN_REGION
from sqmy_etl.reports.data import PROMPT_DAYS, UNSPECIFIED_SUBTHEME, Comparison, ReportData

NO_VALUE = "—"
NO_DATA = "本期无数据"
TOP_N = 3


def one_decimal(value: float | Decimal) -> Decimal:
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(share: float) -> Decimal:
    """0.284375 → Decimal('28.4'): scaled in decimal, so no binary error creeps in."""
    return one_decimal(Decimal(repr(share)) * 100)


def fmt_rate(rate: float | None) -> str:
    """0.210784 → '21.1%'; None (no denominator) → '—'."""
    return NO_VALUE if rate is None else f"{_percent(rate)}%"


def fmt_days(days: float | None) -> str:
    return NO_VALUE if days is None else f"{one_decimal(days)}"


def relative_change(current: int, base: int | None) -> float | None:
    """Growth against the base; None when there is no base or it is zero."""
    return None if not base else (current - base) / base


def rate_change(current: float | None, base: float | None) -> float | None:
    """Difference of two rates (in rate units); None unless both exist."""
    return None if current is None or base is None else current - base


def fmt_change(change: float | None) -> str:
    """Signed growth for tables: '+11.7%', '-5.0%', '—'."""
    if change is None:
        return NO_VALUE
    text = fmt_rate(abs(change))
    return text if text == "0.0%" else ("+" if change > 0 else "-") + text


def fmt_points(change: float | None) -> str:
    """Signed rate difference for tables: '+1.1个百分点'."""
    if change is None:
        return NO_VALUE
    points = _percent(abs(change))
    sign = "" if points == 0 else ("+" if change > 0 else "-")
    return f"{sign}{points}个百分点"


def _says_change(change: float | None) -> str:
    if change is None:
        return "无可比数据"
    if fmt_change(change) == "0.0%":
        return "持平"
    return f"{'增长' if change > 0 else '下降'}{fmt_rate(abs(change))}"


def _says_points(change: float | None) -> str:
    if change is None:
        return "无可比数据"
    points = _percent(abs(change))
    if points == 0:
        return "持平"
    return f"{'提高' if change > 0 else '下降'}{points}个百分点"


def headline(data: ReportData) -> str:
    """The opening sentence, in the words of the seed article."""
    p, total, minsheng = data.period, data.total, data.minsheng
    if not data.has_data:
        return f"{NO_DATA}：发布库中没有{p.name}的来稿和编发记录。"
    opening = f"{p.scope}共收到社情民意信息{total.submissions_received}篇"
    if total.issues_published == 0:
        return f"{opening}，本期未编发信息。"
    if minsheng.issues_published == 0:
        return f"{opening}，编发{total.issues_published}期，本期未编发民生类信息。"
    return (
        f"{opening}，编发{total.issues_published}期，"
        f"其中重点反映民生类信息{minsheng.issues_published}期，"
        f"{minsheng.issues_instructed}期得到党政领导批示，"
        f"批示率{fmt_rate(minsheng.instruction_rate)}。"
    )


def _instructions_sentence(data: ReportData) -> str | None:
    total = data.total
    if total.issues_published == 0:
        return None
    if total.issues_instructed == 0:
        first = "从全部编发信息看，本期编发信息暂未得到党政领导批示"
    else:
        first = (
            f"从全部编发信息看，{total.issues_instructed}期得到党政领导批示，"
            f"批示率{fmt_rate(total.instruction_rate)}，"
            f"累计获得批示{total.instructions_total}件次"
        )
    return f"{first}；{total.issues_adopted_national}期被全国政协采用。"


def _comparison_sentence(data: ReportData, comparison: Comparison) -> str:
    base = comparison.total
    base_title = f"{comparison.base_name}（{comparison.period.name}）"
    if base is None or comparison.minsheng is None:
        return f"{base_title}无可比数据，{comparison.name}记为“{NO_VALUE}”。"
    intro = f"与{base_title}相比"
    total = data.total
    received = relative_change(total.submissions_received, base.submissions_received)
    published = relative_change(total.issues_published, base.issues_published)
    rate = rate_change(data.minsheng.instruction_rate, comparison.minsheng.instruction_rate)
    return (
        f"{intro}，来稿数量{_says_change(received)}，编发期数{_says_change(published)}，"
        f"民生类信息批示率{_says_points(rate)}。"
    )


def _themes_sentence(data: ReportData) -> str | None:
    themes = sorted(
        (t for t in data.themes if t.measures.issues_published > 0),
        key=lambda t: -t.measures.issues_published,
    )[:TOP_N]
    if not themes:
        return None
    listed = "、".join(f"{t.name}（{t.measures.issues_published}期）" for t in themes)
    sentence = f"从主题分布看，编发信息主要集中在{listed}等方面"
    subthemes = sorted(
        (
            s
            for s in data.minsheng_subthemes
            if s.issues_published and s.name != UNSPECIFIED_SUBTHEME
        ),
        key=lambda s: -s.issues_published,
    )[:TOP_N]
    if subthemes:
        named = "、".join(f"{s.name}（{s.issues_published}期）" for s in subthemes)
        sentence += f"；民生类信息中，反映{named}方面问题的较多"
    return sentence + "。"


def _regions_sentence(data: ReportData) -> str | None:
    regions = sorted(
        (
            r
            for r in data.regions
            if r.name != UNKNOWN_REGION and r.measures.submissions_received > 0
        ),
        key=lambda r: -r.measures.submissions_received,
    )[:TOP_N]
    if not regions:
        return None
    listed = "、".join(f"{r.name}（{r.measures.submissions_received}篇）" for r in regions)
    return f"从来稿地区看，{listed}来稿较多。"


def _timing_sentence(data: ReportData) -> str | None:
    timing = data.timing
    if not timing.issues:
        return None
    return (
        f"获批示信息自编发至首次批示平均用时{fmt_days(timing.mean)}天，"
        f"中位数{fmt_days(timing.median)}天，"
        f"其中{timing.prompt}期在{PROMPT_DAYS}天内得到批示。"
    )


def paragraphs(data: ReportData) -> list[str]:
    """The opening narrative: headline, 批示, 同比/环比, themes, regions, timing."""
    if not data.has_data:
        return [headline(data)]
    first = headline(data)
    instructions = _instructions_sentence(data)
    if instructions:
        first += instructions
    parts = [first, "".join(_comparison_sentence(data, c) for c in data.comparisons)]
    parts += [
        s for s in (_themes_sentence(data), _regions_sentence(data), _timing_sentence(data)) if s
    ]
    return parts


def quality_notes(data: ReportData) -> list[str]:
    """The data-quality footnote; every flagged row is still counted in the figures."""
    q = data.quality
    notes = [
        f"本期来稿中，所属盟市无法识别的{q.submissions_unknown_region}篇（列为“未知”），"
        f"主题无法归类的{q.submissions_unclassified}篇（列为“未分类”），"
        f"未注明界别的{q.submissions_without_sector}篇；"
        f"编发信息中主题无法归类的{q.issues_unclassified}期。",
        f"疑似重复来稿{q.submissions_possible_duplicates}篇已标记待核，仍计入统计。",
    ]
    if q.quarantined_rows is not None:
        notes.append(
            f"截至报告编制时，因编号缺失、日期无效等原因隔离待核的台账记录累计{q.quarantined_rows}行，"
            "未计入上述统计。"
        )
    return notes


DEFINITIONS = (
    "来稿按收稿日期统计，编发按编发日期统计；批示数为本期编发信息获得的党政领导批示，"
    "含本期结束后作出的批示，“采用”仅指全国政协采用，不计入批示。",
    "一期信息可汇集多个盟市、界别的来稿，按盟市、报送单位统计的编发期数之和可能大于编发总期数。",
    "批示率 = 获批示期数 ÷ 编发期数；无编发时记为“—”。",
)
