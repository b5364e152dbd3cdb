"""The expectation suites: each rule holds back exactly the rows it should, with its reason."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sqmy_etl.ingest.model import SourceTable
from sqmy_etl.ingest.normalise import normalise_table
from sqmy_etl.validate import suites
from sqmy_etl.validate.rules import RULES, SUITE_RULES
from sqmy_etl.validate.runner import validate_rows

INGEST_DAY = date(2021, 12, 31)
KEY = b"k" * 32

# (cells..., expected rule or None); the row number is the position + 2 (header in row 1)
SUBMISSIONS = [
    ("A1", "2021-03-18", None),
    (None, "2021-03-18", "missing_id"),
    ("", "no date", "missing_id"),  # both wrong: the first rule in suite order wins
    ("A4", "", "missing_date"),
    ("A5", "2021-02-30", "invalid_date"),
    ("A6", date(1989, 12, 31), "date_out_of_range"),
    ("A7", "1990-01-01", None),
    ("A8", "2021-12-31", None),
    ("A9", "2022-01-01", "date_out_of_range"),
    ("   ", "2021-05-05", "missing_id"),
]
ISSUES = [
    ("2021年第37期", "2021-04-02", None),
    ("", "2021-04-02", "missing_id"),
    ("第x期", "2021-04-02", "invalid_issue_no"),
    ("第3期", None, "missing_date"),
    ("第4期", "2021年13月1日", "invalid_date"),
    ("5", "2099-01-01", "date_out_of_range"),
    ("abc", "", "invalid_issue_no"),
]
FEEDBACK = [
    ("第3期", "", "2021-05-01", None),
    ("2021年第4期", "采用", "2021-05-01", None),
    ("第5期", "表扬", "2021-05-01", "invalid_feedback_type"),
    ("第6期", "采用", "", "missing_date"),
    (None, "foo", "", "missing_id"),
    ("第7期", "批示", "1985-01-01", "date_out_of_range"),
]
# a filled theme review sheet (CONTRACT §6): 稿件编号, 确认主题
THEME_REVIEWS = [
    ("R1", "民生/教育", None),
    ("R2", "医疗", None),  # an alias
    ("R3", None, None),  # left blank: loads, sets nothing
    ("R4", "火星主题", "unknown_theme"),
    (None, "教育", "missing_id"),
]
CASES = {
    "submissions": (["submission_id", "received_date"], SUBMISSIONS),
    "issues": (["issue_no", "published_date"], ISSUES),
    "feedback": (["issue_no", "feedback_type", "feedback_date"], FEEDBACK),
    "theme_reviews": (["submission_id", "confirmed_theme"], THEME_REVIEWS),
}


def _frame(kind: str) -> pd.DataFrame:
    columns, cases = CASES[kind]
    table = SourceTable(
        kind=kind,  # type: ignore[arg-type]
        sheet="表1",
        columns=columns,
        extra_columns=[],
        rows=[list(case[:-1]) for case in cases],
        row_numbers=[i + 2 for i in range(len(cases))],
    )
    return normalise_table(table, KEY)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """One validation run per kind for the whole module."""
    return {kind: (_frame(kind), validate_rows(kind, _frame(kind), INGEST_DAY)) for kind in CASES}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_rule_holds_back_exactly_the_bad_rows(
    kind: str, outcomes: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
) -> None:
    """Failing rows and their rule codes are exactly the hand-labelled ones, located by row."""
    frame, failed = outcomes[kind]
    _, cases = CASES[kind]
    expected = {i + 2: case[-1] for i, case in enumerate(cases) if case[-1]}
    got = dict(zip(frame.loc[failed.index, "source_row"], failed["rule"], strict=True))
    assert got == expected


def test_reasons_come_from_the_suite_json(
    outcomes: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
) -> None:
    """The reason shown for a rule is the Chinese text written next to it in the suite."""
    suite = json.loads((suites.suites_dir() / "issues.json").read_text("utf-8"))
    reasons = {e["meta"]["rule"]: e["meta"]["reason"] for e in suite["expectations"]}
    _, failed = outcomes["issues"]
    for rule, reason in zip(failed["rule"], failed["reason"], strict=True):
        assert reason == reasons[rule]


def test_chunked_validation_gives_the_same_answer(
    outcomes: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
) -> None:
    """GX validating in chunks of two rows finds the same failures as one pass."""
    frame, failed = outcomes["submissions"]
    chunked = validate_rows("submissions", frame, INGEST_DAY, chunk_rows=2, engine="gx")
    pd.testing.assert_frame_equal(chunked, failed)


def test_the_upper_date_bound_is_the_ingest_day() -> None:
    """The same rows judged a day later accept the date that was 'tomorrow' before."""
    frame = _frame("submissions")
    failed = validate_rows("submissions", frame, date(2022, 1, 1))
    rows = set(frame.loc[failed.index, "source_row"])
    assert 10 not in rows  # 2022-01-01 is no longer in the future
    assert 7 in rows  # 1989 stays too early


def test_every_suite_uses_only_known_rule_codes_and_covers_them_all() -> None:
    """Suites are the source of truth: each expectation has a known rule and a reason."""
    used = set()
    for kind in CASES:
        for expectation in suites.load_suite(kind)["expectations"]:  # type: ignore[arg-type]
            assert expectation["meta"]["rule"] in RULES
            assert expectation["meta"]["reason"]
            used.add(expectation["meta"]["rule"])
    assert used == set(SUITE_RULES)


def test_a_suite_with_an_unknown_rule_code_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo in a rule code fails loudly instead of inventing a new quarantine reason."""
    suite = json.loads((suites.suites_dir() / "issues.json").read_text("utf-8"))
    suite["expectations"][0]["meta"]["rule"] = "missing_idd"
    (tmp_path / "issues.json").write_text(json.dumps(suite), "utf-8")
    monkeypatch.setenv(suites.SUITES_ENV, str(tmp_path))
    with pytest.raises(suites.SuiteError, match=r"meta\.rule"):
        suites.load_suite("issues")
