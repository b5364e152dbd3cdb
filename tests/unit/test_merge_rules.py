"""The merge rules of CONTRACT.md §1 on hand-made deliveries, through a real dbt build.

Raw rows are written straight into a fresh warehouse, one scenario per rule,
each in its own year and with its own id prefix so they share one build.
Every expected figure below is counted by hand from these rows.

- 2011 (R1) withdrawal: R1-来稿-二月 retracted; R1-来稿-三月 retracted then
  redelivered; R1-05 in 补报 (seq 7) and 汇总 (seq 8), 补报 retracted and
  redelivered at seq 10, so its 赤峰 is the newer. 2011年编发台账 replaced by its
  (更正): the phantom 2011-002 and the uncorrected 批示 date go.
- 2012 (R2) sheet position: R2-01 in Sheet9 (教育) and Sheet10 (供暖) of one book.
- 2013 (R3) id spellings: nm2013-0001 / NM2013-0001, NM2013 0002 / NM2013_0002,
  listed on 2013-001 as "nm2013 0001", "NM2013-0002" (+ unloaded NM2013-0003).
- 2014 (R4) one issue over three rows of one sheet, then a title-only export.
- 2015 (R5) issue themes voted by level 1 (未分类 and blank never vote).
- 2016/2017 (R6a) 第5期 批示 365 and 369 days after 2016-005.
- 2018 (R6b) one 批示 written in the ledger and the export in two ways.
- 2019 (R6c) pairs neither clearly equal nor clearly different.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.transform.build import run_transform
from sqmy_etl.warehouse.db import connect_writer
from tests.unit.homes import scratch_home
from tests.unit.test_transform_scenarios import Delivery, rows, warehouse_rows

SHEETS_1_TO_10 = tuple(f"Sheet{n}" for n in range(1, 11))


# fmt: off
def load_withdrawals(con: Any) -> None:
    """R1: retraction, redelivery and a replacing ledger (2011)."""
    january = Delivery(con, 1, "R1-来稿-一月.xlsx")
    january.submissions("来稿", "region", [
        (2, "R1-01", "2011-03-01", "赤峰"), (3, "R1-02", "2011-03-02", "包头"),
    ])
    february = Delivery(con, 2, "R1-来稿-二月.xlsx")
    february.submissions("来稿", "region", [(2, "R1-03", "2011-03-03", "乌海")])
    february.change("retracted", 3)
    march = Delivery(con, 4, "R1-来稿-三月.xlsx")
    march.submissions("来稿", "region", [(2, "R1-04", "2011-03-04", "赤峰")])
    march.change("retracted", 5)
    march.change("redelivered", 6)
    late = Delivery(con, 7, "R1-来稿-补报.xlsx")
    late.submissions("来稿", "region", [(2, "R1-05", "2011-03-05", "赤峰")])
    summary = Delivery(con, 8, "R1-来稿-汇总.xlsx")
    summary.submissions("来稿", "region", [(2, "R1-05", "2011-03-05", "包头")])
    late.change("retracted", 9)
    late.change("redelivered", 10)

    ledger = Delivery(con, 11, "2011年编发台账.xlsx")
    ledger.issues("编发", [
        (2, "2011-001", "2011-04-01", "标题一", "民生", None),
        (3, "2011-002", "2011-04-02", "标题二", "教育", None),
    ])
    ledger.feedback("批示", [
        (2, 2011, 1, "批示", "自治区级", "自治区政府副主席", "2011-05-01"),
        (3, 2011, 2, "批示", "盟市级", "市长", "2011-05-02"),
    ])
    corrected = Delivery(con, 12, "2011年编发台账(更正).xlsx")
    corrected.issues("编发", [
        (2, "2011-001", "2011-04-01", "标题一", "民生", None),
        (3, "2011-003", "2011-04-02", "标题二", "教育", None),
    ])
    corrected.feedback("批示", [
        (2, 2011, 1, "批示", "自治区级", "自治区政府副主席", "2011-05-03"),
        (3, 2011, 3, "批示", "盟市级", "市长", "2011-05-02"),
    ])
    ledger.change("replaced", 13, by=corrected)


def load_order_and_ids(con: Any) -> None:
    """R2 sheet position (2012), R3 id spellings (2013), R4 one issue over rows (2014)."""
    book = Delivery(con, 14, "2012年来稿台账.xlsx", sheets=SHEETS_1_TO_10)
    book.submissions("Sheet9", "region theme", [(2, "R2-01", "2012-02-01", "赤峰", "教育")])
    book.submissions("Sheet10", "region theme", [(2, "R2-01", "2012-02-01", "赤峰", "供暖")])

    ledger = Delivery(con, 15, "2013年来稿台账.xlsx", sheets=("来稿", "编发"))
    ledger.submissions("来稿", "region theme", [
        (2, "nm2013-0001", "2013-03-01", "赤峰", "教育"),
        (3, "NM2013 0002", "2013-03-02", "呼市", "供暖"),
    ])
    ledger.issues("编发", [
        (2, "2013-001", "2013-04-01", "标题", "民生",
         ["nm2013 0001", "NM2013-0002", "NM2013-0003"]),
    ])
    export = Delivery(con, 16, "2013年导出.json")
    export.submissions("", "region issue_id", [
        (1, "NM2013-0001", "2013-03-01", "包头", "2013-001"),
        (2, "NM2013_0002", "2013-03-02", None, None),
    ])

    merged = Delivery(con, 17, "2014年编发台账.xlsx", sheets=("来稿", "编发"))
    merged.submissions("来稿", "region theme", [
        (2, "R4-01", "2014-02-01", "赤峰", "教育"),
        (3, "R4-02", "2014-02-02", "包头", "医疗"),
        (4, "R4-03", "2014-02-03", "乌海", "生态"),
    ])
    merged.issues("编发", [
        (2, "2014-001", "2014-03-01", "标题甲", None, ["R4-01"]),
        (3, "2014-001", "2014-03-01", None, "民生", ["R4-02"]),
        (4, "2014-001", "2014-03-01", "标题乙", None, ["R4-03", "r4-01"]),
    ])
    Delivery(con, 18, "2014年导出.json").issues("", [
        (1, "2014-001", "2014-03-01", "导出标题", None, None),
    ])


def load_themes_and_feedback(con: Any) -> None:
    """R5 themes (2015), R6a the 365-day bound (2016/17), R6b/c feedback (2018/19)."""
    themes = Delivery(con, 19, "2015年台账.xlsx", sheets=("来稿", "编发"))
    themes.submissions("来稿", "region theme", [
        (2, "R5-01", "2015-02-01", "赤峰", "生态保护"),
        (3, "R5-02", "2015-02-02", "赤峰", "教育"),
        (4, "R5-03", "2015-02-03", "赤峰", "医疗"),
        (5, "R5-04", "2015-02-04", "赤峰", "宇宙探索"),
        (6, "R5-05", "2015-02-05", "赤峰", None),
        (7, "R5-06", "2015-02-06", "赤峰", "经济"),
        (8, "R5-07", "2015-02-07", "赤峰", "生态"),
        (9, "R5-08", "2015-02-08", "赤峰", "供暖"),
    ])
    themes.issues("编发", [
        (2, "2015-001", "2015-03-01", None, None, ["R5-01", "R5-02", "R5-03"]),
        (3, "2015-002", "2015-03-02", None, None, ["R5-04", "R5-05", "R5-06"]),
        (4, "2015-003", "2015-03-03", None, None, ["R5-07", "R5-08"]),
    ])

    Delivery(con, 20, "2016年台账.xlsx").issues("编发", [
        (2, "2016-005", "2016-03-01", None, "民生", None),
    ])
    Delivery(con, 21, "2017年批示.xlsx").feedback("批示", [
        (2, None, 5, "批示", "自治区级", "自治区政府主席", "2017-03-01"),
        (3, None, 5, "批示", "盟市级", "市长", "2017-03-05"),
    ])

    ledger_2018 = Delivery(con, 22, "2018年批示台账.xlsx", sheets=("编发", "批示"))
    ledger_2018.issues("编发", [
        (2, "2018-001", "2018-03-01", None, "民生", None),
        (3, "2018-002", "2018-03-02", None, "民生", None),
    ])
    ledger_2018.feedback("批示", [
        (2, 2018, 1, "批示", None, "副主席", "2018-03-20"),
        (3, 2018, 1, "批示", "自治区级", "自治区政府主席", "2018-03-20"),
        (4, 2018, 2, "批示", "自治区级", "副主席", "2018-03-21"),
    ])
    Delivery(con, 23, "2018年导出.json").feedback("", [
        (1, 2018, 1, "批示", "自治区级", "自治区政府副主席", "2018-03-20"),
        (2, 2018, 1, "批示", "自治区级", "自治区政协主席", "2018-03-20"),
        (3, 2018, 2, "批示", None, "内蒙古自治区人民政府副主席", "2018-03-21"),
    ])

    ledger_2019 = Delivery(con, 24, "2019年批示台账.xlsx", sheets=("编发", "批示"))
    ledger_2019.issues("编发", [
        (2, "2019-001", "2019-03-01", None, "民生", None),
        (3, "2019-002", "2019-03-02", None, "民生", None),
        (4, "2019-003", "2019-03-03", None, "民生", None),
        (5, "2019-004", "2019-03-04", None, "民生", None),
    ])
    ledger_2019.feedback("批示", [
        (2, 2019, 1, "批示", "自治区级", None, "2019-04-01"),
        (3, 2019, 2, "批示", "自治区级", "自治区政府常务副主席", "2019-04-02"),
        (4, 2019, 3, "批示", "自治区级", "副主席", "2019-04-03"),
        (5, 2019, 4, "批示", None, None, "2019-04-04"),
    ])
    Delivery(con, 25, "2019年导出.json").feedback("", [
        (1, 2019, 1, "批示", "自治区级", "自治区政府副主席", "2019-04-01"),
        (2, 2019, 2, "批示", "自治区级", "自治区政府副主席", "2019-04-02"),
        (3, 2019, 3, "批示", "国家级", "副主席", "2019-04-03"),
        (4, 2019, 4, "批示", "自治区级", "自治区政府主席", "2019-04-04"),
        (5, 2019, 4, "批示", "自治区级", "自治区政协主席", "2019-04-04"),
    ])
# fmt: on


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A home transformed once after every scenario's deliveries were loaded."""
    with scratch_home(tmp_path_factory, "merge_rules") as settings:
        with connect_writer(settings) as con:
            load_withdrawals(con)
            load_order_and_ids(con)
            load_themes_and_feedback(con)
        run_transform(settings)
        yield settings


def year_totals(settings: Settings, year: str) -> tuple:
    """The 全部 row of a year: received, published, instructed, 批示 total."""
    return rows(
        settings,
        f"""SELECT submissions_received, issues_published, issues_instructed, instructions_total
            FROM mart_period_summary WHERE period_label = '{year}' AND theme_l1 = '全部'""",
    )[0]


def instruction_counts(settings: Settings, year: int) -> list[tuple]:
    """(issue_id, instruction_count) of the issues of one year."""
    return rows(
        settings,
        f"SELECT issue_id, instruction_count FROM fct_issues WHERE issue_year = {year} ORDER BY 1",
    )


def test_withdrawn_deliveries_stop_counting_and_redelivered_ones_count_again(home):
    """R1-03 (retracted) is gone, R1-04 (redelivered) counts, and R1-05 takes 赤峰 from the
    file redelivered at seq 10 over the one delivered at seq 8."""
    got = rows(
        home,
        "SELECT submission_id, region_name FROM fct_submissions "
        "WHERE submission_id LIKE 'R1-%' ORDER BY 1",
    )
    assert got == [
        ("R1-01", "赤峰市"), ("R1-02", "包头市"), ("R1-04", "赤峰市"), ("R1-05", "赤峰市"),
    ]  # fmt: skip


def test_a_replacing_ledger_withdraws_phantom_issues_and_uncorrected_feedback(home):
    """The replaced ledger's 2011-002 and its 05-01 批示 stop counting; the 更正 ledger's
    2011-001 (批示 05-03) and 2011-003 (批示 05-02) count, and 2011 adds up to that."""
    got = rows(
        home,
        "SELECT issue_id, instruction_count, first_instruction_date FROM fct_issues "
        "WHERE issue_year = 2011 ORDER BY 1",
    )
    assert got == [("2011-001", 1, date(2011, 5, 3)), ("2011-003", 1, date(2011, 5, 2))]
    assert year_totals(home, "2011") == (4, 2, 2, 2)


def test_versions_follow_sheet_position_not_name(home):
    """Sheet10 is the 10th sheet, after Sheet9, so its 供暖 is R2-01's current theme."""
    got = rows(home, "SELECT theme_l1, theme_l2 FROM fct_submissions WHERE submission_id = 'R2-01'")
    assert got == [("民生", "供暖供气")]


def test_spellings_of_one_submission_id_count_once(home):
    """Four rows in two spellings each are two submissions, published as the export spelled
    them, both sources of 2013-001 (which lists three, one not loaded)."""
    got = rows(
        home,
        """SELECT submission_id, region_name, theme_l2, issue_id, is_published
           FROM fct_submissions WHERE received_date BETWEEN '2013-01-01' AND '2013-12-31'
           ORDER BY 1""",
    )
    assert got == [
        ("NM2013-0001", "包头市", "教育", "2013-001", True),
        ("NM2013_0002", "呼和浩特市", "供暖供气", "2013-001", True),
    ]
    assert rows(home, "SELECT submission_count FROM fct_issues WHERE issue_id = '2013-001'") == [
        (3,)
    ]
    regions = rows(
        home,
        """SELECT region_name, submissions_received, issues_published FROM mart_region_summary
           WHERE period_label = '2013' AND region_name IN ('包头市', '呼和浩特市', '赤峰市')
           ORDER BY 1""",
    )
    assert regions == [("包头市", 1, 1), ("呼和浩特市", 1, 1), ("赤峰市", 0, 0)]


def test_rows_of_one_issue_in_one_table_are_one_version(home):
    """2014-001 over three rows has three sources (r4-01 is R4-01 again) and its row-3 分类;
    the later export only renames it."""
    got = rows(
        home,
        "SELECT title, theme_l1, theme_l2, submission_count FROM fct_issues "
        "WHERE issue_id = '2014-001'",
    )
    assert got == [("导出标题", "民生", None, 3)]
    regions = rows(
        home,
        """SELECT region_name, issues_published FROM mart_region_summary
           WHERE period_label = '2014' AND region_name IN ('赤峰市', '包头市', '乌海市')
           ORDER BY 1""",
    )
    assert regions == [("乌海市", 1), ("包头市", 1), ("赤峰市", 1)]


def test_issue_theme_votes_by_level_one_without_unclassified_sources(home):
    """生态保护 + 教育 + 医疗 → 民生/教育; two 未分类 (unknown, blank) + 经济 → 经济发展;
    生态 + 供暖 tie → the first listed, 生态环境 with no level 2."""
    got = rows(
        home,
        "SELECT issue_id, theme_l1, theme_l2 FROM fct_issues WHERE issue_year = 2015 ORDER BY 1",
    )
    assert got == [
        ("2015-001", "民生", "教育"),
        ("2015-002", "经济发展", None),
        ("2015-003", "生态环境", None),
    ]
    by_theme = dict(
        rows(
            home,
            """SELECT theme_l1, issues_published FROM mart_period_summary
               WHERE period_label = '2015'
                 AND theme_l1 IN ('民生', '经济发展', '生态环境', '未分类')""",
        )
    )
    assert by_theme == {"民生": 1, "经济发展": 1, "生态环境": 1, "未分类": 0}


def test_year_less_number_reaches_back_at_most_365_days(home):
    """第5期 on 2017-03-01 (365 days after 2016-005) is its 批示; on 2017-03-05 (369 days) it
    is an orphan, listed with its file, sheet and row."""
    got = rows(
        home,
        "SELECT instruction_count, first_instruction_date, days_to_first_instruction "
        "FROM fct_issues WHERE issue_id = '2016-005'",
    )
    assert got == [(1, date(2017, 3, 1), 365)]
    orphans = warehouse_rows(
        home,
        "SELECT issue_no_raw, feedback_date, original_name, source_sheet, source_row "
        "FROM quality.dq_orphan_feedback",
    )
    assert orphans == [("第5期", date(2017, 3, 5), "2017年批示.xlsx", "批示", 3)]


def test_same_instruction_in_ledger_and_export_counts_once(home):
    """副主席 (level blank) is the export's 自治区政府副主席; 主席 and 政协主席 are other 批示;
    a level-only 副主席 and a body-only 内蒙古自治区人民政府副主席 are one."""
    got = rows(
        home,
        "SELECT issue_id, level, post, feedback_date FROM fct_feedback "
        "WHERE issue_id LIKE '2018-%' ORDER BY issue_id, post",
    )
    assert got == [
        ("2018-001", "自治区级", "自治区政协主席", date(2018, 3, 20)),
        ("2018-001", "自治区级", "自治区政府主席", date(2018, 3, 20)),
        ("2018-001", "自治区级", "自治区政府副主席", date(2018, 3, 20)),
        ("2018-002", "自治区级", "内蒙古自治区人民政府副主席", date(2018, 3, 21)),
    ]
    assert instruction_counts(home, 2018) == [("2018-001", 3), ("2018-002", 1)]


def test_ambiguous_feedback_pairs_are_listed_and_counted_as_decided(home):
    """A blank post joins its one candidate (once); 常务副主席/副主席, two levels of one post and
    a blank post facing two candidates count apart; all five pairs are listed, nothing else."""
    assert instruction_counts(home, 2019) == [
        ("2019-001", 1), ("2019-002", 2), ("2019-003", 2), ("2019-004", 3),
    ]  # fmt: skip
    pairs = warehouse_rows(
        home,
        """SELECT issue_id, feedback_date, post_a, level_a, files_a, post_b, level_b, files_b,
                  pair_kind, is_counted_once
           FROM quality.dq_ambiguous_feedback_pairs ORDER BY issue_id, post_b""",
    )
    ledger, export = "2019年批示台账.xlsx", "2019年导出.json"
    d = date
    assert pairs == [
        ("2019-001", d(2019, 4, 1), None, "自治区级", ledger,
         "自治区政府副主席", "自治区级", export, "post_blank", True),
        ("2019-002", d(2019, 4, 2), "自治区政府副主席", "自治区级", export,
         "自治区政府常务副主席", "自治区级", ledger, "post_suffix", False),
        ("2019-003", d(2019, 4, 3), "副主席", "国家级", export,
         "副主席", "自治区级", ledger, "level_differs", False),
        ("2019-004", d(2019, 4, 4), None, None, ledger,
         "自治区政协主席", "自治区级", export, "post_blank", False),
        ("2019-004", d(2019, 4, 4), None, None, ledger,
         "自治区政府主席", "自治区级", export, "post_blank", False),
    ]  # fmt: skip


def test_ids_delivered_by_several_files_name_the_winning_file(home):
    """Ids carried by two counting files name the file of the current version and the other;
    the replaced 2011 ledger and the one-book R2-01 are not listed."""
    got = warehouse_rows(
        home,
        """SELECT id_kind, id, file_count, winning_file, winning_delivery_seq, other_files
           FROM quality.dq_delivery_winners ORDER BY id_kind, id""",
    )
    assert got == [
        ("issue", "2014-001", 2, "2014年导出.json", 18, "2014年编发台账.xlsx"),
        ("submission", "NM2013-0001", 2, "2013年导出.json", 16, "2013年来稿台账.xlsx"),
        ("submission", "NM2013_0002", 2, "2013年导出.json", 16, "2013年来稿台账.xlsx"),
        ("submission", "R1-05", 2, "R1-来稿-补报.xlsx", 10, "R1-来稿-汇总.xlsx"),
    ]
