"""A CSV loaded in chunks: the same rows and quarantine as in one piece, one transaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from sqmy_etl.config import Limits, Settings
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest import batches as batching
from sqmy_etl.ingest import transaction
from sqmy_etl.ingest.load import ingest_file
from sqmy_etl.ingest.readers import read_file
from sqmy_etl.ingest.results import FileResult
from sqmy_etl.validate import runner

WHOLE = 10**9  # a chunk size no test file reaches: the file is read in one piece

# Title row, blank rows, a quoted field over three lines, rows the suite holds back
# (no id, impossible date), a 合计 row in the middle of the data and trailing 合计 / 总计
# rows to skip (CONTRACT §1: totals anywhere are skipped), and a column without a
# header that holds data in one row only.
LEDGER = (
    "2021年社情民意信息来稿台账,,,,,\n"
    "稿件编号,收稿日期,报送人,内容摘要,{extra},\n"
    "NM-1,2021-03-01,张三,正常,急,\n"
    ",2021-03-02,李四,缺编号,,\n"
    "\n"
    'NM-3,2021-03-03,王五,"第一行\n第二行\n第三行",,\n'
    "合计,3篇,,,,\n"
    "NM-5,2021-02-30,赵六,不存在的日期,,\n"
    ",,,,,\n"
    "NM-6,2021-03-06,,,,溢出\n"
    "NM-7,,,缺日期,,\n"
    "NM-8,2021年3月8日,,正常,缓,\n"
    "合计,8篇,,,,\n"
    "\n"
    "总计,8篇,,,,\n"
)
# The unnamed second column holds data in one row only, so in the whole table the
# second "column" is named column_3 (column_2 is taken), in every row.
COLUMN_TWICE = (
    "稿件编号,,收稿日期,column,column\n"
    "NM-1,,2021-03-01,a,b\n"
    "NM-2,,2021-03-02,a,b\n"
    "NM-3,隐藏,2021-03-03,a,b\n"
    "NM-4,,2021-03-04,a,b\n"
)
LEDGERS = [
    pytest.param(LEDGER.format(extra="备注"), True, id="clerk's ledger"),
    pytest.param(LEDGER.format(extra="column_6"), False, id="header column_6"),
    pytest.param(COLUMN_TWICE, False, id="header column twice"),
]


@pytest.fixture(autouse=True)
def _ingest_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMY_TODAY", "2021-12-31")


def _rows(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _contents(settings: Settings) -> dict[str, list[tuple]]:
    """Every row of the file's tables in stored order (the quarantine's stamp aside)."""
    found = {
        table: _rows(settings, f"SELECT * FROM raw.{table} ORDER BY rowid")
        for table in ("submissions", "file_notes")
    }
    found["quarantine"] = _rows(
        settings, "SELECT * EXCLUDE (quarantined_at) FROM raw.quarantine ORDER BY rowid"
    )
    found["ingest_files"] = _rows(
        settings,
        "SELECT status, file_format, encoding, rows_loaded, rows_quarantined FROM raw.ingest_files",
    )
    return found


def _ingest(
    settings: Settings, source: Path, chunk_rows: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[FileResult, int]:
    """Ingest with ``chunk_rows`` rows a chunk; also returns how many batches were loaded."""
    batches = []
    load_batch = batching.load_batch

    def counted(*args: object) -> None:
        batches.append(1)
        load_batch(*args)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(transaction, "CHUNK_ROWS", chunk_rows)
        patch.setattr(batching, "load_batch", counted)
        result = ingest_file(settings, source)
    return result, len(batches)


@pytest.mark.parametrize(("text", "streamed"), LEDGERS)
@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 4])
def test_chunks_load_exactly_what_the_whole_file_loads(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk_rows: int,
    text: str,
    streamed: bool,
) -> None:
    """Rows, quarantine (ids, rules, records), counts and row order match a one-piece load.

    Small chunks put total-looking rows and held-back rows at every chunk
    boundary; a header named like a generated ``column_N`` name makes the
    names depend on the rows, so that table is read in one piece.
    """
    source = tmp_path / "来稿.csv"
    source.write_text(text, encoding="utf-8")
    whole_settings = replace(settings, home=tmp_path / "whole")
    whole_settings.ensure_dirs()
    whole, whole_batches = _ingest(whole_settings, source, WHOLE, monkeypatch)
    chunked, batches = _ingest(settings, source, chunk_rows, monkeypatch)
    assert whole_batches == 1
    assert (batches > 1) if streamed else (batches == 1)
    assert (chunked.status, chunked.rows_loaded, chunked.rows_quarantined) == (
        whole.status,
        whole.rows_loaded,
        whole.rows_quarantined,
    )
    assert _contents(settings) == _contents(whole_settings)


def test_the_ledgers_hold_what_chunks_must_keep(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixtures above really hold back rows, carry extra columns and rename a column."""
    ledger = tmp_path / "来稿.csv"
    ledger.write_text(LEDGER.format(extra="备注"), encoding="utf-8")
    _ingest(settings, ledger, 2, monkeypatch)
    held = _rows(settings, "SELECT source_row, rule FROM raw.quarantine ORDER BY rowid")
    assert held == [
        (4, "missing_id"),  # the 合计 row 9 in the middle is skipped, not held back
        (10, "invalid_date"),
        (13, "missing_date"),
    ]
    extras = _rows(
        settings, "SELECT extra_json FROM raw.submissions WHERE extra_json NOTNULL ORDER BY rowid"
    )
    assert extras == [('{"备注": "急"}',), ('{"column_6": "溢出"}',), ('{"备注": "缓"}',)]
    twice = tmp_path / "twice.csv"
    twice.write_text(COLUMN_TWICE, encoding="utf-8")
    _ingest(settings, twice, 2, monkeypatch)
    sql = "SELECT DISTINCT extra_json FROM raw.submissions WHERE source_row <> 4"
    assert _rows(settings, sql + " AND extra_json LIKE '%column_3%'") == [
        ('{"column": "a", "column_3": "b"}',)
    ]


def _preload(settings: Settings, tmp_path: Path) -> str:
    """A first, good file already in the warehouse; returns its sha256."""
    first = tmp_path / "first.csv"
    first.write_text("稿件编号,收稿日期\nNM-0,2021-01-01\n,2021-01-02\n", encoding="utf-8")
    result = ingest_file(settings, first)
    assert (result.status, result.total_loaded, result.rows_quarantined) == ("loaded", 1, 1)
    return result.sha256


def _assert_rejected_and_absent(
    settings: Settings, result: FileResult, reason: str, first_sha: str
) -> None:
    """Rejected with ``reason`` and the next ingest_seq; no row or archive copy of it is left."""
    assert (result.status, result.reason) == ("rejected", reason)
    for table in ("submissions", "quarantine", "file_notes"):
        sql = f"SELECT count(*) FROM raw.{table} WHERE ingest_file_sha256 = ?"
        assert _rows(settings, sql, [result.sha256]) == [(0,)], table
    assert _rows(settings, "SELECT count(*) FROM raw.submissions") == [(1,)]
    assert _rows(settings, "SELECT count(*) FROM raw.quarantine") == [(1,)]
    manifest = _rows(
        settings, "SELECT file_sha256, ingest_seq, status, reason FROM raw.ingest_files ORDER BY 2"
    )
    assert manifest[0][:3] == (first_sha, 1, "loaded")
    assert manifest[1] == (result.sha256, 2, "rejected", reason)  # no ingest_seq lost
    assert not list(settings.archive.rglob(f"{result.sha256}*"))
    assert (settings.rejected / "late.csv").exists()


def _late_problem_file(tmp_path: Path, rows: int, last: str) -> Path:
    """``rows`` rows, some held back, then ``last`` as the final line."""
    body = "".join(
        f"NM-{i},{'2021-02-30' if i % 3 == 0 else '2021-03-01'},正常\n" for i in range(rows)
    )
    source = tmp_path / "late.csv"
    source.write_text("稿件编号,收稿日期,内容摘要\n" + body + last, encoding="utf-8")
    return source


def test_a_field_too_large_in_a_later_chunk_rejects_the_whole_file(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks already inserted (rows and quarantine) are rolled back; the reason is the same."""
    first_sha = _preload(settings, tmp_path)
    settings = replace(settings, limits=Limits(max_field_bytes=300))
    source = _late_problem_file(tmp_path, 10, f"NM-X,2021-03-01,{'字' * 101}\n")
    with pytest.raises(FileRejected) as whole:
        read_file(source, settings.limits)
    assert "row 12, column 3" in whole.value.reason
    result, batches = _ingest(settings, source, 3, monkeypatch)
    assert batches == 3  # three chunks were in the transaction when the fourth failed
    _assert_rejected_and_absent(settings, result, whole.value.reason, first_sha)


@pytest.mark.parametrize("read_error_later", [False, True])
def test_a_table_level_failure_in_a_later_chunk_rejects_the_whole_file(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    read_error_later: bool,
) -> None:
    """A failed table-level expectation rejects the file as it is; a read error further on
    is still the reason given, as it was when the whole file was read before validating."""
    first_sha = _preload(settings, tmp_path)
    settings = replace(settings, limits=Limits(max_field_bytes=300))
    last = f"NM-X,2021-03-01,{'字' * 101}\n" if read_error_later else ""
    source = _late_problem_file(tmp_path, 10, last)
    validate = runner.validate_rows
    calls = []

    def table_fails_second_time(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise FileRejected("表级检查失败 / table-level expectation failed")
        return validate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "validate_rows", table_fails_second_time)
    result, _ = _ingest(settings, source, 3, monkeypatch)
    if read_error_later:
        with pytest.raises(FileRejected) as whole:
            read_file(source, settings.limits)
        reason = whole.value.reason
    else:
        reason = "表级检查失败 / table-level expectation failed"
    _assert_rejected_and_absent(settings, result, reason, first_sha)
