"""Charts of the 通报 and the 年度考核 report, in the work report's style (``charts``)."""

from __future__ import annotations

from sqmy_etl.reports.charts import GREY, RED, _chart_style, _figure, _png
from sqmy_etl.reports.scores_data import ScoresData
from sqmy_etl.reports.text import fmt_rate

TOP_UNITS_CHARTED = 15


def _funnel(data: ScoresData) -> bytes | None:
    """One bar per lifecycle stage, widest first, each labelled with its share of 编发."""
    stages = data.funnel.stages
    if not stages[0].issues:
        return None
    fig, ax = _figure(0.6 + 0.32 * len(stages))
    y = range(len(stages))
    counts = [s.issues for s in stages]
    ax.barh(y, counts, color=[RED if i == 0 else GREY for i in y])
    for i, stage in enumerate(stages):
        share = "" if i == 0 else f"（{fmt_rate(stage.rate)}）"
        ax.text(stage.issues, i, f" {stage.issues}期{share}", va="center", fontsize=8)
    ax.set_yticks(list(y), [s.name for s in stages])
    ax.invert_yaxis()
    ax.set_xlim(0, max(counts) * 1.3)
    ax.set_xlabel("信息（期）")
    return _png(fig)


def _points(data: ScoresData) -> bytes | None:
    """The units with the most points in the period."""
    units = sorted((u for u in data.units if u.points > 0), key=lambda u: (-u.points, u.name))
    units = units[:TOP_UNITS_CHARTED]
    if not units:
        return None
    fig, ax = _figure(0.5 + 0.26 * len(units))
    y = range(len(units))
    bars = ax.barh(y, [u.points for u in units], color=RED)
    ax.bar_label(bars, fontsize=7.5, padding=2)
    ax.set_yticks(list(y), [u.name for u in units])
    ax.invert_yaxis()
    ax.set_xlabel("积分")
    return _png(fig)


def render_score_charts(data: ScoresData) -> dict[str, bytes]:
    """PNG bytes per chart key; a chart with nothing to show is left out."""
    charts = {}
    with _chart_style():
        for key, draw in (("funnel", _funnel), ("points", _points)):
            png = draw(data)
            if png is not None:
                charts[key] = png
    return charts
