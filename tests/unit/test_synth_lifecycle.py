"""The generator's lifecycle events (CONTRACT §5), re-read with csv / openpyxl, never sqmy code.

The tidy office's 批示台账 CSV carries every 报送, 采用 and 办理反馈 of the
year beside the 批示; the messy office writes them in two ledgers of their
own with the §5 header and type synonyms.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from sqmy_etl.synth import generate_ledgers

# Inner Mongolia 2019 (DOMAIN.md): 261 issues, 74 adopted (28.4 %), 79 responses (30.3 %)
ADOPTED_2019, RESPONSES_2019 = 74 / 261, 79 / 261


@pytest.fixture(scope="module")
def tidy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tidy")
    generate_ledgers(2021, out)
    return out


def _issues_by_event(path: Path) -> dict[str, set[str]]:
    """类型 (and 级别 for 采用) → the 期号 that have such a row."""
    found: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind = row["类型"] or "批示"
            found[kind].add(row["期号"])
            if kind == "采用":
                found[f"采用/{row['批示级别']}"].add(row["期号"])
            if kind == "办理反馈" and row["办理状态"] == "已办结":
                found["已办结"].add(row["期号"])
    return found


def test_funnel_is_shaped_like_inner_mongolia_2019(tidy: Path) -> None:
    """320 issues; adoption and response shares within 1.5 points of 2019's; every adopted
    issue was sent up first; 全国政协 采用 keeps its 3 % (10 issues)."""
    events = _issues_by_event(next(tidy.rglob("04_*批示台账.csv")))
    issues = 320
    assert abs(len(events["采用"]) / issues - ADOPTED_2019) < 0.015
    assert abs(len(events["办理反馈"]) / issues - RESPONSES_2019) < 0.015
    assert len(events["采用/国家级"]) == 10
    assert events["采用"] <= events["报送"]
    assert events["已办结"] <= events["办理反馈"]
    # an item adopted at two levels (DOMAIN.md: 件 apart from 件次)
    assert events["采用/国家级"] & events["采用/自治区级"]


def test_adoptions_carry_channel_and_body(tidy: Path) -> None:
    with next(tidy.rglob("04_*批示台账.csv")).open(encoding="utf-8", newline="") as fh:
        adoptions = [r for r in csv.DictReader(fh) if r["类型"] == "采用"]
    assert {r["采用方式"] for r in adoptions} == {"单篇采用", "综合采用", "转送"}
    assert {r["采用单位"] for r in adoptions} == {
        "全国政协办公厅", "自治区党委办公厅", "自治区人民政府办公厅",
    }  # fmt: skip


def test_truth_headline_is_unchanged_and_lifecycle_is_told(tidy: Path) -> None:
    truth = json.loads((tidy / "truth.json").read_text("utf-8"))
    headline = truth["headline"]
    assert (headline["submissions_received"], headline["issues_published"]) == (1005, 320)
    assert (headline["minsheng_issues_published"], headline["minsheng_issues_instructed"]) == (
        204,
        43,
    )
    (year,) = [
        r
        for r in truth["lifecycle"]["funnel"]
        if r["period_label"] == "2021" and r["theme_l1"] == "全部"
    ]
    events = _issues_by_event(next(tidy.rglob("04_*批示台账.csv")))
    assert year["issues_sent_up"] == len(events["报送"])
    assert year["issues_with_response"] == len(events["办理反馈"])


def test_messy_lifecycle_ledgers_use_the_contract_synonyms(tmp_path: Path) -> None:
    generate_ledgers(2021, tmp_path, messy=True, scale=0.3)
    book = openpyxl.load_workbook(next(tmp_path.rglob("15_*.xlsx")))
    sent_up = list(book["报送"].iter_rows(values_only=True))
    assert sent_up[0] == ("期号", "类型", "报送对象", "日期")
    assert {r[1] for r in sent_up[1:]} == {"报送", "上报", "报送上级", "呈报"}
    adopted = list(book["自治区采用"].iter_rows(values_only=True))
    assert adopted[1] == ("期号", "类型", "方式", "采用机关", "级别", "职务", "采用日期")
    assert None in {r[4] for r in adopted[2:]}  # level left for the body to say
    with next(tmp_path.rglob("16_*.csv")).open(encoding="gb18030", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["编发期号", "反馈类型", "承办单位", "办理结果", "反馈日期"]
    assert {r[1] for r in rows[1:]} == {"办理反馈", "反馈", "办理情况", "部门回复"}
