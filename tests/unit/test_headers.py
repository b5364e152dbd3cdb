"""Header normalisation, table-kind detection and the synonyms of CONTRACT.md §1."""

from __future__ import annotations

import pytest

from sqmy_etl.ingest.headers import detect_kind, normalise_header

# CONTRACT.md §1 "Columns and accepted header names", transcribed by hand:
# (kind, header, field). Fields without a kind qualifier in the contract are
# listed under the kind whose rows carry them.
CONTRACT_SYNONYMS = [
    *[("submissions", h, "submission_id") for h in ("稿件编号", "来稿编号", "编号", "稿号", "id")],
    *[("submissions", h, "title") for h in ("标题", "题目", "信息标题", "title")],
    *[
        ("submissions", h, "submitter")
        for h in ("报送人", "作者", "反映人", "报送单位", "submitter")
    ],
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


def test_kind_order_prefers_submissions_then_issues() -> None:
    """A row naming both submission and issue columns is a submissions table."""
    found = detect_kind(["稿件编号", "收稿日期", "期号", "编发日期"])
    assert found is not None
    assert found[0] == "submissions"


def test_first_duplicate_column_wins() -> None:
    """Two headers for one field: the first maps, the later one is kept as an extra."""
    assert detect_kind(["编号", "稿件编号", "收稿日期", "来稿日期"]) == (
        "submissions",
        ["submission_id", None, "received_date", None],
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


def test_feedback_ledger_that_copies_publication_date_is_feedback() -> None:
    """A 批示台账 with 期号, 编发日期 and 批示日期 is feedback, not an issues table."""
    kind, fields = detect_kind(["期号", "编发日期", "批示日期", "批示领导职务"])
    assert kind == "feedback"
    assert fields[2] == "feedback_date"


def test_generic_date_does_not_turn_an_issues_ledger_into_feedback() -> None:
    """An issues ledger with 期号, 编发日期 and a loose 日期 column stays an issues table."""
    kind, _ = detect_kind(["期号", "编发日期", "日期", "标题"])
    assert kind == "issues"
