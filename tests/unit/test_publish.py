"""publish_marts: only the marts schema reaches published/, atomically, with Parquet copies."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.publish import PublishError, publish_marts


def make_warehouse(settings: Settings, with_marts: bool = True) -> None:
    con = duckdb.connect(str(settings.warehouse))
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.submissions AS SELECT '张三' AS submitter")
    con.execute("CREATE SCHEMA staging; CREATE TABLE staging.stg AS SELECT 1 AS a")
    if with_marts:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.fct_issues AS SELECT * FROM "
            "(VALUES ('2021-001', 1), ('2021-002', 0)) t(issue_id, instruction_count)"
        )
        con.execute("CREATE TABLE marts.dim_region AS SELECT '150400' AS region_code")
    con.close()


def test_publish_copies_only_the_marts_into_the_default_schema(settings: Settings):
    """The published file holds the marts tables in main and nothing from raw or staging."""
    make_warehouse(settings)
    result = publish_marts(settings)
    assert result.row_counts == {"dim_region": 1, "fct_issues": 2}
    con = duckdb.connect(str(settings.published), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY table_name"
        ).fetchall()
        issues = con.execute("SELECT * FROM fct_issues ORDER BY issue_id").fetchall()
    finally:
        con.close()
    assert tables == [("main", "dim_region"), ("main", "fct_issues")]
    assert issues == [("2021-001", 1), ("2021-002", 0)]


def test_publish_writes_parquet_and_leaves_no_temporary_files(settings: Settings):
    """Each table gets published/parquet/<table>.parquet with its rows; no *.tmp-* remains."""
    make_warehouse(settings)
    publish_marts(settings)
    table = pq.read_table(settings.parquet_dir / "fct_issues.parquet")
    assert table.to_pylist() == [
        {"issue_id": "2021-001", "instruction_count": 1},
        {"issue_id": "2021-002", "instruction_count": 0},
    ]
    leftovers = [p.name for p in settings.published_dir.rglob("*") if ".tmp-" in p.name]
    assert leftovers == []
    assert sorted(p.name for p in settings.published_dir.iterdir()) == [
        ".parquet-sets",
        "marts.duckdb",
        "parquet",
    ]
    # published/parquet is a link to the one set just written (CONTRACT §3 path unchanged)
    assert settings.parquet_dir.is_symlink()
    assert sorted(p.name for p in settings.parquet_dir.iterdir()) == [
        "dim_region.parquet",
        "fct_issues.parquet",
    ]


def test_publish_without_marts_fails_and_keeps_the_old_file(settings: Settings):
    """A warehouse without a marts schema raises PublishError; the published file is untouched."""
    settings.published.write_bytes(b"previous")
    make_warehouse(settings, with_marts=False)
    with pytest.raises(PublishError):
        publish_marts(settings)
    assert settings.published.read_bytes() == b"previous"
    assert [p.name for p in settings.published_dir.iterdir() if ".tmp-" in p.name] == []
