"""Charts as PNG bytes, drawn with matplotlib's object API (no pyplot global state).

A missing glyph makes matplotlib warn and draw a box; that warning is turned
into an error here, so a chart with boxes can never ship.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqmy_etl.reports.data import ReportData
from sqmy_etl.reports.errors import MissingGlyphError
from sqmy_etl.reports.fonts import matplotlib_family
from sqmy_etl.reports.text import fmt_rate

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

RED = "#A8232B"
LIGHT_RED = "#E6A5A1"
GREY = "#8A96A3"
WIDTH_IN = 7.0
DPI = 200


@contextmanager
def _chart_style() -> Iterator[None]:
    import matplotlib

    family = matplotlib_family()
    style = {
        "font.family": [family],
        "font.size": 9,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "legend.frameon": False,
    }
    with matplotlib.rc_context(style), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from")
        yield


def _figure(height_in: float) -> tuple[Figure, Axes]:
    """A figure whose value axes only ever show whole numbers (everything counted is whole)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=DPI)
    except UserWarning as warning:
        raise MissingGlyphError(f"a chart label has no glyph in the CJK font: {warning}") from None
    return buffer.getvalue()


def _months(data: ReportData) -> bytes | None:
    """来稿 and 编发 per month from January; months before the period are faded."""
    from matplotlib.patches import Patch

    if not any(m.measures.has_activity for m in data.months):
        return None
    fig, ax = _figure(2.9)
    names = [m.name for m in data.months]
    x = range(len(names))
    width = 0.4
    alphas = [1.0 if n in data.months_in_period else 0.45 for n in names]
    received = ax.bar(
        [i - width / 2 for i in x],
        [m.measures.submissions_received for m in data.months],
        width,
        color=GREY,
    )
    published = ax.bar(
        [i + width / 2 for i in x],
        [m.measures.issues_published for m in data.months],
        width,
        color=RED,
    )
    for bars in (received, published):
        for bar, alpha in zip(bars, alphas, strict=True):
            bar.set_alpha(alpha)
        ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xticks(list(x), names)
    # explicit handles: the first bars may be faded (months before the period)
    ax.legend(
        handles=[
            Patch(color=GREY, label="收到来稿（篇）"),
            Patch(color=RED, label="编发信息（期）"),
        ],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=2,
    )
    ax.set_ylabel("数量")
    return _png(fig)


def _issues_and_rates(
    names: list[str], published: list[int], instructed: list[int], rates: list[float | None]
) -> bytes | None:
    """Horizontal bars: issues published, the instructed part darker, 批示率 at the bar end."""
    if not any(published):
        return None
    fig, ax = _figure(0.5 + 0.28 * len(names))
    y = range(len(names))
    ax.barh(y, published, color=LIGHT_RED, label="编发（期）")
    ax.barh(y, instructed, color=RED, label="其中获批示（期）")
    for i, (n, rate) in enumerate(zip(published, rates, strict=True)):
        if n:
            ax.text(n, i, f" {n}期 / 批示率{fmt_rate(rate)}", va="center", fontsize=7.5)
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlim(0, max(published) * 1.35)
    ax.legend(loc="lower right")
    return _png(fig)


def _themes(data: ReportData) -> bytes | None:
    themes = data.themes
    return _issues_and_rates(
        [t.name for t in themes],
        [t.measures.issues_published for t in themes],
        [t.measures.issues_instructed for t in themes],
        [t.measures.instruction_rate for t in themes],
    )


def _minsheng(data: ReportData) -> bytes | None:
    subs = data.minsheng_subthemes
    return _issues_and_rates(
        [s.name for s in subs],
        [s.issues_published for s in subs],
        [s.issues_instructed for s in subs],
        [s.instruction_rate for s in subs],
    )


def _regions(data: ReportData) -> bytes | None:
    regions = data.regions
    if not any(r.measures.has_activity for r in regions):
        return None
    fig, ax = _figure(3.1)
    x = range(len(regions))
    width = 0.4
    received = ax.bar(
        [i - width / 2 for i in x],
        [r.measures.submissions_received for r in regions],
        width,
        color=GREY,
        label="收到来稿（篇）",
    )
    published = ax.bar(
        [i + width / 2 for i in x],
        [r.measures.issues_published for r in regions],
        width,
        color=RED,
        label="编发（期）",
    )
    for bars in (received, published):
        ax.bar_label(bars, fontsize=6.5, padding=1)
    ax.set_xticks(list(x), [r.name for r in regions], rotation=40, ha="right")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)
    return _png(fig)


def _timing(data: ReportData) -> bytes | None:
    buckets = data.timing.buckets
    if not data.timing.issues:
        return None
    fig, ax = _figure(2.4)
    bars = ax.bar([label for label, _ in buckets], [n for _, n in buckets], color=RED, width=0.55)
    ax.bar_label(bars, fontsize=8, padding=1)
    ax.set_ylabel("获批示信息（期）")
    return _png(fig)


CHARTS: dict[str, Callable[[ReportData], bytes | None]] = {
    "months": _months,
    "themes": _themes,
    "minsheng": _minsheng,
    "regions": _regions,
    "timing": _timing,
}


def render_charts(data: ReportData) -> dict[str, bytes]:
    """PNG bytes per table key; a chart with nothing to show is left out."""
    if not data.has_data:
        return {}
    charts = {}
    with _chart_style():
        for key, draw in CHARTS.items():
            png = draw(data)
            if png is not None:
                charts[key] = png
    return charts
