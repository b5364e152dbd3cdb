"""Header normalisation, primary-kind detection, specificity and the synonyms of CONTRACT.md §1."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sqmy_etl.ingest import headers as headers_module
from sqmy_etl.ingest.headers import (
    detect_kind,
    feedback_fields,
    normalise_header,
    register_fields,
)

# CONTRACT.md §1 "Columns and accepted header names", transcribed by hand:
# (kind, header, field). Fields without a kind qualifier in the contract are
# listed under the kind whose rows carry them.
CONTRACT_SYNONYMS = [
    *[("submissions", h, "submission_id") for h in ("稿件编号", "来稿编号", "编号", "稿号", "id")],
    *[("submissions", h, "title") for h in ("标题", "题目", "信息标题", "title")],
    *[("submissions", h, "submitter") for h in ("报送人", "作者", "反映人", "撰稿人", "submitter")],
    *[("submissions", h, "unit") for h in ("报送单位", "来稿单位", "供稿单位", "所在单位", "unit")],
    *[("submissions", h, "sector") for h in ("界别", "所属界别", "sector")],
    *[("submissions", h, "region") for h in ("盟市", "地区", "所属盟市", "来源地区", "region")],
    *[
        ("submissions", h, "received_date")
        for h in ("收稿日期", "来稿日期", "报送日期", "received_at")
    ],
    *[("submissions", h, "theme") for h in ("主题分类", "分类", "类别", "主题", "theme")],
    *[("submissions", h, "content") for h in ("内容摘要", "主要内容", "正文", "内容", "content")],
    *[("submissions", h, "phone") for h in ("联系电话", "手机", "电话", "phone")],
    *[("submissions", h, "id_card") for h in ("身份证号", "身份证号码")],
    *[("issues", h, "issue_no") for h in ("期号", "编发期号", "期数", "issue.no")],
    *[("feedback", h, "issue_no") for h in ("期号", "编发期号", "期数", "issue.no")],
    *[
        ("issues", h, "published_date")
        for h in ("编发日期", "刊发日期", "印发日期", "issue.published_at")
    ],
    *[("issues", h, "issue_title") for h in ("标题", "issue.title")],
    *[("issues", h, "issue_theme") for h in ("主题分类", "分类", "类别")],
    *[("issues", h, "source_submissions") for h in ("采用稿件编号", "来源稿件", "稿件编号")],
    *[("feedback", h, "feedback_type") for h in ("类型", "反馈类型", "type")],
    *[("feedback", h, "level") for h in ("批示级别", "领导级别", "级别", "level")],
    *[("feedback", h, "post") for h in ("批示领导职务", "领导职务", "职务", "post")],
    *[
        ("feedback", h, "feedback_date")
        for h in ("批示日期", "采用日期", "反馈日期", "日期", "date")
    ],
    *[("feedback", h, "summary") for h in ("批示内容", "批示摘要", "内容", "summary")],
    # CONTRACT.md §5 "Lifecycle events"
    *[("feedback", h, "channel") for h in ("采用方式", "采用形式", "方式", "channel")],
    *[
        ("feedback", h, "body")
        for h in ("采用单位", "采用机关", "报送至", "报送对象", "办理单位", "承办单位", "body")
    ],
    *[("feedback", h, "status") for h in ("办理状态", "办理结果", "status")],
]

# a plain header for each required field, used to complete a header row
REQUIRED_HEADERS = {
    "submissions": {"submission_id": "稿件编号", "received_date": "收稿日期"},
    "issues": {"issue_no": "期号", "published_date": "编发日期"},
    "feedback": {"issue_no": "期号", "feedback_date": "批示日期"},
}


@pytest.mark.parametrize(("kind", "header", "field"), CONTRACT_SYNONYMS)
def test_every_contract_synonym_maps_to_its_field(kind: str, header: str, field: str) -> None:
    """Each accepted header of CONTRACT §1 names its field in a table of its kind."""
    required = {f: h for f, h in REQUIRED_HEADERS[kind].items() if f != field}
    headers = [*required.values(), header]
    found = detect_kind(headers)
    assert found is not None
    detected, fields = found
    assert detected == kind
    assert fields == [*required, field]


SUB = ["submission_id", "received_date"]


@pytest.mark.parametrize(
    ("headers", "kind", "fields"),
    [
        # 标题 / 分类 / 稿件编号 mean different fields by kind
        (["期号", "编发日期", "标题"], "issues", ["issue_no", "published_date", "issue_title"]),
        (
            ["稿件编号", "收稿日期", "标题"],
            "submissions",
            ["submission_id", "received_date", "title"],
        ),
        (["期号", "编发日期", "分类"], "issues", ["issue_no", "published_date", "issue_theme"]),
        (
            ["稿件编号", "收稿日期", "分类"],
            "submissions",
            ["submission_id", "received_date", "theme"],
        ),
        (
            ["期号", "编发日期", "稿件编号"],
            "issues",
            ["issue_no", "published_date", "source_submissions"],
        ),
        # 日期 and 内容: feedback only / content in submissions
        (["期号", "日期", "内容"], "feedback", ["issue_no", "feedback_date", "summary"]),
        (["稿件编号", "收稿日期", "日期"], "submissions", [*SUB, None]),
        (
            ["稿件编号", "收稿日期", "内容"],
            "submissions",
            ["submission_id", "received_date", "content"],
        ),
        (["期号", "批示日期", "标题"], "feedback", ["issue_no", "feedback_date", None]),
    ],
)
def test_synonyms_depend_on_the_kind(headers: list[str], kind: str, fields: list) -> None:
    """The same header text maps to the field its table kind gives it, or to nothing."""
    assert detect_kind(headers) == (kind, fields)


def test_issue_columns_make_an_issues_table_whatever_else_it_holds() -> None:
    """期号 + 编发日期 beat a submission id + 收稿日期: an 编发台账 listing its sources."""
    assert detect_kind(["稿件编号", "收稿日期", "期号", "编发日期"]) == (
        "issues",
        ["source_submissions", None, "issue_no", "published_date"],
    )


def test_feedback_beats_submissions() -> None:
    """期号 + 批示日期 beside a submission id + 来稿日期 is a feedback table."""
    assert detect_kind(["期号", "批示日期", "稿件编号", "来稿日期"]) == (
        "feedback",
        ["issue_no", "feedback_date", None, None],
    )


def test_the_more_specific_header_wins_whatever_the_column_order() -> None:
    """编号 before 稿件编号: 稿件编号 is the id; 来稿日期 beats 报送日期 after it."""
    assert detect_kind(["编号", "稿件编号", "报送日期", "来稿日期"]) == (
        "submissions",
        [None, "submission_id", None, "received_date"],
    )


def test_the_first_of_two_equal_headers_wins() -> None:
    """The same header twice: the first column maps, the second is an extra."""
    assert detect_kind(["稿件编号", "收稿日期", "稿件编号"]) == (
        "submissions",
        ["submission_id", "received_date", None],
    )


def _contract_lists() -> dict[tuple[str, str], list[str]]:
    """CONTRACT_SYNONYMS grouped by (kind, field), in the contract's order."""
    lists: dict[tuple[str, str], list[str]] = {}
    for kind, header, field in CONTRACT_SYNONYMS:
        lists.setdefault((kind, field), []).append(header)
    return lists


SPECIFICITY_PAIRS = [
    (kind, field, better, worse)
    for (kind, field), headers in _contract_lists().items()
    for i, better in enumerate(headers)
    for worse in headers[i + 1 :]
]


@pytest.mark.parametrize(("kind", "field", "better", "worse"), SPECIFICITY_PAIRS)
@pytest.mark.parametrize("worse_first", [True, False])
def test_contract_order_is_specificity(
    kind: str, field: str, better: str, worse: str, worse_first: bool
) -> None:
    """Of two headers of one field, the one the contract lists first names it."""
    required = [h for f, h in REQUIRED_HEADERS[kind].items() if f != field]
    pair = [worse, better] if worse_first else [better, worse]
    found = detect_kind([*required, *pair])
    assert found is not None
    assert found[0] == kind
    named = found[1][len(required) :]
    assert named == ([None, field] if worse_first else [field, None])


# Accepted beyond the contract's lists, less specific than all of them: the canonical
# field names (our own exports), a submissions table's issue columns, an issues
# table's looser title / theme words, 时间 for 日期 (批示时间, 来稿时间: what many
# office templates print) and 批示领导 (a post, often with the leader's name).
EXTRA_SYNONYMS = {
    ("submissions", "submission_id"): ["submission_id"],
    ("submissions", "received_date"): ["received_date", "收稿时间", "来稿时间", "报送时间"],
    ("submissions", "id_card"): ["id_card"],
    ("submissions", "issue_no"): ["期号", "编发期号", "期数", "issue.no", "issue_no"],
    ("submissions", "published_date"): [
        "编发日期",
        "刊发日期",
        "印发日期",
        "issue.published_at",
        "published_date",
        "编发时间",
        "刊发时间",
        "印发时间",
    ],
    ("issues", "issue_no"): ["issue_no"],
    ("issues", "published_date"): ["published_date", "编发时间", "刊发时间", "印发时间"],
    ("issues", "issue_title"): ["题目", "信息标题", "title", "issue_title"],
    ("issues", "issue_theme"): ["主题", "theme", "issue_theme"],
    ("issues", "source_submissions"): ["source_submissions"],
    ("feedback", "issue_no"): ["issue_no"],
    ("feedback", "feedback_type"): ["feedback_type"],
    ("feedback", "feedback_date"): ["feedback_date", "批示时间", "采用时间", "反馈时间"],
    ("feedback", "post"): ["批示领导"],
    # §5 names an 编发形式 column without a list
    ("issues", "issue_form"): ["编发形式", "编发方式", "issue_form"],
    # §6 the theme review sheet that `sqmy themes review` writes (稿件编号 + 确认主题)
    ("theme_reviews", "submission_id"): ["稿件编号", "来稿编号", "submission_id"],
    ("theme_reviews", "confirmed_theme"): ["确认主题", "核定主题", "confirmed_theme"],
}


def test_synonyms_file_is_the_contract_lists_in_rank_order() -> None:
    """header_synonyms.csv holds exactly the contract's lists, ranked in the contract's
    order, then the few extra headers above — nothing else (报送单位 is no submitter)."""
    path = Path(headers_module.__file__).with_name("header_synonyms.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        lines = list(csv.DictReader(fh))
    ranked: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for line in lines:
        ranked.setdefault((line["kind"], line["field"]), []).append(
            (int(line["rank"]), line["header"])
        )
    found = {key: [h for _, h in sorted(pairs)] for key, pairs in ranked.items()}
    expected = {
        key: [*_contract_lists().get(key, []), *EXTRA_SYNONYMS.get(key, [])]
        for key in {*_contract_lists(), *EXTRA_SYNONYMS}
    }
    assert found == expected
    assert all(
        sorted(r for r, _ in pairs) == list(range(1, len(pairs) + 1)) for pairs in ranked.values()
    )


@pytest.mark.parametrize(
    "headers",
    [
        [],
        ["序号", "名称", "备注"],
        ["稿件编号", "标题"],  # no received_date
        ["期号", "标题"],  # neither published_date nor feedback_date
        ["2021年社情民意信息来稿台账"],
    ],
)
def test_rows_without_required_columns_match_no_kind(headers: list[str]) -> None:
    """A header row lacking a kind's required pair is not a header."""
    assert detect_kind(headers) is None


def test_extra_headers_map_to_none() -> None:
    """Unknown headers keep their position as None so they become extra columns."""
    assert detect_kind(["序号", "稿件编号", "备注", "收稿日期"]) == (
        "submissions",
        [None, "submission_id", None, "received_date"],
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("稿件编号", "稿件编号"),
        ("  稿件编号  ", "稿件编号"),
        ("稿件编号*", "稿件编号"),
        ("稿件编号 *", "稿件编号"),
        ("稿件编号＊", "稿件编号"),
        ("稿件编号(必填)", "稿件编号"),
        ("稿件编号（必填）", "稿件编号"),
        ("稿件编号 （必填） *", "稿件编号"),
        ("稿 件 编 号", "稿件编号"),
        ("稿\u3000件编号", "稿件编号"),
        ("\ufeff稿件编号", "稿件编号"),
        ("ｉｓｓｕｅ．ｎｏ", "issue.no"),
        ("备注*说明", "备注*说明"),  # only a trailing mark is dropped
        (None, ""),
        (2021.0, "2021"),
    ],
)
def test_normalise_header(raw: object, normalised: str) -> None:
    """NFKC, trim, spaces removed, a trailing * or (必填) dropped."""
    assert normalise_header(raw) == normalised  # type: ignore[arg-type]


def test_marked_and_full_width_headers_are_recognised() -> None:
    """Required marks, full-width letters and capitals do not stop a header matching."""
    assert detect_kind(["稿件编号*", "收稿日期（必填）", "ＩＤ", "Title"]) == (
        "submissions",
        ["submission_id", "received_date", None, "title"],
    )


def test_feedback_ledger_that_copies_publication_date_is_an_issues_table() -> None:
    """A 批示台账 with 期号, 编发日期 and 批示日期 is an issues table whose 批示 columns
    are read as feedback fields (CONTRACT §1 "A row yields every fact it holds")."""
    headers = ["期号", "编发日期", "批示日期", "批示领导职务"]
    kind, fields = detect_kind(headers)
    assert (kind, fields) == ("issues", ["issue_no", "published_date", None, None])
    assert feedback_fields(headers, fields) == [None, None, "feedback_date", "post"]


def test_generic_date_does_not_turn_an_issues_ledger_into_feedback() -> None:
    """An issues ledger with 期号, 编发日期 and a loose 日期 column stays an issues table."""
    kind, _ = detect_kind(["期号", "编发日期", "日期", "标题"])
    assert kind == "issues"


def test_feedback_fields_of_a_combined_ledger() -> None:
    """Every 批示 column of an issues table, by the feedback vocabulary and its specificity;
    the generic 日期 / 内容 and a second issue-number column are not 批示 columns."""
    headers = [
        "期号",
        "编发日期",
        "标题",
        "日期",
        "内容",
        "编发期号",
        "类型",
        "领导级别",
        "职务",
        "采用日期",
        "批示日期",
        "批示摘要",
    ]
    kind, fields = detect_kind(headers)
    assert kind == "issues"
    assert fields == ["issue_no", "published_date", "issue_title", *[None] * 9]
    assert feedback_fields(headers, fields) == [
        *[None] * 6,
        "feedback_type",
        "level",
        "post",
        None,  # 采用日期 loses to the more specific 批示日期
        "feedback_date",
        "summary",
    ]


@pytest.mark.parametrize(
    "headers",
    [
        ["期号", "编发日期", "批示领导职务", "批示级别"],  # no feedback date
        ["期号", "编发日期", "日期", "内容", "职务"],  # only the generic date
    ],
)
def test_no_feedback_fields_without_a_feedback_date(headers: list[str]) -> None:
    """A 批示 cannot load without its date, so such an issues table has no feedback columns."""
    kind, fields = detect_kind(headers)
    assert kind == "issues"
    assert feedback_fields(headers, fields) == [None] * len(headers)


def test_traditional_character_headers_name_the_same_fields() -> None:
    """A ledger kept in traditional characters (a Big5 file read with --encoding big5)."""
    found = detect_kind(["稿件編號", "來稿日期", "標題", "報送人", "報送單位", "盟市", "主題分類"])
    assert found == (
        "submissions",
        ["submission_id", "received_date", "title", "submitter", "unit", "region", "theme"],
    )
    assert detect_kind(["期號", "編發日期", "標題"]) == (
        "issues",
        ["issue_no", "published_date", "issue_title"],
    )


@pytest.mark.parametrize(
    ("headers", "fields"),
    [
        (
            ["稿件\n编号", "收稿日期（年月日）", "盟市(旗县)", "主题【分类】"],
            ["submission_id", "received_date", "region", "theme"],
        ),
        (
            ["*稿件编号(必填)", "来稿日期〔必填〕", "备注(其他)"],
            ["submission_id", "received_date", None],
        ),
    ],
)
def test_a_bracketed_note_after_the_name_is_read_past(headers: list[str], fields: list) -> None:
    """A clerk's note in brackets after a header (收稿日期（年月日）) leaves the field it names."""
    assert detect_kind(headers) == ("submissions", fields)


def test_a_header_with_a_note_ties_with_the_bare_header() -> None:
    """来稿日期（备用） before 来稿日期: equal rank, so the first column wins."""
    assert detect_kind(["稿件编号", "来稿日期（备用）", "来稿日期"]) == (
        "submissions",
        ["submission_id", "received_date", None],
    )


def test_register_fields_read_a_submission_ledger_with_issue_columns() -> None:
    """稿件编号 + 来稿日期 + 盟市 beside 期号 + 编发日期: a 来稿台账 recording publication."""
    headers = ["稿件编号", "来稿日期", "盟市", "期号", "编发日期"]
    assert register_fields(headers) == [
        "submission_id",
        "received_date",
        "region",
        "issue_no",
        "published_date",
    ]


@pytest.mark.parametrize(
    "headers",
    [
        ["期号", "编发日期", "标题", "稿件编号", "来稿日期"],  # an 编发台账 listing its sources
        ["稿件编号", "来稿日期", "盟市", "期号"],  # no 编发日期: a plain 来稿台账
    ],
)
def test_register_fields_leave_other_tables_alone(headers: list[str]) -> None:
    """Without who/where columns, or without 编发日期, the table is not such a register."""
    assert register_fields(headers) is None
