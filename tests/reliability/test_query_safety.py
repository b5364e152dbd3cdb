"""`sqmy query` against hostile SQL: refused with a message, non-zero exit, nothing written.

tests/unit/test_query.py covers run_query with six statements; here the CLI is
driven with the wider set an attacker would try, on real published marts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import sqmy

HOSTILE = {
    "attach_new_file": "ATTACH '{tmp}/new.duckdb' AS x",
    "attach_warehouse": "ATTACH '{warehouse}' AS w (READ_ONLY)",
    "copy_to_outside": "COPY (SELECT * FROM fct_submissions) TO '{tmp}/leak.csv'",
    "export_database": "EXPORT DATABASE '{tmp}/export'",
    "install_extension": "INSTALL httpfs",
    "load_extension": "LOAD httpfs",
    "read_passwd": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('{warehouse}')",
    "read_parquet_path": "SELECT * FROM '{published_dir}/parquet/fct_submissions.parquet'",
    "reenable_access": "SET enable_external_access = true",
    "unlock_configuration": "SET lock_configuration = false",
    "create_table": "CREATE TABLE evil AS SELECT 1 AS a",
    "insert": "INSERT INTO dim_theme (theme_l1) VALUES ('x')",
    "drop": "DROP TABLE fct_submissions",
    "two_statements": "SELECT 1; SELECT * FROM read_csv('/etc/passwd')",
    "two_statements_write": "SELECT 1; CREATE TABLE evil AS SELECT 1 AS a",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_sql_is_refused_and_writes_nothing(
    pipeline: dict[str, Any], tmp_path: Path, name: str
) -> None:
    """The statement fails with a plain error message (no traceback), the published file is
    byte-identical afterwards and no file appears where the SQL tried to write."""
    home: Path = pipeline["home"]
    sql = HOSTILE[name].format(
        tmp=tmp_path, warehouse=pipeline["warehouse"], published_dir=home / "published"
    )
    before = digest(pipeline["published"])
    done = sqmy(pipeline["env"], "query", sql, "--format", "csv", timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "error" in done.stderr
    assert "Traceback" not in done.stderr
    assert "root:" not in done.stdout  # /etc/passwd content never printed
    assert digest(pipeline["published"]) == before
    assert list(tmp_path.iterdir()) == []


def test_an_ordinary_query_still_works(pipeline: dict[str, Any]) -> None:
    """The hardening leaves analysts their SELECT: the headline figure comes back as CSV."""
    done = sqmy(
        pipeline["env"],
        "query",
        "SELECT issues_published FROM mart_period_summary "
        "WHERE period_type = 'year' AND period_label = '2021' AND theme_l1 = '全部'",
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    issues = pipeline["truth"]["headline"]["issues_published"]
    assert done.stdout == f"issues_published\n{issues}\n"
