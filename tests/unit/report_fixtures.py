"""A small published marts file with the contract's columns and hand-chosen numbers.

The mart rows are literals (2021 calibrated on the seed article: 1005 篇,
320 期, 204 民生期, 43 of them instructed); every grid cell not listed is
zero, as the contract's full grid has it. The fct rows are a handful of
hand-made submissions and issues, mostly in 2021-Q3; the report marts
(``mart_report_*``) of 2021-Q3 and 2021 hold what those rows give, counted
by hand (dbt's unit tests prove the models count the same way). Planted
hostile and personal-looking values let tests prove they never reach a
report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from sqmy_etl.reference import regions, theme_l1_names, theme_l2_to_l1

HOSTILE_SECTOR = '=HYPERLINK("http://evil.example/x","点击")'
MARKUP_SECTOR = "<img src=x onerror=alert(1)>"
PLANTED_PHONE = "13912345678"
PLANTED_NAME = "张建国"
SUBMITTER_HASH = "a3" * 32

# (submissions_received, issues_published, issues_instructed, instructions_total, adopted)
MEASURES = {
    ("2021", "全部"): (1005, 320, 91, 126, 10),
    ("2021", "民生"): (640, 204, 43, 60, 6),
    ("2021", "经济发展"): (120, 40, 14, 18, 2),
    ("2021", "生态环境"): (90, 30, 12, 17, 1),
    ("2021", "乡村振兴"): (50, 20, 8, 11, 1),
    ("2021", "社会治理"): (40, 15, 9, 12, 0),
    ("2021", "民族团结"): (20, 5, 3, 5, 0),
    ("2021", "文化旅游"): (25, 4, 2, 3, 0),
    ("2021", "其他"): (10, 1, 0, 0, 0),
    ("2021", "未分类"): (10, 1, 0, 0, 0),
    ("2020", "全部"): (900, 300, 80, 110, 8),
    ("2020", "民生"): (560, 190, 38, 50, 4),
    ("2021-Q1", "全部"): (360, 90, 26, 35, 3),
    ("2021-Q2", "全部"): (225, 75, 22, 30, 2),
    ("2021-Q3", "全部"): (240, 78, 23, 32, 3),
    ("2021-Q4", "全部"): (180, 77, 20, 29, 2),
    ("2021-Q2", "民生"): (140, 48, 10, 14, 1),
    ("2021-Q3", "民生"): (150, 50, 11, 15, 1),
    ("2020-Q3", "全部"): (200, 70, 18, 24, 2),
    ("2020-Q3", "民生"): (130, 45, 9, 12, 1),
    ("2021-06", "民生"): (45, 15, 3, 4, 0),
    ("2021-07", "民生"): (55, 17, 4, 5, 1),
    ("2020-07", "全部"): (70, 24, 6, 8, 1),
    ("2020-07", "民生"): (44, 14, 3, 4, 0),
}
MONTH_RECEIVED = (120, 110, 130, 80, 75, 70, 85, 80, 75, 70, 60, 50)  # sums to 1005
MONTH_PUBLISHED = (30, 28, 32, 25, 26, 24, 27, 26, 25, 27, 25, 25)  # sums to 320
MONTH_INSTRUCTED = (9, 8, 9, 7, 8, 7, 8, 8, 7, 8, 6, 6)  # sums to 91
MONTH_INSTRUCTIONS = (12, 11, 12, 10, 11, 9, 11, 11, 10, 11, 9, 9)  # sums to 126
MONTH_ADOPTED = (1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1)  # sums to 10
for _m in range(12):
    MEASURES[f"2021-{_m + 1:02d}", "全部"] = (
        MONTH_RECEIVED[_m],
        MONTH_PUBLISHED[_m],
        MONTH_INSTRUCTED[_m],
        MONTH_INSTRUCTIONS[_m],
        MONTH_ADOPTED[_m],
    )

# region_name → (received, published, instructed, instructions, adopted) for 2021
REGIONS_2021 = {
    "自治区本级": (60, 20, 6, 8, 1),
    "呼和浩特市": (150, 50, 15, 20, 2),
    "包头市": (110, 36, 10, 13, 1),
    "乌海市": (30, 10, 3, 4, 0),
    "赤峰市": (130, 42, 12, 16, 2),
    "通辽市": (90, 28, 8, 10, 1),
    "鄂尔多斯市": (100, 33, 10, 14, 1),
    "呼伦贝尔市": (80, 26, 7, 9, 1),
    "巴彦淖尔市": (60, 19, 5, 7, 0),
    "乌兰察布市": (55, 17, 5, 6, 0),
    "兴安盟": (45, 14, 4, 5, 1),
    "锡林郭勒盟": (50, 16, 4, 5, 0),
    "阿拉善盟": (25, 8, 2, 3, 0),
    "未知": (20, 6, 1, 1, 0),
}  # received sums to 1005
REGIONS_2021_Q3 = {"呼和浩特市": (40, 14, 5, 7, 1), "赤峰市": (35, 12, 4, 5, 0)}

MARTS_DDL = """
CREATE TABLE fct_submissions (
    submission_id VARCHAR, received_date DATE, region_code VARCHAR, region_name VARCHAR,
    sector VARCHAR, theme_l1 VARCHAR, theme_l2 VARCHAR, issue_id VARCHAR,
    is_published BOOLEAN, possible_duplicate_of VARCHAR, submitter_hash VARCHAR);
CREATE TABLE fct_issues (
    issue_id VARCHAR, issue_year INTEGER, issue_seq INTEGER, published_date DATE, title VARCHAR,
    theme_l1 VARCHAR, theme_l2 VARCHAR, submission_count BIGINT, instruction_count BIGINT,
    is_instructed BOOLEAN, first_instruction_date DATE, days_to_first_instruction INTEGER,
    highest_instruction_level VARCHAR, is_adopted_national BOOLEAN);
CREATE TABLE fct_feedback (
    feedback_id VARCHAR, issue_id VARCHAR, feedback_type VARCHAR, level VARCHAR, post VARCHAR,
    feedback_date DATE);
CREATE TABLE fct_issue_sources (issue_id VARCHAR, submission_id VARCHAR, source_rank BIGINT);
CREATE TABLE dim_theme (theme_l1 VARCHAR, theme_l2 VARCHAR, is_minsheng BOOLEAN);
CREATE TABLE dim_region (region_code VARCHAR, region_name VARCHAR);
CREATE TABLE dim_date (date_day DATE, year INTEGER, quarter INTEGER, month INTEGER);
CREATE TABLE mart_period_summary (
    period_type VARCHAR, period_label VARCHAR, period_start DATE, period_end DATE,
    theme_l1 VARCHAR, submissions_received BIGINT, issues_published BIGINT,
    issues_instructed BIGINT, instruction_rate DOUBLE, instructions_total BIGINT,
    issues_adopted_national BIGINT);
CREATE TABLE mart_region_summary (
    period_type VARCHAR, period_label VARCHAR, period_start DATE, period_end DATE,
    region_code VARCHAR, region_name VARCHAR, submissions_received BIGINT,
    issues_published BIGINT, issues_instructed BIGINT, instruction_rate DOUBLE,
    instructions_total BIGINT, issues_adopted_national BIGINT);
CREATE TABLE mart_report_minsheng_subthemes (
    period_type VARCHAR, period_label VARCHAR, theme_l2 VARCHAR, issues_published INTEGER,
    issues_instructed INTEGER, instruction_rate DOUBLE, instructions_total INTEGER);
CREATE TABLE mart_report_sectors (
    period_type VARCHAR, period_label VARCHAR, sector VARCHAR, submissions_received INTEGER,
    submissions_published INTEGER, publish_rate DOUBLE);
CREATE TABLE mart_report_submitting_units (
    period_type VARCHAR, period_label VARCHAR, submitting_unit VARCHAR,
    issues_published INTEGER, issues_instructed INTEGER, issues_adopted_national INTEGER,
    unit_rank INTEGER);
CREATE TABLE mart_report_instruction_timing (
    period_type VARCHAR, period_label VARCHAR, issues_timed INTEGER, days_0_to_7 INTEGER,
    days_8_to_15 INTEGER, days_16_to_30 INTEGER, days_31_to_60 INTEGER, days_over_60 INTEGER,
    issues_within_30_days INTEGER, mean_days DOUBLE, median_days DOUBLE);
CREATE TABLE mart_report_instruction_levels (
    period_type VARCHAR, period_label VARCHAR, highest_instruction_level VARCHAR,
    issues_instructed INTEGER);
CREATE TABLE mart_report_data_quality (
    period_type VARCHAR, period_label VARCHAR, submissions_unknown_region INTEGER,
    submissions_unclassified INTEGER, submissions_without_sector INTEGER,
    submissions_possible_duplicates INTEGER, issues_unclassified INTEGER);
"""

# submission_id, received, region, sector, theme_l1, theme_l2, issue_id, duplicate_of
SUBMISSIONS = [
    ("S01", date(2021, 6, 20), "赤峰市", "九三学社", "民生", "教育", "2021-101", None),
    ("S02", date(2021, 6, 25), "包头市", "九三学社", "民生", "教育", "2021-102", None),
    ("S03", date(2021, 7, 1), "赤峰市", "盟市政协", "民生", "医疗卫生", "2021-103", None),
    ("S04", date(2021, 7, 2), "呼和浩特市", "中国民主同盟", "民生", "医疗卫生", "2021-103", None),
    ("S05", date(2021, 7, 15), "未知", "盟市政协", "民生", "供暖供气", "2021-104", None),
    ("S06", date(2021, 7, 20), "通辽市", HOSTILE_SECTOR, "经济发展", "营商环境", "2021-106", None),
    ("S07", date(2021, 8, 2), "通辽市", "九三学社", "未分类", None, "2021-107", None),
    ("S08", date(2021, 8, 5), "包头市", "工商联", "民生", None, "2021-105", None),
    ("S09", date(2021, 8, 10), "包头市", "工商联", "民生", "教育", None, "S02"),
    ("S10", date(2021, 9, 5), "未知", None, "未分类", None, None, None),
    ("S11", date(2021, 1, 15), "赤峰市", "九三学社", "生态环境", "草原保护", "2021-020", None),
    ("S12", date(2020, 7, 10), "包头市", "工会", "民生", "教育", None, None),
    ("S13", date(2021, 10, 8), "包头市", MARKUP_SECTOR, "民生", "教育", None, None),
]

# (issue_id, submission_id): sources beyond each submission's first issue (its issue_id
# above). S01 went into 2021-106 too; S02 into 2021-107 beside S07, another 九三学社 source.
LATER_SOURCES = [("2021-106", "S01"), ("2021-107", "S02")]

# issue_id, published, theme_l1, theme_l2, first 批示 date, level, adopted nationally
ISSUES = [
    ("2021-101", date(2021, 7, 5), "民生", "教育", date(2021, 7, 10), "自治区级", True),
    ("2021-102", date(2021, 7, 12), "民生", "教育", None, None, False),
    ("2021-103", date(2021, 7, 20), "民生", "医疗卫生", date(2021, 8, 1), "国家级", False),
    ("2021-104", date(2021, 8, 3), "民生", "供暖供气", date(2021, 9, 20), "盟市级", False),
    ("2021-105", date(2021, 8, 15), "民生", None, None, None, False),
    ("2021-106", date(2021, 9, 1), "经济发展", "营商环境", date(2021, 9, 21), "自治区级", False),
    ("2021-107", date(2021, 9, 10), "未分类", None, None, None, False),
    ("2021-020", date(2021, 2, 10), "生态环境", "草原保护", date(2021, 5, 1), "自治区级", False),
]


# The report marts for 2021-Q3 and 2021, counted by hand from the rows above; 2021 adds
# S11 (九三学社) and its issue 2021-020 (自治区级 批示 after 80 days) and S13 (not published).
# (label, 民生 sub-theme) → (published, instructed, 批示); other known sub-themes are 0
MINSHENG_SUBTHEMES = {
    "教育": (2, 1, 1),  # 2021-101 (批示), 2021-102
    "医疗卫生": (1, 1, 1),  # 2021-103
    "供暖供气": (1, 1, 1),  # 2021-104
    "未细分": (1, 0, 0),  # 2021-105 has no sub-theme
}
# sector → (received, published), in the report's order
SECTORS = {
    "2021-Q3": [
        ("盟市政协", 2, 2),  # S03, S05
        ("工商联", 2, 1),  # S08, S09 (not published)
        (HOSTILE_SECTOR, 1, 1),
        ("中国民主同盟", 1, 1),
        ("九三学社", 1, 1),  # S07
        ("未注明界别", 1, 0),  # S10
    ],
    "2021": [
        ("九三学社", 4, 4),  # S01, S02, S07, S11
        ("盟市政协", 2, 2),
        ("工商联", 2, 1),
        (HOSTILE_SECTOR, 1, 1),
        ("中国民主同盟", 1, 1),
        (MARKUP_SECTOR, 1, 0),  # S13
        ("未注明界别", 1, 0),
    ],
}
# unit → (issues, instructed, adopted nationally), by rank. 九三学社: 2021-101 (S01, 批示,
# 采用), 2021-102 (S02), 2021-106 (S01 again, 批示), 2021-107 (S07 and S02: once)
UNITS_Q3 = [
    ("九三学社", 4, 2, 1),
    (HOSTILE_SECTOR, 1, 1, 0),  # S06: 2021-106
    ("中国民主同盟", 1, 1, 0),  # S04: 2021-103
    ("盟市政协", 1, 1, 0),  # S05 of an unknown region: 2021-104
    ("赤峰市政协", 1, 1, 0),  # S03: 2021-103
    ("工商联", 1, 0, 0),  # S08: 2021-105
]
UNITS = {"2021-Q3": UNITS_Q3, "2021": [("九三学社", 5, 3, 1), *UNITS_Q3[1:]]}
# days to the first 批示: 2021-101 5, 2021-103 12, 2021-106 20, 2021-104 48 (+ 2021-020 80)
# → (issues, per bucket ×5, within 30 days, mean, median)
TIMING = {
    "2021-Q3": (4, 1, 1, 1, 1, 0, 3, 21.25, 16.0),
    "2021": (5, 1, 1, 1, 1, 1, 3, 33.0, 20.0),
}
LEVELS = {
    "2021-Q3": [("国家级", 1), ("自治区级", 2), ("盟市级", 1)],
    "2021": [("国家级", 1), ("自治区级", 3), ("盟市级", 1)],
}
# unknown region (S05, S10), 未分类 (S07, S10), no sector (S10), duplicate (S09); 2021-107
QUALITY = {"2021-Q3": (2, 2, 1, 1, 1), "2021": (2, 2, 1, 1, 1)}


def _period_bounds(label: str) -> tuple[str, date, date]:
    year = int(label[:4])
    if len(label) == 4:
        return "year", date(year, 1, 1), date(year, 12, 31)
    if label[5] == "Q":
        q = int(label[6])
        first = 3 * q - 2
        end = date(year + 1, 1, 1) if q == 4 else date(year, first + 3, 1)
        return "quarter", date(year, first, 1), date.fromordinal(end.toordinal() - 1)
    month = int(label[5:])
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return "month", date(year, month, 1), date.fromordinal(end.toordinal() - 1)


def _labels(year: int) -> list[str]:
    return (
        [str(year)]
        + [f"{year}-Q{q}" for q in range(1, 5)]
        + [f"{year}-{m:02d}" for m in range(1, 13)]
    )


def _measure_row(values: tuple[int, int, int, int, int]) -> tuple:
    received, published, instructed, instructions, adopted = values
    rate = instructed / published if published else None
    return (received, published, instructed, rate, instructions, adopted)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Bulk insert through Arrow (row-by-row executemany is slow in DuckDB)."""
    columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    batch = pa.Table.from_pylist([dict(zip(columns, row, strict=True)) for row in rows])
    con.register("fixture_rows", batch)
    con.execute(f"INSERT INTO {table} SELECT * FROM fixture_rows")
    con.unregister("fixture_rows")


def _report_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the mart_report_* tables from the hand-counted literals above."""
    minsheng = [l2 for l2, l1 in theme_l2_to_l1().items() if l1 == "民生"]
    subthemes = []
    for label in ("2021-Q3", "2021"):
        kind = _period_bounds(label)[0]
        for name in dict.fromkeys([*minsheng, *MINSHENG_SUBTHEMES]):
            published, instructed, total = MINSHENG_SUBTHEMES.get(name, (0, 0, 0))
            rate = instructed / published if published else None
            subthemes.append((kind, label, name, published, instructed, rate, total))
    _insert(con, "mart_report_minsheng_subthemes", subthemes)
    _insert(
        con,
        "mart_report_sectors",
        [
            (_period_bounds(label)[0], label, sector, n, p, p / n)
            for label, rows in SECTORS.items()
            for sector, n, p in rows
        ],
    )
    _insert(
        con,
        "mart_report_submitting_units",
        [
            (_period_bounds(label)[0], label, *unit, rank)
            for label, rows in UNITS.items()
            for rank, unit in enumerate(rows, start=1)
        ],
    )
    for table, literals in (
        ("mart_report_instruction_timing", TIMING),
        ("mart_report_data_quality", QUALITY),
    ):
        _insert(con, table, [(_period_bounds(k)[0], k, *v) for k, v in literals.items()])
    _insert(
        con,
        "mart_report_instruction_levels",
        [
            (_period_bounds(label)[0], label, level, n)
            for label, rows in LEVELS.items()
            for level, n in rows
        ],
    )


def build_marts(
    path: Path, *, region_names: dict[str, str] | None = None, with_quarantine: bool = True
) -> Path:
    """Write the fixture marts to ``path``.

    ``region_names`` renames regions (hostile-label tests); ``with_quarantine``
    adds the optional dq_quarantine_by_reason table (3 + 2 = 5 rows held back).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = {r.name: r.code for r in regions()}
    rename = region_names or {}
    with duckdb.connect(str(path)) as con:
        con.execute(MARTS_DDL)
        period_rows, region_rows = [], []
        themes = [*theme_l1_names(), "全部"]
        for year in (2020, 2021):
            for label in _labels(year):
                kind, start, end = _period_bounds(label)
                for theme in themes:
                    values = MEASURES.get((label, theme), (0, 0, 0, 0, 0))
                    period_rows.append((kind, label, start, end, theme, *_measure_row(values)))
                for name in [*codes, "未知"]:
                    table = {"2021": REGIONS_2021, "2021-Q3": REGIONS_2021_Q3}.get(label, {})
                    values = table.get(name, (0, 0, 0, 0, 0))
                    region_rows.append(
                        (
                            kind,
                            label,
                            start,
                            end,
                            codes.get(name),
                            rename.get(name, name),
                            *_measure_row(values),
                        )
                    )
        _insert(con, "mart_period_summary", period_rows)
        _insert(
            con,
            "mart_region_summary",
            region_rows,
        )
        _insert(
            con,
            "dim_theme",
            [(l1, l2, l1 == "民生") for l2, l1 in theme_l2_to_l1().items()]
            + [("其他", None, False)],
        )
        _insert(con, "dim_region", list(codes.items())[::-1])
        _insert(
            con,
            "fct_submissions",
            [
                (
                    sid,
                    day,
                    codes.get(region),
                    region,
                    sector,
                    l1,
                    l2,
                    issue,
                    issue is not None,
                    dup,
                    SUBMITTER_HASH,
                )
                for sid, day, region, sector, l1, l2, issue, dup in SUBMISSIONS
            ],
        )
        bridge = [(s[6], s[0]) for s in SUBMISSIONS if s[6] is not None] + LATER_SOURCES
        _insert(
            con,
            "fct_issue_sources",
            [
                (issue_id, sid, [s for i, s in bridge if i == issue_id].index(sid) + 1)
                for issue_id, sid in bridge
            ],
        )
        issue_rows = []
        for issue_id, published, l1, l2, first, level, adopted in ISSUES:
            days = None if first is None else (first - published).days
            title = f"关于{PLANTED_NAME}（{PLANTED_PHONE}）反映问题的报告"
            sources = sum(1 for i, _ in bridge if i == issue_id)
            issue_rows.append(
                (
                    issue_id,
                    int(issue_id[:4]),
                    int(issue_id[5:]),
                    published,
                    title,
                    l1,
                    l2,
                    sources,
                    0 if first is None else 1,
                    first is not None,
                    first,
                    days,
                    level,
                    adopted,
                )
            )
        _insert(con, "fct_issues", issue_rows)
        _report_marts(con)
        _insert(
            con,
            "fct_feedback",
            [
                (f"F{i}", issue_id, "批示", level, f"{PLANTED_NAME}副主席 {PLANTED_PHONE}", first)
                for i, (issue_id, _, _, _, first, level, _) in enumerate(ISSUES)
                if first is not None
            ],
        )
        if with_quarantine:
            con.execute(
                "CREATE TABLE dq_quarantine_by_reason (table_kind VARCHAR, rule VARCHAR, "
                "reason VARCHAR, row_count BIGINT, file_names VARCHAR)"
            )
            _insert(
                con,
                "dq_quarantine_by_reason",
                [
                    ("submissions", "missing_id", "稿件编号为空", 3, f"{PLANTED_NAME}台账.xlsx"),
                    ("feedback", "invalid_date", "日期无法识别", 2, "批示台账.csv"),
                ],
            )
    return path
