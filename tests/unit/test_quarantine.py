"""Reading the quarantine: list, show, and a clear answer when a writer holds the warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sqmy_etl.config import Settings
from sqmy_etl.ingest.load import ingest_file
from sqmy_etl.ingest.quarantine import (
    QuarantineLookupError,
    held_rows,
    list_quarantine,
    show_quarantine,
    with_unique_ids,
)
from sqmy_etl.warehouse.db import WarehouseBusy, connect_writer

LEDGER = (
    "期号,编发日期,标题\n"
    "第1期,2021-01-05,正常\n"
    "第X期,2021-01-06,期号写错\n"
    "第3期,2021-01-07 25:00,时间不存在\n"
)


@pytest.fixture
def loaded(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A warehouse holding one issues ledger with two bad rows; returns the file's sha."""
    monkeypatch.setenv("SQMY_TODAY", "2021-12-31")
    source = tmp_path / "编发.csv"
    source.write_text(LEDGER, encoding="utf-8")
    return ingest_file(settings, source).sha256


def test_list_shows_where_and_why_without_contents(settings: Settings, loaded: str) -> None:
    """Each held-back row is listed with file, row, rule and reason, but not its record."""
    listed = list_quarantine(settings)
    assert [(q["original_name"], q["source_row"], q["rule"]) for q in listed] == [
        ("编发.csv", 3, "invalid_issue_no"),
        ("编发.csv", 4, "invalid_date"),
    ]
    assert all("record" not in q and "record_json" not in q for q in listed)
    assert listed[0]["quarantine_id"] == f"{loaded[:12]}::3"


def test_show_returns_the_record_of_a_full_id(settings: Settings, loaded: str) -> None:
    """show gives the stored record (with the unreadable text) for a full id."""
    shown = show_quarantine(settings, f"{loaded[:12]}::4")
    assert shown["quarantine_id"] == f"{loaded[:12]}::4"
    assert shown["rule"] == "invalid_date"
    assert shown["record"]["published_date_text"] == "2021-01-07 25:00"
    assert shown["record"]["issue_title"] == "时间不存在"


def test_no_warehouse_means_nothing_quarantined(settings: Settings) -> None:
    """Before the first ingest there is nothing to list, and show says the id is unknown."""
    assert list_quarantine(settings) == []
    with pytest.raises(QuarantineLookupError, match=r"^隔离区中没有编号以“x”开头的记录"):
        show_quarantine(settings, "x")


def hold(con: duckdb.DuckDBPyConnection, quarantine_id: str, reason: str, record: dict) -> None:
    """One raw.quarantine row as the loader writes it (file 台账.xlsx, sheet 来稿)."""
    row = int(quarantine_id.rsplit(":", 1)[1])
    con.execute(
        "INSERT INTO raw.quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            quarantine_id,
            "ab" * 32,
            "台账.xlsx",
            "submissions",
            "来稿",
            row,
            "missing_id",
            reason,
            json.dumps(record, ensure_ascii=False),
            "2021-12-31 10:00:00+08",
        ],
    )


@pytest.fixture
def held(settings: Settings) -> Settings:
    """Three held rows whose ids share prefixes: ::3 is a prefix of ::30, ::12 stands alone.

    Row 3 is a footer line typed with a phone number, row 30 a phone in 界别 and an
    ID number in an extra column, as an older loader might have stored them.
    """
    with connect_writer(settings) as con:
        hold(con, "abababababab:来稿:3", "缺少稿件编号", {"title": FOOTER, "submitter_hash": HASH})
        hold(con, "abababababab:来稿:12", "缺少稿件编号", {"title": "正常标题"})
        hold(
            con,
            "abababababab:来稿:30",
            "无法解析的日期 / unparseable date: '0471-1234567'",
            {"sector": "13912343333", "extra_json": {"备注": ["身份证110101199003071234"]}},
        )
    return settings


FOOTER = "填表人：王芳 联系电话：13912342222"
# a keyed hash holding a mobile-like digit run: hashes are never masked (they must still join)
HASH = "ab13912344444cd" + "0" * 49


def test_show_takes_any_unambiguous_prefix(held: Settings) -> None:
    """A prefix naming one row shows it; a full id wins over the longer id it begins."""
    assert show_quarantine(held, "abababababab:来稿:1")["quarantine_id"] == "abababababab:来稿:12"
    assert show_quarantine(held, "abababababab:来稿:3")["quarantine_id"] == "abababababab:来稿:3"
    assert show_quarantine(held, " abababababab:来稿:30 ")["source_row"] == 30


def test_an_ambiguous_prefix_lists_the_candidates(held: Settings) -> None:
    """A prefix of several ids fails in Chinese first and names each of them."""
    with pytest.raises(QuarantineLookupError) as caught:
        show_quarantine(held, "abab")
    message = str(caught.value)
    assert message.startswith("编号“abab”对应多条隔离记录")
    assert "abababababab:来稿:12、abababababab:来稿:3、abababababab:来稿:30" in message
    assert " / 'abab' matches 3 quarantined rows" in message


def test_an_unknown_id_says_where_to_find_the_ids(held: Settings) -> None:
    """An id no row begins with fails, pointing to sqmy quarantine list."""
    with pytest.raises(QuarantineLookupError, match="请用 sqmy quarantine list 查看完整编号"):
        show_quarantine(held, "cd")


def test_phone_and_id_numbers_are_masked_when_shown(held: Settings) -> None:
    """A footer line, a phone typed into 界别, an ID in an extra column and a number quoted in the
    reason are shown masked; the keyed hash is left as it is."""
    footer = show_quarantine(held, "abababababab:来稿:3")
    assert footer["record"] == {
        "title": "填表人：王芳 联系电话：139****2222",
        "submitter_hash": HASH,
    }
    wrong_column = show_quarantine(held, "abababababab:来稿:30")
    assert wrong_column["record"] == {
        "sector": "139****3333",
        "extra_json": {"备注": ["身份证110101********1234"]},
    }
    assert wrong_column["reason"] == "无法解析的日期 / unparseable date: '0471-***4567'"
    listed = {row["source_row"]: row["reason"] for row in list_quarantine(held)}
    assert listed[30] == "无法解析的日期 / unparseable date: '0471-***4567'"


def test_held_rows_are_stored_masked() -> None:
    """The loader's quarantine rows mask numbers in the record and the reason before storing."""
    frame = pd.DataFrame(
        {
            "source_sheet": ["来稿"],
            "source_row": [7],
            "title": [FOOTER],
            "_received_date_text": ["13912345555"],
            "submitter_hash": [HASH],
        }
    )
    failed = pd.DataFrame(
        {"rule": ["invalid_date"], "reason": ["收稿日期无法解析: '13912345555'"]}, index=[0]
    )
    stored = held_rows("ef" * 32, "台账.xlsx", "submissions", frame, failed)
    assert stored["quarantine_id"].tolist() == ["efefefefefef:来稿:7"]
    assert stored["reason"].tolist() == ["收稿日期无法解析: '139****5555'"]
    assert json.loads(stored["record_json"][0]) == {
        "source_row": 7,
        "title": "填表人：王芳 联系电话：139****2222",
        "received_date_text": "139****5555",
        "submitter_hash": HASH,
    }


def test_a_busy_warehouse_gives_a_clear_message(settings: Settings, loaded: str) -> None:
    """While another process writes, the reader gives up after its wait with 'warehouse busy'."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "sys.stdin.read()",
            str(settings.warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseBusy, match="warehouse busy"):
            list_quarantine(settings, wait_s=0.5)
    finally:
        holder.communicate("", timeout=30)


def test_clashing_ids_from_one_json_record_are_made_unique() -> None:
    """Rows of several tables, or several feedback items, from one record get distinct ids."""
    held = pd.DataFrame(
        {
            "quarantine_id": ["abc::7", "abc::7", "abc::7", "abc::8"],
            "table_kind": ["submissions", "feedback", "feedback", "feedback"],
        }
    )
    assert with_unique_ids(held)["quarantine_id"].tolist() == [
        "abc::7:submissions",
        "abc::7:feedback:1",
        "abc::7:feedback:2",
        "abc::8",
    ]
