"""The expected lifecycle funnel and unit points (CONTRACT §5), from the generator's model.

Plain Python over ``World`` and what the plan reported as delivered (``Truth``'s
loaded flags) — never the dbt models or seeds. The scoring rules are DOMAIN.md's
example table typed in here as constants; dbt reads its own ``scoring_rules``
seed, so a rule read wrongly in one place shows up as a difference.

How each rule is read here:

- **Funnel** — per period of the issue's publication date (year, quarter,
  month) and theme_l1 (plus 全部): an issue counts once per measure however
  many events it had (件, not 件次). ``issues_sent_up`` has a 报送;
  ``issues_adopted_national`` / ``_region`` a 采用 at 国家级 / 自治区级;
  ``issues_instructed_*`` a 批示 at that level; ``issues_with_response`` an
  办理反馈, ``issues_response_done`` one whose status is 已办结. Medians are over
  the issues that have the event, from publication to the first such event.
- **Points** — each delivered source submission of an issue earns the points
  of each event of that issue: the office's own 编发 (单篇 when the issue lists
  one source, 综合 when several), every 报送, every 采用 (level × channel),
  every 批示 (level); 办理反馈 earns nothing. Points fall in the period of the
  event's date (编发: the publication date) and credit the submission's unit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from sqmy_etl import reference
from sqmy_etl.synth.lifecycle import DONE, NATIONAL, REGION, RESPONSE, SENT_UP
from sqmy_etl.synth.model import ADOPTION, BATCH, Feedback, themes
from sqmy_etl.synth.seasons import period_labels
from sqmy_etl.synth.units import unit_of

if TYPE_CHECKING:
    from sqmy_etl.synth.truth import Truth

LEAGUE = "盟市级"
# DOMAIN.md "The lifecycle and how offices evaluate it", typed here by hand: the shipped
# example (批示 盟市级 / 自治区级 inside the published 5–10 / 15–20; 报送 as 原稿转送;
# 转送 by a higher body, which DOMAIN.md leaves open, 5 and 3)
OWN_BULLETIN_POINTS = {"单篇": 5, "综合": 2}
SENT_UP_POINTS = 1
ADOPTION_POINTS = {
    (NATIONAL, "单篇采用"): 20,
    (NATIONAL, "综合采用"): 15,
    (NATIONAL, "转送"): 5,
    (REGION, "单篇采用"): 15,
    (REGION, "综合采用"): 10,
    (REGION, "转送"): 3,
}
INSTRUCTION_POINTS = {LEAGUE: 8, REGION: 20, NATIONAL: 30}
FUNNEL_COUNTS = (
    "issues_published",
    "issues_sent_up",
    "issues_adopted_national",
    "issues_adopted_region",
    "issues_instructed",
    "issues_instructed_national",
    "issues_instructed_region",
    "issues_instructed_league",
    "issues_with_response",
    "issues_response_done",
)
PERIOD_ORDER = {"year": 0, "quarter": 1, "month": 2}


def event_points(event: Feedback) -> int:
    """Points one event of an issue earns each of its sources (DOMAIN.md's example)."""
    if event.kind == SENT_UP:
        return SENT_UP_POINTS
    if event.kind == ADOPTION:
        return ADOPTION_POINTS[event.level or NATIONAL, event.channel or "单篇采用"]
    if event.kind == BATCH:
        return INSTRUCTION_POINTS[event.level or REGION]
    return 0


def _issue_flags(events: list[Feedback]) -> dict[str, bool]:
    def has(kind: str, **fields: str) -> bool:
        return any(
            e.kind == kind and all(getattr(e, k) == v for k, v in fields.items()) for e in events
        )

    return {
        "issues_published": True,
        "issues_sent_up": has(SENT_UP),
        "issues_adopted_national": has(ADOPTION, level=NATIONAL),
        "issues_adopted_region": has(ADOPTION, level=REGION),
        "issues_instructed": has(BATCH),
        "issues_instructed_national": has(BATCH, level=NATIONAL),
        "issues_instructed_region": has(BATCH, level=REGION),
        "issues_instructed_league": has(BATCH, level=LEAGUE),
        "issues_with_response": has(RESPONSE),
        "issues_response_done": has(RESPONSE, status=DONE),
    }


def _first_lag(events: list[Feedback], kind: str, published: date) -> int | None:
    days = [e.day for e in events if e.kind == kind]
    return (min(days) - published).days if days else None


class LifecycleTruth:
    """Funnel rows and unit points of the delivered facts of one generated year."""

    def __init__(self, truth: Truth) -> None:
        self.truth, self.world = truth, truth.world
        self.events: dict[int, list[Feedback]] = defaultdict(list)
        for j, fb in enumerate(self.world.feedback):
            if truth.feedback_loaded[j] and truth.issue_loaded[fb.issue]:
                self.events[fb.issue].append(fb)
        for k, event in enumerate(self.world.lifecycle):
            if truth.lifecycle_loaded[k] and truth.issue_loaded[event.issue]:
                self.events[event.issue].append(event)

    def unit(self, index: int) -> tuple[str, str | None]:
        """The roster name of the unit of submission ``index`` (a committee is written by
        either of its names; the 报送单位 cell is never corrected)."""
        w = self.world
        region = reference.regions()[w.region[index]].name
        sector = reference.sectors()[w.sector[index]]
        return unit_of(sector, region, themes()[w.theme[index]][0])

    def funnel(self) -> list[dict[str, Any]]:
        # issues are first grouped by (publication day, theme, flags): a million-row year
        # has few distinct groups, so the roll-up to periods stays cheap
        grouped: Counter = Counter()
        lags: dict[tuple[date, str, str], list[int]] = defaultdict(list)
        for i, issue in enumerate(self.world.issues):
            if not self.truth.issue_loaded[i]:
                continue
            events = self.events.get(i, [])
            theme = themes()[issue.theme][0]
            grouped[issue.published, theme, tuple(_issue_flags(events).values())] += 1
            for what, kind in (("first_instruction", BATCH), ("response", RESPONSE)):
                days = _first_lag(events, kind, issue.published)
                if days is not None:
                    lags[issue.published, theme, what].append(days)
        counts: Counter = Counter()
        for (day, theme, flags), n in grouped.items():
            for period in period_labels(day):
                for name in (theme, reference.ALL_THEMES):
                    for measure, flag in zip(FUNNEL_COUNTS, flags, strict=True):
                        counts[(*period, name, measure)] += n * flag
        days_by_key: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
        for (day, theme, what), found in lags.items():
            for period in period_labels(day):
                for name in (theme, reference.ALL_THEMES):
                    days_by_key[(*period, name, what)].extend(found)
        keys = sorted({k[:3] for k in counts}, key=lambda k: (PERIOD_ORDER[k[0]], k[1], k[2]))
        rows = []
        for key in keys:
            row: dict[str, Any] = {"period_type": key[0], "period_label": key[1]}
            row["theme_l1"] = key[2]
            row.update({m: counts[(*key, m)] for m in FUNNEL_COUNTS})
            for what in ("first_instruction", "response"):
                found = days_by_key.get((*key, what))
                row[f"median_days_to_{what}"] = median(found) if found else None
            rows.append(row)
        return rows

    def unit_scores(self) -> list[dict[str, Any]]:
        """Per (period, unit) with anything: submissions received and points."""
        w = self.world
        daily: Counter = Counter()  # (day of year, sector, region, theme) -> submissions
        for index in range(w.size):
            if self.truth.loaded[index]:
                daily[w.day[index], w.sector[index], w.region[index], w.theme[index]] += 1
        received: Counter = Counter()
        start = date(w.year, 1, 1)
        for (day, sector, region, theme), n in daily.items():
            unit = unit_of(
                reference.sectors()[sector], reference.regions()[region].name, themes()[theme][0]
            )
            for period in period_labels(start + timedelta(days=day)):
                received[(*period, unit)] += n
        earned: Counter = Counter()  # (day, unit) -> points
        for i, issue in enumerate(w.issues):
            if not self.truth.issue_loaded[i]:
                continue
            units = [self.unit(s) for s in issue.sources if self.truth.loaded[s]]
            form = "单篇" if len(issue.sources) == 1 else "综合"
            events = [(issue.published, OWN_BULLETIN_POINTS[form])]
            events += [(e.day, event_points(e)) for e in self.events.get(i, [])]
            for day, value in events:
                for unit in units:
                    earned[day, unit] += value
        points: Counter = Counter()
        for (day, unit), value in earned.items():
            for period in period_labels(day):
                points[(*period, unit)] += value
        keys = sorted(set(received) | set(points), key=lambda k: (PERIOD_ORDER[k[0]], *k[1:3]))
        return [
            {
                "period_type": p,
                "period_label": label,
                "unit_name": unit[0],
                "unit_type": unit[1],
                "submissions_received": received[p, label, unit],
                "points": points[p, label, unit],
            }
            for p, label, unit in keys
        ]

    def summarise(self) -> dict[str, Any]:
        loaded = [e for k, e in enumerate(self.world.lifecycle) if self.truth.lifecycle_loaded[k]]
        return {
            "events": dict(sorted(Counter(e.kind for e in loaded).items())),
            "funnel": self.funnel(),
            "unit_scores": self.unit_scores(),
            "scoring_rules": {
                "own_bulletin": OWN_BULLETIN_POINTS,
                "sent_up": SENT_UP_POINTS,
                "adoption": {f"{lv}/{ch}": p for (lv, ch), p in ADOPTION_POINTS.items()},
                "instruction": INSTRUCTION_POINTS,
            },
        }
