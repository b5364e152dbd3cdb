"""Read-only SQL on the published marts (``sqmy query``), and result formatting.

Queries run on ``published/marts.duckdb`` opened read-only, with file system
access, extension loading and configuration changes switched off: an analyst's
SQL can read the marts and nothing else (no ATTACH of the working warehouse,
no COPY TO, no read_csv of other files, no INSTALL).
"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date, datetime
from datetime import time as dt_time
from decimal import Decimal
from typing import Any, Literal

from sqmy_etl.config import Settings

OutputFormat = Literal["table", "csv", "json"]

HARDENED_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
OPEN_ATTEMPTS = 5
OPEN_RETRY_S = 0.2


class QueryError(RuntimeError):
    """The query could not run; the message is meant for the analyst."""


def _connect(settings: Settings) -> Any:
    """Open the published file read-only; retry briefly in case it is being swapped."""
    import duckdb

    path = settings.published
    if not path.exists():
        raise QueryError(f"no published marts at {path}: run `sqmy transform` first")
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return duckdb.connect(str(path), read_only=True, config=HARDENED_CONFIG)
        except duckdb.IOException as exc:
            if attempt == OPEN_ATTEMPTS:
                raise QueryError(f"cannot open {path}: {exc}") from exc
            time.sleep(OPEN_RETRY_S)
    raise AssertionError("unreachable")


def run_query(settings: Settings, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql`` on the published marts."""
    import duckdb

    con = _connect(settings)
    try:
        # one statement only: a harmless SELECT must not smuggle a second command behind it
        if len(con.extract_statements(sql)) != 1:
            raise QueryError("只允许一条 SQL 语句 / exactly one SQL statement is allowed")
        cursor = con.execute(sql)
        if cursor.description is None:
            return [], []
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from exc
    finally:
        con.close()


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly form of a DuckDB value (dates ISO, decimals as floats)."""
    if isinstance(value, datetime | date | dt_time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    plain = _plain(value)
    return json.dumps(plain, ensure_ascii=False) if isinstance(plain, list | dict) else str(plain)


def format_result(columns: list[str], rows: list[tuple], fmt: OutputFormat = "table") -> str:
    """Render a result as a rich table, CSV (header first) or a JSON array of objects."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_as_text(v) for v in row] for row in rows)
        return buffer.getvalue()
    if fmt == "json":
        records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*("NULL" if v is None else _as_text(v) for v in row))
        # Wide enough that rich never folds a cell; the table keeps its natural width.
        console = Console(file=io.StringIO(), width=1000, color_system=None)
        console.print(table)
        return console.file.getvalue()
    raise ValueError(f"unknown format {fmt!r}: use table, csv or json")
