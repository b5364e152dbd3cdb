"""The generator's default output, re-read with openpyxl / csv / json (never with sqmy code)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from sqmy_etl.synth import generate_ledgers

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINSHENG_L2 = {
    "教育", "医疗卫生", "就业创业", "社会保障", "养老服务", "住房保障",
    "供暖供气", "食品药品安全", "交通出行", "青少年心理健康", "托育服务",
}  # fmt: skip


def _issue_key(number: str) -> int:
    """'2021年第37期' -> 37."""
    return int(number.split("第")[1].rstrip("期"))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default")
    generate_ledgers(2021, out)
    return out


@cache
def _ledger_rows(path: Path) -> list[dict[str, object]]:
    """Data rows of every sheet: header on the row after the title rows, 合计 row dropped."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = []
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(values) if "稿件编号" in r or "期号" in r)
        header = values[header_at]
        for r in values[header_at + 1 :]:
            if r[0] == "合计" or not any(r):
                continue
            rows.append(dict(zip(header, r, strict=True)))
    return rows


def _shanghai_day(stamp: str) -> date:
    moment = datetime.fromisoformat(stamp)
    return (moment.astimezone(SHANGHAI) if moment.tzinfo else moment).date()


def _submissions(out: Path) -> dict[str, date]:
    received: dict[str, date] = {}
    for row in _ledger_rows(next(out.rglob("01_*来稿台账.xlsx"))):
        received[row["稿件编号"]] = row["收稿日期"].date()
    for obj in json.loads(next(out.rglob("03_政协云导出_*.json")).read_text("utf-8")):
        received[obj["id"]] = _shanghai_day(obj["received_at"])
    return received


def test_exactly_1005_submissions_received_in_2021(default_run: Path) -> None:
    """The ledger and the 政协云 export together hold 1005 distinct submissions dated 2021."""
    received = _submissions(default_run)
    assert sum(1 for d in received.values() if d.year == 2021) == 1005
    assert len(received) == 1005


def test_204_minsheng_issues_and_43_instructed(default_run: Path) -> None:
    """The 编发台账 has 204 民生 issues in 2021, and 批示 (CSV or JSON) reach exactly 43 of them."""
    issues = _ledger_rows(next(default_run.rglob("02_*编发台账.xlsx")))
    minsheng = {
        _issue_key(r["期号"])
        for r in issues
        if r["分类"] in MINSHENG_L2 and r["编发日期"].year == 2021
    }
    assert len(issues) == 320
    assert len(minsheng) == 204
    instructed = set()
    with next(default_run.rglob("04_*批示台账.csv")).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["类型"] in ("批示", ""):
                instructed.add(_issue_key(row["期号"]))
    for obj in json.loads(next(default_run.rglob("03_*.json")).read_text("utf-8")):
        for fb in obj.get("feedback") or []:
            if fb["type"] == "批示":
                instructed.add(_issue_key(obj["issue"]["no"]))
    assert len(minsheng & instructed) == 43


def test_sources_precede_publication_and_instructions_follow(default_run: Path) -> None:
    """Each issue has 1–3 sources received in 2021 on or before its publication; 批示 follow
    3–60 days after it."""
    received = _submissions(default_run)
    published = {}
    for row in _ledger_rows(next(default_run.rglob("02_*编发台账.xlsx"))):
        day = row["编发日期"].date()
        published[_issue_key(row["期号"])] = day
        sources = row["采用稿件编号"].split("、")
        assert 1 <= len(sources) <= 3
        assert all(received[s].year == 2021 and received[s] <= day for s in sources)
    assert min(published.values()) >= date(2021, 1, 15)
    with next(default_run.rglob("04_*批示台账.csv")).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lag = (date.fromisoformat(row["批示日期"]) - published[_issue_key(row["期号"])]).days
            assert (3 <= lag <= 60) if row["类型"] == "批示" else lag > 0


def test_truth_headline_matches_calibration(default_run: Path) -> None:
    """truth.json states the calibrated headline and counts each kind once."""
    truth = json.loads((default_run / "truth.json").read_text("utf-8"))
    assert truth["headline"] == {
        "year": 2021,
        "submissions_received": 1005,
        "issues_published": 320,
        "minsheng_issues_published": 204,
        "minsheng_issues_instructed": 43,
        "minsheng_instruction_rate": 43 / 204,
    }
    yearly = {r["theme_l1"]: r for r in truth["period_summary"] if r["period_label"] == "2021"}
    assert yearly["全部"]["submissions_received"] == 1005
    assert yearly["民生"]["issues_instructed"] == 43
    assert truth["distinct"]["submissions"] == 1005


def test_submissions_peak_in_two_sessions_and_dip_at_spring_festival(default_run: Path) -> None:
    """January–March carry more submissions a day than the rest of the year; the Spring
    Festival week (2021-02-11..17) fewer than an ordinary week."""
    per_day = defaultdict(int)
    for day in _submissions(default_run).values():
        per_day[day] += 1
    peak = sum(n for d, n in per_day.items() if d.month <= 3) / 90
    rest = sum(n for d, n in per_day.items() if d.month > 3) / 275
    festival = sum(n for d, n in per_day.items() if date(2021, 2, 11) <= d <= date(2021, 2, 17))
    assert peak > 1.3 * rest
    assert festival < 0.5 * rest * 7


def test_id_card_numbers_carry_a_valid_gb11643_check_digit(default_run: Path) -> None:
    """Every 身份证号 in the ledger is 18 characters satisfying ISO 7064 MOD 11-2 (GB 11643)."""
    numbers = [r["身份证号"] for r in _ledger_rows(next(default_run.rglob("01_*.xlsx")))]
    numbers = [n for n in numbers if n]
    assert len(numbers) > 500
    for number in numbers:
        digits = [10 if c == "X" else int(c) for c in number]
        assert len(digits) == 18 and number[:2] == "15"
        # a_1..a_18 with weights 2^(17..0): the sum is 1 mod 11 exactly when the check digit fits
        assert sum(d * 2 ** (17 - i) for i, d in enumerate(digits)) % 11 == 1


def test_phones_are_eleven_digit_mobiles(default_run: Path) -> None:
    """联系电话 are 11-digit mainland mobile numbers."""
    phones = {r["联系电话"] for r in _ledger_rows(next(default_run.rglob("01_*.xlsx")))}
    assert all(len(p) == 11 and p.isdigit() and p[0] == "1" for p in phones)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    """Two runs with one seed write byte-identical files; another seed writes different data."""
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate_ledgers(2021, tmp_path / name, seed=seed, scale=0.2)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["truth.json"] != _digest(tmp_path / "c")["truth.json"]


def test_scaled_csv_streams_every_row_with_long_issue_numbers(tmp_path: Path) -> None:
    """--format csv --scale 5 writes 5025 submissions and issues numbered past 999 whose
    sources are all present."""
    truth = json.loads(generate_ledgers(2021, tmp_path, fmt="csv", scale=5).read_text("utf-8"))
    with next(tmp_path.rglob("01_*.csv")).open(encoding="utf-8", newline="") as fh:
        ids = [row["稿件编号"] for row in csv.DictReader(fh)]
    with next(tmp_path.rglob("02_*.csv")).open(encoding="utf-8", newline="") as fh:
        issues = list(csv.DictReader(fh))
    assert len(ids) == len(set(ids)) == 5025
    assert len(issues) == 1600
    assert max(_issue_key(r["期号"]) for r in issues) == 1600
    listed = {s for r in issues for s in r["采用稿件编号"].split("、")}
    assert listed <= set(ids)
    assert truth["headline"]["minsheng_issues_published"] == 1020
    assert truth["headline"]["minsheng_issues_instructed"] == 215


def test_gb18030_encoding_option_writes_gb18030_csv(tmp_path: Path) -> None:
    """--encoding gb18030 gives CSVs that are not valid UTF-8 but decode as GB18030."""
    generate_ledgers(2021, tmp_path, fmt="csv", encoding="gb18030", scale=0.1)
    data = next(tmp_path.rglob("01_*.csv")).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("gb18030").startswith("序号,稿件编号")


def test_messy_cannot_be_combined_with_a_format(tmp_path: Path) -> None:
    """--messy chooses its own formats, so asking for one format as well is refused."""
    with pytest.raises(ValueError, match="messy"):
        generate_ledgers(2021, tmp_path, fmt="csv", messy=True)
