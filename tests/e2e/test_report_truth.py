"""End to end: the leadership report's figures equal the generator's truth.

The report reads the published marts; these tests compare what a reader of
the PDF and the workbook sees with the figures the generator computed from
its own model of the world, never with the report's own query.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from tests.e2e.support import sqmy

pytestmark = pytest.mark.e2e

MEASURE_COLUMNS = {
    "收到来稿（篇）": "submissions_received",
    "编发（期）": "issues_published",
    "获批示（期）": "issues_instructed",
    "批示件次": "instructions_total",
    "全国政协采用（期）": "issues_adopted_national",
}


@pytest.fixture(scope="module")
def report_2021(pipeline: dict) -> dict[str, Path]:
    """The 2021 report in every format, built by the CLI from the published marts."""
    done = sqmy(pipeline["env"], "report", "--period", "2021", "--format", "pdf,xlsx")
    assert done.returncode == 0, done.stderr
    folder = pipeline["home"] / "reports" / "2021"
    return {path.suffix: path for path in folder.iterdir()}


def truth_rows(truth: dict, period_type: str, theme: str) -> dict[str, dict]:
    return {
        r["period_label"]: r
        for r in truth["period_summary"]
        if r["period_type"] == period_type and r["theme_l1"] == theme
    }


def test_pdf_headline_sentence_carries_the_true_figures(
    pipeline: dict,
    report_2021: dict[str, Path],
) -> None:
    """The PDF's opening sentence states the truth's received, published, 民生 and 批示 figures."""
    head = pipeline["truth"]["headline"]
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(report_2021[".pdf"]).pages)
    )
    sentence = (
        f"全年共收到社情民意信息{head['submissions_received']}篇，"
        f"编发{head['issues_published']}期，"
        f"其中重点反映民生类信息{head['minsheng_issues_published']}期，"
        f"{head['minsheng_issues_instructed']}期得到党政领导批示，"
        f"批示率{head['minsheng_instruction_rate'] * 100:.1f}%"
    )
    assert sentence in text


def test_pdf_pages_embed_a_cjk_font(report_2021: dict[str, Path]) -> None:
    """pdffonts lists only embedded fonts, and at least one is a CJK font."""
    out = subprocess.run(
        ["pdffonts", str(report_2021[".pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert out
    assert all(line.split()[-5] == "yes" for line in out)  # the "emb" column
    assert any("CJK" in line for line in out)


def test_workbook_months_equal_the_truth(
    pipeline: dict,
    report_2021: dict[str, Path],
) -> None:
    """Each month row of the 各月情况 sheet equals the truth's month figures for all themes."""
    truth = truth_rows(pipeline["truth"], "month", "全部")
    sheet = openpyxl.load_workbook(report_2021[".xlsx"], read_only=True)["各月情况"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    months = [r for r in body if r[0] and re.fullmatch(r"\d{1,2}月", str(r[0]))]
    assert len(months) == 12
    for row in months:
        label = f"2021-{int(str(row[0])[:-1]):02d}"
        want = truth.get(label, {})
        for title, measure in MEASURE_COLUMNS.items():
            assert row[header.index(title)] == want.get(measure, 0), (label, title)


def test_workbook_headline_sheet_equals_the_truth(
    pipeline: dict,
    report_2021: dict[str, Path],
) -> None:
    """The 主要指标 sheet's year figures equal the truth's 2021 totals and 民生 figures."""
    year = truth_rows(pipeline["truth"], "year", "全部")["2021"]
    minsheng = truth_rows(pipeline["truth"], "year", "民生")["2021"]
    sheet = openpyxl.load_workbook(report_2021[".xlsx"], read_only=True)["主要指标"]
    values = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
    assert values["收到来稿（篇）"] == year["submissions_received"]
    assert values["编发信息（期）"] == year["issues_published"]
    assert values["获党政领导批示（期）"] == year["issues_instructed"]
    assert values["党政领导批示（件次）"] == year["instructions_total"]
    assert values["民生类编发（期）"] == minsheng["issues_published"]
    assert values["民生类获批示（期）"] == minsheng["issues_instructed"]
