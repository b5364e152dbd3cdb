"""End to end: generator → ingest → transform → published marts equal the generator's truth.

One messy 2021 data set is generated and run through the real CLI once per
session; every test then compares a slice of the published result with the
truth the generator computed from its own model of the world.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.e2e.support import fetch_dicts

pytestmark = pytest.mark.e2e

MEASURES = (
    "submissions_received",
    "issues_published",
    "issues_instructed",
    "instructions_total",
    "issues_adopted_national",
)


def test_ingest_exit_code_names_rejections(pipeline: dict) -> None:
    """The first ingest exits 2 exactly when the truth expects a rejected file."""
    expects_reject = any(f["expect"] == "reject" for f in pipeline["truth"]["generated_files"])
    assert pipeline["first"].returncode == (2 if expects_reject else 0), pipeline["first"].stderr


def test_raw_rows_plus_quarantine_equal_file_rows(pipeline: dict) -> None:
    """Every data row of every loaded file is either in raw.* or in quarantine, exactly."""
    truth = pipeline["truth"]
    counts = fetch_dicts(
        pipeline["warehouse"],
        """SELECT (SELECT count(*) FROM raw.submissions) AS submissions,
                  (SELECT count(*) FROM raw.issues) AS issues,
                  (SELECT count(*) FROM raw.feedback) AS feedback,
                  (SELECT count(*) FROM raw.quarantine) AS quarantine""",
    )[0]
    assert {k: counts[k] for k in ("submissions", "issues", "feedback")} == truth["raw_rows"]
    loaded_rows = sum(
        sum(f["data_rows"].values()) for f in truth["generated_files"] if f["expect"] == "load"
    )
    assert sum(counts.values()) == loaded_rows


def test_quarantine_holds_exactly_the_planted_bad_rows(pipeline: dict) -> None:
    """Quarantine contains the truth's bad rows — same file, sheet, row and rule — and no others."""
    rows = fetch_dicts(
        pipeline["warehouse"],
        "SELECT original_name, source_sheet, source_row, rule, reason FROM raw.quarantine",
    )
    got = Counter((r["original_name"], r["source_sheet"], r["source_row"], r["rule"]) for r in rows)
    want = Counter(
        (q["file"], q["sheet"], q["row"], q["rule"]) for q in pipeline["truth"]["quarantine"]
    )
    assert got == want
    assert all(r["reason"] for r in rows)


def test_skipped_rows_are_exactly_the_planted_totals_and_footers(pipeline: dict) -> None:
    """raw.skipped_rows lists each 小计 / 合计 row and footer line of the truth — same file,
    sheet, row and reason — and no other; no mobile number stands in clear in their text."""
    rows = fetch_dicts(
        pipeline["warehouse"],
        "SELECT original_name, source_sheet, source_row, why, row_text FROM raw.skipped_rows "
        "WHERE why IN ('total', 'footer')",
    )
    got = Counter((r["original_name"], r["source_sheet"], r["source_row"], r["why"]) for r in rows)
    want = Counter(
        (s["file"], s["sheet"], s["row"], s["why"]) for s in pipeline["truth"]["skipped"]
    )
    assert got == want
    assert not [r["row_text"] for r in rows if re.search(r"1\d{10}", r["row_text"])]


def test_replaced_deliveries_are_the_truths(pipeline: dict) -> None:
    """The deliveries whose latest change is 'replaced' are exactly the truth's, each replaced
    by the file the truth names; nothing else stopped counting."""
    rows = fetch_dicts(
        pipeline["warehouse"],
        """SELECT file, by_file, change FROM (
               SELECT f.original_name AS file, b.original_name AS by_file, c.change,
                      row_number() OVER (PARTITION BY c.file_sha256
                                         ORDER BY c.ingest_seq DESC) AS latest
               FROM raw.delivery_changes AS c
               JOIN raw.ingest_files AS f ON f.file_sha256 = c.file_sha256
               LEFT JOIN raw.ingest_files AS b ON b.file_sha256 = c.by_file_sha256)
           WHERE latest = 1 AND change <> 'redelivered'""",
    )
    got = sorted((r["file"], r["by_file"], r["change"]) for r in rows)
    want = sorted((r["file"], r["by"], "replaced") for r in pipeline["truth"]["replaced"])
    assert got == want


def test_rejected_files_have_reasons(pipeline: dict) -> None:
    """Each file the truth expects rejected is in rejected/ with a non-empty reason file."""
    rejected = pipeline["home"] / "rejected"
    for f in pipeline["truth"]["generated_files"]:
        if f["expect"] == "reject":
            assert (rejected / f["name"]).is_file()
            assert (rejected / f"{f['name']}.reason.txt").read_text("utf-8").strip()


def test_second_ingest_changes_nothing(pipeline: dict) -> None:
    """Ingesting the same files again adds no raw row, quarantine row or loaded file."""
    assert pipeline["after_first"] == pipeline["after_second"]
    assert pipeline["after_first"][0]["files_loaded"] == sum(
        f["expect"] == "load" for f in pipeline["truth"]["generated_files"]
    )


def test_period_summary_equals_truth(pipeline: dict) -> None:
    """Each non-zero row of mart_period_summary equals the truth: years, quarters, months."""
    rows = fetch_dicts(pipeline["published"], "SELECT * FROM mart_period_summary")
    got = {
        (r["period_type"], r["period_label"], r["theme_l1"]): tuple(r[m] for m in MEASURES)
        for r in rows
        if any(r[m] for m in MEASURES)
    }
    want = {
        (t["period_type"], t["period_label"], t["theme_l1"]): tuple(t[m] for m in MEASURES)
        for t in pipeline["truth"]["period_summary"]
    }
    assert got == want


def test_region_summary_equals_truth(pipeline: dict) -> None:
    """Every non-zero row of mart_region_summary equals the truth."""
    rows = fetch_dicts(pipeline["published"], "SELECT * FROM mart_region_summary")
    got = {
        (r["period_type"], r["period_label"], r["region_name"]): tuple(r[m] for m in MEASURES)
        for r in rows
        if any(r[m] for m in MEASURES)
    }
    want = {
        (t["period_type"], t["period_label"], t["region_name"]): tuple(t[m] for m in MEASURES)
        for t in pipeline["truth"]["region_summary"]
    }
    assert got == want


def test_headline_2021(pipeline: dict) -> None:
    """The seed article's figures: 1005 received, 204 民生 issues, 43 instructed, rate 43/204."""
    rows = fetch_dicts(
        pipeline["published"],
        """SELECT theme_l1, submissions_received, issues_published, issues_instructed,
                  instruction_rate
           FROM mart_period_summary
           WHERE period_type = 'year' AND period_label = '2021'
             AND theme_l1 IN ('全部', '民生')""",
    )
    by_theme = {r["theme_l1"]: r for r in rows}
    assert by_theme["全部"]["submissions_received"] == 1005
    assert by_theme["民生"]["issues_published"] == 204
    assert by_theme["民生"]["issues_instructed"] == 43
    assert by_theme["民生"]["instruction_rate"] == pytest.approx(43 / 204)


def test_distinct_entities_counted_once(pipeline: dict) -> None:
    """Each submission, issue, 批示 and 采用 appears once in the facts despite re-deliveries."""
    counts = fetch_dicts(
        pipeline["published"],
        """SELECT (SELECT count(*) FROM fct_submissions) AS submissions,
                  (SELECT count(*) FROM fct_issues) AS issues,
                  (SELECT count(*) FROM fct_feedback WHERE feedback_type = '批示') AS instructions,
                  (SELECT count(*) FROM fct_feedback WHERE feedback_type = '采用') AS adoptions""",
    )[0]
    assert counts == pipeline["truth"]["distinct"]


def test_near_duplicates_flagged(pipeline: dict) -> None:
    """Every planted near-duplicate points at its original and still counts."""
    rows = fetch_dicts(
        pipeline["published"],
        "SELECT submission_id, possible_duplicate_of FROM fct_submissions "
        "WHERE possible_duplicate_of IS NOT NULL",
    )
    got = {(r["submission_id"], r["possible_duplicate_of"]) for r in rows}
    want = {
        (d["submission_id"], d["possible_duplicate_of"])
        for d in pipeline["truth"]["near_duplicates"]
    }
    assert want <= got
