"""Privacy (PIPL): no planted phone, ID-card number or submitter name anywhere the pipeline
writes — published marts and Parquet, reports (HTML, PDF, XLSX), the data-quality report,
logs, every warehouse table — and the HMAC key never lives beside the data."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.readers import read_file
from tests.reliability.conftest import fetch, home_env, sqmy

PII_FIELDS = ("submitter", "phone", "id_card")
# originals are kept on purpose (CONTRACT §1); generated/ is the test's own input
ALLOWED_ORIGINALS = ("archive", "rejected", "generated")


def planted_values(ledgers: list[Path]) -> set[str]:
    """Every submitter name, phone and ID-card number written into the readable ledgers."""
    found: set[str] = set()
    for path in ledgers:
        try:
            read = read_file(path, Limits())
        except FileRejected:
            continue  # a rejected file is only ever kept byte-identical in rejected/
        for table in read.tables:
            for field in PII_FIELDS:
                if field not in table.columns:
                    continue
                column = table.columns.index(field)
                for row in table.rows:
                    value = row[column] if column < len(row) else None
                    if value is None:
                        continue
                    text = unicodedata.normalize("NFKC", str(value)).strip()
                    if field == "phone":
                        text = re.sub(r"[^0-9]", "", text)[-11:]
                    if len(text) >= 2:
                        found.add(text)
    return found


def duckdb_text(path: Path) -> str:
    """Every row of every table and view of a DuckDB file, as text."""
    relations = fetch(
        path,
        "SELECT database_name, schema_name, table_name FROM duckdb_tables() "
        "UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views() "
        "WHERE NOT internal",
    )
    parts = []
    for db, schema, name in relations:
        parts.append(repr(fetch(path, f'SELECT * FROM "{db}"."{schema}"."{name}"')))
    return "\n".join(parts)


def file_text(path: Path) -> str:
    """The readable content of one output file, by format."""
    suffix = path.suffix.lower()
    if suffix == ".duckdb":
        return duckdb_text(path)
    if suffix == ".parquet":
        import duckdb

        return repr(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall())
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        return "\n".join(repr(list(sheet.iter_rows(values_only=True))) for sheet in book)
    data = path.read_bytes()
    return data.decode("utf-8", "ignore") + data.decode("gb18030", "ignore")


def outputs(home: Path) -> list[Path]:
    return [
        p
        for p in sorted(home.rglob("*"))
        if p.is_file()
        and p.relative_to(home).parts[0] not in ALLOWED_ORIGINALS
        and not p.name.endswith((".wal", ".lock"))
    ]


def test_no_planted_personal_data_anywhere_the_pipeline_writes(pipeline: dict[str, Any]) -> None:
    """Zero hits for every planted name, phone and ID number in published/, reports/, logs/,
    the quality report, dbt's output and a dump of every warehouse table."""
    planted = planted_values(pipeline["ledgers"])
    assert len(planted) > 100  # the scan looks for something real
    home: Path = pipeline["home"]
    scanned = outputs(home)
    kinds = {p.suffix for p in scanned}
    assert {".duckdb", ".parquet", ".pdf", ".xlsx", ".html"} <= kinds
    assert pipeline["quality_report"] in scanned
    names = {p.name for p in scanned}
    assert {"社情民意信息工作通报_2021-Q2.xlsx", "社情民意信息工作年度考核_2021.html"} <= names
    assert any(p.is_relative_to(home / "logs") for p in scanned)
    hits = []
    for path in scanned:
        text = file_text(path)
        hits += [(str(path.relative_to(home)), v) for v in planted if v in text]
    assert hits == []


def test_the_pii_key_is_never_inside_the_warehouse_or_published_folders(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    """The key used is outside SQMY_HOME/warehouse and published/, and no file there holds its
    bytes; pointing the key file into warehouse/ makes ingest refuse to run."""
    home: Path = pipeline["home"]
    key_file = Path(pipeline["env"]["SQMY_PII_KEY_FILE"])
    key = key_file.read_text("ascii").strip()
    assert not key_file.is_relative_to(home / "warehouse")
    assert not key_file.is_relative_to(home / "published")
    for folder in ("warehouse", "published"):
        for path in (home / folder).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert key.encode() not in data and bytes.fromhex(key) not in data, path

    env = home_env(tmp_path)
    env["SQMY_PII_KEY_FILE"] = str(Path(env["SQMY_HOME"]) / "warehouse" / "pii.key")
    refused = sqmy(env, "ingest", str(pipeline["ledgers"][0]))
    assert refused.returncode != 0
    assert "must never travel with the data" in refused.stderr
    assert not Path(env["SQMY_PII_KEY_FILE"]).exists()


def _distinct(ids: list[str]) -> set[str]:
    """Submissions, not spellings: CONTRACT §1 says ids match after upper-casing and removing
    spaces, '-', '_' and '/' (the messy ledgers re-type some ids on re-delivery)."""
    return {"".join(ch for ch in i.upper() if ch not in " -_/") for i in ids}


@pytest.fixture(scope="module")
def erased(pipeline: dict[str, Any]) -> dict[str, Any]:
    """Erase the submitter with the most submissions via `sqmy erase`; keep what they had."""
    warehouse = pipeline["warehouse"]
    (person, submissions) = fetch(
        warehouse,
        "SELECT submitter_hash, count(DISTINCT submission_id) FROM raw.submissions "
        "WHERE submitter_hash IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )[0]
    ids = [
        r[0]
        for r in fetch(
            warehouse,
            "SELECT DISTINCT submission_id FROM raw.submissions WHERE submitter_hash = ?",
            [person],
        )
    ]
    done = sqmy(pipeline["env"], "erase", "--submitter-hash", person)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"hash": person, "ids": ids, "submissions": submissions, "done": done}


def test_erase_removes_the_person_from_raw_quarantine_and_marts(
    pipeline: dict[str, Any], erased: dict[str, Any]
) -> None:
    """After `sqmy erase`, no raw row, quarantine record, snapshot row or published submission
    carries the person, and the year's submissions_received dropped by their submissions."""
    warehouse, published, person = pipeline["warehouse"], pipeline["published"], erased["hash"]
    ids = erased["ids"]
    assert erased["submissions"] >= 1
    marks = ",".join("?" * len(ids))
    assert fetch(
        warehouse,
        "SELECT count(*) FROM raw.submissions "
        f"WHERE submitter_hash = ? OR submission_id IN ({marks})",
        [person, *ids],
    ) == [(0,)]
    assert fetch(
        warehouse, "SELECT count(*) FROM raw.quarantine WHERE contains(record_json, ?)", [person]
    ) == [(0,)]
    assert fetch(
        warehouse,
        "SELECT count(*) FROM snapshots.snap_submissions WHERE submitter_hash = ?",
        [person],
    ) == [(0,)]
    assert fetch(
        published,
        "SELECT count(*) FROM fct_submissions "
        f"WHERE submitter_hash = ? OR submission_id IN ({marks})",
        [person, *ids],
    ) == [(0,)]
    total = fetch(
        published,
        "SELECT submissions_received FROM mart_period_summary "
        "WHERE period_type = 'year' AND period_label = '2021' AND theme_l1 = '全部'",
    )[0][0]
    assert total == pipeline["truth"]["headline"]["submissions_received"] - len(_distinct(ids))


def test_erase_appends_an_audit_line_without_clear_personal_data(
    pipeline: dict[str, Any], erased: dict[str, Any]
) -> None:
    """One JSON line under $SQMY_HOME/audit/ names the hash, the counts and the time; no name,
    phone or ID number of any ledger appears in it."""
    lines = (pipeline["home"] / "audit" / "erasures.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["action"] == "erase_submitter"
    assert entry["submitter_hash"] == erased["hash"]
    assert entry["submission_ids"] == len(_distinct(erased["ids"]))
    assert entry["erased_submission_ids"] == sorted(erased["ids"])
    assert entry["raw_rows"] >= len(erased["ids"])
    planted = planted_values(pipeline["ledgers"])
    assert [v for v in planted if v in lines[0]] == []


def test_erase_refuses_something_that_is_not_a_hash(pipeline: dict[str, Any]) -> None:
    """A clear name instead of a hash is refused before anything is deleted."""
    done = sqmy(pipeline["env"], "erase", "--submitter-hash", "张三")
    assert done.returncode == 1
    assert "64 hex" in done.stderr
