"""``sqmy query``: read-only SQL on the published marts, hardened, and its output formats."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.query import QueryError, format_result, run_query


@pytest.fixture
def published(settings: Settings) -> Settings:
    """A published file with one small mart, and a working warehouse beside it."""
    con = duckdb.connect(str(settings.published))
    con.execute(
        "CREATE TABLE dim_region AS SELECT * FROM "
        "(VALUES ('150400', '赤峰市'), ('150500', '通辽市')) t(region_code, region_name)"
    )
    con.close()
    con = duckdb.connect(str(settings.warehouse))
    con.execute("CREATE TABLE secret AS SELECT 'raw row' AS content")
    con.close()
    return settings


def test_query_returns_columns_and_rows(published: Settings):
    """A SELECT on the published file returns its column names and rows."""
    columns, rows = run_query(published, "SELECT * FROM dim_region ORDER BY region_code")
    assert columns == ["region_code", "region_name"]
    assert rows == [("150400", "赤峰市"), ("150500", "通辽市")]


@pytest.mark.parametrize(
    "template",
    [
        "ATTACH '{warehouse}' AS w",
        "COPY dim_region TO '{out}'",
        "SELECT * FROM read_csv('{csv}')",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "CREATE TABLE main.x AS SELECT 1 AS a",
    ],
)
def test_query_cannot_reach_beyond_the_marts(published: Settings, tmp_path: Path, template: str):
    """ATTACH, COPY TO, reading other files, INSTALL, re-enabling access and writes are refused."""
    csv = tmp_path / "other.csv"
    csv.write_text("a\n1\n")
    out = tmp_path / "out.csv"
    sql = template.format(warehouse=published.warehouse, out=out, csv=csv)
    with pytest.raises(QueryError):
        run_query(published, sql)
    assert not out.exists()


def test_query_without_published_marts_says_what_to_do(settings: Settings):
    """Before the first transform the error tells the analyst to run sqmy transform."""
    with pytest.raises(QueryError, match="sqmy transform"):
        run_query(settings, "SELECT 1")


COLUMNS = ["period_label", "theme_l1", "instruction_rate", "period_start"]
ROWS = [("2021", "民生", 0.25, date(2021, 1, 1)), ("2021", "其他", None, date(2021, 1, 1))]


def test_csv_output_has_a_header_and_empty_nulls():
    """CSV: header row, ISO dates, NULL as an empty field, Chinese kept as is."""
    assert format_result(COLUMNS, ROWS, "csv") == (
        "period_label,theme_l1,instruction_rate,period_start\n"
        "2021,民生,0.25,2021-01-01\n"
        "2021,其他,,2021-01-01\n"
    )


def test_json_output_is_an_array_of_objects():
    """JSON: one object per row, dates ISO, NULL as null."""
    assert json.loads(format_result(COLUMNS, ROWS, "json")) == [
        {
            "period_label": "2021",
            "theme_l1": "民生",
            "instruction_rate": 0.25,
            "period_start": "2021-01-01",
        },
        {
            "period_label": "2021",
            "theme_l1": "其他",
            "instruction_rate": None,
            "period_start": "2021-01-01",
        },
    ]


def test_table_output_shows_headers_values_and_null():
    """Table: every header and value appears, NULL spelled out."""
    text = format_result(COLUMNS, ROWS, "table")
    for token in [*COLUMNS, "民生", "其他", "0.25", "2021-01-01", "NULL"]:
        assert token in text


def test_unknown_format_is_rejected():
    """An unknown format name raises instead of printing something else."""
    with pytest.raises(ValueError, match="xml"):
        format_result(COLUMNS, ROWS, "xml")  # type: ignore[arg-type]
