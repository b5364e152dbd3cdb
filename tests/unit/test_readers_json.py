"""The platform's JSON / JSONL export through ``read_file``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import SourceTable
from sqmy_etl.ingest.readers import read_file

LIMITS = Limits()

FULL = {
    "id": "NM2021-0001",
    "title": "关于供暖的建议",
    "submitter": "张三",
    "sector": "经济界",
    "region": "赤峰市",
    "received_at": "2021-03-18T09:30:00+08:00",
    "theme": "供暖",
    "content": "正文",
    "phone": "13800000000",
    "issue": {"no": "2021年第37期", "published_at": "2021-04-02", "title": "期标题"},
    "feedback": [
        {"type": "批示", "level": "自治区级", "post": "自治区政府副主席", "date": "2021-04-20",
         "summary": "请研究"},
        {"type": "采用", "date": "2021-05-01"},
    ],
}  # fmt: skip
BARE = {"id": "NM2021-0002", "received_at": "2021-03-19", "issue": None, "feedback": None}


def _by_kind(tables: list[SourceTable]) -> dict[str, SourceTable]:
    return {table.kind: table for table in tables}


def _dicts(table: SourceTable) -> list[dict]:
    names = table.columns + table.extra_columns
    return [dict(zip(names, row, strict=True)) for row in table.rows]


def test_array_yields_submissions_issues_and_feedback(tmp_path: Path) -> None:
    """One export object becomes a submission, its issue and one row per feedback item,
    all carrying the object's position in the array."""
    path = tmp_path / "export.json"
    path.write_text(json.dumps([BARE, FULL], ensure_ascii=False), encoding="utf-8")
    read = read_file(path, LIMITS)
    assert (read.file_format, read.encoding) == ("json", "utf-8")
    tables = _by_kind(read.tables)
    subs, issues, feedback = tables["submissions"], tables["issues"], tables["feedback"]
    assert subs.row_numbers == [1, 2]
    assert _dicts(subs)[1] == {
        "submission_id": "NM2021-0001",
        "title": "关于供暖的建议",
        "submitter": "张三",
        "unit": None,
        "sector": "经济界",
        "region": "赤峰市",
        "received_date": "2021-03-18T09:30:00+08:00",
        "theme": "供暖",
        "content": "正文",
        "phone": "13800000000",
        "id_card": None,
        "issue_no": "2021年第37期",
        "published_date": "2021-04-02",
    }
    assert _dicts(subs)[0]["issue_no"] is None
    assert issues.columns == ["issue_no", "published_date", "issue_title"]
    assert issues.rows == [["2021年第37期", "2021-04-02", "期标题"]]
    assert issues.row_numbers == [2]
    assert feedback.row_numbers == [2, 2]
    assert _dicts(feedback) == [
        {
            "issue_no": "2021年第37期",
            "feedback_type": "批示",
            "level": "自治区级",
            "post": "自治区政府副主席",
            "feedback_date": "2021-04-20",
            "summary": "请研究",
            **dict.fromkeys(("channel", "body", "status")),  # CONTRACT §5, absent here
        },
        {
            "issue_no": "2021年第37期",
            "feedback_type": "采用",
            "level": None,
            "post": None,
            "feedback_date": "2021-05-01",
            "summary": None,
            **dict.fromkeys(("channel", "body", "status")),
        },
    ]


def test_jsonl_numbers_records_by_line(tmp_path: Path) -> None:
    """JSON Lines: one object per line, blank lines allowed, the line number is the row."""
    lines = [json.dumps(FULL, ensure_ascii=False), "", "   ", json.dumps(BARE), ""]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    read = read_file(path, LIMITS)
    assert read.file_format == "jsonl"
    tables = _by_kind(read.tables)
    assert tables["submissions"].row_numbers == [1, 4]
    assert tables["issues"].row_numbers == [1]
    assert tables["feedback"].row_numbers == [1, 1]


def test_null_or_absent_issue_and_feedback_give_submissions_only(tmp_path: Path) -> None:
    """Objects without issue or feedback produce no issue or feedback rows."""
    path = tmp_path / "export.jsonl"
    absent = {"id": "NM3", "received_at": "2021-03-20"}
    path.write_text(f"{json.dumps(BARE)}\n{json.dumps(absent)}\n", encoding="utf-8")
    read = read_file(path, LIMITS)
    assert [table.kind for table in read.tables] == ["submissions"]
    assert [row[0] for row in read.tables[0].rows] == ["NM2021-0002", "NM3"]


def test_issue_theme_and_unknown_keys_are_extras(tmp_path: Path) -> None:
    """A nested issue sets no theme; unknown keys at any level become extra columns."""
    record = {
        "id": "NM4",
        "received_at": "2021-03-20",
        "备注": "加急",
        "meta": {"src": "app"},
        "issue": {"no": "第3期", "published_at": "2021-04-02", "theme": "供暖"},
        "feedback": [{"date": "2021-04-20", "批示人": "某某"}, "口头批示"],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    tables = _by_kind(read_file(path, LIMITS).tables)
    subs = _dicts(tables["submissions"])[0]
    assert tables["submissions"].extra_columns == ["备注", "meta"]
    assert (subs["备注"], json.loads(subs["meta"])) == ("加急", {"src": "app"})
    assert tables["issues"].extra_columns == ["theme"]
    assert "issue_theme" not in tables["issues"].columns
    assert tables["feedback"].extra_columns == ["批示人", "value"]
    first, second = _dicts(tables["feedback"])
    assert (first["issue_no"], first["feedback_type"], first["批示人"]) == ("第3期", None, "某某")
    assert (second["issue_no"], second["value"], second["feedback_date"]) == (
        "第3期",
        "口头批示",
        None,
    )


def test_pretty_printed_single_object(tmp_path: Path) -> None:
    """An indented file holding one object is one record numbered 1."""
    path = tmp_path / "one.json"
    path.write_text(json.dumps(BARE, indent=2), encoding="utf-8")
    read = read_file(path, LIMITS)
    assert read.file_format == "json"
    assert read.tables[0].rows[0][0] == "NM2021-0002"
    assert read.tables[0].row_numbers == [1]


def test_gb18030_json(tmp_path: Path) -> None:
    """A JSON export saved as GB18030 decodes like a CSV would."""
    path = tmp_path / "export.json"
    path.write_bytes(json.dumps([FULL], ensure_ascii=False).encode("gb18030"))
    read = read_file(path, LIMITS)
    assert read.encoding == "gb18030"
    assert read.tables[0].rows[0][1] == "关于供暖的建议"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"id": "A"}\n{"id": \n', "line 2"),
        ("[1, 2]", "record 1 is not a JSON object"),
        ('[{"id": "A"}, "x"]', "record 2 is not a JSON object"),
        ('[{"id": "A"},', "invalid JSON"),
        ("[" * 100_000 + "]" * 100_000, "JSON"),
    ],
)
def test_malformed_json_is_rejected(tmp_path: Path, text: str, reason: str) -> None:
    """Broken syntax, non-object records and absurd nesting reject the file with a reason."""
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileRejected, match=reason):
        read_file(path, LIMITS)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("[]", "submission_id or received_date"),
        ('{"generated_files": [], "seed": 7}', "submission_id or received_date"),
        ('[{"id": "A"}, {"id": "B", "title": "x"}]', "received_date"),
    ],
)
def test_json_without_submission_keys_is_rejected(tmp_path: Path, text: str, missing: str) -> None:
    """JSON whose records never name the id and received date is no export: rejected."""
    path = tmp_path / "other.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileRejected, match="no recognisable table") as caught:
        read_file(path, LIMITS)
    assert missing in caught.value.reason


def test_json_field_over_the_cap_is_rejected(tmp_path: Path) -> None:
    """A JSON string longer than max_field_bytes rejects the file."""
    path = tmp_path / "big.json"
    record = {"id": "A", "received_at": "2021-03-18", "content": "字" * 200}
    path.write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(FileRejected, match="field too large"):
        read_file(path, Limits(max_field_bytes=300))


def test_feedback_given_as_one_object_is_one_feedback_row(tmp_path: Path) -> None:
    """An export whose feedback is an object, not a list, gives that one 批示 (with a BOM)."""
    record = {**BARE, "issue": {"no": 37, "published_at": "2021-04-02"}}
    record["feedback"] = {"type": "批示", "level": "自治区级", "post": "主席", "date": "2021-04-20"}
    path = tmp_path / "export.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([record], ensure_ascii=False).encode("utf-8"))
    tables = _by_kind(read_file(path, LIMITS).tables)
    [row] = _dicts(tables["feedback"])
    assert (row["issue_no"], row["post"], row["feedback_date"]) == (37, "主席", "2021-04-20")


def test_an_issue_list_gives_every_issue_and_links_the_first(tmp_path: Path) -> None:
    """A record used in two issues: both issue rows, the submission names the first."""
    record = {
        **BARE,
        "issue": [
            {"no": "2021年第37期", "published_at": "2021-04-02"},
            {"no": "2021年第38期", "published_at": "2021-04-09"},
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    tables = _by_kind(read_file(path, LIMITS).tables)
    assert [row["issue_no"] for row in _dicts(tables["issues"])] == ["2021年第37期", "2021年第38期"]
    assert _dicts(tables["submissions"])[0]["issue_no"] == "2021年第37期"
