"""The clerk's review loop end to end: a ledger with untagged rows, a filled review sheet,
one transform — expected figures typed by hand from the rows below."""

from __future__ import annotations

import json
import logging

import duckdb
import pytest

from sqmy_etl.ingest.load import ingest_paths
from sqmy_etl.transform.build import run_transform
from tests.scenarios.book import Sheet, xlsx
from tests.unit.homes import scratch_home

# Four submissions of March 2021. Ledger themes: R1 教育, R2 blank, R3 未分类, R4 医疗卫生.
LEDGER = """稿件编号,收稿日期,标题,内容,盟市,报送单位,主题
R1,2021-03-02,关于乡村教师流失的建议,乡村教师流失严重,赤峰市,赤峰市政协,教育
R2,2021-03-03,关于城区学位紧张的建议,城区义务教育学位紧张,包头市,包头市政协,
R3,2021-03-04,关于城区停车难的反映,老城区停车位不足,通辽市,通辽市政协,未分类
R4,2021-03-05,关于全科医生短缺的建议,基层全科医生短缺,乌海市,乌海市政协,医疗卫生
"""
# Two issues of March 2021, each from one untagged source: 第1期 ← R2, 第2期 ← R3.
ISSUES = """期号,编发日期,标题,采用稿件编号
2021年第1期,2021-03-10,关于城区学位紧张问题的建议,R2
2021年第2期,2021-03-11,关于城区停车难问题的反映,R3
"""
# The review sheet as `sqmy themes review` writes it, filled by the clerk:
#   R2 confirmed 民生/教育 → counts under 民生 from now on (theme_source review);
#   R3 given 火星主题 (no such theme) → that row quarantined, R3 stays 未分类;
#   R4 left blank → nothing changes (and R4 keeps its ledger theme anyway).
REVIEW = [
    ["稿件编号", "标题", "摘要", "建议主题", "置信度", "确认主题"],
    ["R2", "关于城区学位紧张的建议", "城区义务教育学位紧张", "民生/教育", 0.93, "民生/教育"],
    ["R3", "关于城区停车难的反映", "老城区停车位不足", "社会治理/基层治理", 0.41, "火星主题"],
    ["R4", "关于全科医生短缺的建议", "基层全科医生短缺", "民生/医疗卫生", 0.88, None],
]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """Ledger, then review sheet, then one transform with no theme model at all."""
    with scratch_home(tmp_path_factory, "themes_review", today="2021-06-01") as settings:
        landing = tmp_path_factory.mktemp("review_files")
        ledger = landing / "来稿台账.csv"
        ledger.write_text(LEDGER, encoding="utf-8")
        issues = landing / "编发台账.csv"
        issues.write_text(ISSUES, encoding="utf-8")
        ingest_paths(settings, [ledger, issues])
        ingest_paths(settings, [xlsx(landing / "主题复核.xlsx", Sheet("主题复核", REVIEW))])
        logger = logging.getLogger("sqmy_etl.themes.suggest")
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append  # type: ignore[method-assign]
        logger.addHandler(handler)
        try:
            run_transform(settings)
        finally:
            logger.removeHandler(handler)
        marts = duckdb.connect(str(settings.published), read_only=True)
        warehouse = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            yield marts, warehouse, records
        finally:
            marts.close()
            warehouse.close()


def test_a_confirmed_theme_sets_exactly_that_submission(published) -> None:
    """R2 becomes 民生/教育 from the review; R1, R3, R4 keep their ledger themes."""
    marts, _, _ = published
    rows = marts.execute(
        "SELECT submission_id, theme_l1, theme_l2, theme_source FROM fct_submissions ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("R1", "民生", "教育", "ledger"),
        ("R2", "民生", "教育", "review"),
        ("R3", "未分类", None, "ledger"),
        ("R4", "民生", "医疗卫生", "ledger"),
    ]


def test_the_confirmation_moves_one_count(published) -> None:
    """2021-03: 民生 3 (R1, R2, R4 — R2 only because of the review), 未分类 1 (R3), 全部 4."""
    marts, _, _ = published
    counts = dict(
        marts.execute(
            "SELECT theme_l1, submissions_received FROM mart_period_summary "
            "WHERE period_label = '2021-03' AND theme_l1 IN ('民生', '未分类', '全部')"
        ).fetchall()
    )
    assert counts == {"民生": 3, "未分类": 1, "全部": 4}


def test_a_confirmed_theme_reaches_the_issue_its_source_was_published_in(published) -> None:
    """第1期's only source R2 was confirmed 民生/教育, so the issue is 民生/教育; 第2期's R3
    stays 未分类 (its confirmation was quarantined), so the issue has no theme either."""
    marts, _, _ = published
    rows = marts.execute("SELECT issue_id, theme_l1, theme_l2 FROM fct_issues ORDER BY 1")
    assert rows.fetchall() == [("2021-001", "民生", "教育"), ("2021-002", "未分类", None)]


def test_an_unknown_confirmed_theme_is_quarantined_with_the_accepted_values(published) -> None:
    """The 火星主题 row (sheet row 3) is held with rule unknown_theme; the reason lists values."""
    _, warehouse, _ = published
    held = warehouse.execute(
        "SELECT table_kind, source_row, rule, reason, record_json FROM raw.quarantine"
    ).fetchall()
    assert [(kind, row, rule) for kind, row, rule, _, _ in held] == [
        ("theme_reviews", 3, "unknown_theme")
    ]
    reason, record = held[0][3], json.loads(held[0][4])
    assert "民生/教育" in reason and "文化旅游/体育事业" in reason and "其他" in reason
    assert record["submission_id"] == "R3"


def test_without_a_model_suggestions_are_skipped_and_the_marts_publish(published) -> None:
    """No model was ever trained: fct_theme_suggestions is empty, a warning says why, and the
    transform published anyway (the marts above exist)."""
    marts, _, records = published
    assert marts.execute("SELECT count(*) FROM fct_theme_suggestions").fetchall() == [(0,)]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert any("未生成主题建议" in w and "sqmy themes train" in w for w in warnings)
