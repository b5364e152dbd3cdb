"""Table structure of hand-made sheets (CONTRACT.md §1 "Formats", "Primary kind"):
two-row headers, header specificity, the combined 编发及批示台账, rows of one issue,
skipped totals and footers, formula rows and merged cells, through ``table_chunks``."""

from __future__ import annotations

import pytest

from sqmy_etl.config import Limits
from sqmy_etl.ingest.model import SkippedRow, SourceTable
from sqmy_etl.ingest.readers.table import NotATable, table_chunks

LIMITS = Limits()
FORMULA = (
    "uncomputed_formula",
    "公式未计算，请在 Excel 中打开并保存 / formula without a saved value: "
    "open the file in Excel and save it",
)


def _tables(rows: list[list[object]], **options: object) -> list[SourceTable]:
    """Every table ``table_chunks`` yields for ``rows``, numbered from physical row 1."""
    numbered = list(enumerate(rows, start=1))
    return list(table_chunks(numbered, sheet="台账", limits=LIMITS, **options))  # type: ignore[arg-type]


def _one(rows: list[list[object]], **options: object) -> SourceTable:
    [table] = _tables(rows, **options)
    return table


# --- two-row headers ---------------------------------------------------------------


def test_group_cell_over_two_fields_names_both() -> None:
    """报送情况 over 报送人 | 盟市: the lower row names the fields; data starts below it."""
    table = _one(
        [
            ["稿件编号", "标题", "报送情况", "", "来稿日期"],
            ["", "", "报送人", "盟市", ""],
            ["NM-1", "关于供暖", "张三", "赤峰市", "2021-03-01"],
        ]
    )
    assert table.kind == "submissions"
    assert table.columns == ["submission_id", "title", "submitter", "region", "received_date"]
    assert table.extra_columns == []
    assert table.rows == [["NM-1", "关于供暖", "张三", "赤峰市", "2021-03-01"]]
    assert table.row_numbers == [3]


def test_upper_row_alone_is_no_header_then_both_rows_are() -> None:
    """编发情况 over 期号 | 编发日期 beside a 标题 spanning both rows, under a title row."""
    table = _one(
        [
            ["2021年编发台账", "", ""],
            ["编发情况", "", "标题"],
            ["期号", "编发日期", ""],
            ["2021年第3期", "2021-04-01", "供暖专报"],
        ]
    )
    assert table.kind == "issues"
    assert table.columns == ["issue_no", "published_date", "issue_title"]
    assert table.extra_columns == []
    assert table.row_numbers == [4]


def test_group_over_feedback_columns_of_an_issues_header() -> None:
    """期号 | 编发日期 | 批示情况 over 批示领导职务 | 批示日期: the lower row adds the 批示."""
    issues, feedback = _tables(
        [
            ["期号", "编发日期", "批示情况", ""],
            ["", "", "批示领导职务", "批示日期"],
            ["第7期", "2021-04-01", "副主席", "2021-04-09"],
        ]
    )
    assert (issues.kind, issues.columns, issues.extra_columns) == (
        "issues",
        ["issue_no", "published_date"],
        [],
    )
    assert issues.rows == [["第7期", "2021-04-01"]]
    assert feedback.columns == ["issue_no", "published_date", "post", "feedback_date"]
    assert feedback.rows == [["第7期", "2021-04-01", "副主席", "2021-04-09"]]
    assert feedback.row_numbers == [3]


def test_a_title_row_above_the_header_is_not_read_as_its_upper_row() -> None:
    """A merged title over an unnamed 序号 column does not name that column."""
    table = _one(
        [
            ["2021年社情民意信息来稿台账", "", ""],
            ["", "稿件编号", "收稿日期"],
            ["1", "NM-1", "2021-03-01"],
        ]
    )
    assert table.columns == ["submission_id", "received_date"]
    assert table.extra_columns == ["column_1"]
    assert table.rows == [["NM-1", "2021-03-01", "1"]]
    assert table.row_numbers == [3]


def test_a_first_data_row_without_id_is_data_not_a_second_header_row() -> None:
    """A row with text only under an extra column names no field: it is data (no id)."""
    table = _one([["稿件编号", "备注", "收稿日期"], ["", "急", ""], ["NM-2", "", "2021-03-02"]])
    assert table.columns == ["submission_id", "received_date"]
    assert table.extra_columns == ["备注"]
    assert table.rows == [["", "", "急"], ["NM-2", "2021-03-02", ""]]
    assert table.row_numbers == [2, 3]


def test_a_two_row_header_may_start_on_row_11() -> None:
    """Ten title rows, then a header over rows 11 and 12."""
    rows: list[list[object]] = [[f"说明{n}"] for n in range(1, 11)]
    rows += [["期号", "编发日期", "编发情况"], ["", "", "标题"], ["第1期", "2021-01-05", "题"]]
    table = _one(rows)
    assert table.columns == ["issue_no", "published_date", "issue_title"]
    assert table.row_numbers == [13]


def test_no_header_in_the_first_eleven_rows() -> None:
    """A header on row 12 is too low: the sheet is no table."""
    rows: list[list[object]] = [[f"说明{n}"] for n in range(1, 12)]
    rows += [["稿件编号", "收稿日期"], ["NM-1", "2021-03-01"]]
    with pytest.raises(NotATable):
        _tables(rows)


# --- specificity and primary kind ----------------------------------------------------


def test_running_number_before_the_id_is_an_extra_column() -> None:
    """编号 before 稿件编号: 稿件编号 is the id; 日期 beside 来稿日期 stays an extra."""
    table = _one(
        [
            ["编号", "稿件编号", "日期", "来稿日期", "报送单位", "撰稿人"],
            ["1", "NM2021-0007", "x", "2021-03-01", "赤峰市政协", "李四"],
        ]
    )
    assert table.columns == ["submission_id", "received_date", "unit", "submitter"]
    assert table.extra_columns == ["编号", "日期"]
    assert table.rows == [["NM2021-0007", "2021-03-01", "赤峰市政协", "李四", "1", "x"]]


def test_an_issues_ledger_listing_submissions_is_an_issues_table() -> None:
    """期号 + 编发日期 win: 稿件编号 is the source list, 来稿日期 an extra column."""
    table = _one(
        [
            ["稿件编号", "来稿日期", "期号", "编发日期"],
            ["NM-1", "2021-03-01", "第4期", "2021-04-01"],
        ]
    )
    assert table.kind == "issues"
    assert table.columns == ["source_submissions", "issue_no", "published_date"]
    assert table.extra_columns == ["来稿日期"]
    assert table.rows == [["NM-1", "第4期", "2021-04-01", "2021-03-01"]]


# --- the combined 编发及批示台账 ------------------------------------------------------

COMBINED = [
    ["2021年编发及批示台账"],
    ["期号", "编发日期", "标题", "日期", "批示领导职务", "批示级别", "批示日期", "内容"],
    ["2021年第1期", "2021-04-01", "供暖", "04-01", "副主席", "自治区级", "2021-04-20", "摘"],
    ["2021年第2期", "2021-04-08", "教育", "", "", "", "", ""],
    ["2021年第1期", "", "", "", "盟长", "盟市级", "2021-05-02", ""],
    ["2021年第3期", "2021-04-15", "就业", "", "主席", "", " ", ""],
]


def test_combined_ledger_yields_issues_then_feedback() -> None:
    """Issue fields and extras in one table; rows recording a 批示 in a second, same rows."""
    issues, feedback = _tables(COMBINED)
    assert issues.kind == "issues"
    assert issues.columns == ["issue_no", "published_date", "issue_title"]
    assert issues.extra_columns == ["日期", "内容"]  # generic headers are no 批示 columns
    assert issues.rows == [
        ["2021年第1期", "2021-04-01", "供暖", "04-01", "摘"],
        ["2021年第2期", "2021-04-08", "教育", "", ""],
        ["2021年第1期", "2021-04-01", "供暖", "", ""],
        ["2021年第3期", "2021-04-15", "就业", "", ""],
    ]
    assert issues.row_numbers == [3, 4, 5, 6]
    assert feedback.kind == "feedback"
    assert feedback.sheet == "台账"
    assert feedback.columns == ["issue_no", "published_date", "post", "level", "feedback_date"]
    assert feedback.extra_columns == []
    assert feedback.rows == [
        ["2021年第1期", "2021-04-01", "副主席", "自治区级", "2021-04-20"],
        ["2021年第1期", "2021-04-01", "盟长", "盟市级", "2021-05-02"],
        # a post without a date: a 批示 the clerk forgot to date, quarantined downstream
        ["2021年第3期", "2021-04-15", "主席", "", " "],
    ]
    assert feedback.row_numbers == [3, 5, 6]
    assert feedback.skipped == []


def test_combined_ledger_is_read_whole_and_carries_the_sheet_position() -> None:
    """Issues tables ignore chunk_rows (rows of one 期号 fill each other); both tables
    carry the sheet's position."""
    tables = _tables(COMBINED, chunk_rows=1, sheet_index=2)
    assert [(t.kind, t.row_numbers) for t in tables] == [
        ("issues", [3, 4, 5, 6]),
        ("feedback", [3, 5, 6]),
    ]
    assert [t.sheet_index for t in tables] == [2, 2]


def test_an_issues_table_without_feedback_date_keeps_feedback_words_as_extras() -> None:
    """No 批示日期: nothing can be a 批示, so 批示领导职务 stays an extra column."""
    table = _one([["期号", "编发日期", "批示领导职务"], ["第1期", "2021-04-01", "副主席"]])
    assert table.extra_columns == ["批示领导职务"]


# --- rows of one issue --------------------------------------------------------------


def test_rows_sharing_an_issue_number_fill_blank_scalars() -> None:
    """Continuation rows take the date, title and theme of their 期号's first filled row."""
    table = _one(
        [
            ["期号", "编发日期", "标题", "分类", "采用稿件编号"],
            ["第 9 期", "", "", "", "NM-1"],
            ["第9期", "2021-06-01", "供暖", "", "NM-2"],
            ["第9期", "2021-06-03", "", "民生", "NM-3"],
            ["第10期", "", "", "", "NM-4"],
            ["", "", "", "", "NM-5"],
        ]
    )
    assert table.rows == [
        ["第 9 期", "2021-06-01", "供暖", "民生", "NM-1"],
        ["第9期", "2021-06-01", "供暖", "民生", "NM-2"],
        ["第9期", "2021-06-03", "供暖", "民生", "NM-3"],
        ["第10期", "", "", "", "NM-4"],
        ["", "", "", "", "NM-5"],
    ]


def test_merged_issue_number_over_rows_with_their_own_sources() -> None:
    """期号 and 编发日期 merged over three rows, one 稿件编号 each: every row has the issue."""
    table = _one(
        [
            ["期号", "编发日期", "稿件编号"],
            ["2021年第5期", "2021-05-06", "NM-1"],
            [None, None, "NM-2"],
            [None, None, "NM-3"],
            ["2021年第6期", "2021-05-13", "NM-4"],
        ],
        merges=[((1, 0), (3, 0)), ((1, 1), (3, 1))],
    )
    assert table.rows == [
        ["2021年第5期", "2021-05-06", "NM-1"],
        ["2021年第5期", "2021-05-06", "NM-2"],
        ["2021年第5期", "2021-05-06", "NM-3"],
        ["2021年第6期", "2021-05-13", "NM-4"],
    ]
    assert table.row_numbers == [2, 3, 4, 5]


def test_a_merge_starting_in_the_lower_header_row_fills_no_data() -> None:
    """A block whose top-left is in row 2 (the lower header row) leaves rows 3-4 alone."""
    table = _one(
        [
            ["稿件编号", "收稿日期", "报送情况"],
            [None, None, "盟市"],
            ["NM-1", "2021-03-01", None],
            ["NM-2", "2021-03-02", "包头"],
        ],
        merges=[((0, 0), (1, 0)), ((1, 2), (2, 2))],
    )
    assert table.columns == ["submission_id", "received_date", "region"]
    assert table.row_numbers == [3, 4]
    assert table.rows == [["NM-1", "2021-03-01", None], ["NM-2", "2021-03-02", "包头"]]


# --- skipped rows ---------------------------------------------------------------------


def test_totals_anywhere_and_footers_are_skipped_and_listed() -> None:
    """A 小计 between quarters, a 合计 and footer lines: skipped with masked text;
    blank rows are dropped without a trace; the table goes on after a 小计."""
    table = _one(
        [
            ["序号", "稿件编号", "标题", "收稿日期"],
            ["1", "NM-1", "供暖", "2021-03-01"],
            ["一季度小计", "1篇", "", ""],
            ["", "", "", ""],
            ["2", "NM-2", "教育", "2021-04-01"],
            ["", "合 计", "2", ""],
            ["填表人：王芳 联系电话：13912342222", "", "", ""],
            ["审核人:", "李建国", "", ""],
            ["2021年12月31日", "", "", ""],
        ]
    )
    assert table.rows == [["NM-1", "供暖", "2021-03-01", "1"], ["NM-2", "教育", "2021-04-01", "2"]]
    assert table.row_numbers == [2, 5]
    assert table.skipped == [
        SkippedRow(3, "total", "一季度小计 | 1篇"),
        SkippedRow(6, "total", "合 计 | 2"),
        SkippedRow(7, "footer", "填表人:王* 联系电话:139****2222"),
        SkippedRow(8, "footer", "审核人: | 李**"),
        SkippedRow(9, "footer", "2021年12月31日"),
    ]


def test_a_row_with_a_real_id_is_data_whatever_its_title() -> None:
    """Titles starting with 总计 / 合计 / 说明 do not hide a submission with an id."""
    table = _one(
        [
            ["标题", "稿件编号", "收稿日期"],
            ["总计划生育服务的建议", "NM2021-0101", "2021-03-01"],
            ["合计发放补贴", "NM2021-0102", "2021-03-02"],
            ["合计", "15篇", ""],
            ["说明：二季度", "", ""],
            ["说明书难懂", "NM2021-0103", "2021-03-03"],
        ]
    )
    assert table.row_numbers == [2, 3, 6]
    assert table.columns == ["title", "submission_id", "received_date"]
    assert [row[1] for row in table.rows] == ["NM2021-0101", "NM2021-0102", "NM2021-0103"]
    assert table.skipped == [
        SkippedRow(4, "total", "合计 | 15篇"),
        SkippedRow(5, "footer", "说明:二季度"),
    ]


def test_an_issue_number_protects_its_row_a_count_does_not() -> None:
    """In an issues table the id is the 期号: 第5期 is one, 15期 in a total row is a count."""
    table = _one(
        [
            ["标题", "期号", "编发日期"],
            ["合计发放补贴", "2021年第5期", "2021-04-01"],
            ["合计", "15期", ""],
        ]
    )
    assert table.row_numbers == [2]
    assert table.skipped == [SkippedRow(3, "total", "合计 | 15期")]


def test_an_id_card_in_a_footer_is_masked() -> None:
    """Any number redact_text knows is masked in the listed text."""
    table = _one([["稿件编号", "收稿日期"], ["备注：联系人张三 110101199003071234", ""]])
    assert table.rows == []
    assert table.skipped == [SkippedRow(2, "footer", "备注:联系人张* 110101********1234")]


CSV_ROWS = [
    ["稿件编号", "收稿日期"],  # 1
    ["NM-1", "2021-03-01"],  # 2
    ["合计", "1"],  # 3
    ["", ""],  # 4
    ["NM-2", "2021-03-02"],  # 5
    ["NM-3", "2021-03-03"],  # 6
    ["小计", "2"],  # 7
    ["制表：信息处", ""],  # 8
    ["总计", "3"],  # 9
]


@pytest.mark.parametrize(
    ("chunk_rows", "numbers", "skipped"),
    [
        (None, [[2, 5, 6]], [[3, 7, 8, 9]]),
        (1, [[2], [5], [6], []], [[], [3], [], [7, 8, 9]]),
        (2, [[2, 5], [6]], [[3], [7, 8, 9]]),
        (3, [[2, 5, 6], []], [[3], [7, 8, 9]]),
    ],
)
def test_chunks_list_each_skipped_row_once(
    chunk_rows: int | None, numbers: list[list[int]], skipped: list[list[int]]
) -> None:
    """Read in chunks, each skipped row is in the chunk where it was read, once; rows
    passed over after the last data row come in a last chunk of their own."""
    tables = _tables(CSV_ROWS, chunk_rows=chunk_rows, text_rows=True)
    assert [t.row_numbers for t in tables] == numbers
    assert [[s.row for s in t.skipped] for t in tables] == skipped
    # a name after 制表: is masked, even when it is the office's (masking errs on the safe side)
    assert tables[-1].skipped[-3:] == [
        SkippedRow(7, "total", "小计 | 2"),
        SkippedRow(8, "footer", "制表:信**"),
        SkippedRow(9, "total", "总计 | 3"),
    ]


# --- formula rows ---------------------------------------------------------------------


def test_formula_rows_are_held_with_the_reason() -> None:
    """A data row with an uncomputed formula is held by its index in the chunk; a formula
    row with no saved value at all is kept (its values are unknown, not blank); a 合计
    row of formulas is skipped as a total."""
    rows: list[list[object]] = [
        ["稿件编号", "收稿日期", "字数"],
        ["NM-1", "2021-03-01", 100],
        ["NM-2", "2021-03-02", None],
        [None, None, None],
        ["合计", None, None],
    ]
    [first, second] = _tables(rows, chunk_rows=2, formula_rows={3, 4, 5})
    assert (first.row_numbers, first.held) == ([2, 3], {1: FORMULA})
    assert (second.row_numbers, second.rows) == ([4], [[None, None, None]])
    assert second.held == {0: FORMULA}
    assert second.skipped == [SkippedRow(5, "total", "合计")]


def test_formula_rows_of_a_combined_ledger_are_held_in_both_tables() -> None:
    """The 批示 of a row whose formula was never computed is held as well."""
    issues, feedback = _tables(COMBINED, formula_rows={5})
    assert issues.held == {2: FORMULA}
    assert feedback.held == {1: FORMULA}


def test_a_combined_row_with_a_post_but_no_date_is_a_feedback_row() -> None:
    """A 批示 whose date the clerk forgot becomes a feedback row (then quarantined for the
    missing date), never dropped; 无 and — in the post column mean no 批示."""
    _, feedback = _tables(
        [
            ["期号", "编发日期", "标题", "批示领导职务", "批示级别", "批示日期"],
            ["2021年第1期", "2021-04-01", "供暖", "副主席", "", ""],
            ["2021年第2期", "2021-04-08", "教育", "无", "", ""],
            ["2021年第3期", "2021-04-15", "就业", "—", "", ""],
            ["2021年第4期", "2021-04-22", "医疗", "", "自治区级", ""],
            ["2021年第5期", "2021-04-29", "养老", "", "", ""],
        ]
    )
    assert feedback.row_numbers == [2, 5]
    assert [row[2:] for row in feedback.rows] == [["副主席", "", ""], ["", "自治区级", ""]]


# --- several tables on one sheet, registers with issue columns -----------------------


def test_a_second_header_starts_a_table_of_its_own_kind() -> None:
    """An 编发 table under the 来稿 (a blank row and a title between): two tables, nothing
    of the lower one read as 来稿 rows, the title row not a record."""
    tables = _tables(
        [
            ["稿件编号", "标题", "来稿日期"],
            ["A-1", "甲", "2021-01-05"],
            [None, None, None],
            ["编发情况", None, None],
            ["期号", "编发日期", "标题"],
            ["2021年第7期", "2021-02-01", "甲"],
        ]
    )
    assert [(t.kind, t.row_numbers) for t in tables] == [("submissions", [2]), ("issues", [6])]
    assert tables[1].rows == [["2021年第7期", "2021-02-01", "甲"]]


def test_a_repeated_header_under_a_subtotal_continues_the_same_kind() -> None:
    """Quarter blocks: 小计 skipped, 二季度 is the next block's title, both rows kept."""
    tables = _tables(
        [
            ["稿件编号", "来稿日期"],
            ["A-1", "2021-03-01"],
            ["小计", "1篇"],
            ["二季度", None],
            ["稿件编号", "来稿日期"],
            ["A-2", "2021-04-01"],
        ]
    )
    assert [(t.kind, t.row_numbers) for t in tables] == [
        ("submissions", [2]),
        ("submissions", [6]),
    ]
    assert [s.why for s in tables[0].skipped] == ["total"]


def test_a_data_row_with_an_id_never_starts_a_table() -> None:
    """A row whose id cell has a digit is data, whatever words its other cells hold."""
    table = _one([["稿件编号", "标题", "来稿日期"], ["A-1", "期号", "编发日期"]])
    assert table.row_numbers == [2]


def test_a_register_with_issue_columns_yields_submissions_and_their_issues() -> None:
    """稿件编号 + 来稿日期 + 盟市 + 期号 + 编发日期: every row a submission, rows with a
    期号 also an issue (its date filled from the issue's first row); 未编发 / — are blank."""
    tables = _tables(
        [
            ["稿件编号", "来稿日期", "盟市", "期号", "编发日期"],
            ["A-1", "2021-01-05", "赤峰市", "2021年第3期", "2021-02-01"],
            ["A-2", "2021-01-06", "通辽市", None, None],
            ["A-3", "2021-01-07", "包头市", "2021年第3期", None],
            ["A-4", "2021-01-08", "乌海市", "未编发", "—"],
        ]
    )
    subs, issues = tables
    assert (subs.kind, subs.row_numbers) == ("submissions", [2, 3, 4, 5])
    assert subs.rows[2][4] == "2021-02-01"  # A-3's 编发日期, from its issue's first row
    assert subs.rows[3][3:] == [None, None]  # 未编发 / —: not published
    assert subs.columns == [
        "submission_id",
        "received_date",
        "region",
        "issue_no",
        "published_date",
    ]
    assert (issues.kind, issues.columns, issues.row_numbers) == (
        "issues",
        ["issue_no", "published_date"],
        [2, 4],
    )
    assert issues.rows == [["2021年第3期", "2021-02-01"], ["2021年第3期", "2021-02-01"]]


@pytest.mark.parametrize(
    "line",
    [
        "（以下空白）",
        "以下空白",
        "单位负责人：王五",
        "分管领导：张三",
        "日期：2021年12月31日",
        "截至12月31日",
    ],
)
def test_more_footer_lines_are_skipped(line: str) -> None:
    """（以下空白）, 单位负责人, 日期：… under the data are footers, not rows without an id."""
    table = _one([["期号", "批示日期"], ["2021年第1期", "2021-02-01"], [line, None]])
    assert table.row_numbers == [2]
    assert [(s.row, s.why) for s in table.skipped] == [(3, "footer")]
    assert "王五" not in table.skipped[0].text and "张三" not in table.skipped[0].text


def test_a_template_example_row_is_passed_over_whatever_its_id() -> None:
    """示例 | NM2021-0000 | … under the header is the template's sample, not a submission."""
    table = _one(
        [
            ["序号", "稿件编号", "来稿日期"],
            ["示例", "NM2021-0000", "2021-01-01"],
            [1, "NM2021-0001", "2021-01-05"],
        ]
    )
    assert table.row_numbers == [3]
    assert [(s.row, s.why) for s in table.skipped] == [(2, "footer")]
