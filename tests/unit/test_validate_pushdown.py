"""The push-down evaluator finds exactly the rows GX finds, and refuses what it cannot judge.

GX stays the source of truth: every comparison below runs both engines on the
same frame — ledgers from the messy generator through the real reader and
normaliser, and generated frames full of nulls, edge dates and odd strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.normalise import normalise_table
from sqmy_etl.ingest.readers import read_file
from sqmy_etl.synth import generate_ledgers
from sqmy_etl.validate import pushdown, runner, suites
from sqmy_etl.validate.rules import SUITE_RULES
from sqmy_etl.validate.runner import validate_rows

KINDS = ("submissions", "issues", "feedback")
KEY = b"k" * 32
INGEST_DAY = date(2021, 12, 31)
BETWEEN = "expect_column_values_to_be_between"


def _both_engines_agree(kind: str, frame: pd.DataFrame, ingest_day: date) -> pd.DataFrame:
    pushed = validate_rows(kind, frame, ingest_day, engine="pushdown")  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(
        pushed,
        validate_rows(kind, frame, ingest_day, engine="gx"),  # type: ignore[arg-type]
    )
    return pushed


# ---- real ledgers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def messy_frames(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, pd.DataFrame]]:
    """Every readable table of the messy 2021 delivery, normalised as the loader does."""
    out = tmp_path_factory.mktemp("messy")
    generate_ledgers(2021, out, messy=True)
    frames = []
    for path in sorted((out / "ledgers").iterdir()):
        try:
            tables = read_file(path, Limits()).tables
        except FileRejected:
            continue  # corrupt on purpose: never reaches validation
        frames += [(table.kind, normalise_table(table, KEY)) for table in tables]
    return frames


def test_engines_agree_on_the_messy_ledgers(
    messy_frames: list[tuple[str, pd.DataFrame]],
) -> None:
    """Same failing rows, rules and reasons; two ingest days put many dates in the future."""
    # theme review sheets are no ledger the generator writes (test_validate covers their suite)
    assert {kind for kind, _ in messy_frames} == set(KINDS) - {"theme_reviews"}
    rules: set[str] = set()
    for ingest_day in (INGEST_DAY, date(2021, 6, 30)):
        for kind, frame in messy_frames:
            rules.update(_both_engines_agree(kind, frame, ingest_day)["rule"])
    assert rules == set(SUITE_RULES) - {"unknown_theme"}  # every ledger rule was exercised


# ---- generated frames --------------------------------------------------------------------

MISSING = st.sampled_from([None, np.nan, pd.NA])
ODD_TEXT = st.sampled_from(
    ["", " ", "\u3000", "批示", "采用", "批示 ", "nan", "None", "NaT", "<NA>", "0", "2021-01-01"]
)


def _cells(expectation: dict[str, Any], ingest_day: date) -> st.SearchStrategy[Any]:
    """Mostly values the rule accepts, so later rules in the suite get rows to judge too."""
    anything = MISSING | ODD_TEXT | st.text(max_size=4)
    if expectation["type"] == BETWEEN:
        edges = [date(1990, 1, 1), date(1989, 12, 31), ingest_day, ingest_day + timedelta(days=1)]
        return st.one_of(
            MISSING, st.just(pd.NaT), st.sampled_from(edges), st.dates(date(1900, 1, 1))
        )
    typical = {
        "expect_column_values_to_be_null": MISSING,
        "expect_column_values_to_be_in_set": st.sampled_from(
            expectation["kwargs"].get("value_set") or [""]
        ),
    }.get(expectation["type"], ODD_TEXT | st.text(max_size=4))
    return st.integers(0, 3).flatmap(lambda roll: typical if roll else anything)


@st.composite
def _frames(draw: Callable[..., Any], kind: str) -> tuple[pd.DataFrame, date]:
    """A frame with the suite's columns: days where a rule compares days (object, as the
    normaliser makes them), text in a ``str`` or object column elsewhere."""
    ingest_day = draw(st.dates(date(1990, 1, 1), date(2035, 12, 31)))
    rows = draw(st.integers(0, 12))
    columns: dict[str, Any] = {}
    for expectation in suites.load_suite(kind)["expectations"]:  # type: ignore[arg-type]
        cells = st.lists(_cells(expectation, ingest_day), min_size=rows, max_size=rows)
        dtype = object if expectation["type"] == BETWEEN else draw(st.sampled_from(["str", object]))
        columns[expectation["kwargs"]["column"]] = pd.Series(draw(cells), dtype=dtype)
    labels = draw(st.sampled_from(["range", "shifted", "shuffled", "text"]))
    index = {
        "range": pd.RangeIndex(rows),
        "shifted": pd.RangeIndex(1000, 1000 + rows),
        "shuffled": pd.Index(draw(st.permutations(range(rows))), dtype="int64"),
        "text": pd.Index([f"r{i}" for i in range(rows)], dtype="str"),
    }[labels]
    return pd.DataFrame(columns).set_axis(index), ingest_day


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_engines_agree_on_generated_frames(kind: str, data: st.DataObject) -> None:
    """Nulls of every flavour, edge days, empty frames and odd strings: no disagreement."""
    frame, ingest_day = data.draw(_frames(kind))
    _both_engines_agree(kind, frame, ingest_day)


# ---- refusals ----------------------------------------------------------------------------


def _outcome(run: Callable[[], pd.DataFrame]) -> pd.DataFrame | tuple[type, str]:
    """What a caller sees: the failures, or the exception's type and message."""
    try:
        return run()
    except Exception as exc:  # compared below, not swallowed
        return type(exc), str(exc)


def _submissions(received: list[Any]) -> pd.DataFrame:
    rows = len(received)
    return pd.DataFrame(
        {
            "submission_id": pd.array(["A1", "A1", None, "A4"][:rows], dtype="str"),
            "received_date": np.array([*received, None], dtype=object)[:rows],
            "_received_date_text": pd.array(["x"] * rows, dtype="str"),
            "_received_date_error": np.array([None] * rows, dtype=object),
            "_published_date_error": np.array([None] * rows, dtype=object),
        }
    )


def test_an_unknown_expectation_type_is_refused_and_gx_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule added to a suite is never silently skipped: the push-down refuses the suite,
    and the default engine hands it to GX, which applies the new rule."""
    suite = json.loads((suites.suites_dir() / "submissions.json").read_text("utf-8"))
    suite["expectations"].insert(
        0,
        {
            "type": "expect_column_values_to_be_unique",
            "kwargs": {"column": "submission_id"},
            "meta": {"rule": "missing_id", "reason": "稿件编号重复"},
        },
    )
    (tmp_path / "submissions.json").write_text(json.dumps(suite), "utf-8")
    monkeypatch.setenv(suites.SUITES_ENV, str(tmp_path))
    frame = _submissions([date(2021, 1, 1)] * 4)
    with pytest.raises(pushdown.Unsupported, match="expect_column_values_to_be_unique"):
        validate_rows("submissions", frame, INGEST_DAY, engine="pushdown")
    failed = validate_rows("submissions", frame, INGEST_DAY)
    assert list(failed["reason"]) == [
        "稿件编号重复",
        "稿件编号重复",
        "缺少稿件编号：请在台账中补填稿件编号后重新交付"
        " / no submission id: fill it in and deliver again",
    ]


@pytest.mark.parametrize(
    ("position", "change"),
    [
        (3, {"mostly": 0.9}),
        (3, {"strict_max": True}),
        (
            3,
            {
                "row_condition": 'col("submission_id")=="A1"',
                "condition_parser": "great_expectations",
            },
        ),
        (3, {"min_value": 19900101}),
        (3, {"min_value": "1990-1-1"}),
        (3, {"max_value": {"$PARAMETER": "today"}}),
        (3, {"min_value": None}),  # one-sided: GX allows it, the suites do not use it
        (0, {"column": None}),
    ],
)
def test_an_unimplemented_kwarg_is_refused(position: int, change: dict[str, Any]) -> None:
    """Kwargs beyond the ones the suites use, or in another form, are GX's to interpret."""
    suite = suites.load_suite("submissions")
    suite["expectations"][position]["kwargs"].update(change)
    with pytest.raises(pushdown.Unsupported):
        pushdown.failing_labels(suite, _submissions([]), {"ingest_day": "2021-12-31"})


@pytest.mark.parametrize(
    ("received", "ingest_day"),
    [
        ([date(2021, 1, 1), datetime(2021, 1, 1)], INGEST_DAY),
        ([pd.Timestamp("2021-01-01")], INGEST_DAY),
        (["2021-01-01"], INGEST_DAY),
        ([pd.NaT, pd.NaT], INGEST_DAY),  # pandas makes this a datetime64 column
        ([date(2021, 1, 1)], date(1989, 12, 31)),  # a day before the lower bound
    ],
)
def test_what_the_push_down_cannot_compare_goes_to_gx(
    received: list[Any], ingest_day: date
) -> None:
    """Values GX would not compare with a day, or bounds GX rejects: the default engine
    does whatever GX does with them."""
    frame = _submissions(received)
    with pytest.raises(pushdown.Unsupported):
        validate_rows("submissions", frame, ingest_day, engine="pushdown")
    by_default = _outcome(lambda: validate_rows("submissions", frame, ingest_day))
    by_gx = _outcome(lambda: validate_rows("submissions", frame, ingest_day, engine="gx"))
    if isinstance(by_gx, pd.DataFrame):
        pd.testing.assert_frame_equal(by_default, by_gx)  # type: ignore[arg-type]
    else:
        assert by_default == by_gx


def test_the_environment_can_force_gx(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQMY_VALIDATION_ENGINE=gx never touches the push-down (for debugging a difference)."""

    def refuse(*args: object) -> None:
        raise AssertionError("push-down used")

    frame = _submissions([date(2021, 1, 1), date(2022, 1, 1), None, date(1989, 1, 1)])
    monkeypatch.setattr(pushdown, "failing_labels", refuse)
    monkeypatch.setenv(runner.ENGINE_ENV, "gx")
    failed = validate_rows("submissions", frame, INGEST_DAY)
    assert list(failed["rule"]) == ["date_out_of_range", "missing_id", "date_out_of_range"]
    monkeypatch.setenv(runner.ENGINE_ENV, "fast")
    with pytest.raises(ValueError, match="SQMY_VALIDATION_ENGINE"):
        validate_rows("submissions", frame, INGEST_DAY)
