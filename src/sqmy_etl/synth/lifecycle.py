"""What happens to issues after publication (CONTRACT §5): 报送, 采用, 办理反馈.

Drawn from a random stream of its own after the rest of the world, so the
submissions, issues and 批示 — and with them the 2021 headline 1005 / 320 /
204 / 43 — are exactly what they were before lifecycle events existed. The
shape follows Inner Mongolia 2019 (DOMAIN.md): 261 issues → 74 adopted by a
higher body → 79 with a department's response, scaled to the issues drawn
here. The 批示 count is the 2021 one and is not re-shaped (43 民生 issues of
204 is the calibration; Inner Mongolia 2019's 27 of 261 is a lower rate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from random import Random

from sqmy_etl.synth.model import ADOPTION, ADOPTION_POST, BATCH, Feedback, World, themes

SENT_UP = "报送"
RESPONSE = "办理反馈"
NATIONAL, REGION = "国家级", "自治区级"
REGION_BODIES = ("自治区党委办公厅", "自治区人民政府办公厅")
CHANNELS = (("单篇采用", 0.6), ("综合采用", 0.3), ("转送", 0.1))
DONE, IN_PROGRESS = "已办结", "办理中"
DEPARTMENTS = {
    "民生": ("自治区教育厅", "自治区卫生健康委员会", "自治区民政厅", "自治区人力资源和社会保障厅"),
    "经济发展": ("自治区发展和改革委员会", "自治区工业和信息化厅"),
    "生态环境": ("自治区生态环境厅", "自治区林业和草原局"),
    "乡村振兴": ("自治区农牧厅", "自治区乡村振兴局"),
    "社会治理": ("自治区公安厅", "自治区应急管理厅"),
    "民族团结": ("自治区民族事务委员会",),
    "文化旅游": ("自治区文化和旅游厅",),
    "其他": ("自治区人民政府办公厅",),
}


@dataclass(frozen=True)
class LifecycleCalibration:
    """Shares per published issue; Inner Mongolia 2019 where it reports one."""

    sent_up_rate: float = 0.45  # assumption: not reported
    adopted_rate: float = 74 / 261
    response_rate: float = 79 / 261
    sent_to_national_share: float = 0.3  # of sent-up issues not adopted by 全国政协
    adopted_at_both_levels: int = 2  # 全国政协 issues also adopted by a 自治区 body
    responses_from_instructed: float = 0.8
    done_share: float = 0.75
    response_in_two_steps: float = 0.15  # an 办理中 reply first, 已办结 later
    sent_up_lag_days: tuple[int, int] = (1, 9)
    adoption_lag_days: tuple[int, int] = (5, 60)
    response_lag_days: tuple[int, int] = (10, 90)


class _Events:
    """The lifecycle events drawn so far; one per (issue, type, day), since two of one type
    on one issue and day could be read as one delivered twice (CONTRACT §1)."""

    def __init__(self, feedback: list[Feedback]) -> None:
        self.taken = {(fb.issue, fb.kind, fb.day) for fb in feedback}
        self.events: list[Feedback] = []

    def add(self, issue: int, kind: str, level: str | None, day: date, **extra: str) -> Feedback:
        while (issue, kind, day) in self.taken:
            day += timedelta(days=1)
        self.taken.add((issue, kind, day))
        event = Feedback(issue, kind, level, extra.pop("post", None), day, None, **extra)
        self.events.append(event)
        return event


def draw_lifecycle(rng: Random, world: World) -> tuple[list[Feedback], list[Feedback]]:
    """(the world's feedback with a channel and body on each 全国政协 采用, the lifecycle
    events in order of date)."""
    cal = LifecycleCalibration()
    feedback = [
        replace(fb, channel=_channel(rng), body=ADOPTION_POST) if fb.kind == ADOPTION else fb
        for fb in world.feedback
    ]
    events = _Events(feedback)
    national = {fb.issue: fb.day for fb in feedback if fb.kind == ADOPTION}
    region_sent = _draw_sent_up(rng, world, national, events, cal)
    adoption_day = dict(national)
    n_region = max(0, round(len(world.issues) * cal.adopted_rate) - len(national))
    region_only = [i for i in region_sent if i not in national]
    both = rng.sample(sorted(national), min(cal.adopted_at_both_levels, len(national)))
    for i in sorted({*rng.sample(region_only, min(n_region, len(region_only))), *both}):
        up = region_sent[i]
        day = _after(rng, up.day, cal.adoption_lag_days)
        extra = {"post": up.body, "body": up.body, "channel": _channel(rng)}
        event = events.add(i, ADOPTION, REGION, day, **extra)
        adoption_day[i] = min(adoption_day.get(i, event.day), event.day)
    _draw_responses(rng, world, feedback, adoption_day, events, cal)
    return feedback, sorted(events.events, key=lambda e: (e.day, e.issue, e.kind))


def _draw_sent_up(
    rng: Random, world: World, national: dict[int, date], events: _Events, cal: LifecycleCalibration
) -> dict[int, Feedback]:
    """报送: every sent-up issue goes to a 自治区 body, some (all 全国政协-adopted ones, before
    their adoption) to 全国政协 too. Returns the 自治区 报送 per issue."""
    n = len(world.issues)
    others = [i for i in range(n) if i not in national]
    extra = max(0, round(n * cal.sent_up_rate) - len(national))
    region_sent: dict[int, Feedback] = {}
    for i in sorted({*national, *rng.sample(others, extra)}):
        published = world.issues[i].published
        if i in national or rng.random() < cal.sent_to_national_share:
            latest = (national[i] - published).days - 1 if i in national else 9
            day = published + timedelta(days=rng.randint(1, max(1, min(9, latest))))
            events.add(i, SENT_UP, NATIONAL, day, body=ADOPTION_POST)
        day = _after(rng, published, cal.sent_up_lag_days)
        region_sent[i] = events.add(i, SENT_UP, REGION, day, body=rng.choice(REGION_BODIES))
    return region_sent


def _draw_responses(
    rng: Random,
    world: World,
    feedback: list[Feedback],
    adoption_day: dict[int, date],
    events: _Events,
    cal: LifecycleCalibration,
) -> None:
    """Department responses: mostly to instructed issues (批示 → 转办 → 反馈), the rest to
    adopted ones; a few answer 办理中 first and 已办结 later."""
    first_instruction: dict[int, date] = {}
    for fb in feedback:
        if fb.kind == BATCH:
            first_instruction[fb.issue] = min(first_instruction.get(fb.issue, fb.day), fb.day)
    n_responses = round(len(world.issues) * cal.response_rate)
    instructed = sorted(first_instruction)
    from_instructed = rng.sample(
        instructed, min(len(instructed), round(n_responses * cal.responses_from_instructed))
    )
    adopted_only = [i for i in sorted(adoption_day) if i not in first_instruction]
    rest = rng.sample(adopted_only, min(len(adopted_only), n_responses - len(from_instructed)))
    for i in sorted({*from_instructed, *rest}):
        trigger = first_instruction.get(i) or adoption_day[i]
        department = rng.choice(DEPARTMENTS[themes()[world.issues[i].theme][0]])
        day = _after(rng, trigger, cal.response_lag_days)
        if rng.random() < cal.response_in_two_steps:
            events.add(i, RESPONSE, None, day, body=department, status=IN_PROGRESS)
            day = _after(rng, day, cal.response_lag_days)
            events.add(i, RESPONSE, None, day, body=department, status=DONE)
            continue
        status = DONE if rng.random() < cal.done_share else IN_PROGRESS
        events.add(i, RESPONSE, None, day, body=department, status=status)


def _channel(rng: Random) -> str:
    names, weights = zip(*CHANNELS, strict=True)
    return rng.choices(names, weights=weights)[0]


def _after(rng: Random, day: date, lag: tuple[int, int]) -> date:
    return day + timedelta(days=rng.randint(*lag))
