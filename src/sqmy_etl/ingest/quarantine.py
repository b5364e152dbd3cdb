"""Quarantine records: built by the loader, read by ``sqmy quarantine list|show``.

A record is the normalised row (personal data already hashed and masked),
plus the text of the cells that could not be read and the parser's
message, so a clerk can find and fix the row in the original ledger.
Phone and ID numbers are masked once more in every text a record or reason
holds, when it is written and when it is shown: a footer line or a number
typed into the wrong column must not reach the screen in clear, even from a
record written by an older version.

``show`` takes the full id or any unambiguous prefix of it (ids are long:
``<sha[:12]>:<sheet>:<row>``), so a clerk can type the first characters.

DuckDB refuses a read-only connection while another process writes, so a
reader retries for a few seconds and then says plainly that the warehouse
is busy instead of showing DuckDB's lock error.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from sqmy_etl.config import Settings
from sqmy_etl.pii import redact_text
from sqmy_etl.tables import TableKind
from sqmy_etl.warehouse.db import WarehouseBusy, open_warehouse

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

READ_WAIT_S = 10.0
SHOWN_CANDIDATES = 10  # ids an ambiguous ``show`` names before "等 N 条"
_LISTED = (
    "quarantine_id",
    "original_name",
    "table_kind",
    "source_sheet",
    "source_row",
    "rule",
    "reason",
    "quarantined_at",
)


class QuarantineLookupError(LookupError):
    """``show`` got an id that names no held row, or several; the message says what to type."""


def _masked(value: Any, name: str = "") -> Any:
    """``value`` with phone / ID numbers masked in every text it holds (lists and dicts too).

    Keyed hashes (``*_hash``) are hex: they are left alone so they still join.
    """
    if isinstance(value, str):
        return value if name.endswith("_hash") else redact_text(value)
    if isinstance(value, list):
        return [_masked(item, name) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item, str(key)) for key, item in value.items()}
    return value


def _jsonable(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, list):
        return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy / pandas scalars
        return value.item()
    return value


def _record_json(row: dict[str, Any]) -> str:
    """One held row as JSON; helper columns (``_received_date_text``…) lose their ``_``."""
    record = {name.lstrip("_"): _jsonable(value) for name, value in row.items()}
    if record.get("extra_json"):
        record["extra_json"] = json.loads(record["extra_json"])
    return json.dumps(_masked(record), ensure_ascii=False)


def held_rows(
    sha256: str, original_name: str, kind: TableKind, frame: pd.DataFrame, failed: pd.DataFrame
) -> pd.DataFrame:
    """``raw.quarantine`` rows (minus ``quarantined_at``) for the ``failed`` rows of ``frame``."""
    import pandas as pd

    rows = frame.loc[failed.index]
    records = [_record_json(r) for r in rows.drop(columns=["source_sheet"]).to_dict("records")]
    return pd.DataFrame(
        {
            "quarantine_id": [
                f"{sha256[:12]}:{s}:{r}"
                for s, r in zip(rows["source_sheet"], rows["source_row"], strict=True)
            ],
            "ingest_file_sha256": sha256,
            "original_name": original_name,
            "table_kind": kind,
            "source_sheet": rows["source_sheet"].to_numpy(),
            "source_row": rows["source_row"].to_numpy(),
            "rule": failed["rule"].to_numpy(),
            "reason": [redact_text(reason) for reason in failed["reason"]],
            "record_json": records,
        }
    )


def with_unique_ids(quarantine: pd.DataFrame) -> pd.DataFrame:
    """``<sha[:12]>:<sheet>:<row>`` is the id; a JSON export yields several tables from one
    record number, so clashing ids gain ``:<kind>`` and, if still clashing, ``:<n>``."""
    ids = quarantine["quarantine_id"].tolist()
    clashes = Counter(ids)
    ids = [
        f"{i}:{k}" if clashes[i] > 1 else i
        for i, k in zip(ids, quarantine["table_kind"], strict=True)
    ]
    clashes, seen = Counter(ids), Counter()
    unique = []
    for i in ids:
        seen[i] += 1
        unique.append(f"{i}:{seen[i]}" if clashes[i] > 1 else i)
    return quarantine.assign(quarantine_id=unique)


@contextmanager
def _connect_reader(settings: Settings, wait_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
    import duckdb

    deadline = time.monotonic() + wait_s
    while True:
        try:
            con = open_warehouse(settings, read_only=True)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"warehouse busy: a writer (ingest or transform) holds {settings.warehouse}; "
                    "try again when it has finished"
                ) from exc
            time.sleep(0.2)
    try:
        yield con
    finally:
        con.close()


def _query(settings: Settings, sql: str, params: list[Any], wait_s: float) -> list[dict[str, Any]]:
    if not settings.is_lake and not settings.warehouse.exists():
        return []
    with _connect_reader(settings, wait_s) as con:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A listed row as a clerk sees it: every text but the id itself masked."""
    return {
        name: value if name == "quarantine_id" else _masked(value, name)
        for name, value in row.items()
    }


def list_quarantine(settings: Settings, wait_s: float = READ_WAIT_S) -> list[dict[str, Any]]:
    """Every held-back row, with its full id: where it came from, which rule and why
    (no record contents)."""
    rows = _query(
        settings,
        f"SELECT {', '.join(_LISTED)} FROM raw.quarantine "
        "ORDER BY quarantined_at, original_name, table_kind, source_sheet, source_row",
        [],
        wait_s,
    )
    return [_shown(row) for row in rows]


def _not_found(wanted: str) -> QuarantineLookupError:
    return QuarantineLookupError(
        f"隔离区中没有编号以“{wanted}”开头的记录，请用 sqmy quarantine list 查看完整编号"
        f" / no quarantined row has an id starting with {wanted!r}: see sqmy quarantine list"
    )


def _ambiguous(wanted: str, ids: list[str]) -> QuarantineLookupError:
    listed = "、".join(ids[:SHOWN_CANDIDATES])
    more = f" 等 {len(ids)} 条" if len(ids) > SHOWN_CANDIDATES else ""
    return QuarantineLookupError(
        f"编号“{wanted}”对应多条隔离记录（{listed}{more}），请多输入几个字符或给出完整编号"
        f" / {wanted!r} matches {len(ids)} quarantined rows: type more of the id"
    )


def show_quarantine(
    settings: Settings, quarantine_id: str, wait_s: float = READ_WAIT_S
) -> dict[str, Any]:
    """One held-back row with its record (personal data hashed / masked).

    ``quarantine_id`` is a full id or any prefix that names one row; a full id
    wins over the longer ids it is a prefix of (``…:7`` beside ``…:70``).
    Raises ``QuarantineLookupError`` when it names no row or several.
    """
    wanted = quarantine_id.strip()
    if not wanted:
        raise _not_found(wanted)
    rows = _query(
        settings,
        f"SELECT {', '.join(_LISTED)}, ingest_file_sha256, record_json "
        "FROM raw.quarantine WHERE starts_with(quarantine_id, ?) ORDER BY quarantine_id",
        [wanted],
        wait_s,
    )
    exact = [row for row in rows if row["quarantine_id"] == wanted]
    if exact:
        rows = exact
    if not rows:
        raise _not_found(wanted)
    if len(rows) > 1:
        raise _ambiguous(wanted, [row["quarantine_id"] for row in rows])
    record = json.loads(rows[0].pop("record_json"))
    return {**_shown(rows[0]), "record": _masked(record)}
