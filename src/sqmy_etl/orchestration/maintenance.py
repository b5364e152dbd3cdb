"""Daily upkeep of SQMY_HOME: archive retention, WAL checkpoint, quarantine ageing.

All three open the warehouse through ``connect_writer`` (the writer lock): a
read-only DuckDB connection would fail while the ingest or dbt holds the file,
and retention must not race an ingest that is archiving a file right now.
Time is passed in (the run's data interval end), never read from the clock,
so a re-run of a past day decides the same way.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqmy_etl.config import Settings
from sqmy_etl.warehouse.db import connect_writer

log = logging.getLogger(__name__)

_SHA_PREFIX = re.compile(r"^([0-9a-f]{64})")

AGE_BUCKETS: tuple[tuple[str, int], ...] = (("0-7d", 7), ("8-30d", 30), ("31-90d", 90))
OLDEST_BUCKET = ">90d"


@dataclass(frozen=True)
class RetentionPolicy:
    """Archive files older than ``days`` may go; loaded ones only if ``delete_loaded``.

    An archived file whose SHA-256 is a loaded file in ``raw.ingest_files`` is
    the lineage of warehouse rows, so by default it is kept forever; only
    orphans (archived but never recorded as loaded, e.g. a crash between copy
    and commit) age out.
    """

    days: int
    delete_loaded: bool = False


def apply_archive_retention(
    settings: Settings, policy: RetentionPolicy, as_of: datetime
) -> dict[str, int]:
    """Delete the archive files the policy lets go; returns counts per outcome."""
    if policy.days < 0:
        raise ValueError("retention days must be >= 0")
    cutoff = as_of - timedelta(days=policy.days)
    counts = {"deleted": 0, "kept_loaded": 0, "kept_recent": 0, "kept_foreign": 0}
    if not settings.archive.is_dir():
        return counts
    with connect_writer(settings) as con:
        loaded = dict(
            con.execute(
                "SELECT file_sha256, ingested_at FROM raw.ingest_files WHERE status = 'loaded'"
            ).fetchall()
        )
        for path in sorted(settings.archive.iterdir()):
            match = _SHA_PREFIX.match(path.name)
            if not match or not path.is_file() or path.is_symlink():
                counts["kept_foreign"] += 1
                continue
            sha = match.group(1)
            if sha in loaded:
                if not policy.delete_loaded:
                    counts["kept_loaded"] += 1
                    continue
                born = loaded[sha]
            else:
                born = datetime.fromtimestamp(path.stat().st_mtime, tz=as_of.tzinfo)
            if born >= cutoff:
                counts["kept_recent"] += 1
                continue
            path.unlink()
            counts["deleted"] += 1
            log.info(
                "archive retention: deleted %s (%s)",
                path.name,
                "loaded" if sha in loaded else "orphan",
            )
    log.info(
        "archive retention (%d days, delete_loaded=%s): %s",
        policy.days,
        policy.delete_loaded,
        counts,
    )
    return counts


def checkpoint_warehouse(settings: Settings) -> dict[str, int]:
    """Run DuckDB's CHECKPOINT so the WAL is merged and the file is self-contained."""
    wal = settings.warehouse.with_name(settings.warehouse.name + ".wal")
    before = wal.stat().st_size if wal.exists() else 0
    with connect_writer(settings) as con:
        con.execute("CHECKPOINT").fetchall()
    after = wal.stat().st_size if wal.exists() else 0
    log.info("warehouse checkpoint: WAL %d -> %d bytes", before, after)
    return {"wal_bytes_before": before, "wal_bytes_after": after}


def quarantine_ageing(settings: Settings, as_of: datetime) -> dict[str, dict[str, int]]:
    """Quarantined rows per rule and age bucket (age = as_of - quarantined_at)."""
    cases = " ".join(
        f"WHEN age <= INTERVAL {days} DAY THEN '{label}'" for label, days in AGE_BUCKETS
    )
    sql = f"""
        SELECT rule, CASE {cases} ELSE '{OLDEST_BUCKET}' END AS bucket, count(*) AS n
        FROM (SELECT rule, $as_of::TIMESTAMPTZ - quarantined_at AS age FROM raw.quarantine)
        GROUP BY rule, bucket
        ORDER BY rule, bucket
    """
    with connect_writer(settings) as con:
        rows = con.execute(sql, {"as_of": as_of}).fetchall()
    summary: dict[str, dict[str, int]] = {}
    for rule, bucket, n in rows:
        summary.setdefault(rule, {})[bucket] = int(n)
    for rule, buckets in summary.items():
        log.info("quarantine %s: %s", rule, buckets)
    if not summary:
        log.info("quarantine is empty")
    return summary
