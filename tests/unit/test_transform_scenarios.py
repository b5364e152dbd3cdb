"""The dbt project on hand-written raw rows: merging, themes, feedback, grids, quality.

Raw rows are written with SQL straight into a fresh warehouse (the raw layer
is the interface the ingest side fills). One warehouse is built per module, in
two stages; every expected number below is reasoned by hand from these rows.

Stage 1 — f1, a ledger workbook (ingest_seq 1), then bad.csv rejected (2):
  submissions S01 赤峰/供暖 03-18 · S02 呼市/教育 03-20 · S03 火星盟/宇宙探索 07-05 ·
    S04 锡盟/生态 2022-01-01 (the Shanghai date of 2021-12-31T20:00Z) ·
    S05 ≈ S01's text 03-19 · S06 = S01's text 03-18 · S07 blank 03-25
  issues 2021-001 民生 [S01,S02] 04-02 · 2021-002 no 分类 [S02,S01] 05-10 ·
    2021-003 no 分类 [S03,S05,S01] 06-01 · 2021-005 荒漠化治理, no list 08-01 ·
    2022-001 经济 [S04,S99] 2022-01-15 (S99 never loaded)
  feedback F1 2021年第1期 批示 自治区级 04-20 · F3 第1期 批示 国家级 05-01 ·
    F4 第2期 采用 06-01 · F5 第1期 批示 盟市级 2022-02-01 ·
    F6 2021年第6期 批示 09-01 (issue not loaded yet) · F7 第9期 (never loaded) ·
    F8 2021年第3期 批示 县级 (unknown level) 07-01
Stage 2 — f2, a corrected ledger (3): S01 again with empty cells; S02 corrected
  to 包头/医疗; S03 identical; issue 2021-006 教育 [S07] 08-20.
  f3, the JSON export (4): S01 linked to 2021-001; new S08 自治区/社保 04-10
  linked to 2021-004; nested issues 2021-001 (no theme, no list) and 2021-004
  04-28; F2 = F1 again; 2021-004 采用 06-10.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.quality.report import write_quality_report
from sqmy_etl.transform.build import generate_docs, run_transform
from sqmy_etl.warehouse.db import connect_writer
from sqmy_etl.warehouse.query import run_query
from tests.unit.homes import scratch_home

HEATING = "呼和浩特市部分老旧小区冬季供暖温度长期不达标，居民反映强烈，建议供热部门加强监管。"
HEATING_RETYPED = (
    "呼和浩特市部分老旧小区冬季供暖温度长期不达标, 居民反映强烈, 建议供热部门加强监管!"
)
SCHOOL = "包头市中小学课后服务收费标准不统一，家长负担较重，建议出台全区统一规范。"
SIGNAL = "部分牧区移动通信信号覆盖不足，牧民应急求助困难，建议加快基站建设。"
SAND = "浑善达克沙地部分区域治理成果需巩固，建议完善管护机制与资金保障。"
PENSION = "城乡居民养老保险待遇调整机制有待完善，建议建立与物价挂钩的调整机制。"
MASKED_NAME = "张*"
LEDGER = "2021年社情民意信息台账.xlsx"


class Delivery:
    """One delivered file: its raw.ingest_files row plus the raw rows it carried.

    ``sheets`` lists a workbook's sheets in their order (their position is the
    raw ``source_sheet_no``); a sheet not listed, and every CSV/JSON, is at 0.
    """

    def __init__(
        self,
        con: Any,
        seq: int,
        name: str,
        status: str = "loaded",
        reason=None,
        sheets: tuple[str, ...] = (),
    ):
        self.con = con
        self.seq = seq
        self.name = name
        self.sheets = sheets
        self.sha = hashlib.sha256(name.encode()).hexdigest()
        self.insert(
            "ingest_files",
            file_sha256=self.sha,
            ingest_seq=seq,
            original_name=name,
            size_bytes=1000,
            file_format=name.rsplit(".", 1)[-1],
            status=status,
            reason=reason,
            ingested_at=f"2022-03-{seq:02d} 10:00:00+08",
        )

    def insert(self, table: str, **values: Any) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO raw.{table} ({columns}) VALUES ({marks})"
        self.con.execute(sql, list(values.values()))

    def change(self, change: str, seq: int, by: Delivery | None = None) -> None:
        """A later change to this delivery (replaced / retracted / redelivered) at ``seq``."""
        self.insert(
            "delivery_changes",
            file_sha256=self.sha,
            change=change,
            by_file_sha256=by.sha if by else None,
            ingest_seq=seq,
            reason=f"{change} {self.name}",
            changed_at=f"2022-03-{seq:02d} 11:00:00+08",
        )

    def _lineage(self, sheet: str, row: int) -> dict[str, Any]:
        return {
            "ingest_file_sha256": self.sha,
            "ingest_seq": self.seq,
            "source_sheet": sheet,
            "source_sheet_no": self.sheets.index(sheet) if sheet in self.sheets else 0,
            "source_row": row,
        }

    def submissions(self, sheet: str, columns: str, rows: list[tuple]) -> None:
        """Rows of (source_row, submission_id, received_date, *columns)."""
        for row, submission_id, received, *values in rows:
            self.insert(
                "submissions",
                **self._lineage(sheet, row),
                submission_id=submission_id,
                received_date=received,
                **dict(zip(columns.split(), values, strict=True)),
            )

    def issues(self, sheet: str, rows: list[tuple]) -> None:
        """Rows of (source_row, issue_id, published_date, title, theme, source list)."""
        for row, issue_id, published, title, theme, sources in rows:
            year, seq = (int(part) for part in issue_id.split("-"))
            self.insert(
                "issues",
                **self._lineage(sheet, row),
                issue_id=issue_id,
                issue_year=year,
                issue_seq=seq,
                issue_no_raw=f"{year}年第{seq}期",
                published_date=published,
                issue_title=title,
                issue_theme=theme,
                source_submissions=sources,
            )

    def feedback(self, sheet: str, rows: list[tuple]) -> None:
        """Rows of (source_row, year or None, seq, type, level, post, feedback_date)."""
        for row, year, seq, kind, level, post, when in rows:
            self.insert(
                "feedback",
                **self._lineage(sheet, row),
                issue_no_raw=f"{year}年第{seq}期" if year else f"第{seq}期",
                issue_year=year,
                issue_seq=seq,
                feedback_type=kind,
                level=level,
                post=post,
                feedback_date=when,
            )


# fmt: off
def load_stage_1(con: Any) -> None:
    f1 = Delivery(con, 1, LEDGER)
    f1.submissions("来稿", "region theme sector content submitter_hash submitter_masked", [
        (2, "S01", "2021-03-18", "赤峰", "供暖", "农业界", HEATING, "h1", MASKED_NAME),
        (3, "S02", "2021-03-20", "呼市", "教育", "教育界", SCHOOL, None, None),
        (4, "S03", "2021-07-05", "火星盟", "宇宙探索", None, SIGNAL, None, None),
        (5, "S04", "2022-01-01", "锡盟", "生态", None, SAND, None, None),
        (6, "S05", "2021-03-19", "赤峰市", "供暖", None, HEATING_RETYPED, None, None),
        (7, "S06", "2021-03-18", None, None, None, HEATING, None, None),
        (8, "S07", "2021-03-25", None, None, None, None, None, None),
    ])
    f1.issues("编发", [
        (2, "2021-001", "2021-04-02", "供暖问题", "民生", ["S01", "S02"]),
        (3, "2021-002", "2021-05-10", None, None, ["S02", "S01"]),
        (4, "2021-003", "2021-06-01", None, None, ["S03", "S05", "S01"]),
        (5, "2021-005", "2021-08-01", None, "荒漠化治理", None),
        (6, "2022-001", "2022-01-15", None, "经济", ["S04", "S99"]),
    ])
    f1.feedback("批示", [
        (2, 2021, 1, "批示", "自治区级", "自治区政府副主席", "2021-04-20"),  # F1
        (3, None, 1, "批示", "国家级", "国务院领导", "2021-05-01"),  # F3
        (4, None, 2, "采用", None, None, "2021-06-01"),  # F4
        (5, None, 1, "批示", "盟市级", "盟委书记", "2022-02-01"),  # F5
        (6, 2021, 6, "批示", "盟市级", "市长", "2021-09-01"),  # F6
        (7, None, 9, "批示", "自治区级", "自治区政协主席", "2021-03-01"),  # F7
        (8, 2021, 3, "批示", "县级", "旗长", "2021-07-01"),  # F8
    ])
    for row, rule, reason in [
        (9, "missing_id", "缺少稿件编号"),
        (10, "missing_id", "缺少稿件编号"),
        (11, "invalid_date", "收稿日期无法解析"),
    ]:
        f1.insert(
            "quarantine", quarantine_id=f"{f1.sha[:12]}:来稿:{row}", ingest_file_sha256=f1.sha,
            original_name=LEDGER, table_kind="submissions", source_sheet="来稿", source_row=row,
            rule=rule, reason=reason, record_json=json.dumps({"submitter": MASKED_NAME}),
            quarantined_at="2022-03-01 10:00:00+08",
        )
    f1.insert(
        "file_notes", ingest_file_sha256=f1.sha, original_name=LEDGER, source_sheet="说明",
        note="unrecognised_sheet", detail="表头不含必填列",
    )
    Delivery(con, 2, "bad.csv", status="rejected", reason="编码无法识别")


def load_stage_2(con: Any) -> None:
    f2 = Delivery(con, 3, "2021年社情民意信息台账-更正.xlsx")
    f2.submissions("来稿", "region theme sector content", [
        (2, "S01", "2021-03-18", None, None, None, None),
        (3, "S02", "2021-03-20", "包头", "医疗", "教育界", SCHOOL),
        (4, "S03", "2021-07-05", "火星盟", "宇宙探索", None, SIGNAL),
    ])
    f2.issues("编发", [(2, "2021-006", "2021-08-20", None, "教育", ["S07"])])
    f3 = Delivery(con, 4, "export.json")
    f3.submissions("", "region theme content issue_id", [
        (1, "S01", "2021-03-18", None, None, HEATING, "2021-001"),
        (2, "S08", "2021-04-10", "自治区", "社保", PENSION, "2021-004"),
    ])
    f3.issues("", [
        (1, "2021-001", "2021-04-02", "供暖问题", None, None),
        (2, "2021-004", "2021-04-28", "养老保险", None, None),
    ])
    f3.feedback("", [
        (1, 2021, 1, "批示", "自治区级", "自治区政府副主席", "2021-04-20"),  # F2 = F1
        (2, 2021, 4, "采用", None, None, "2021-06-10"),
    ])
# fmt: on


def rows(settings: Settings, sql: str) -> list[tuple]:
    """Rows of ``sql`` on the published marts, the way analysts read them."""
    return run_query(settings, sql)[1]


def warehouse_rows(settings: Settings, sql: str) -> list[tuple]:
    """Rows of ``sql`` on the working warehouse (snapshots, quality views)."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def observe_stage(settings: Settings) -> dict[str, Any]:
    """The numbers stage-1 tests assert on, taken before stage 2 replaces them."""
    year_2021 = (
        "SELECT issues_published, issues_instructed, instruction_rate, instructions_total "
        "FROM mart_period_summary WHERE period_label = '2021' AND theme_l1 = '全部'"
    )
    return {
        "submissions": rows(
            settings, "SELECT submission_id, region_name, theme_l2 FROM fct_submissions"
        ),
        "issue_themes": dict(rows(settings, "SELECT issue_id, theme_l2 FROM fct_issues")),
        "feedback_issues": sorted(
            r[0] for r in rows(settings, "SELECT issue_id FROM fct_feedback")
        ),
        "year_2021": rows(settings, year_2021)[0],
        "orphans": sorted(
            r[0]
            for r in warehouse_rows(settings, "SELECT issue_no_raw FROM quality.dq_orphan_feedback")
        ),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, Any]]]:
    """A home transformed after stage 1 (its numbers kept) and again after stage 2.

    Stage 2 only delivers new files, so its build is incremental, as a day's
    delivery is: the merges and the feedback chain update the touched ids in
    place, seeds and views are not created again, and the tests of the views
    over raw rows read only stage 2's rows. Every figure below is read after it.
    """
    with scratch_home(tmp_path_factory, "scenario", "2022-03-10") as settings:
        with connect_writer(settings) as con:
            load_stage_1(con)
        assert run_transform(settings).mode == "full"
        stage_1 = observe_stage(settings)
        with connect_writer(settings) as con:
            load_stage_2(con)
        assert run_transform(settings).mode == "incremental"
        yield settings, stage_1


def test_stage_1_before_corrections_and_the_late_issue(built):
    """Before stage 2, S02 is 呼和浩特市/教育, 2021-002 takes 教育 from it, F6 is an orphan."""
    _, stage_1 = built
    assert len(stage_1["submissions"]) == 7
    assert ("S02", "呼和浩特市", "教育") in stage_1["submissions"]
    assert stage_1["issue_themes"]["2021-002"] == "教育"
    assert stage_1["feedback_issues"] == [
        "2021-001",
        "2021-001",
        "2021-002",
        "2021-003",
        "2022-001",
    ]
    assert stage_1["year_2021"] == (4, 2, 0.5, 3)
    assert stage_1["orphans"] == ["2021年第6期", "第9期"]


# fmt: off
def test_each_submission_counts_once_merged_field_by_field(built):
    """Three deliveries of S01 make one row that survives later empty cells; S02 is corrected."""
    settings, _ = built
    got = rows(settings, """
        SELECT submission_id, received_date, region_code, region_name, sector, theme_l1, theme_l2,
               issue_id, is_published, possible_duplicate_of, submitter_hash
        FROM fct_submissions ORDER BY submission_id""")
    d = date
    assert got == [
        ("S01", d(2021, 3, 18), "150400", "赤峰市", "农业界", "民生", "供暖供气",
         "2021-001", True, None, "h1"),
        ("S02", d(2021, 3, 20), "150200", "包头市", "教育界", "民生", "医疗卫生",
         "2021-001", True, None, None),
        ("S03", d(2021, 7, 5), None, "未知", None, "未分类", None, "2021-003", True, None, None),
        ("S04", d(2022, 1, 1), "152500", "锡林郭勒盟", None, "生态环境", None,
         "2022-001", True, None, None),
        ("S05", d(2021, 3, 19), "150400", "赤峰市", None, "民生", "供暖供气",
         "2021-003", True, "S01", None),
        ("S06", d(2021, 3, 18), None, "未知", None, "未分类", None, None, False, "S01", None),
        ("S07", d(2021, 3, 25), None, "未知", None, "未分类", None, "2021-006", True, None, None),
        ("S08", d(2021, 4, 10), "150000", "自治区本级", None, "民生", "社会保障",
         "2021-004", True, None, None),
    ]


def test_issue_themes_own_or_from_sources(built):
    """The export's theme-less 2021-001 keeps the ledger's 分类; others take the most frequent
    source theme, a tie going to the first listed source (S02, after its correction)."""
    settings, _ = built
    got = rows(settings, "SELECT issue_id, title, theme_l1, theme_l2 FROM fct_issues ORDER BY 1")
    assert got == [
        ("2021-001", "供暖问题", "民生", None),
        ("2021-002", None, "民生", "医疗卫生"),
        ("2021-003", None, "民生", "供暖供气"),
        ("2021-004", "养老保险", "民生", "社会保障"),
        ("2021-005", None, "生态环境", "荒漠化治理"),
        ("2021-006", None, "民生", "教育"),
        ("2022-001", None, "经济发展", None),
    ]


def test_issue_sources_and_feedback_measures(built):
    """Counts of sources and 批示 per issue: duplicates once, 采用 never a 批示, F6 counted now."""
    settings, _ = built
    got = rows(settings, """
        SELECT issue_id, published_date, submission_count, instruction_count, is_instructed,
               first_instruction_date, days_to_first_instruction, highest_instruction_level,
               is_adopted_national
        FROM fct_issues ORDER BY issue_id""")
    d = date
    assert got == [
        ("2021-001", d(2021, 4, 2), 2, 2, True, d(2021, 4, 20), 18, "国家级", False),
        ("2021-002", d(2021, 5, 10), 2, 0, False, None, None, None, True),
        ("2021-003", d(2021, 6, 1), 3, 1, True, d(2021, 7, 1), 30, None, False),
        ("2021-004", d(2021, 4, 28), 1, 0, False, None, None, None, True),
        ("2021-005", d(2021, 8, 1), 0, 0, False, None, None, None, False),
        ("2021-006", d(2021, 8, 20), 1, 1, True, d(2021, 9, 1), 12, "盟市级", False),
        ("2022-001", d(2022, 1, 15), 2, 1, True, d(2022, 2, 1), 17, "盟市级", False),
    ]


def test_feedback_rows_resolve_year_less_numbers(built):
    """第1期 is 2021-001 in May 2021 but 2022-001 in Feb 2022; F1 delivered twice is one row."""
    settings, _ = built
    got = rows(settings, """
        SELECT issue_id, feedback_type, level, post, feedback_date
        FROM fct_feedback ORDER BY feedback_date""")
    d = date
    assert got == [
        ("2021-001", "批示", "自治区级", "自治区政府副主席", d(2021, 4, 20)),
        ("2021-001", "批示", "国家级", "国务院领导", d(2021, 5, 1)),
        ("2021-002", "采用", None, None, d(2021, 6, 1)),
        ("2021-004", "采用", None, None, d(2021, 6, 10)),
        ("2021-003", "批示", None, "旗长", d(2021, 7, 1)),
        ("2021-006", "批示", "盟市级", "市长", d(2021, 9, 1)),
        ("2022-001", "批示", "盟市级", "盟委书记", d(2022, 2, 1)),
    ]
    assert rows(settings, "SELECT count(DISTINCT feedback_id) FROM fct_feedback") == [(7,)]


MEASURES = """submissions_received, issues_published, issues_instructed, instruction_rate,
              instructions_total, issues_adopted_national"""


def test_period_summary_counts_by_period_and_theme(built):
    """Counts by received/published date per year, quarter and month; NULL rates without issues."""
    settings, _ = built

    def at(label: str, theme: str) -> tuple:
        return rows(settings, f"""SELECT {MEASURES} FROM mart_period_summary
                                  WHERE period_label = '{label}' AND theme_l1 = '{theme}'""")[0]

    assert at("2021", "全部") == (7, 6, 3, 0.5, 4, 2)
    assert at("2021", "民生") == (4, 5, 3, 0.6, 4, 2)
    assert at("2021", "生态环境") == (0, 1, 0, 0.0, 0, 0)
    assert at("2021", "未分类") == (3, 0, 0, None, 0, 0)
    assert at("2021", "经济发展") == (0, 0, 0, None, 0, 0)
    assert at("2021-Q1", "全部") == (5, 0, 0, None, 0, 0)
    assert at("2021-Q2", "全部") == (1, 4, 2, 0.5, 3, 2)
    assert at("2021-Q3", "全部") == (1, 2, 1, 0.5, 1, 0)
    assert at("2021-Q4", "全部") == (0, 0, 0, None, 0, 0)
    assert at("2021-04", "全部") == (1, 2, 1, 0.5, 2, 1)
    assert at("2022", "全部") == (1, 1, 1, 1.0, 1, 0)
    assert at("2022-Q1", "生态环境") == (1, 0, 0, None, 0, 0)
    assert at("2022-01", "经济发展") == (0, 1, 1, 1.0, 1, 0)


def test_period_summary_is_a_full_grid(built):
    """Both years, 1 + 4 + 12 periods each, × 9 level-1 themes + 全部, with calendar bounds."""
    settings, _ = built
    assert rows(settings, "SELECT count(*) FROM mart_period_summary") == [(2 * 17 * 10,)]
    assert rows(settings, """
        SELECT period_type, count(DISTINCT period_label), count(DISTINCT theme_l1)
        FROM mart_period_summary GROUP BY period_type ORDER BY period_type""") == [
        ("month", 24, 10), ("quarter", 8, 10), ("year", 2, 10),
    ]
    assert rows(settings, """
        SELECT DISTINCT period_start, period_end FROM mart_period_summary
        WHERE period_label IN ('2021-Q1', '2022-02') ORDER BY 1""") == [
        (date(2021, 1, 1), date(2021, 3, 31)), (date(2022, 2, 1), date(2022, 2, 28)),
    ]


def test_region_summary_counts_an_issue_in_each_of_its_regions(built):
    """2021-001 counts in 赤峰市 and 包头市; 2021-005 without sources under 未知; all 14 rows."""
    settings, _ = built
    got = {r[0]: r[1:] for r in rows(settings, f"""
        SELECT region_name, region_code, {MEASURES} FROM mart_region_summary
        WHERE period_type = 'year' AND period_label = '2021'""")}
    assert len(got) == 14
    assert got["赤峰市"] == ("150400", 2, 3, 2, 2 / 3, 3, 1)
    assert got["包头市"] == ("150200", 1, 2, 1, 0.5, 2, 1)
    assert got["未知"] == (None, 3, 3, 2, 2 / 3, 2, 0)
    assert got["自治区本级"] == ("150000", 1, 1, 0, 0.0, 0, 1)
    assert got["呼和浩特市"] == ("150100", 0, 0, 0, None, 0, 0)
    assert rows(settings, f"""SELECT {MEASURES} FROM mart_region_summary
        WHERE period_label = '2022' AND region_name = '锡林郭勒盟'""") == [(1, 1, 1, 1.0, 1, 0)]
# fmt: on


def test_published_file_holds_only_the_marts(built):
    """published/marts.duckdb has exactly the contract tables (the eight of CONTRACT §4 and
    the issue → source bridge the report credits units from), in its default schema,
    and published/parquet one file for each."""
    settings, _ = built
    names = [
        "dim_date",
        "dim_region",
        "dim_scoring_rules",  # CONTRACT §5: the rules the scores were computed by
        "dim_theme",
        "fct_feedback",
        "fct_issue_sources",
        "fct_issues",
        "fct_submissions",
        "fct_theme_suggestions",  # CONTRACT §6
        "mart_hot_topics",  # CONTRACT §6
        "mart_lifecycle_funnel",  # CONTRACT §5
        "mart_member_scores",
        "mart_period_summary",
        "mart_region_summary",
        "mart_report_data_quality",  # the figures the reports print (_marts__reports.yml)
        "mart_report_instruction_levels",
        "mart_report_instruction_timing",
        "mart_report_issue_points",
        "mart_report_minsheng_subthemes",
        "mart_report_sectors",
        "mart_report_submitting_units",
        "mart_report_unit_quota",
        "mart_unit_scores",
    ]
    tables = rows(
        settings,
        "SELECT table_schema || '.' || table_name FROM information_schema.tables ORDER BY 1",
    )
    assert tables == [(f"main.{n}",) for n in names]
    assert sorted(p.name for p in settings.parquet_dir.iterdir()) == [f"{n}.parquet" for n in names]


def test_snapshot_keeps_the_corrected_version(built):
    """The SCD2 snapshot keeps S02's old region as a closed row; S03's identical copy adds none."""
    settings, _ = built
    got = warehouse_rows(
        settings,
        "SELECT submission_id, region_as_written, dbt_valid_to IS NULL "
        "FROM snapshots.snap_submissions WHERE submission_id IN ('S02', 'S03') "
        "ORDER BY submission_id, dbt_valid_from",
    )
    assert got == [("S02", "呼市", False), ("S02", "包头", True), ("S03", "火星盟", True)]


def test_quality_report_lists_what_was_held_back(built):
    """The report names quarantine rules with counts, the rejected file, the unrecognised sheet,
    unmapped values, the remaining orphan, the near-duplicate pairs, freshness, and no PII."""
    settings, _ = built
    path = write_quality_report(settings)
    assert path.parent == settings.reports / "quality"
    html = path.read_text("utf-8")
    num = '<td class="num">'
    assert f"<td>missing_id</td><td>submissions</td><td>缺少稿件编号</td>{num}2</td>" in html
    assert f"<td>invalid_date</td><td>submissions</td><td>收稿日期无法解析</td>{num}1</td>" in html
    assert "<td>bad.csv</td>" in html and "编码无法识别" in html
    assert "<td>说明</td><td>表头不含必填列</td>" in html
    assert f"<td>地区</td><td>火星盟</td><td>未知</td>{num}1</td>" in html
    assert f"<td>来稿主题</td><td>宇宙探索</td><td>未分类</td>{num}1</td>" in html
    assert "<td>批示级别</td><td>县级</td>" in html
    assert "<td>第9期</td>" in html and "2021年第6期" not in html
    assert "<td>S05</td><td>S01</td>" in html and "<td>S06</td><td>S01</td>" in html
    assert "正常：6 天前有新文件" in html
    assert HEATING not in html and MASKED_NAME not in html


def test_dbt_docs_generate_builds_a_catalog(built):
    """``dbt docs generate`` runs on the built warehouse; its catalog describes the marts."""
    settings, _ = built
    index = generate_docs(settings)
    catalog = json.loads(Path(index.parent, "catalog.json").read_text("utf-8"))
    assert "model.sqmy.mart_period_summary" in catalog["nodes"]
    assert index.is_file()
