"""An office's own units.csv / scoring_rules.csv: checked before dbt, the bad line named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.reference import regions
from sqmy_etl.reference_overrides import (
    ReferenceFileError,
    check_reference_files,
    load_scoring_rules,
    load_units,
    reference_path,
)
from sqmy_etl.transform.build import TransformFailed, run_transform
from tests.unit.homes import scratch_home

HEADER = "event,channel,level,grade,points,valid_from,valid_to\n"
REGIONS = [r.name for r in regions()]


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory):
    with scratch_home(tmp_path_factory, "reference") as settings:
        yield settings


def _write(settings: Settings, name: str, text: str) -> Path:
    path = reference_path(settings, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_seeds_pass_the_checks(home: Settings) -> None:
    """Without an office file the seeds are used: 16 rules, 41 units (counted in the CSVs)."""
    rules = load_scoring_rules(home)
    assert len(rules) == 16  # 12 event rules + 4 等次 thresholds
    units = load_units(home, REGIONS)
    assert len(units) == 41  # 12 盟市政协 + 8 党派 + 工商联 + 9 专委会 + 6 界别 + 5 直报点
    check_reference_files(home)


def test_an_office_rules_file_replaces_the_seed(home: Settings) -> None:
    """Two lines of the office's file are the rules, with an open-ended second period."""
    _write(
        home,
        "scoring_rules",
        HEADER + "批示,,自治区级,,20,2021-01-01,2021-06-30\n批示,,自治区级,,40,2021-07-01,\n",
    )
    rules = load_scoring_rules(home)
    assert [(r.points, r.valid_from, r.valid_to) for r in rules] == [
        (20, date(2021, 1, 1), date(2021, 6, 30)),
        (40, date(2021, 7, 1), None),
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("表扬,,,,5,2021-01-01,\n", "第2行 event 为“表扬”"),
        ("批示,,自治区级,,-5,2021-01-01,\n", "第2行 points 为“-5”，应为非负整数"),
        ("批示,,省级,,5,2021-01-01,\n", "第2行 level 为“省级”"),
        ("采用,口头,国家级,,5,2021-01-01,\n", "第2行 channel 为“口头”"),
        ("批示,,国家级,,30,2021/1/1,\n", "第2行 日期“2021/1/1”无法识别"),
        ("批示,,国家级,,30,2021-02-30,\n", "第2行 日期“2021-02-30”无法识别"),
        ("批示,,国家级,,30,2021-07-01,2021-06-30\n", "第2行 valid_to 早于 valid_from"),
        ("等次,,,,60,2021-01-01,\n", "第2行 grade"),
        (
            "批示,,国家级,,30,2021-01-01,2021-12-31\n报送,,,,1,2021-01-01,\n"
            "批示,,国家级,,35,2021-12-31,\n",
            "第4行与第2行的有效期重叠",
        ),
    ],
)
def test_a_bad_rules_line_is_named(home: Settings, lines: str, expected: str) -> None:
    """Unknown event / level / channel, negative points, bad dates, overlapping validity."""
    path = _write(home, "scoring_rules", HEADER + lines)
    with pytest.raises(ReferenceFileError) as raised:
        load_scoring_rules(home)
    message = str(raised.value)
    assert expected in message
    assert str(path) in message and message.startswith("参考表")


def test_a_rules_file_missing_a_column_is_refused(home: Settings) -> None:
    """The header must name every column; the message says which are missing."""
    _write(home, "scoring_rules", "event,points,valid_from\n批示,5,2021-01-01\n")
    with pytest.raises(ReferenceFileError, match="缺少列：channel, level, grade, valid_to"):
        load_scoring_rules(home)


def test_a_rules_file_in_gbk_is_refused_with_advice(home: Settings) -> None:
    """A file Excel saved as GBK is not guessed at: save it as CSV UTF-8."""
    path = reference_path(home, "scoring_rules")
    path.parent.mkdir(parents=True)
    path.write_bytes((HEADER + "批示,,国家级,,30,2021-01-01,\n").encode("gbk"))
    with pytest.raises(ReferenceFileError, match="CSV UTF-8"):
        load_scoring_rules(home)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("甲,,盟市政协,赤峰市,x\n", "第2行 annual_quota“x”"),
        ("甲,,盟市政协,火星,10\n", "第2行 region“火星”"),
        (",,盟市政协,赤峰市,10\n", "第2行 name 和 unit_type 必填"),
        ("甲,甲会,盟市政协,赤峰市,10\n乙,甲会,界别,,\n", "第3行“甲会”已在第2行出现"),
    ],
)
def test_a_bad_units_line_is_named(home: Settings, lines: str, expected: str) -> None:
    """A quota that is no number, an unknown region, a missing name, an alias used twice."""
    _write(home, "units", "name,aliases,unit_type,region,annual_quota\n" + lines)
    with pytest.raises(ReferenceFileError) as raised:
        load_units(home, REGIONS)
    assert expected in str(raised.value)


def test_a_bad_rules_file_stops_the_transform_before_dbt(home: Settings) -> None:
    """run_transform raises a TransformFailed before dbt runs: nothing built, nothing published."""
    _write(home, "scoring_rules", HEADER + "批示,,自治区级,,-5,2021-01-01,\n")
    with pytest.raises(TransformFailed, match="第2行"):
        run_transform(home)
    assert not home.warehouse.exists()
    assert not home.published.exists()
