"""End to end, CONTRACT §5: the lifecycle funnel and unit points equal the generator's truth.

The truth (``synth/truth_lifecycle.py``) is plain Python over the generator's
model and its own copy of DOMAIN.md's example scoring rules; dbt reads its
seed. The messy 2021 run of ``conftest.pipeline`` is shared with the other
end-to-end tests (no second pipeline run).
"""

from __future__ import annotations

import pytest

from sqmy_etl.synth.truth_lifecycle import FUNNEL_COUNTS
from tests.e2e.support import fetch_dicts

pytestmark = pytest.mark.e2e

MEDIANS = ("median_days_to_first_instruction", "median_days_to_response")
KEY = ("period_type", "period_label")


def _by_key(rows: list[dict], name: str) -> dict[tuple, dict]:
    return {(r["period_type"], r["period_label"], r[name]): r for r in rows}


def test_funnel_equals_the_truth(pipeline: dict) -> None:
    """Every (period, theme) of the truth has its counts and medians in the mart; any other
    mart row has no issue at all."""
    want = _by_key(pipeline["truth"]["lifecycle"]["funnel"], "theme_l1")
    got = _by_key(
        fetch_dicts(pipeline["published"], "SELECT * FROM mart_lifecycle_funnel"), "theme_l1"
    )
    for key, row in want.items():
        assert key in got, key
        assert {m: got[key][m] for m in FUNNEL_COUNTS} == {m: row[m] for m in FUNNEL_COUNTS}, key
        for m in MEDIANS:
            assert got[key][m] == (None if row[m] is None else pytest.approx(row[m])), (key, m)
    assert all(got[k]["issues_published"] == 0 for k in got.keys() - want.keys())


def test_funnel_is_shaped_like_inner_mongolia_2019(pipeline: dict) -> None:
    """2019: 261 issues → 74 adopted (28 %) → 79 with a response (30 %); the 2021 calibration
    keeps its 批示 (43 of 204 民生 issues), so only adoption and response are held to it."""
    (year,) = fetch_dicts(
        pipeline["published"],
        "SELECT * FROM mart_lifecycle_funnel WHERE period_label = '2021' AND theme_l1 = '全部'",
    )
    assert year["issues_published"] == 320
    assert 0.2 <= year["issues_adopted_region_rate"] + year["issues_adopted_national_rate"] <= 0.4
    assert 0.25 <= year["issues_with_response_rate"] <= 0.35


def test_unit_points_and_submissions_equal_the_truth(pipeline: dict) -> None:
    """Per (period, unit): submissions received and points as the truth adds them; units
    the truth has no figure for score nothing."""
    truth = pipeline["truth"]["lifecycle"]["unit_scores"]
    want = _by_key(truth, "unit_name")
    got = _by_key(
        fetch_dicts(
            pipeline["published"],
            "SELECT period_type, period_label, unit_name, submissions_received, points "
            "FROM mart_unit_scores",
        ),
        "unit_name",
    )
    wrong = {
        key: (got.get(key), row)
        for key, row in want.items()
        if key not in got
        or (got[key]["submissions_received"], got[key]["points"])
        != (row["submissions_received"], row["points"])
    }
    assert wrong == {}
    idle = [
        k for k in got.keys() - want.keys() if got[k]["points"] or got[k]["submissions_received"]
    ]
    assert idle == []
