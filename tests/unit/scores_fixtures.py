"""A small published marts file for the 通报 and 年度考核 reports, every number typed by hand.

Five units of two types, the quarter 2021-Q1 with its bases 2020-Q4 (环比) and
2020-Q1 (同比) and its quota progress, the year 2021 (grades), four issues
with six feedback rows and the points they earn, and three members. An issue
title and a 批示 post carry a planted name and phone: neither may reach a report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tests.unit.report_fixtures import PLANTED_NAME, PLANTED_PHONE

DDL = """
CREATE TABLE fct_issues (
    issue_id VARCHAR, issue_year INTEGER, issue_seq INTEGER, published_date DATE, title VARCHAR,
    theme_l1 VARCHAR, theme_l2 VARCHAR, submission_count BIGINT, instruction_count BIGINT,
    is_instructed BOOLEAN, first_instruction_date DATE, days_to_first_instruction INTEGER,
    highest_instruction_level VARCHAR, is_adopted_national BOOLEAN);
CREATE TABLE fct_feedback (
    feedback_id VARCHAR, issue_id VARCHAR, feedback_type VARCHAR, level VARCHAR, post VARCHAR,
    feedback_date DATE, channel VARCHAR, body VARCHAR, status VARCHAR);
CREATE TABLE mart_unit_scores (
    period_type VARCHAR, period_label VARCHAR, unit_name VARCHAR, unit_type VARCHAR,
    region_name VARCHAR, submissions_received BIGINT, submissions_published BIGINT,
    issues_single BIGINT, issues_combined BIGINT, adoptions_national BIGINT,
    adoptions_region BIGINT, instructions_national BIGINT, instructions_region BIGINT,
    instructions_league BIGINT, points BIGINT, rank_overall BIGINT, rank_in_type BIGINT,
    quota BIGINT, quota_met BOOLEAN, is_zero_report BOOLEAN, grade VARCHAR);
CREATE TABLE mart_lifecycle_funnel (
    period_type VARCHAR, period_label VARCHAR, theme_l1 VARCHAR, issues_published BIGINT,
    issues_sent_up BIGINT, issues_adopted_national BIGINT, issues_adopted_region BIGINT,
    issues_instructed BIGINT, issues_instructed_national BIGINT,
    issues_instructed_region BIGINT, issues_instructed_league BIGINT,
    issues_with_response BIGINT, issues_response_done BIGINT,
    median_days_to_first_instruction DOUBLE, median_days_to_response DOUBLE);
CREATE TABLE mart_member_scores (
    period_type VARCHAR, period_label VARCHAR, submitter_key VARCHAR, sector VARCHAR,
    unit_name VARCHAR, region_name VARCHAR, submissions_received BIGINT,
    submissions_published BIGINT, points BIGINT, rank BIGINT);
CREATE TABLE mart_report_unit_quota (
    period_type VARCHAR, period_label VARCHAR, unit_name VARCHAR, unit_type VARCHAR,
    quota INTEGER, submissions_received_to_date INTEGER, quota_share DOUBLE);
CREATE TABLE mart_report_issue_points (
    period_type VARCHAR, period_label VARCHAR, issue_id VARCHAR, theme_l1 VARCHAR,
    published_date DATE, points INTEGER, adoptions INTEGER, instructions INTEGER);
"""

CHIFENG, BAOTOU, WUHAI = "赤峰市政协", "包头市政协", "乌海市政协"
MINMENG, JIUSAN = "民盟内蒙古区委", "九三学社内蒙古区委"
UNIT_INFO = {
    CHIFENG: ("盟市政协", "赤峰市", 30),
    BAOTOU: ("盟市政协", "包头市", 30),
    WUHAI: ("盟市政协", "乌海市", 20),
    MINMENG: ("民主党派", "自治区本级", 20),
    JIUSAN: ("民主党派", "自治区本级", 20),
}
# unit → (received, published, adopted nat, adopted reg, instr nat, instr reg, instr league,
#         points, rank_overall, rank_in_type, quota_met, grade)
Q1_2021 = {
    CHIFENG: (6, 3, 1, 1, 0, 2, 0, 60, 1, 1, None, None),
    MINMENG: (5, 2, 0, 0, 1, 0, 0, 40, 2, 1, None, None),
    BAOTOU: (4, 1, 0, 1, 0, 0, 0, 25, 3, 2, None, None),
    JIUSAN: (2, 0, 0, 0, 0, 0, 0, 0, 4, 2, None, None),
    WUHAI: (0, 0, 0, 0, 0, 0, 0, 0, 5, 3, None, None),  # 零报送
}
YEAR_2021 = {
    CHIFENG: (25, 12, 2, 3, 0, 5, 0, 150, 1, 1, False, "优秀"),
    MINMENG: (22, 9, 0, 2, 1, 2, 0, 110, 2, 1, True, "优秀"),
    BAOTOU: (12, 4, 0, 2, 0, 1, 0, 70, 3, 2, False, "良好"),
    JIUSAN: (8, 2, 0, 0, 0, 1, 0, 25, 4, 2, False, "合格"),
    WUHAI: (0, 0, 0, 0, 0, 0, 0, 0, 5, 3, False, "不合格"),
}
BASE_POINTS = {  # 环比 base 2020-Q4 and 同比 base 2020-Q1; 九三学社 has no row in either
    "2020-Q4": {CHIFENG: 40, BAOTOU: 25, MINMENG: 50, WUHAI: 0},
    "2020-Q1": {CHIFENG: 30, MINMENG: 40, BAOTOU: 0, WUHAI: 0},
}
QUOTA_Q1 = {  # January–March received (Q1_2021's) against the annual quota of UNIT_INFO
    CHIFENG: (6, 6 / 30),
    BAOTOU: (4, 4 / 30),
    MINMENG: (5, 5 / 20),
    JIUSAN: (2, 2 / 20),
    WUHAI: (0, 0.0),
}
FUNNEL = {
    "2021-Q1": (10, 6, 1, 3, 4, 1, 3, 0, 3, 2, 21.0, 45.5),
    "2021": (40, 20, 2, 10, 12, 2, 9, 1, 11, 8, 25.0, 50.0),
}
PLANTED_TITLE = f"关于{PLANTED_NAME}（{PLANTED_PHONE}）反映问题的报告"
ISSUES = [  # issue_id, published, theme_l1, submission_count
    ("2021-003", date(2021, 1, 15), "民生", 1),
    ("2021-005", date(2021, 1, 10), "经济发展", 2),
    ("2021-007", date(2021, 2, 1), "民生", 1),
    ("2021-009", date(2021, 3, 20), "生态环境", 3),
]
FEEDBACK = [  # id, issue, type, level, post, date, channel, body, status
    ("F1", "2021-003", "采用", "国家级", "全国政协办公厅", date(2021, 2, 10), "单篇采用",
     "全国政协办公厅", None),
    ("F2", "2021-003", "批示", "自治区级", f"{PLANTED_NAME}副主席 {PLANTED_PHONE}",
     date(2021, 2, 15), None, None, None),
    ("F3", "2021-005", "采用", "自治区级", "自治区党委办公厅", date(2021, 3, 1), "综合采用",
     "自治区党委办公厅", None),
    ("F4", "2021-005", "报送", "自治区级", None, date(2021, 1, 20), None, "自治区党委办公厅",
     None),
    ("F5", "2021-007", "办理反馈", None, None, date(2021, 3, 20), None, "自治区教育厅",
     "已办结"),
    ("F6", "2021-009", "批示", "盟市级", "赤峰市市长", date(2021, 4, 2), None, None, None),
]  # fmt: skip
# issue → (points, adoptions, instructions) for 2021 (the 年度考核); the rules behind them
# are dbt's to apply (unit test report_issue_points_score_each_event_by_the_rule_of_its_date)
ISSUE_POINTS = {
    "2021-003": (45, 1, 1),
    "2021-005": (13, 1, 0),
    "2021-007": (5, 0, 0),
    "2021-009": (10, 0, 1),
}
MEMBERS = [  # key, sector, unit, region, received, published, points, rank
    ("b1" * 32, "九三学社", JIUSAN, "自治区本级", 6, 2, 60, 1),
    ("c2" * 32, "盟市政协", CHIFENG, "赤峰市", 4, 2, 45, 2),
    ("d3" * 32, "中国民主同盟", MINMENG, "自治区本级", 1, 0, 0, 3),
]


def _unit_row(kind: str, label: str, unit: str, values: tuple, zero: bool = False) -> tuple:
    unit_type, region, quota = UNIT_INFO[unit]
    *counts, points, rank, rank_in_type, met, grade = values
    received, published, *events = counts
    return (
        kind, label, unit, unit_type, region, received, published, 0, 0, *events,
        points, rank, rank_in_type, quota, met, zero, grade,
    )  # fmt: skip


def _zero_row(kind: str, label: str, unit: str, points: int) -> tuple:
    return _unit_row(kind, label, unit, (0, 0, 0, 0, 0, 0, 0, points, None, None, None, None))


def build_score_marts(path: Path, members: list[tuple] | None = None) -> Path:
    """Write the fixture marts; ``members`` replaces the member rows (name-reveal tests)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    units = []
    for unit, values in Q1_2021.items():
        units.append(_unit_row("quarter", "2021-Q1", unit, values, zero=unit == WUHAI))
    for unit, values in YEAR_2021.items():
        units.append(_unit_row("year", "2021", unit, values, zero=unit == WUHAI))
    for label, points in BASE_POINTS.items():
        units += [_zero_row("quarter", label, unit, p) for unit, p in points.items()]
    with duckdb.connect(str(path)) as con:
        con.execute(DDL)
        con.executemany(f"INSERT INTO mart_unit_scores VALUES ({', '.join('?' * 21)})", units)
        con.executemany(
            f"INSERT INTO mart_lifecycle_funnel VALUES ({', '.join('?' * 15)})",
            [
                ("year" if len(label) == 4 else "quarter", label, "全部", *v)
                for label, v in FUNNEL.items()
            ],
        )
        con.executemany(
            f"INSERT INTO fct_issues VALUES ({', '.join('?' * 14)})",
            [
                (
                    i,
                    2021,
                    int(i[5:]),
                    d,
                    PLANTED_TITLE,
                    t,
                    None,
                    n,
                    0,
                    False,
                    None,
                    None,
                    None,
                    False,
                )
                for i, d, t, n in ISSUES
            ],
        )
        con.executemany(f"INSERT INTO fct_feedback VALUES ({', '.join('?' * 9)})", FEEDBACK)
        con.executemany(
            f"INSERT INTO mart_report_unit_quota VALUES ({', '.join('?' * 7)})",
            [
                ("quarter", "2021-Q1", unit, UNIT_INFO[unit][0], UNIT_INFO[unit][2], *progress)
                for unit, progress in QUOTA_Q1.items()
            ],
        )
        con.executemany(
            f"INSERT INTO mart_report_issue_points VALUES ({', '.join('?' * 8)})",
            [("year", "2021", i, theme, day, *ISSUE_POINTS[i]) for i, day, theme, _ in ISSUES],
        )
        con.executemany(
            f"INSERT INTO mart_member_scores VALUES ({', '.join('?' * 10)})",
            [("year", "2021", *m) for m in (members if members is not None else MEMBERS)],
        )
    return path
