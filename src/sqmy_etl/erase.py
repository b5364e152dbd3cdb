"""Data-subject deletion (PIPL art. 47): erase one submitter's records and rebuild the marts.

A person is known to the warehouse only by the keyed hash of their name
(``submitter_hash``), so that is what a deletion request names. Every version
of every submission that person sent is removed from ``raw.submissions``,
their quarantined rows from ``raw.quarantine`` and their history from the
dbt snapshot, in one transaction; then the marts are rebuilt and published,
so no published figure counts them any more. An audit line (JSONL, hashes
and counts only) records who was erased and when, for the regulator.

The archived original files are left as they are: they are the evidence of
what was delivered, and the same file offered again is skipped as already
loaded, so the erased rows do not come back from it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from sqmy_etl import audit
from sqmy_etl.config import Settings
from sqmy_etl.warehouse.db import connect_writer, table_exists

log = logging.getLogger(__name__)

AUDIT_FILE = "erasures.jsonl"
SNAPSHOT_TABLE = "snapshots.snap_submissions"
# the submission key of dbt's macro submission_key (CONTRACT §1: ids match after upper-casing
# and removing spaces, '-', '_', '/'); NFKC was applied at ingest
_KEY = "regexp_replace(upper({}), '[\\s_/-]', '', 'g')"
_HASH = re.compile(r"[0-9a-f]{64}")


class EraseError(ValueError):
    """The request cannot be carried out as given (e.g. not a submitter hash)."""


@dataclass(frozen=True)
class EraseResult:
    submitter_hash: str
    submission_ids: int  # distinct submissions (by key), however many spellings
    raw_rows: int
    quarantine_rows: int
    snapshot_rows: int
    # ids are not personal data; the audit keeps them so an erasure can be re-applied after a
    # key rotation, when the hash above no longer matches anything (docs/privacy.md)
    erased_submission_ids: tuple[str, ...] = ()


def audit_path(settings: Settings) -> Path:
    return audit.audit_file(settings, AUDIT_FILE)


def _delete(settings: Settings, submitter_hash: str) -> EraseResult:
    """Delete the person's rows in one transaction: all of them or none."""
    held = "json_extract_string(record_json, '$.{field}')"
    with connect_writer(settings) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            ids = [
                row[0]
                for row in con.execute(
                    "SELECT DISTINCT submission_id FROM raw.submissions "
                    "WHERE submitter_hash = ? ORDER BY 1",
                    [submitter_hash],
                ).fetchall()
            ]
            # every spelling of those submissions (nm2021-0001 = NM2021 0001), as dbt matches them
            con.execute("CREATE TEMP TABLE erase_ids (submission_key VARCHAR)")
            con.execute(
                f"INSERT INTO erase_ids SELECT {_KEY.format('id')} FROM unnest(?::VARCHAR[]) t(id)",
                [ids],
            )
            keys = con.execute("SELECT count(DISTINCT submission_key) FROM erase_ids").fetchall()
            raw_rows = con.execute(
                "DELETE FROM raw.submissions "
                f"WHERE {_KEY.format('submission_id')} IN (SELECT submission_key FROM erase_ids)"
            ).fetchall()[0][0]
            held_id = _KEY.format(held.format(field="submission_id"))
            quarantine_rows = con.execute(
                f"DELETE FROM raw.quarantine WHERE {held.format(field='submitter_hash')} = ? "
                f"OR (table_kind = 'submissions' AND {held_id} "
                "IN (SELECT submission_key FROM erase_ids))",
                [submitter_hash],
            ).fetchall()[0][0]
            snapshot_rows = 0
            if table_exists(con, SNAPSHOT_TABLE):
                snapshot_rows = con.execute(
                    f"DELETE FROM {SNAPSHOT_TABLE} WHERE submitter_hash = ? "
                    f"OR {_KEY.format('submission_id')} IN (SELECT submission_key FROM erase_ids)",
                    [submitter_hash],
                ).fetchall()[0][0]
            con.execute("DROP TABLE erase_ids")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return EraseResult(
        submitter_hash, keys[0][0], raw_rows, quarantine_rows, snapshot_rows, tuple(ids)
    )


def _audit(settings: Settings, result: EraseResult) -> None:
    """Append one JSON line; hashes and counts only, never a name or number in clear."""
    audit.append(settings, "erase_submitter", file=AUDIT_FILE, **asdict(result))


def erase_submitter(settings: Settings, submitter_hash: str) -> EraseResult:
    """Remove one person's raw and quarantined records, audit it, rebuild and republish."""
    from sqmy_etl.transform.build import run_transform

    submitter_hash = submitter_hash.strip().lower()
    if not _HASH.fullmatch(submitter_hash):
        raise EraseError("submitter hash must be 64 hex characters (HMAC-SHA256, as in the marts)")
    settings.ensure_dirs()
    result = _delete(settings, submitter_hash)
    _audit(settings, result)
    log.info(
        "erased submitter %s…: %d submission(s), %d raw row(s), %d quarantined, %d snapshot",
        submitter_hash[:12],
        result.submission_ids,
        result.raw_rows,
        result.quarantine_rows,
        result.snapshot_rows,
    )
    run_transform(settings)
    return result
