"""The synthetic world: what really happened in one year, before anyone wrote a ledger.

Submissions are kept as compact per-index arrays (received day and minute,
region, theme, sector, submitter, issue) so a million of them fit in a few
megabytes; their text is produced only while streaming (``iter_submissions``).
Issues and 批示 are few enough to keep as objects. Indices follow the order of
receipt, which is also the order of the 稿件编号.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import accumulate
from random import Random

from sqmy_etl import reference
from sqmy_etl.synth import seasons, text
from sqmy_etl.synth.people import Person, person_pool
from sqmy_etl.synth.units import FORWARDED_SECTOR, unit_of, written_unit


@dataclass(frozen=True)
class Calibration:
    """Volumes at scale 1 (DOMAIN.md) and the assumptions the seed article does not give."""

    submissions: int = 1005
    minsheng_issues: int = 204
    minsheng_instructed: int = 43
    total_issues: int = 320
    other_instruction_rate: float = 0.15
    adoption_rate: float = 0.03
    sources_per_issue: tuple[float, float, float] = (0.62, 0.28, 0.10)
    mixed_theme_issue_share: float = 0.06
    source_lag_days: tuple[int, int] = (2, 40)
    instructions_per_issue: tuple[float, float, float] = (0.65, 0.25, 0.10)
    instruction_lag_days: tuple[int, int] = (3, 60)
    adoption_lag_days: tuple[int, int] = (10, 90)
    instruction_levels: tuple[tuple[str, float], ...] = (
        ("自治区级", 0.72),
        ("盟市级", 0.2),
        ("国家级", 0.08),
    )
    autonomous_region_share: float = 0.1
    night_submission_share: float = 0.03
    submitters_per_scale_unit: int = 350
    max_submitters: int = 5_000

    def assumptions(self, year: int) -> dict[str, object]:
        """Everything chosen here rather than read in the seed article (1005, 204, 43 are)."""
        seed_figures = ("submissions", "minsheng_issues", "minsheng_instructed")
        first, last = seasons.spring_festival_week(year)
        return {
            **{k: v for k, v in asdict(self).items() if k not in seed_figures},
            "first_issue_date": f"{year}-01-{seasons.FIRST_ISSUE_DAY + 1:02d}",
            "month_weights": list(seasons.MONTH_WEIGHT),
            "weekend_weight": seasons.WEEKEND_WEIGHT,
            "holiday_weight": seasons.HOLIDAY_WEIGHT,
            "spring_festival_week": [first.isoformat(), last.isoformat()],
        }


@cache
def themes() -> tuple[tuple[str, str | None], ...]:
    """Every theme a submission can have: the taxonomy's (l1, l2) pairs, then 其他 (no l2).
    Read lazily so importing the generator never touches the seeds."""
    return (*((l1, l2) for l2, l1 in reference.theme_l2_to_l1().items()), ("其他", None))


# share of submissions by theme_l1; within 民生 some themes weigh more
L1_SHARE = {
    "民生": 0.55,
    "经济发展": 0.12,
    "生态环境": 0.09,
    "乡村振兴": 0.08,
    "社会治理": 0.08,
    "民族团结": 0.03,
    "文化旅游": 0.04,
    "其他": 0.01,
}
L2_WEIGHT = {"教育": 1.3, "医疗卫生": 1.4, "养老服务": 1.2, "托育服务": 0.5, "青少年心理健康": 0.6}
SECTOR_WEIGHT = {"盟市政协": 4.4, "无党派人士": 1.0, "中国共产党": 1.5}
PARTY_WEIGHT = 2.0  # the democratic parties write the most
CITY_POSTS = ("{stem}市委书记", "{name}市长", "{name}副市长")
LEAGUE_POSTS = ("{stem}盟委书记", "{name}盟长", "{name}副盟长")
REGION_POSTS = (
    ("自治区党委书记", 0.08),
    ("自治区党委副书记、自治区主席", 0.12),
    ("自治区党委副书记", 0.06),
    ("自治区党委常委、常务副主席", 0.1),
    ("自治区党委常委", 0.1),
    ("自治区政府副主席", 0.38),
    ("自治区政协主席", 0.06),
    ("自治区政协副主席", 0.1),
)
NATIONAL_POSTS = ("国务院副总理", "全国政协副主席")
ADOPTION_POST = "全国政协办公厅"
BATCH = "批示"
ADOPTION = "采用"


def theme_key(theme: int) -> str:
    """The theme's written name: its level-2 name, or its level-1 name when it has none."""
    l1, l2 = themes()[theme]
    return l2 or l1


@dataclass(slots=True)
class Issue:
    seq: int
    published: date
    theme: int
    topic: int
    title: str
    sources: list[int]


@dataclass(frozen=True, slots=True)
class Feedback:
    issue: int  # index into World.issues
    kind: str  # 批示 | 采用 | 报送 | 办理反馈 (CONTRACT §5)
    level: str | None
    post: str | None
    day: date
    summary: str | None
    channel: str | None = None  # 采用: 单篇采用 | 综合采用 | 转送
    body: str | None = None  # the body sent to, adopting, or responding
    status: str | None = None  # 办理反馈: 已办结 | 办理中


@dataclass(slots=True)
class Submission:
    """One submission with its text, as it exists while streaming."""

    index: int
    submission_id: str
    received_at: datetime  # naive Asia/Shanghai
    title: str
    submitter: str  # a person (personal data)
    unit: str  # the organisation that sent it (报送单位) as written: not personal data
    sector: str
    region: str
    theme: int
    content: str
    phone: str
    id_card: str | None
    issue: int  # index into World.issues, -1 when never published


@dataclass
class World:
    year: int
    seed: int
    scale: float
    calibration: Calibration
    issues: list[Issue]
    feedback: list[Feedback]  # 批示 and 全国政协 采用, as the ledgers have long carried them
    people: list[Person]
    day: array  # day index in the year, per submission
    minute: array
    region: array  # index into reference.regions()
    theme: array  # index into themes()
    topic: array
    sector: array  # index into reference.sectors()
    person: array
    issue: array  # index into issues, -1 when unpublished
    near_duplicates: dict[int, int]  # later submission index -> earlier one it copies
    # 报送, 自治区 采用 and 办理反馈 (CONTRACT §5), drawn apart so the rest stays as it was
    lifecycle: list[Feedback] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.day)

    def submission_id(self, index: int) -> str:
        return f"NM{self.year}-" + str(index + 1).zfill(max(4, len(str(len(self.day)))))

    def issue_id(self, issue: Issue) -> str:
        return f"{self.year}-{issue.seq:03d}"

    def received_at(self, index: int) -> datetime:
        start = datetime(self.year, 1, 1)
        return start + timedelta(minutes=self.day[index] * 1440 + self.minute[index])

    def iter_submissions(self) -> Iterator[Submission]:
        """Every submission in order of receipt, with text; deterministic per seed."""
        rng = Random(f"{self.seed}:text")
        regions = reference.regions()
        sectors = reference.sectors()
        copied: dict[int, tuple[str, str]] = {}
        originals = set(self.near_duplicates.values())
        for i in range(self.size):
            theme = self.theme[i]
            region = regions[self.region[i]].name
            sector = sectors[self.sector[i]]
            person = self.people[self.person[i]]
            if i in self.near_duplicates:
                title, body = copied.pop(self.near_duplicates[i])
                body = text.near_copy(rng, body)
            else:
                draw = text.Draw(rng)
                title, body = text.submission_text(
                    draw, theme_key(theme), self.topic[i], region, self.year
                )
            if i in originals:
                copied[i] = (title, body)
            forwarded = sector == FORWARDED_SECTOR
            yield Submission(
                index=i,
                submission_id=self.submission_id(i),
                received_at=self.received_at(i),
                title=title,
                submitter=person.name,
                unit=written_unit(unit_of(sector, region, themes()[theme][0])[0], i),
                sector=sector,
                region=region,
                theme=theme,
                content=body,
                phone=person.phone,
                id_card=None if forwarded else person.id_card,
                issue=self.issue[i],
            )


def _weighted(rng: Random, options: list, weights: list[float], k: int) -> list:
    return rng.choices(options, weights=weights, k=k)


def _theme_weights(l1_filter: str | None = None, exclude: str | None = None) -> list[float]:
    weights = []
    for l1, l2 in themes():
        members = sum(1 for t1, _ in themes() if t1 == l1)
        share = L1_SHARE[l1] / members * L2_WEIGHT.get(l2 or "", 1.0)
        keep = (l1_filter is None or l1 == l1_filter) and l1 != exclude
        weights.append(share if keep else 0.0)
    return weights


def _region_weights(include_autonomous: bool, share: float) -> list[float]:
    regions = reference.regions()
    total = sum(r.population_10k for r in regions)
    own = total * share / (1 - share) if include_autonomous else 0.0
    return [float(r.population_10k) if r.population_10k else own for r in regions]


def _sector_weights() -> list[float]:
    groups = reference.sector_groups()
    return [
        SECTOR_WEIGHT.get(s, PARTY_WEIGHT if groups.get(s) == "党派" else 1.0)
        for s in reference.sectors()
    ]


@dataclass(slots=True)
class _Draft:
    """A submission before it has an index: sortable by time of receipt."""

    day: int
    minute: int
    theme: int
    topic: int
    issue: int = -1
    position: int = 0


def _minute(roll: float, night_share: float) -> int:
    """Minute of the day from one uniform draw: office hours, or now and then 22:00–02:00."""
    if roll < night_share:
        return (22 * 60 + int(roll / night_share * 240)) % (24 * 60)
    return 8 * 60 + 30 + int((roll - night_share) / (1 - night_share) * 570)


def _draw_issues(rng: Random, year: int, cal: Calibration, scale: float) -> list[Issue]:
    n_issues = round(cal.total_issues * scale)
    n_minsheng = round(cal.minsheng_issues * scale)
    days = sorted(_weighted(rng, seasons.year_days(year), seasons.issue_weights(year), n_issues))
    theme_idx = list(range(len(themes())))
    minsheng = _weighted(rng, theme_idx, _theme_weights(l1_filter=reference.MINSHENG), n_minsheng)
    others = _weighted(
        rng, theme_idx, _theme_weights(exclude=reference.MINSHENG), n_issues - n_minsheng
    )
    picked = minsheng + others
    rng.shuffle(picked)
    issues = []
    for seq, (day, theme) in enumerate(zip(days, picked, strict=True), start=1):
        topic = rng.randrange(5)
        title = text.issue_title(rng, theme_key(theme), topic)
        issues.append(Issue(seq, day, theme, topic, title, []))
    return issues


def _draw_sources(rng: Random, year: int, issues: list[Issue], cal: Calibration) -> list[_Draft]:
    """1–3 sources per issue, received on or before publication within the year.

    A few issues merge submissions of different themes; their sources are
    listed in order of receipt with the issue's own theme first (two sources)
    or in the majority (three), so deriving the theme from the sources gives
    the issue's theme whichever listing order the pipeline uses.
    """
    start = date(year, 1, 1)
    counts = _weighted(rng, [1, 2, 3], list(cal.sources_per_issue), len(issues))
    multi = [i for i, k in enumerate(counts) if k > 1]
    mixed = set(
        rng.sample(multi, min(len(multi), max(6, round(len(multi) * cal.mixed_theme_issue_share))))
    )
    drafts = []
    lo, hi = cal.source_lag_days
    day_weight = seasons.submission_weights(year)
    for i, issue in enumerate(issues):
        pub = (issue.published - start).days
        lags = _distinct_lags(rng, pub, range(lo, min(hi, pub) + 1), counts[i], day_weight)
        source_themes = [issue.theme] * counts[i]
        if i in mixed:
            other = rng.choice([t for t in range(len(themes())) if t != issue.theme])
            source_themes[0 if counts[i] == 3 else 1] = other
        for position, (lag, theme) in enumerate(zip(lags, source_themes, strict=True)):
            topic = issue.topic if theme == issue.theme else rng.randrange(5)
            drafts.append(_Draft(pub - lag, 0, theme, topic, i, position))
    return drafts


def _distinct_lags(
    rng: Random, pub: int, lags: range, k: int, day_weight: list[float]
) -> list[int]:
    """``k`` different lags, largest first, favouring days people actually send on
    (so sources too thin out at weekends and in the Spring Festival week)."""
    cumulative = list(accumulate(day_weight[pub - lag] for lag in lags))
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.update(rng.choices(lags, cum_weights=cumulative, k=k - len(chosen)))
    return sorted(chosen, reverse=True)


def build_world(year: int, seed: int, scale: float, near_duplicate_pairs: int = 0) -> World:
    """Draw the whole year; the same (year, seed, scale, pairs) always gives the same world."""
    cal = Calibration()
    rng = Random(f"{seed}:world")
    issues = _draw_issues(rng, year, cal, scale)
    drafts = _draw_sources(rng, year, issues, cal)
    n_total = round(cal.submissions * scale)
    if n_total < len(drafts):
        raise ValueError(f"scale {scale} leaves fewer submissions than issue sources")
    theme_idx = list(range(len(themes())))
    days = _weighted(
        rng,
        list(range(len(seasons.year_days(year)))),
        seasons.submission_weights(year),
        n_total - len(drafts),
    )
    drawn = _weighted(rng, theme_idx, _theme_weights(), len(days))
    topics = rng.choices(range(5), k=len(days))
    drafts += [_Draft(d, 0, t, p) for d, t, p in zip(days, drawn, topics, strict=True)]
    for draft in drafts:
        draft.minute = _minute(rng.random(), cal.night_submission_share)
    # someone always sends one just after midnight on New Year's Day
    unpublished = next(d for d in reversed(drafts) if d.issue < 0)
    unpublished.day, unpublished.minute = 0, 20
    drafts.sort(key=lambda d: (d.day, d.minute))

    regions = reference.regions()
    sectors = reference.sectors()
    region_all = _region_weights(True, cal.autonomous_region_share)
    region_leagues = _region_weights(False, cal.autonomous_region_share)
    sector_w = _sector_weights()
    n_people = min(cal.max_submitters, max(50, round(cal.submitters_per_scale_unit * scale)))
    forwarded = sectors.index(FORWARDED_SECTOR)
    world = World(
        year=year,
        seed=seed,
        scale=scale,
        calibration=cal,
        issues=issues,
        feedback=[],
        people=person_pool(seed, n_people, year),
        day=array("H", (d.day for d in drafts)),
        minute=array("H", (d.minute for d in drafts)),
        region=array("b"),
        theme=array("b", (d.theme for d in drafts)),
        topic=array("b", (d.topic for d in drafts)),
        sector=array("b", _weighted(rng, list(range(len(sectors))), sector_w, len(drafts))),
        person=array("i", rng.choices(range(n_people), k=len(drafts))),
        issue=array("i", (d.issue for d in drafts)),
        near_duplicates={},
    )
    region_idx = list(range(len(regions)))
    anywhere = iter(_weighted(rng, region_idx, region_all, len(drafts)))
    leagues = iter(_weighted(rng, region_idx, region_leagues, len(drafts)))
    world.region.extend(next(leagues if s == forwarded else anywhere) for s in world.sector)
    for index, draft in enumerate(drafts):
        if draft.issue >= 0:
            issues[draft.issue].sources.append(index)
    del drafts  # the arrays hold it all now; at scale 1000 this frees ~200 MB early
    world.near_duplicates = _near_duplicates(rng, world, near_duplicate_pairs)
    world.feedback = _draw_feedback(rng, world)
    from sqmy_etl.synth.lifecycle import draw_lifecycle  # it builds on this module's types

    world.feedback, world.lifecycle = draw_lifecycle(Random(f"{seed}:lifecycle"), world)
    return world


def _near_duplicates(rng: Random, world: World, pairs: int) -> dict[int, int]:
    """Pick unpublished (copy, original) pairs, the copy received on a later day."""
    if not pairs:
        return {}
    candidates = [i for i in range(world.size) if world.issue[i] < 0]
    rng.shuffle(candidates)
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for original in candidates:
        if len(chosen) == pairs:
            break
        if original in used:
            continue
        later = [
            c
            for c in candidates[:200]
            if world.day[c] > world.day[original] and c not in used and c != original
        ]
        if not later:
            continue
        copy = later[0]
        used.update((copy, original))
        chosen[copy] = original
        for column in (world.theme, world.topic, world.region, world.sector):
            column[copy] = column[original]
    return dict(sorted(chosen.items()))


def _instruction_post(rng: Random, world: World, issue: Issue, level: str) -> tuple[str, str]:
    if level == "国家级":
        return level, rng.choice(NATIONAL_POSTS)
    region = reference.regions()[world.region[issue.sources[0]]].name
    if level == "盟市级" and region != "自治区本级":
        posts = LEAGUE_POSTS if region.endswith("盟") else CITY_POSTS
        return level, rng.choice(posts).format(stem=region[:-1], name=region)
    posts, weights = zip(*REGION_POSTS, strict=True)
    return "自治区级", rng.choices(posts, weights=weights)[0]


def _draw_feedback(rng: Random, world: World) -> list[Feedback]:
    cal = world.calibration
    minsheng = [i for i, x in enumerate(world.issues) if themes()[x.theme][0] == reference.MINSHENG]
    others = [i for i, x in enumerate(world.issues) if themes()[x.theme][0] != reference.MINSHENG]
    n_instructed = round(cal.minsheng_instructed * world.scale)
    instructed = rng.sample(minsheng, n_instructed)
    instructed += rng.sample(others, round(len(others) * cal.other_instruction_rate))
    levels, level_w = zip(*cal.instruction_levels, strict=True)
    feedback = []
    for i in sorted(instructed):
        issue = world.issues[i]
        days: set[date] = set()
        for _ in range(_weighted(rng, [1, 2, 3], list(cal.instructions_per_issue), 1)[0]):
            level, post = _instruction_post(rng, world, issue, rng.choices(levels, level_w)[0])
            day = issue.published + timedelta(days=rng.randint(*cal.instruction_lag_days))
            # one 批示 per issue and day: two on one day whose posts differ only by the body
            # (自治区政府副主席 / 自治区政协副主席) would be neither clearly one nor clearly two
            if day in days:
                continue
            days.add(day)
            summary = text.feedback_summary(rng, theme_key(issue.theme))
            feedback.append(Feedback(i, BATCH, level, post, day, summary))
    n_adopted = round(len(world.issues) * cal.adoption_rate)
    for i in sorted(rng.sample(range(len(world.issues)), n_adopted)):
        issue = world.issues[i]
        day = issue.published + timedelta(days=rng.randint(*cal.adoption_lag_days))
        feedback.append(
            Feedback(i, ADOPTION, "国家级", ADOPTION_POST, day, "被全国政协《社情民意信息》采用")
        )
    feedback.sort(key=lambda f: (f.day, f.issue))
    return feedback
