"""The data-quality report's sections on deliveries: skipped rows, possible undeclared
replacements, which delivery won, ambiguous 批示 pairs — on one small hand-made warehouse.

Raw rows are written with SQL (the raw layer is what ingest fills), then dbt builds
the views. Deliveries, in order (ingest_seq):
  1 2021年来稿台账.xlsx      submissions A01–A05; skipped: row 7 合计, row 9 a footer line
                             stored with its phone in clear (as an older loader did)
  2 赤峰市政协报送汇总.xlsx  submissions A01–A04, B01: 4 of file 1's 5 ids = 80 %
  3 export.json              submissions A01–A05 and issue 2021-001: other kinds, never listed
  4 编发台账.xlsx            issues 2021-001..003; replaced at seq 5 by file 5
  5 编发台账-新.xlsx         issues 2021-001..003
  6 领导批示汇总.xlsx        issues 2021-001, 2021-002, 2021-004: 2 of file 5's 3 = 67 %
  7 2021年来稿台账(备份).xlsx submissions A01–A05, a skipped footer; retracted at seq 8
  9 批示台账.xlsx            feedback on 2021-001, 2021-05-01: 副主席 自治区级, and one with
                             post and level blank (neither clearly one nor two 批示)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from sqmy_etl.config import Settings
from sqmy_etl.quality.report import write_quality_report
from sqmy_etl.transform.build import run_transform
from sqmy_etl.warehouse.db import connect_writer
from tests.unit.homes import scratch_home

LEDGER = "2021年来稿台账.xlsx"
UNRELATED = "赤峰市政协报送汇总.xlsx"
EXPORT = "export.json"
ISSUES_OLD = "编发台账.xlsx"
ISSUES_NEW = "编发台账-新.xlsx"
ISSUES_OTHER = "领导批示汇总.xlsx"
BACKUP = "2021年来稿台账(备份).xlsx"
FEEDBACK = "批示台账.xlsx"
FOOTER_AS_STORED = "填表人：王* | 联系电话：13912342222"


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def insert(con: duckdb.DuckDBPyConnection, table: str, **values: Any) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    con.execute(f"INSERT INTO raw.{table} ({columns}) VALUES ({marks})", list(values.values()))


def deliver(con: duckdb.DuckDBPyConnection, seq: int, name: str, kinds: str, rows: int) -> None:
    insert(
        con,
        "ingest_files",
        file_sha256=sha(name),
        ingest_seq=seq,
        original_name=name,
        size_bytes=1000,
        file_format=name.rsplit(".", 1)[-1],
        status="loaded",
        rows_loaded=rows,
        ingested_at=f"2022-03-0{min(seq, 9)} 10:00:00+08",
        data_rows=rows,
        table_kinds=kinds,
    )


def submissions(con: duckdb.DuckDBPyConnection, seq: int, name: str, ids: list[str]) -> None:
    deliver(con, seq, name, "submissions", len(ids))
    for row, submission_id in enumerate(ids, start=2):
        insert(
            con,
            "submissions",
            ingest_file_sha256=sha(name),
            ingest_seq=seq,
            source_sheet="来稿",
            source_row=row,
            submission_id=submission_id,
            received_date="2021-03-18",
        )


def issues(con: duckdb.DuckDBPyConnection, seq: int, name: str, seqs: list[int]) -> None:
    for row, number in enumerate(seqs, start=2):
        insert(
            con,
            "issues",
            ingest_file_sha256=sha(name),
            ingest_seq=seq,
            source_sheet="编发",
            source_row=row,
            issue_id=f"2021-{number:03d}",
            issue_year=2021,
            issue_seq=number,
            issue_no_raw=f"2021年第{number}期",
            published_date="2021-04-02",
        )


def skipped(con: duckdb.DuckDBPyConnection, name: str, row: int, why: str, text: str) -> None:
    insert(
        con,
        "skipped_rows",
        ingest_file_sha256=sha(name),
        original_name=name,
        source_sheet="来稿",
        source_row=row,
        why=why,
        row_text=text,
    )


def change(con: duckdb.DuckDBPyConnection, name: str, what: str, seq: int, by: str | None) -> None:
    insert(
        con,
        "delivery_changes",
        file_sha256=sha(name),
        change=what,
        by_file_sha256=sha(by) if by else None,
        ingest_seq=seq,
        reason="测试 / test",
        changed_at="2022-03-05 10:00:00+08",
    )


def load(con: duckdb.DuckDBPyConnection) -> None:
    five = ["A01", "A02", "A03", "A04", "A05"]
    submissions(con, 1, LEDGER, five)
    skipped(con, LEDGER, 7, "total", "合计 | 5篇")
    skipped(con, LEDGER, 9, "footer", FOOTER_AS_STORED)
    submissions(con, 2, UNRELATED, ["A01", "A02", "A03", "A04", "B01"])
    submissions(con, 3, EXPORT, five)
    issues(con, 3, EXPORT, [1])
    con.execute(
        "UPDATE raw.ingest_files SET table_kinds = 'issues,submissions', data_rows = 6 "
        "WHERE file_sha256 = ?",
        [sha(EXPORT)],
    )
    for seq, name, numbers in [
        (4, ISSUES_OLD, [1, 2, 3]),
        (5, ISSUES_NEW, [1, 2, 3]),
        (6, ISSUES_OTHER, [1, 2, 4]),
    ]:
        deliver(con, seq, name, "issues", len(numbers))
        issues(con, seq, name, numbers)
    change(con, ISSUES_OLD, "replaced", 5, ISSUES_NEW)
    submissions(con, 7, BACKUP, five)
    skipped(con, BACKUP, 8, "footer", "审核人：李* 电话：13700001111")
    change(con, BACKUP, "retracted", 8, None)
    deliver(con, 9, FEEDBACK, "feedback", 2)
    for row, post, level in [(2, "副主席", "自治区级"), (3, None, None)]:
        insert(
            con,
            "feedback",
            ingest_file_sha256=sha(FEEDBACK),
            ingest_seq=9,
            source_sheet="批示",
            source_row=row,
            issue_no_raw="2021年第1期",
            issue_year=2021,
            issue_seq=1,
            feedback_type="批示",
            level=level,
            post=post,
            feedback_date="2021-05-01",
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The deliveries above, transformed once."""
    with scratch_home(tmp_path_factory, "quality", "2022-03-10") as settings:
        with connect_writer(settings) as con:
            load(con)
        run_transform(settings)
        yield settings


def view(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def section(html: str, title: str) -> str:
    """The HTML from the heading that starts with ``title`` to the next heading."""
    match = re.search(rf"<h2>{re.escape(title)}.*?</h2>(.*?)(?=<h2>|</body>)", html, re.S)
    assert match is not None, title
    return match.group(1)


@pytest.fixture(scope="module")
def html(built: Settings) -> str:
    return write_quality_report(built).read_text("utf-8")


def test_only_an_unrelated_later_file_with_most_ids_is_a_possible_replacement(
    built: Settings,
) -> None:
    """File 2 holds 4 of file 1's 5 ids (80 %); the export (other kinds), the replaced and the
    retracted files, and file 6 (2 of 3) are not listed."""
    assert view(
        built,
        "SELECT earlier_file, later_file, table_kinds, shared_ids, earlier_ids, "
        "share_of_earlier_ids, earlier_file_sha256 FROM quality.dq_possible_replacements",
    ) == [(LEDGER, UNRELATED, "submissions", 4, 5, 0.8, sha(LEDGER))]


def test_skipped_rows_of_counting_deliveries_are_listed(built: Settings) -> None:
    """Both skipped rows of file 1 are in the view; the retracted backup's row is not."""
    assert view(
        built,
        "SELECT original_name, source_sheet, source_row, why, row_text "
        "FROM quality.dq_skipped_rows",
    ) == [
        (LEDGER, "来稿", 7, "total", "合计 | 5篇"),
        (LEDGER, "来稿", 9, "footer", FOOTER_AS_STORED),
    ]


def test_report_lists_skipped_rows_masked(html: str) -> None:
    """Section 八 shows file, sheet, row, kind and the text with the phone masked."""
    rows = section(html, "八、跳过的行")
    num = '<td class="num">'
    assert (
        f"<td>{LEDGER}</td><td>来稿</td>{num}7</td><td>小计／合计行</td><td>合计 | 5篇</td>" in rows
    )
    assert (
        f"<td>{LEDGER}</td><td>来稿</td>{num}9</td><td>表尾说明行</td>"
        "<td>填表人：王* | 联系电话：139****2222</td>"
    ) in rows
    assert "13912342222" not in html and "13700001111" not in html
    assert BACKUP not in rows


def test_report_lists_the_possible_replacement_with_what_to_do(html: str) -> None:
    """Section 九 names both files, the kinds, 4 of 5 ids, 80.0 % and the retract command."""
    rows = section(html, "九、疑似未声明的替换")
    num = '<td class="num">'
    assert (
        f"<td>{LEDGER}</td><td>{sha(LEDGER)[:12]}</td><td>{UNRELATED}</td><td>来稿</td>"
        f"{num}4</td>{num}5</td>{num}80.0%</td>"
    ) in rows
    assert "sqmy retract" in rows
    assert rows.count("<tr>") == 2  # the header and one pair


def test_report_says_which_delivery_won(html: str) -> None:
    """Section 十 groups ids by the file whose version counts: A01–A04 came in three files,
    A05 in two, the export delivered last; the retracted backup is not among them."""
    rows = section(html, "十、多次交付的编号")
    assert (
        f"<td>来稿</td><td>{EXPORT}</td><td>{LEDGER}、{UNRELATED}</td>"
        '<td class="num">4</td><td>A01、A02、A03、A04</td>'
    ) in rows
    assert f'<td>来稿</td><td>{EXPORT}</td><td>{LEDGER}</td><td class="num">1</td><td>A05</td>' in (
        rows
    )
    assert BACKUP not in rows


def test_report_lists_the_ambiguous_feedback_pair(html: str) -> None:
    """Section 十一 shows the 2021-001 pair of 2021-05-01 where one side has no post."""
    rows = section(html, "十一、难以判断是否为同一条的批示")
    assert "<td>2021-001</td><td>批示</td><td>2021-05-01</td>" in rows
    assert "<td>一方未写职务</td>" in rows
    assert "<td>副主席</td>" in rows
