"""Normalisation of reader tables into raw-layer frames (no validation, no database)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime

import pandas as pd

from sqmy_etl import pii
from sqmy_etl.ingest.model import SourceTable
from sqmy_etl.ingest.normalise import PY_WHITESPACE, RAW_COLUMNS, normalise_table

KEY = b"0123456789abcdef0123456789abcdef"


def _table(
    kind: str,
    columns: list[str],
    rows: list[list],
    extra: list[str] | None = None,
    date1904: bool = False,
) -> SourceTable:
    return SourceTable(
        kind=kind,  # type: ignore[arg-type]
        sheet="Sheet1",
        columns=columns,
        extra_columns=extra or [],
        rows=rows,
        row_numbers=list(range(5, 5 + len(rows))),
        date1904=date1904,
    )


def _value(frame: pd.DataFrame, row: int, column: str) -> object:
    value = frame[column].iloc[row]
    return None if not isinstance(value, list) and pd.isna(value) else value


def test_submission_personal_data_is_hashed_and_masked_and_never_kept() -> None:
    """Names, phones and ID numbers become HMAC + mask; the clear text is nowhere in the frame."""
    table = _table(
        "submissions",
        ["submission_id", "received_date", "submitter", "phone", "id_card"],
        [["NM-1", "2021-03-18", " 张三 ", "138-0000-0000", "11010119900307123x"]],
    )
    frame = normalise_table(table, KEY)
    assert _value(frame, 0, "submitter_hash") == pii.pii_hash("张三", KEY)
    assert _value(frame, 0, "submitter_masked") == "张*"
    assert _value(frame, 0, "phone_hash") == pii.pii_hash("13800000000", KEY)
    assert _value(frame, 0, "phone_masked") == "138****0000"
    assert _value(frame, 0, "id_card_hash") == pii.pii_hash("11010119900307123X", KEY)
    assert _value(frame, 0, "id_card_masked") == "110101********123X"
    text = frame.to_csv()
    for clear in ("张三", "138-0000-0000", "13800000000", "11010119900307123"):
        assert clear not in text
    assert not {"submitter", "phone", "id_card"} & set(frame.columns)


def test_frames_carry_the_raw_columns_in_order_then_helpers() -> None:
    """Each kind's frame starts with exactly the raw.* columns; helpers start with '_'."""
    for kind, columns in RAW_COLUMNS.items():
        frame = normalise_table(_table(kind, [], [[]]), KEY)
        assert tuple(frame.columns[: len(columns)]) == columns
        assert all(c.startswith("_") for c in frame.columns[len(columns) :])


def test_dates_from_text_cells_and_excel_serials() -> None:
    """Date strings, date cells and 1900/1904 serials all become the same calendar date."""
    rows = [["A", "2021年1月1日"], ["B", 44197.0], ["C", datetime(2021, 1, 1, 9, 30)], ["D", "x"]]
    frame = normalise_table(_table("submissions", ["submission_id", "received_date"], rows), KEY)
    assert list(frame["received_date"][:3]) == [date(2021, 1, 1)] * 3
    assert _value(frame, 3, "received_date") is None
    assert _value(frame, 3, "_received_date_text") == "x"
    assert _value(frame, 3, "_received_date_error")
    mac = normalise_table(
        _table("submissions", ["submission_id", "received_date"], [["A", 42735.0]], date1904=True),
        KEY,
    )
    assert _value(mac, 0, "received_date") == date(2021, 1, 1)


def test_issue_year_comes_from_the_number_else_from_the_published_date() -> None:
    """第37期 published in 2021 is 2021-037; 2020年第5期 stays 2020 even if printed in 2021."""
    rows = [
        ["第37期", "2021-04-02", "NM-1，NM-2、NM-3", "民生"],
        ["2020年第5期", "2021-01-03", "", None],
        ["6", "2021-05-01", ["NM-4", "NM-5"], None],
    ]
    table = _table(
        "issues", ["issue_no", "published_date", "source_submissions", "issue_theme"], rows
    )
    frame = normalise_table(table, KEY)
    assert list(frame["issue_id"]) == ["2021-037", "2020-005", "2021-006"]
    assert list(frame["issue_year"]) == [2021, 2020, 2021]
    assert list(frame["issue_seq"]) == [37, 5, 6]
    assert list(frame["issue_no_raw"]) == ["第37期", "2020年第5期", "6"]
    assert _value(frame, 0, "source_submissions") == ["NM-1", "NM-2", "NM-3"]
    assert _value(frame, 1, "source_submissions") is None
    assert _value(frame, 2, "source_submissions") == ["NM-4", "NM-5"]
    assert [_value(frame, i, "issue_theme") for i in range(3)] == ["民生", None, None]


def test_feedback_keeps_a_yearless_number_open_and_defaults_the_type() -> None:
    """A feedback 第3期 has no year yet (dbt resolves it); a blank type means 批示."""
    rows = [["第3期", "", "2021-05-01"], ["2021年第4期", "采用", "2021-05-02"]]
    frame = normalise_table(
        _table("feedback", ["issue_no", "feedback_type", "feedback_date"], rows), KEY
    )
    assert _value(frame, 0, "issue_year") is None
    assert list(frame["issue_seq"]) == [3, 4]
    assert list(frame["feedback_type"]) == ["批示", "采用"]


def test_submission_with_nested_issue_gets_its_issue_id() -> None:
    """A JSON-export row naming its issue carries the canonical issue_id."""
    rows = [["NM-1", "2021-03-18", "第37期", "2021-04-02"], ["NM-2", "2021-03-18", None, None]]
    columns = ["submission_id", "received_date", "issue_no", "published_date"]
    frame = normalise_table(_table("submissions", columns, rows), KEY)
    assert [_value(frame, i, "issue_id") for i in range(2)] == ["2021-037", None]


def test_extra_columns_become_a_json_object_with_pii_masked() -> None:
    """Unknown columns are kept as JSON (Chinese unescaped); a PII-named one is masked."""
    rows = [["NM-1", "2021-03-18", "加急", "13700000000"], ["NM-2", "2021-03-18", "", None]]
    table = _table(
        "submissions", ["submission_id", "received_date"], rows, extra=["备注", "手机号码"]
    )
    frame = normalise_table(table, KEY)
    assert json.loads(_value(frame, 0, "extra_json")) == {"备注": "加急", "手机号码": "137****0000"}
    assert "加急" in _value(frame, 0, "extra_json")
    assert _value(frame, 1, "extra_json") is None


def test_excel_numbers_keep_their_typed_form_and_text_is_nfkc() -> None:
    """An id typed as a number stays '120'; full-width text is folded to half-width."""
    rows = [[120.0, "2021-03-18", "ＡＢＣ　供暖 "]]
    frame = normalise_table(
        _table("submissions", ["submission_id", "received_date", "theme"], rows), KEY
    )
    assert _value(frame, 0, "submission_id") == "120"
    assert _value(frame, 0, "theme") == "ABC 供暖"
    assert list(frame["source_sheet"]) == ["Sheet1"] and list(frame["source_row"]) == [5]


def test_arrow_trims_what_python_strip_trims() -> None:
    """Prose is trimmed by Arrow with ``PY_WHITESPACE``: exactly the characters ``str.strip``
    removes, counted here over every code point."""
    python = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert set(PY_WHITESPACE) == python


def test_prose_is_normalised_trimmed_and_masked_as_one_cell_at_a_time_would_be() -> None:
    """Titles and contents (the Arrow path) give what ``normalise_text`` + ``redact_text``
    give per cell: NFKC, trimmed, blank → missing, phone and ID numbers masked."""
    written = [
        "\u3000关于供暖的建议\u2028",
        "联系电话：１３９１２３４２２２２，请回电",
        "身份证 110101199003071234 已核实",
        " \u3000\x1c ",
        None,
        "座机 0471-1234567",
    ]
    rows = [[f"NM-{i}", "2021-03-18", text, text] for i, text in enumerate(written)]
    frame = normalise_table(
        _table("submissions", ["submission_id", "received_date", "title", "content"], rows),
        KEY,
    )
    expected = [
        "关于供暖的建议",
        "联系电话:139****2222,请回电",
        "身份证 110101********1234 已核实",
        None,
        None,
        "座机 0471-***4567",
    ]
    assert [_value(frame, i, "title") for i in range(len(written))] == expected
    assert [_value(frame, i, "content") for i in range(len(written))] == expected
