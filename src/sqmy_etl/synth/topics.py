"""A themed corpus for the theme classifier and the hot-topic finder, with its truth.

The calibrated ledgers (``build_world``) keep every theme a clerk typed, because
themes drive the 民生 headline (1005 / 204 / 43): blanking some there would
change the figures the end-to-end tests hold. This module writes a separate
corpus instead, where the text is the generator's own (``text.submission_text``)
plus the noise real ledgers have, and the truth says what each row really is:

- the theme as a clerk wrote it: blank, 未分类, an alias (医疗), a written form
  (民生类, 民生/教育) or, now and then, a wrong theme of the same level 1;
- text that mentions a neighbouring theme's remedies, or a title with no body
  (the 政协云 export often carries no content);
- planted hot topics: one concrete problem, not among the standard topics, raised
  within one month by several units from at least two regions, with its own
  details, so a topic finder can be scored on recovering them.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random

from sqmy_etl import reference
from sqmy_etl.synth import seasons, text
from sqmy_etl.synth.model import theme_key, themes
from sqmy_etl.synth.units import unit_of


@dataclass(frozen=True)
class TopicNoise:
    """How messy the clerks' themes and the texts are (shares of all rows)."""

    blank_share: float = 0.10
    unclassified_share: float = 0.04
    wrong_theme_share: float = 0.04
    neighbour_remedies_share: float = 0.25
    title_only_share: float = 0.08
    hot_topics_per_month: int = 2
    hot_topic_size: tuple[int, int] = (4, 7)


@dataclass(frozen=True)
class HotProblem:
    """A concrete problem that flares up: a phrase, two details and the theme it belongs to."""

    theme_l2: str
    phrase: str
    details: tuple[str, str]


HOT_PROBLEMS: tuple[HotProblem, ...] = (
    HotProblem(
        "供暖供气",
        "老旧小区冬季供暖室温长期不达标",
        ("多栋居民楼室温不足十四摄氏度", "热力公司以管网老化为由迟迟不予维修"),
    ),
    HotProblem(
        "供暖供气",
        "煤改气后燃气价格上涨居民难以承受",
        ("阶梯气价第二档执行标准偏低", "部分低保户冬季取暖支出翻倍"),
    ),
    HotProblem(
        "教育",
        "校外培训机构卷款跑路预收费难以退还",
        ("家长预交的课时费动辄上万元", "机构负责人失联、门店人去楼空"),
    ),
    HotProblem(
        "教育",
        "中小学校服采购价格偏高质量不佳",
        ("一套冬季校服收费超过四百元", "面料起球褪色，家长投诉不断"),
    ),
    HotProblem(
        "医疗卫生",
        "儿童退烧药断货家长四处求购",
        ("多家药店布洛芬混悬液长期缺货", "线上平台加价数倍出售"),
    ),
    HotProblem(
        "医疗卫生",
        "医保个人账户改革后门诊报销比例下降",
        ("退休职工个人账户划入额度明显减少", "门诊统筹起付线设置偏高"),
    ),
    HotProblem(
        "养老服务",
        "养老机构护理员严重短缺且流动频繁",
        ("护理员平均年龄超过五十五岁", "一名护理员要照护十余位失能老人"),
    ),
    HotProblem(
        "交通出行",
        "城区新建小区周边公交线路迟迟未开通",
        ("居民步行两公里才能到最近的公交站", "早晚高峰打车难、黑车拉客现象多"),
    ),
    HotProblem(
        "交通出行",
        "电动自行车新国标过渡期满车主换车难",
        ("大量超标车辆无法上牌上路", "以旧换新补贴标准低、门槛高"),
    ),
    HotProblem(
        "住房保障",
        "商品房项目烂尾业主无法按期收房",
        ("业主已连续两年偿还房贷却无房可住", "开发企业资金链断裂、工程停工"),
    ),
    HotProblem(
        "食品药品安全",
        "网红直播带货食品虚假宣传",
        ("所谓纯天然牛肉干实为调制肉制品", "消费者维权时主播和商家互相推诿"),
    ),
    HotProblem(
        "就业创业",
        "高校毕业生灵活就业社保缴费负担重",
        ("灵活就业人员需全额自缴养老和医疗保险", "毕业生参保意愿不强、断缴较多"),
    ),
    HotProblem(
        "营商环境",
        "工程项目拖欠中小企业账款",
        ("部分政府投资项目尾款拖欠超过三年", "企业被迫借高息贷款支付工人工资"),
    ),
    HotProblem(
        "金融服务",
        "农牧民贷款担保难融资成本高",
        ("牲畜和草场经营权难以作为抵押物", "民间借贷年化利率超过百分之二十"),
    ),
    HotProblem(
        "污染防治",
        "工业园区夜间偷排异味扰民",
        ("周边居民夜间闻到刺鼻气味无法入睡", "环保部门白天检查时企业停产应付"),
    ),
    HotProblem(
        "荒漠化治理",
        "沙化土地治理后林木成活率低",
        ("部分造林地块三年后保存率不足四成", "重造林轻管护，后续资金没有着落"),
    ),
    HotProblem(
        "草原保护",
        "草原禁牧后牧民偷牧现象反弹",
        ("禁牧补助标准多年未调整", "夜间偷牧难以监管、处罚偏轻"),
    ),
    HotProblem(
        "农牧业",
        "玉米收购价格下跌农民卖粮难",
        ("收购企业压级压价、排队时间长", "部分农户粮食积压发霉"),
    ),
    HotProblem(
        "农村牧区建设",
        "农村牧区户厕改造后闲置不用",
        ("冬季上下水管道冻裂无法使用", "后期抽运服务跟不上，粪污无处倾倒"),
    ),
    HotProblem(
        "基层治理",
        "社区工作者待遇低队伍不稳定",
        ("社区工作者月收入不足三千元", "一人兼任多项工作，台账报表负担重"),
    ),
    HotProblem(
        "安全生产",
        "小区电动自行车楼道充电引发火灾隐患",
        ("多地发生电动自行车入户充电起火事故", "集中充电设施少、收费高"),
    ),
    HotProblem(
        "应急管理",
        "暴雨后城区道路积水严重",
        ("部分下穿通道积水深达一米以上", "排水管网设计标准偏低、清淤不及时"),
    ),
    HotProblem(
        "旅游发展",
        "旅游旺季景区周边宰客现象频发",
        ("景区周边餐馆菜价虚高、明码不实价", "游客投诉处理慢、退赔难"),
    ),
    HotProblem(
        "体育事业",
        "公共体育场馆免费开放时段少",
        ("场馆开放时间与群众业余时间错位", "部分场馆被转租用于商业经营"),
    ),
)

_HOT_TITLES = (
    "关于{phrase}问题的紧急反映",
    "{place}{phrase}亟待引起重视",
    "群众强烈反映{phrase}",
    "关于尽快解决{phrase}问题的建议",
)
_HOT_OPENINGS = (
    "{month}月以来，{place}群众反映{phrase}，",
    "近日，{place}多名群众来电来信，集中反映{phrase}，",
    "据{place}基层干部反映，本月{phrase}的情况较为集中，",
)


def _written_theme(rng: Random, l1: str, l2: str | None, noise: TopicNoise) -> str | None:
    """What a clerk typed for a submission of theme (l1, l2): mostly the level-2 name,
    sometimes an alias or a written form, blank, 未分类, or a wrong sibling theme."""
    roll = rng.random()
    if roll < noise.blank_share:
        return None
    roll -= noise.blank_share
    if roll < noise.unclassified_share:
        return reference.UNCLASSIFIED_THEME
    roll -= noise.unclassified_share
    if roll < noise.wrong_theme_share and l2 is not None:
        siblings = [t2 for t2, t1 in reference.theme_l2_to_l1().items() if t1 == l1 and t2 != l2]
        return rng.choice(siblings) if siblings else l2
    if l2 is None:
        return rng.choice((l1, f"{l1}类"))
    aliases = [a for a, name in reference.theme_aliases().items() if name == l2]
    forms = (l2, l2, l2, f"{l1}/{l2}", f"{l1}（{l2}）", f"{l1}类", *aliases)
    return rng.choice(forms)


def _neighbour(rng: Random, theme: int) -> str:
    """The written key of another theme of the same level 1 (or any other theme for 其他)."""
    l1 = themes()[theme][0]
    siblings = [i for i, (t1, _) in enumerate(themes()) if t1 == l1 and i != theme]
    other = rng.choice(siblings or [i for i in range(len(themes())) if i != theme])
    return theme_key(other)


def _background_text(
    rng: Random, theme: int, topic: int, region: str, year: int, noise: TopicNoise
) -> tuple[str, str]:
    """A standard submission's (title, body) on problem ``topic`` of its theme, sometimes
    borrowing a neighbour's remedies or losing its body."""
    draw = text.Draw(rng)
    title, body = text.submission_text(draw, theme_key(theme), topic, region, year)
    roll = rng.random()
    if roll < noise.title_only_share:
        return title, ""
    if roll < noise.title_only_share + noise.neighbour_remedies_share:
        borrowed = text.THEME_TEXT[_neighbour(rng, theme)].remedies
        body = (
            body.split("为此建议：")[0] + "为此建议：" + "；".join(rng.sample(borrowed, 3)) + "。"
        )
    return title, body


def _hot_text(
    rng: Random, problem: HotProblem, region: str, month: int, year: int
) -> tuple[str, str]:
    """One unit's account of a hot problem: its phrase, both details, the theme's remedies."""
    county = rng.choice(text.COUNTIES.get(region, ("全区",)))
    place = county if region == "自治区本级" else region + county
    title = rng.choice(_HOT_TITLES).format(phrase=problem.phrase, place=place)
    details = list(problem.details)
    rng.shuffle(details)
    remedies = text.THEME_TEXT[problem.theme_l2].remedies
    body = (
        rng.choice(_HOT_OPENINGS).format(month=month, place=place, phrase=problem.phrase)
        + "，".join(details)
        + f"。{year}年以来此类问题呈多发态势。为此建议："
        + "；".join(rng.sample(remedies, 2))
        + "。"
    )
    return title, text.near_copy(rng, body, edits=4)


def themed_corpus(
    year: int, seed: int, size: int, noise: TopicNoise | None = None
) -> tuple[list[dict], dict]:
    """``size`` background submissions plus the planted hot topics of ``year``, and the truth.

    Each row: submission_id, received_date, title, content, unit, region,
    theme_written (as a clerk typed it), true_l1, true_l2, problem (a planted hot
    topic's id, or ``<theme>#<n>`` for a standard problem). The truth lists every
    planted hot topic and every natural one (see ``_natural_hot_topics``) with its
    month and member ids.
    """
    noise = noise or TopicNoise()
    rng = Random(f"{seed}:{year}:topics")
    days = seasons.year_days(year)
    weights = seasons.submission_weights(year)
    region_names = [r.name for r in reference.regions()]
    sectors = reference.sectors()
    theme_weights = [4 if l1 == reference.MINSHENG else 2 for l1, _ in themes()]
    rows: list[dict] = []

    def add(
        day: date, theme: int, title: str, body: str, region: str, sector: str, problem: str
    ) -> None:
        l1, l2 = themes()[theme]
        rows.append(
            {
                "received_date": day,
                "title": title,
                "content": body or None,
                "unit": unit_of(sector, region, l1)[0],
                "region": region,
                "theme_written": _written_theme(rng, l1, l2, noise),
                "true_l1": l1,
                "true_l2": l2,
                "problem": problem,
            }
        )

    for day, theme in zip(
        rng.choices(days, weights, k=size),
        rng.choices(range(len(themes())), theme_weights, k=size),
        strict=True,
    ):
        region = rng.choice(region_names)
        topic = rng.randrange(5)
        title, body = _background_text(rng, theme, topic, region, year, noise)
        add(day, theme, title, body, region, rng.choice(sectors), f"{theme_key(theme)}#{topic}")

    planted: list[dict] = []
    theme_of = {theme_key(i): i for i in range(len(themes()))}
    for month in range(1, 13):
        month_days = [d for d in days if d.month == month]
        for problem in rng.sample(HOT_PROBLEMS, noise.hot_topics_per_month):
            topic_id = f"{year}-{month:02d}-{HOT_PROBLEMS.index(problem):02d}"
            count = rng.randint(*noise.hot_topic_size)
            regions = rng.sample(region_names, count)
            for region in regions:
                title, body = _hot_text(rng, problem, region, month, year)
                add(
                    rng.choice(month_days),
                    theme_of[problem.theme_l2],
                    title,
                    body,
                    region,
                    rng.choice(sectors),
                    topic_id,
                )
            planted.append(
                {
                    "topic_id": topic_id,
                    "month": f"{year}-{month:02d}",
                    "phrase": problem.phrase,
                    "size": count,
                }
            )

    rows.sort(key=lambda r: r["received_date"])
    for index, row in enumerate(rows, start=1):
        row["submission_id"] = f"TH{year}-{index:06d}"
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        month = f"{row['received_date']:%Y-%m}"
        groups.setdefault((month, row["problem"]), []).append(row)
    for topic in planted:
        group = groups[topic["month"], topic["topic_id"]]
        topic["submission_ids"] = [row["submission_id"] for row in group]
    return rows, {
        "year": year,
        "seed": seed,
        "size": len(rows),
        "noise": noise.__dict__,
        "hot_topics": planted,
        "natural_hot_topics": _natural_hot_topics(groups, {t["topic_id"] for t in planted}),
    }


# CONTRACT §6 read as the finder reads it: at least 4 submissions on one problem in a month,
# from at least two units or two regions (typed here, not imported from the finder)
NATURAL_MIN_SUBMISSIONS = 4


def _natural_hot_topics(groups: dict[tuple[str, str], list[dict]], planted: set[str]) -> list[dict]:
    """Background problems that happened to be raised often enough in one month to be hot
    topics by the definition: the generator's 200-odd standard problems recur, as real
    complaints do. Scored as hot topics, not as spurious ones."""
    natural = []
    for (month, problem), group in sorted(groups.items()):
        units = {row["unit"] for row in group}
        regions = {row["region"] for row in group}
        if problem in planted or len(group) < NATURAL_MIN_SUBMISSIONS:
            continue
        if len(units) >= 2 or len(regions) >= 2:
            ids = [row["submission_id"] for row in group]
            natural.append({"month": month, "problem": problem, "submission_ids": ids})
    return natural


LEDGER_HEADERS = ("稿件编号", "收稿日期", "标题", "内容", "盟市", "报送单位", "主题")


def write_themed_ledger(rows: list[dict], truth: dict, out: Path) -> Path:
    """The corpus as a 来稿台账 CSV (``out/ledgers/``) a clerk could deliver, and its truth
    (``out/topics-truth.json``: every row's real theme and the hot topics) beside it."""
    ledgers = out / "ledgers"
    ledgers.mkdir(parents=True, exist_ok=True)
    path = ledgers / f"{truth['year']}年来稿台账（主题）.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(LEDGER_HEADERS)
        for r in rows:
            writer.writerow(
                (
                    r["submission_id"],
                    r["received_date"].isoformat(),
                    r["title"],
                    r["content"] or "",
                    r["region"],
                    r["unit"],
                    r["theme_written"] or "",
                )
            )
    themes_truth = {r["submission_id"]: [r["true_l1"], r["true_l2"]] for r in rows}
    (out / "topics-truth.json").write_text(
        json.dumps({**truth, "themes": themes_truth}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return path
