"""A file's rows into its open transaction, batch by batch (read, normalised, validated, inserted).

A CSV goes in chunk by chunk, so a million-row file needs the memory of a
chunk; a problem found in a later chunk rolls back the earlier ones
(``RejectedInTransaction``). Rows that break the suite go to
``raw.quarantine`` in the same transaction as the rows that load.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest import quarantine
from sqmy_etl.ingest.model import FileRead, SourceTable
from sqmy_etl.ingest.results import ProgressHook, TableSummary
from sqmy_etl.tables import TableKind

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

KINDS: tuple[TableKind, ...] = ("submissions", "issues", "feedback", "theme_reviews")
_KEEP = "_keep"  # helper column: False for rows held in quarantine
INSERT_ROWS = 200_000


class RejectedInTransaction(FileRejected):
    """A file rejected by a later chunk, inside its transaction.

    ROLLBACK does not give back a sequence value, so the rejection's manifest
    row takes over the ``ingest_seq`` the transaction drew: the numbering is
    the same as for a file rejected before any row was written.
    """

    def __init__(self, reason: str, seq: int) -> None:
        super().__init__(reason)
        self.seq = seq


@dataclass
class FileLoad:
    """One file's rows on their way into its open transaction, and what has been written."""

    con: duckdb.DuckDBPyConnection
    sha256: str
    name: str
    seq: int
    key: bytes
    ingest_day: date
    quarantined_at: datetime  # one stamp for all of a file's held rows, as they are one delivery
    progress: ProgressHook | None = None
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_quarantined: int = 0
    tables: dict[tuple[str, TableKind], TableSummary] = field(default_factory=dict)

    def summary(self, table: SourceTable) -> TableSummary:
        key = (table.sheet, table.kind)
        if key not in self.tables:
            self.tables[key] = TableSummary(table.sheet, table.kind)
        return self.tables[key]

    @property
    def data_rows(self) -> int:
        return sum(self.rows_loaded.values()) + self.rows_quarantined

    @property
    def table_kinds(self) -> str:
        return ",".join(sorted({kind for _, kind in self.tables}))


def insert_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    columns: list[str],
    constants: dict[str, Any],
) -> None:
    """Bulk ``INSERT … SELECT`` from the DataFrame (never row by row).

    ``constants`` fill the same value into every row (lineage, timestamps);
    rows whose ``_keep`` flag is False (held in quarantine) are left out.
    Slices of ``INSERT_ROWS`` go over as Arrow tables: DuckDB reads Arrow
    columns as they are, where a pandas frame of Arrow-backed text would be
    turned into Python objects first. The SQL names the slice by its Python
    variable (a DuckDB replacement scan): a relation (``con.from_arrow``,
    ``con.from_df``) or a view (``con.register``) made inside a transaction
    keeps its data alive until the COMMIT, so every chunk of a file would
    stay in memory.
    """
    import pyarrow as pa

    keep = _KEEP in frame.columns
    names = ", ".join([*constants, *columns])
    filled = ", ".join(["?"] * len(constants) + columns)
    sql = f"INSERT INTO {table} ({names}) SELECT {filled} FROM incoming"
    sql += f" WHERE {_KEEP}" if keep else ""
    selected = frame[[*columns, _KEEP] if keep else columns]
    for start in range(0, len(selected), INSERT_ROWS):
        incoming = pa.Table.from_pandas(  # noqa: F841 -- read by name in ``sql``
            selected.iloc[start : start + INSERT_ROWS], preserve_index=False
        )
        con.execute(sql, list(constants.values()))


def _failed_rows(table: SourceTable, frame: pd.DataFrame, ingest_day: date) -> pd.DataFrame:
    """index → rule, reason: the rows the reader held (e.g. an uncomputed formula), then the
    rows that break the suite; a row held by the reader keeps the reader's reason."""
    import pandas as pd

    from sqmy_etl.validate.runner import validate_rows

    failed = validate_rows(table.kind, frame, ingest_day)
    if not table.held:
        return failed
    held = pd.DataFrame.from_dict(table.held, orient="index", columns=["rule", "reason"])
    return pd.concat([held, failed[~failed.index.isin(held.index)]])


def _record_skipped(load: FileLoad, table: SourceTable) -> None:
    """The rows the reader passed over on purpose: counted, and listed for the quality report."""
    if not table.skipped:
        return
    load.con.executemany(
        "INSERT INTO raw.skipped_rows VALUES (?, ?, ?, ?, ?, ?)",
        [[load.sha256, load.name, table.sheet, s.row, s.why, s.text] for s in table.skipped],
    )
    load.summary(table).skipped += len(table.skipped)


def _load_table(load: FileLoad, table: SourceTable) -> pd.DataFrame | None:
    """Normalise, validate and insert the loadable rows of one table (or chunk of one);
    returns the quarantine rows of those that break the suite, if any."""
    from sqmy_etl.ingest.normalise import RAW_COLUMNS, normalise_table

    kind = table.kind
    _record_skipped(load, table)
    summary = load.summary(table)
    frame = normalise_table(table, load.key)
    failed = _failed_rows(table, frame, load.ingest_day)
    held = None
    if len(failed):  # before ``_keep`` is added: it is no part of a held record
        held = quarantine.held_rows(load.sha256, load.name, kind, frame, failed)
    # a mask, not frame.drop(): dropping copies every column of the frame
    frame[_KEEP] = ~frame.index.isin(failed.index)
    lineage = {"ingest_file_sha256": load.sha256, "ingest_seq": load.seq}
    insert_frame(load.con, f"raw.{kind}", frame, list(RAW_COLUMNS[kind]), lineage)
    load.rows_loaded[kind] = load.rows_loaded.get(kind, 0) + len(frame) - len(failed)
    summary.loaded += len(frame) - len(failed)
    summary.quarantined += len(failed)
    return held


def load_batch(load: FileLoad, batch: list[SourceTable]) -> None:
    """Load a batch of tables in ``KINDS`` order, then its held rows.

    Quarantine ids need only be unique within a batch: readers never split
    one record's rows over two batches, and an id names its record.
    """
    import pandas as pd

    ordered = sorted(batch, key=lambda table: KINDS.index(table.kind))
    held = [rows for table in ordered if (rows := _load_table(load, table)) is not None]
    if not held:
        return
    rows = quarantine.with_unique_ids(pd.concat(held, ignore_index=True))
    stamp = {"quarantined_at": load.quarantined_at}
    insert_frame(load.con, "raw.quarantine", rows, list(rows.columns), stamp)
    load.rows_quarantined += len(rows)


def _first_reason(rejected: FileRejected, batches: Iterator[list[SourceTable]]) -> str:
    """Why the file is rejected: a read error further on wins over a failed table-level
    expectation, as it did when the whole file was read before any row was validated."""
    try:
        for _ in batches:
            pass
    except FileRejected as later:
        return later.reason
    return rejected.reason


def load_rows(load: FileLoad, read: FileRead) -> None:
    """Every batch of the file into the open transaction; a rejection keeps ``load.seq``."""
    batches = read.batches()
    try:
        for batch in batches:
            load_batch(load, batch)
            if load.progress is not None:
                load.progress(load.name, load.data_rows)
    except FileRejected as exc:
        raise RejectedInTransaction(_first_reason(exc, batches), load.seq) from None
