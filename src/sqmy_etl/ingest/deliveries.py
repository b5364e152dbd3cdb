"""Deliveries after they are loaded: which earlier one a new file replaces, and withdrawal.

Offices resend the whole ledger (CONTRACT.md §1 "Cumulative ledgers and
corrections"): a row deleted or a 期号 typo fixed in the new copy must stop
counting, which no merge by id can do. So a new file *replaces* an earlier
delivery when its name is the earlier one's up to a version marker or an
export stamp (``(更正)``, ``_v2``, ``- 副本``, ``_20250305``, ``截至3月5日``;
the same name re-sent with new content too), its tables are of the same kinds
and it holds at least 80 % as many data rows. A smaller file with a marker is
a set of corrections and is merged by id like any delivery. A period in the
name (``1月``, ``一季度``) is part of the name, so such files never replace
each other.

Nothing in raw is deleted: ``raw.delivery_changes`` records each change and
dbt keeps only the deliveries whose latest change is not ``replaced`` or
``retracted``. Retracting and re-delivering are changes too, so every step
can be undone and is audited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqmy_etl import audit
from sqmy_etl.config import Settings

if TYPE_CHECKING:
    import duckdb

REPLACE_MIN_SHARE = 0.8
_MARKERS = re.compile(
    r"""
      [(\[（【]\s*(?:更正|修订|修正|最新|新|\d{1,2})\s*[)\]）】]   # (更正) (1) 【最新】
    | (?:更正|修订|修正)版? | 最新版? | 最终版 | 终版
    | [\s_-]*-?\s*副本(?:\s*[(（]\d{1,2}[)）])?                   # "- 副本", "副本 (2)"
    | (?<![a-z0-9])v\d{1,3}(?![a-z0-9])                           # _v2 -v3 v10
    | (?<!\d)\d{8}(?:\d{4}(?:\d{2})?)?(?!\d)                       # _20250305, _202503051230
    | 截[至止](?:\d{4}年)?\d{1,2}月\d{1,2}日?                      # 截至3月5日
    """,
    re.VERBOSE,
)
_EMPTY_BRACKETS = re.compile(r"[(\[（【]\s*[)\]）】]")
_EDGE_SEPARATORS = re.compile(r"^[\s_\-·.]+|[\s_\-·.]+$")
_INNER_SEPARATORS = re.compile(r"[\s_\-·.]+")


def ledger_name(file_name: str) -> str:
    """The name of the ledger a file is a copy of: extension, version markers and export
    stamps removed, separators folded, case folded. ``2021年来稿台账(更正).xlsx`` and
    ``2021年来稿台账_v2.xls`` both give ``2021年来稿台账``; ``一季度`` stays in."""
    stem = unicodedata.normalize("NFKC", Path(file_name).stem).casefold()
    previous = None
    while previous != stem:
        previous = stem
        stem = _EMPTY_BRACKETS.sub("", _MARKERS.sub("", stem))
    return _INNER_SEPARATORS.sub("_", _EDGE_SEPARATORS.sub("", stem))


@dataclass(frozen=True)
class Delivery:
    """A loaded file that counts now."""

    sha256: str
    name: str
    table_kinds: str
    data_rows: int
    delivery_seq: int


def counting_deliveries(con: duckdb.DuckDBPyConnection) -> list[Delivery]:
    """Loaded files whose latest change is not a replacement or retraction, oldest first."""
    rows = con.execute(
        """
        WITH latest AS (
            SELECT file_sha256, arg_max(change, ingest_seq) AS change,
                   max(ingest_seq) AS seq
            FROM raw.delivery_changes GROUP BY file_sha256
        )
        SELECT f.file_sha256, f.original_name, coalesce(f.table_kinds, ''),
               coalesce(f.data_rows, f.rows_loaded + f.rows_quarantined),
               CASE WHEN latest.change = 'redelivered' THEN latest.seq ELSE f.ingest_seq END
        FROM raw.ingest_files f LEFT JOIN latest USING (file_sha256)
        WHERE f.status = 'loaded'
          AND coalesce(latest.change, '') NOT IN ('replaced', 'retracted')
        ORDER BY 5
        """
    ).fetchall()
    return [Delivery(*row) for row in rows]


def latest_change(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    """``replaced`` / ``retracted`` / ``redelivered`` or None for a file never changed."""
    rows = con.execute(
        "SELECT arg_max(change, ingest_seq) FROM raw.delivery_changes WHERE file_sha256 = ?",
        [sha256],
    ).fetchall()
    return rows[0][0] if rows else None


def record_change(
    con: duckdb.DuckDBPyConnection,
    sha256: str,
    change: str,
    reason: str,
    *,
    by_sha256: str | None = None,
) -> int:
    """Append one change with a fresh ``ingest_seq`` (its place in the delivery order)."""
    from sqmy_etl.warehouse.db import next_seqs

    seq = next_seqs(con, 1)[0]
    con.execute(
        "INSERT INTO raw.delivery_changes VALUES (?, ?, ?, ?, ?, ?)",
        [sha256, change, by_sha256, seq, reason, datetime.now(UTC)],
    )
    return seq


def _same_ledger(
    con: duckdb.DuckDBPyConnection, name: str, sha256: str, table_kinds: str
) -> list[Delivery]:
    """Counting deliveries of the same ledger (name up to markers, same kinds), oldest first."""
    wanted = ledger_name(name)
    return [
        d
        for d in counting_deliveries(con)
        if d.sha256 != sha256 and ledger_name(d.name) == wanted and d.table_kinds == table_kinds
    ]


def _replaces(new_rows: int, old_rows: int) -> bool:
    return new_rows >= REPLACE_MIN_SHARE * old_rows


def automatic_replacement(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sha256: str,
    table_kinds: str,
    data_rows: int,
    delivery_seq: int,
) -> tuple[Delivery | None, Delivery | None]:
    """(the earlier delivery this file replaces, the later delivery that replaces this file).

    Files are normally loaded in delivery order, so the second is None; but an
    Airflow run loads the files it listed in parallel tasks, in any order, each
    at the place in the delivery order reserved when it was listed. A file that
    arrives after its own replacement is then replaced on arrival, so the
    outcome never depends on which task ran first.
    """
    same = _same_ledger(con, name, sha256, table_kinds)
    later = [d for d in same if d.delivery_seq > delivery_seq and _replaces(d.data_rows, data_rows)]
    if later:
        return None, later[0]
    earlier = [d for d in same if d.delivery_seq < delivery_seq]
    if earlier and _replaces(data_rows, earlier[-1].data_rows):
        return earlier[-1], None
    return None, None


class DeliveryNotFound(LookupError):
    """``--replaces`` / ``retract`` named no delivery, or several; the message says which."""


def find_delivery(con: duckdb.DuckDBPyConnection, spec: str, sha256: str | None) -> Delivery:
    """The counting delivery ``spec`` names: a file's content (``sha256`` of a path given),
    a SHA-256 prefix of at least 6 hex digits, or an original file name."""
    counting = counting_deliveries(con)
    if sha256 is not None:
        found = [d for d in counting if d.sha256 == sha256]
    else:
        text = spec.strip().lower()
        found = []
        if re.fullmatch(r"[0-9a-f]{6,64}", text):
            found = [d for d in counting if d.sha256.startswith(text)]
        if not found:
            found = [d for d in counting if d.name == Path(spec).name]
    if len(found) == 1:
        return found[0]
    if not found:
        raise DeliveryNotFound(
            f"没有找到仍在计数的交付“{spec}”：请用 sqmy ingest 的输出或 SHA-256 前缀指明文件"
            f" / no counting delivery matches {spec!r}"
        )
    listed = "; ".join(f"{d.name} ({d.sha256[:12]})" for d in found)
    raise DeliveryNotFound(
        f"“{spec}”对应多个交付，请用 SHA-256 前缀指明：{listed}"
        f" / {spec!r} matches several deliveries: give a SHA-256 prefix"
    )


@dataclass(frozen=True)
class Retraction:
    sha256: str
    name: str
    data_rows: int


def retract(settings: Settings, spec: str) -> Retraction:
    """Withdraw a delivery: its rows stop counting at the next transform; audited.

    ``spec`` is a path (its bytes identify the delivery, wherever the file is now),
    a SHA-256 prefix or an original file name. The archive copy stays, so the
    same bytes offered again re-deliver it.
    """
    from sqmy_etl.ingest.archive import sha256_file
    from sqmy_etl.warehouse.db import connect_writer

    path = Path(spec)
    sha256 = sha256_file(path) if path.is_file() else None
    with connect_writer(settings) as con:
        delivery = find_delivery(con, spec, sha256)
        record_change(
            con,
            delivery.sha256,
            "retracted",
            f"已撤回（sqmy retract）/ retracted by sqmy retract: {delivery.name}",
        )
    audit.append(
        settings,
        "retract_delivery",
        file_sha256=delivery.sha256,
        original_name=delivery.name,
        data_rows=delivery.data_rows,
    )
    return Retraction(delivery.sha256, delivery.name, delivery.data_rows)
