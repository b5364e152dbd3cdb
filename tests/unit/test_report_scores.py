"""The 通报 and 年度考核 reports built from hand-filled marts (``scores_fixtures``).

Expected figures are the fixture's literals and arithmetic done by hand in
the comments; the workbook is read back with openpyxl, the PDF with pypdf.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest
from pypdf import PdfReader

from sqmy_etl import pii
from sqmy_etl.reports.build import build_report
from sqmy_etl.reports.errors import PeriodError, ReportError
from sqmy_etl.reports.reveal import AUDIT_FILE
from tests.unit.report_fixtures import PLANTED_NAME, PLANTED_PHONE
from tests.unit.scores_fixtures import MEMBERS, build_score_marts
from tests.unit.test_report_render import column_values, make_settings


@dataclass(frozen=True)
class Files:
    html: Path
    xlsx: Path
    pdf: Path | None = None


@pytest.fixture(scope="module")
def tongbao(tmp_path_factory: pytest.TempPathFactory) -> Files:
    settings = make_settings(tmp_path_factory.mktemp("tongbao") / "home")
    build_score_marts(settings.published)
    html, pdf, xlsx = build_report(settings, "2021-Q1", ["html", "pdf", "xlsx"], kind="tongbao")
    return Files(html, xlsx, pdf)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Files:
    settings = make_settings(tmp_path_factory.mktemp("evaluation") / "home")
    build_score_marts(settings.published)
    html, xlsx = build_report(settings, "2021", ["html", "xlsx"], kind="evaluation")
    return Files(html, xlsx)


def _sheet(path: Path, name: str):
    return openpyxl.load_workbook(path)[name]


def _all_text(files: Files) -> str:
    book = openpyxl.load_workbook(files.xlsx)
    cells = "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row)
    pdf = "".join(p.extract_text() for p in PdfReader(files.pdf).pages) if files.pdf else ""
    return files.html.read_text("utf-8") + cells + pdf


def test_tongbao_files_are_named_for_the_bulletin(tongbao: Files) -> None:
    assert [p.name for p in (tongbao.html, tongbao.pdf, tongbao.xlsx)] == [
        "社情民意信息工作通报_2021-Q1.html",
        "社情民意信息工作通报_2021-Q1.pdf",
        "社情民意信息工作通报_2021-Q1.xlsx",
    ]


def test_tongbao_ranks_units_by_type_with_changes(tongbao: Files) -> None:
    """赤峰 60 points against 40 in 2020-Q4 (+50 %) and 30 in 2020-Q1 (+100 %); 包头 25 against
    25 (0 %) and 0 (no base: blank); 乌海 has no base either way. Adoptions are national +
    regional (赤峰 1 + 1), 批示 all levels (赤峰 0 + 2 + 0)."""
    sheet = _sheet(tongbao.xlsx, "排名-盟市政协")
    assert column_values(sheet, "单位") == ["赤峰市政协", "包头市政协", "乌海市政协"]
    assert column_values(sheet, "类型内排名") == [1, 2, 3]
    assert column_values(sheet, "上级采用（次）") == [2, 1, 0]
    assert column_values(sheet, "获批示（件次）") == [2, 0, 0]
    assert column_values(sheet, "积分") == [60, 25, 0]
    assert column_values(sheet, "积分环比") == [0.5, 0, "—"]
    assert column_values(sheet, "积分同比") == [1.0, "—", "—"]
    parties = _sheet(tongbao.xlsx, "排名-民主党派")
    # 民盟 40 against 50 (-20 %) and 40 (0 %); 九三学社 has no row in either base
    assert column_values(parties, "单位") == ["民盟内蒙古区委", "九三学社内蒙古区委"]
    assert column_values(parties, "积分环比") == [-0.2, "—"]
    assert column_values(parties, "积分同比") == [0, "—"]


def test_tongbao_quota_progress_zero_report_and_items(tongbao: Files) -> None:
    """January–March received against the annual quota: 民盟 5/20 = 25 %, 赤峰 6/30 = 20 %,
    包头 4/30 ≈ 13.3 %, 九三学社 2/20 = 10 %, 乌海 0/20, most advanced first."""
    quota = _sheet(tongbao.xlsx, "任务进度")
    assert column_values(quota, "单位") == [
        "民盟内蒙古区委", "赤峰市政协", "包头市政协", "九三学社内蒙古区委", "乌海市政协",
    ]  # fmt: skip
    assert column_values(quota, "累计报送（篇）") == [5, 6, 4, 2, 0]
    assert column_values(quota, "完成率") == pytest.approx([0.25, 0.2, 4 / 30, 0.1, 0.0])
    assert column_values(_sheet(tongbao.xlsx, "零报送"), "单位") == ["乌海市政协"]
    # 采用 and 批示 dated in Q1 (F1 02-10, F2 02-15, F3 03-01); not the 报送 (F4), the
    # 办理反馈 (F5) or the 批示 of 04-02 (F6)
    items = _sheet(tongbao.xlsx, "采用批示")
    assert column_values(items, "期号") == ["2021-003", "2021-003", "2021-005"]
    assert column_values(items, "事项") == ["采用", "批示", "采用"]
    assert column_values(items, "采用方式") == ["单篇采用", "", "综合采用"]
    funnel = _sheet(tongbao.xlsx, "全流程")
    assert column_values(funnel, "信息（期）") == [10, 6, 1, 3, 4, 3, 2]


def test_tongbao_text_names_totals_and_zero_report_units(tongbao: Files) -> None:
    """Four units sent something (6 + 5 + 4 + 2 = 17 篇); 乌海 sent nothing."""
    html = tongbao.html.read_text("utf-8")
    assert "2021年第一季度，4个报送单位共报送社情民意信息17篇。" in html
    assert "本期零报送单位1个：乌海市政协" in html
    assert "data:image/png;base64," in html  # funnel and points charts inlined
    pdf = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(tongbao.pdf).pages))
    assert "社情民意信息工作通报" in pdf
    assert "4个报送单位共报送社情民意信息17篇" in pdf


def test_no_title_post_or_planted_personal_data_in_any_format(
    tongbao: Files, evaluation: Files
) -> None:
    for files in (tongbao, evaluation):
        text = _all_text(files)
        assert PLANTED_NAME not in text
        assert PLANTED_PHONE not in text
        assert MEMBERS[0][0] not in text  # a whole submitter key never appears


def test_evaluation_grades_and_shortlists(evaluation: Files) -> None:
    grades = _sheet(evaluation.xlsx, "考核等次")
    assert column_values(grades, "单位") == [
        "赤峰市政协", "包头市政协", "乌海市政协", "民盟内蒙古区委", "九三学社内蒙古区委",
    ]  # fmt: skip
    assert column_values(grades, "等次") == ["优秀", "良好", "不合格", "优秀", "合格"]
    assert column_values(grades, "完成任务") == ["否", "否", "否", "是", "否"]
    counts = _sheet(evaluation.xlsx, "等次分布")
    assert [r for r in counts.iter_rows(min_row=2, values_only=True)] == [
        ("优秀", 2), ("良好", 1), ("合格", 1), ("不合格", 1), ("合计", 5),
    ]  # fmt: skip
    # by points: 2021-003 45, 2021-005 13, 2021-009 10, 2021-007 5
    items = _sheet(evaluation.xlsx, "优秀信息")
    assert column_values(items, "期号") == ["2021-003", "2021-005", "2021-009", "2021-007"]
    assert column_values(items, "积分") == [45, 13, 10, 5]
    collectives = _sheet(evaluation.xlsx, "先进集体")
    # 乌海 has no points, so 盟市政协 has two on the list
    assert column_values(collectives, "单位") == [
        "赤峰市政协", "包头市政协", "民盟内蒙古区委", "九三学社内蒙古区委",
    ]  # fmt: skip
    assert column_values(collectives, "拟评") == ["一等", "二等", "一等", "二等"]
    individuals = _sheet(evaluation.xlsx, "先进个人")
    assert [c.value for c in individuals[1]][:3] == ["排名", "人员编号", "界别"]
    assert column_values(individuals, "人员编号") == ["b1" * 6, "c2" * 6]  # d3 has 0 points


def test_evaluation_refuses_a_quarter_and_names_the_fix(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    build_score_marts(settings.published)
    with pytest.raises(PeriodError, match=r"年度考核只能按年度生成.*--period 2021"):
        build_report(settings, "2021-Q1", ["html"], kind="evaluation")
    with pytest.raises(ReportError, match="未知的报告类型"):
        build_report(settings, "2021", ["html"], kind="monthly")
    with pytest.raises(ReportError, match="只用于年度考核"):
        build_report(settings, "2021-Q1", ["html"], kind="tongbao", reveal_names=True)


def test_reveal_names_needs_the_key_reads_the_archive_and_audits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(pii.KEY_ENV, raising=False)
    settings = make_settings(tmp_path / "home")
    key = bytes(range(32))
    member = pii.pii_hash("李明", key)
    build_score_marts(
        settings.published, [(member, "九三学社", "九三学社内蒙古区委", "", 3, 1, 30, 1)]
    )
    with pytest.raises(ReportError, match="无法显示姓名：未找到个人信息密钥"):
        build_report(settings, "2021", ["xlsx"], kind="evaluation", reveal_names=True)
    assert not settings.pii_key_file.exists()  # refused, not created
    settings.pii_key_file.write_text(key.hex() + "\n", "ascii")
    settings.pii_key_file.chmod(0o600)
    archived = settings.archive / "ab" / ("ab" * 32 + ".csv")
    archived.parent.mkdir(parents=True)
    archived.write_text("稿件编号,报送人,收稿日期\nNM2021-0001,李明,2021-03-01\n", "utf-8")
    (xlsx,) = build_report(settings, "2021", ["xlsx"], kind="evaluation", reveal_names=True)
    assert column_values(_sheet(xlsx, "先进个人"), "姓名") == ["李明"]
    (line,) = (settings.home / "audit" / AUDIT_FILE).read_text("utf-8").splitlines()
    entry = json.loads(line)
    assert entry["action"] == "reveal_names" and entry["submitter_keys"] == [member]
    assert "李明" not in line


def test_evaluation_without_published_issue_points_says_so(tmp_path: Path) -> None:
    """Marts without mart_report_issue_points: no 优秀信息 list, a note saying why and what
    to do."""
    settings = make_settings(tmp_path / "home")
    build_score_marts(settings.published)
    with duckdb.connect(str(settings.published)) as con:
        con.execute("DROP TABLE mart_report_issue_points")
    (xlsx,) = build_report(settings, "2021", ["xlsx"], kind="evaluation")
    items = _sheet(xlsx, "优秀信息")
    assert column_values(items, "期号") == []
    assert "发布库未包含信息积分表（mart_report_issue_points）" in str(items.cell(3, 1).value)
