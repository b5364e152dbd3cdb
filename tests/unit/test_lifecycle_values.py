"""Lifecycle feedback values (CONTRACT §5): types, 采用方式, 办理状态, 编发形式, and their rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sqmy_etl.config import Limits
from sqmy_etl.ingest.headers import detect_kind
from sqmy_etl.ingest.model import SourceTable
from sqmy_etl.ingest.normalise import normalise_table
from sqmy_etl.ingest.readers import read_file
from sqmy_etl.ingest.values import (
    parse_channel,
    parse_feedback_type,
    parse_issue_form,
    parse_status,
)
from sqmy_etl.validate.runner import validate_rows

KEY = b"0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("报送", "报送"),
        ("上报", "报送"),
        ("报送上级", "报送"),
        ("呈报", "报送"),
        ("办理反馈", "办理反馈"),
        ("反馈", "办理反馈"),
        ("办理情况", "办理反馈"),
        ("部门回复", "办理反馈"),
        ("向自治区党委上报", "报送"),  # one type named inside the office's wording
    ],
)
def test_lifecycle_types_and_their_synonyms(written: str, expected: str) -> None:
    """报送 and 办理反馈 are read from every synonym §5 lists."""
    assert parse_feedback_type(written) == expected


@pytest.mark.parametrize("written", ["转办", "批示反馈", "未上报"])
def test_unknown_mixed_or_negated_types_are_refused_listing_all_four(written: str) -> None:
    """转办 is no type, 批示反馈 names two, 未上报 says it did not happen; the message lists 4."""
    with pytest.raises(ValueError) as raised:
        parse_feedback_type(written)
    assert all(kind in str(raised.value) for kind in ("批示", "采用", "报送", "办理反馈"))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("单篇采用", "单篇采用"),
        ("单篇", "单篇采用"),
        (" 综合 采用 ", "综合采用"),
        ("综合", "综合采用"),
        ("原稿转送", "转送"),
        ("转送", "转送"),
        (None, None),
        ("  ", None),
    ],
)
def test_channels(written: str | None, expected: str | None) -> None:
    """采用方式 → 单篇采用 / 综合采用 / 转送; blank → None."""
    assert parse_channel(written) == expected


@pytest.mark.parametrize(
    ("parse", "written", "expected"),
    [
        (parse_status, "已办结", "已办结"),
        (parse_status, "办结", "已办结"),
        (parse_status, "正在办理", "办理中"),
        (parse_status, "未办结", "办理中"),
        (parse_issue_form, "单篇编发", "单篇"),
        (parse_issue_form, "汇总", "综合"),
    ],
)
def test_status_and_issue_form(parse, written: str, expected: str) -> None:
    """办理状态 and 编发形式 read their synonyms."""
    assert parse(written) == expected


@pytest.mark.parametrize("parse", [parse_channel, parse_status, parse_issue_form])
def test_unknown_categorical_words_raise(parse) -> None:
    """A word that only almost names a category is refused, never guessed."""
    with pytest.raises(ValueError, match="之一"):
        parse("口头通知")


def test_the_new_feedback_headers_are_read() -> None:
    """采用方式 / 采用单位 / 办理状态 in a feedback table name channel, body and status."""
    kind, fields = detect_kind(["期号", "类型", "采用方式", "采用单位", "办理状态", "反馈日期"])
    assert kind == "feedback"
    assert fields == ["issue_no", "feedback_type", "channel", "body", "status", "feedback_date"]


def _feedback(rows: list[list]) -> SourceTable:
    columns = ["issue_no", "feedback_type", "channel", "body", "status", "feedback_date"]
    return SourceTable("feedback", "Sheet1", columns, [], rows, list(range(2, 2 + len(rows))))


def test_a_blank_type_is_told_by_the_row() -> None:
    """Blank 类型: a 采用方式 makes it 采用, a 办理状态 办理反馈, nothing else 批示 (§1)."""
    frame = normalise_table(
        _feedback(
            [
                ["第1期", None, "单篇", "全国政协办公厅", None, "2021-03-01"],
                ["第1期", None, None, "自治区卫健委", "办结", "2021-04-01"],
                ["第1期", None, None, None, None, "2021-05-01"],
                ["第1期", "报送", None, "自治区党委办公厅", None, "2021-02-01"],
            ]
        ),
        KEY,
    )
    assert list(frame["feedback_type"]) == ["采用", "办理反馈", "批示", "报送"]
    assert list(frame["channel"].fillna("-")) == ["单篇采用", "-", "-", "-"]
    assert list(frame["status"].fillna("-")) == ["-", "已办结", "-", "-"]
    assert frame["body"].iloc[0] == "全国政协办公厅"


def test_an_unknown_channel_is_quarantined_an_unknown_status_is_not() -> None:
    """转发 as 采用方式 holds the row back (invalid_channel); 待定 as 办理状态 loads as written."""
    frame = normalise_table(
        _feedback(
            [
                ["第1期", "采用", "转发", None, None, "2021-03-01"],
                ["第1期", "办理反馈", None, None, "待定", "2021-04-01"],
                ["第1期", "采用", "综合", None, None, "2021-05-01"],
            ]
        ),
        KEY,
    )
    failed = validate_rows("feedback", frame, date(2021, 12, 31))
    assert list(failed.index) == [0]
    assert failed.loc[0, "rule"] == "invalid_channel"
    assert "单篇采用" in failed.loc[0, "reason"]
    assert frame["status"].iloc[1] == "待定"  # staging maps it to NULL and lists it for the clerk
    assert pd.isna(frame["channel"].iloc[1])


def test_a_json_export_carries_channel_body_and_status(tmp_path: Path) -> None:
    """A 政协云 feedback item's channel / body / status keys reach the feedback table."""
    path = tmp_path / "export.json"
    record = {
        "id": "J-1",
        "received_at": "2021-03-01",
        "issue": {"no": "2021年第5期", "published_at": "2021-03-10"},
        "feedback": [
            {"type": "采用", "channel": "单篇", "body": "全国政协办公厅", "date": "2021-04-01"},
            {"type": "部门回复", "body": "自治区卫健委", "status": "办结", "date": "2021-05-01"},
        ],
    }
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    (feedback,) = [t for t in read_file(path, Limits()).tables if t.kind == "feedback"]
    frame = normalise_table(feedback, KEY)
    assert list(frame["feedback_type"]) == ["采用", "办理反馈"]
    assert list(frame["channel"].fillna("-")) == ["单篇采用", "-"]
    assert list(frame["body"]) == ["全国政协办公厅", "自治区卫健委"]
    assert list(frame["status"].fillna("-")) == ["-", "已办结"]
