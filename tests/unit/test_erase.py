"""`sqmy erase` of a hash nobody holds: nothing deleted, no crash (the rebuild that follows
is then incremental, as raw did not change)."""

from __future__ import annotations

from sqmy_etl.config import Settings
from sqmy_etl.erase import _delete
from sqmy_etl.warehouse.db import ensure_raw_schema, open_warehouse


def test_erasing_a_hash_with_no_rows_deletes_nothing(settings: Settings) -> None:
    settings.ensure_dirs()
    con = open_warehouse(settings)
    try:
        ensure_raw_schema(con)
    finally:
        con.close()
    result = _delete(settings, "ab" * 32)
    assert (result.submission_ids, result.raw_rows, result.quarantine_rows) == (0, 0, 0)
    assert result.erased_submission_ids == ()
