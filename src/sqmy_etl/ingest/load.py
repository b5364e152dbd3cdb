"""The loader: offered files → archive + raw.* rows + quarantine, or rejected/ with a reason.

One file is one unit of work. Its rows, its quarantined rows, its notes and
its manifest row (``raw.ingest_files``) are written in ONE DuckDB
transaction, and the manifest is what makes a file "already loaded"; so a
crash at any point leaves either nothing or everything, and a rerun ends in
the same state. The landing copy is removed only after the commit. In lake
mode several loaders commit at once: one file's load holds that file's
advisory lock (so it is loaded once), and a commit that loses a DuckLake
conflict is read and written again.

A CSV goes into that transaction chunk by chunk (read, normalised,
validated, inserted), so a million-row file needs the memory of a chunk;
a problem found in a later chunk rolls back the earlier ones.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqmy_etl import pii
from sqmy_etl.config import Settings, today_shanghai
from sqmy_etl.ingest import archive, deliveries, landing, quarantine
from sqmy_etl.ingest.model import FileRead, FileRejected, SourceTable, TableKind
from sqmy_etl.warehouse import lake
from sqmy_etl.warehouse.db import connect_writer, crashpoint, file_lock, next_seqs

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

log = logging.getLogger(__name__)

KINDS: tuple[TableKind, ...] = ("submissions", "issues", "feedback", "theme_reviews")
_KEEP = "_keep"  # helper column: False for rows held in quarantine
INSERT_ROWS = 200_000
CHUNK_ROWS = 100_000  # CSV rows read, normalised, validated and inserted at a time
# DuckDB's memory while a file loads: rows already written to the database file
# need not stay cached, and the default (80% of RAM) lets the cache grow with the file
DUCKDB_MEMORY = "256MB"
Status = Literal["loaded", "skipped_duplicate", "redelivered", "rejected"]
# called after each batch of a file with (file name, data rows read so far): progress display
ProgressHook = Callable[[str, int], None]


@dataclass
class TableSummary:
    """One table of a file as the ingest summary shows it (CONTRACT §1: per file and sheet)."""

    sheet: str
    kind: TableKind
    loaded: int = 0
    quarantined: int = 0
    skipped: int = 0


@dataclass
class FileResult:
    """What happened to one offered file; ``reason`` says why it was rejected or skipped."""

    name: str
    sha256: str
    status: Status
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_quarantined: int = 0
    reason: str | None = None
    stored_at: Path | None = None  # archive/… or rejected/…
    tables: list[TableSummary] = field(default_factory=list)
    unrecognised: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)
    replaced: str | None = None  # the earlier delivery this file replaced (its name)
    replaced_by: str | None = None  # a later delivery loaded first that replaces this one

    @property
    def total_loaded(self) -> int:
        return sum(self.rows_loaded.values())

    @property
    def rows_skipped(self) -> int:
        return sum(table.skipped for table in self.tables)


@dataclass(frozen=True)
class ReplaceOptions:
    """How deliveries may replace earlier ones in one ingest call (``sqmy ingest`` flags).

    ``automatic`` applies the name / kinds / 80 % rule (``--no-replace`` turns it
    off); ``declared`` maps a file of this call (absolute path) to the earlier
    delivery it replaces (``--replaces OLD NEW``), whatever the rule says.
    """

    automatic: bool = True
    declared: dict[Path, str] = field(default_factory=dict)


@dataclass
class IngestReport:
    """All files of one ingest run, in processing order, and the files it left waiting."""

    files: list[FileResult] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)  # (path in landing, reason)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(f.total_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 when every file loaded or was already loaded, 2 when any was rejected (CONTRACT §2)."""
        return 2 if self.count("rejected") else 0


def _file_format(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".") or "unknown"


def _is_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    rows = con.execute(
        "SELECT 1 FROM raw.ingest_files WHERE file_sha256 = ? AND status = 'loaded'", [sha256]
    ).fetchall()
    return bool(rows)


def _already_loaded(settings: Settings, sha256: str) -> bool:
    with connect_writer(settings) as con:
        return _is_loaded(con, sha256)


_MANIFEST_COLUMNS = (
    "file_sha256, ingest_seq, original_name, archived_path, size_bytes, file_format, encoding, "
    "status, reason, rows_loaded, rows_quarantined, ingested_at, data_rows, table_kinds"
)


def _write_manifest(
    con: duckdb.DuckDBPyConnection,
    *,
    sha256: str,
    seq: int,
    path: Path,
    size: int,
    stored_at: Path | None,
    file_format: str,
    encoding: str | None,
    status: str,
    reason: str | None,
    rows_loaded: int,
    rows_quarantined: int,
    data_rows: int = 0,
    table_kinds: str = "",
) -> None:
    verb = "INSERT OR REPLACE"
    if lake.is_lake(con):  # no primary key in DuckLake: replace by hand, deleting only if there
        verb = "INSERT"
        if con.execute("SELECT 1 FROM raw.ingest_files WHERE file_sha256 = ?", [sha256]).fetchall():
            con.execute("DELETE FROM raw.ingest_files WHERE file_sha256 = ?", [sha256])
    con.execute(
        f"{verb} INTO raw.ingest_files ({_MANIFEST_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha256,
            seq,
            path.name,
            str(stored_at) if stored_at else None,
            size,
            file_format,
            encoding,
            status,
            reason,
            rows_loaded,
            rows_quarantined,
            datetime.now(UTC),
            data_rows,
            table_kinds,
        ],
    )


def _next_seq(con: duckdb.DuckDBPyConnection) -> int:
    return next_seqs(con, 1)[0]


# ---- rejection -------------------------------------------------------------------------


def _reject(
    settings: Settings,
    path: Path,
    sha256: str,
    size: int,
    reason: str,
    *,
    from_landing: bool,
    seq: int | None = None,
) -> FileResult:
    """Byte-identical copy (moved from landing) + ``.reason.txt`` + a manifest row.

    ``seq`` is the ``ingest_seq`` already drawn for the file, if any.
    """
    dest = archive.rejected_path(settings, path.name, sha256)
    archive.write_text_atomic(archive.reason_path(dest), reason + "\n")
    if not from_landing:
        archive.place_rejected(path, dest, move=False)
    with connect_writer(settings) as con:
        drawn = _next_seq(con) if seq is None else seq
        lake.retry_conflicts(
            lambda: _write_manifest(
                con,
                sha256=sha256,
                seq=drawn,
                path=path,
                size=size,
                stored_at=dest,
                file_format=_file_format(path.name),
                encoding=None,
                status="rejected",
                reason=reason,
                rows_loaded=0,
                rows_quarantined=0,
            ),
            path.name,
        )
    crashpoint("ingest.rejected")
    if from_landing:
        archive.place_rejected(path, dest, move=True)
    log.warning("rejected %s sha=%s: %s", path.name, sha256[:12], reason)
    return FileResult(path.name, sha256, "rejected", reason=reason, stored_at=dest)


SYMLINK_REASON = (
    "landing/ 中的符号链接不会被读取（请放入文件本身） / symlinks in landing/ are refused"
)
SPECIAL_REASON = "不是普通文件（管道或设备） / not a regular file (a FIFO or device): not read"


def _refuse_unread(settings: Settings, path: Path, reason: str, *, remove: bool) -> FileResult:
    """Reject without opening: a link in landing/ could point anywhere on the machine, and
    reading a FIFO or device would block or never end. Only the reason is written."""
    target = settings.rejected / landing.safe_name(path.name)
    archive.write_text_atomic(archive.reason_path(target), reason + "\n")
    if remove:
        path.unlink()
    log.warning("rejected %s: %s", path.name, reason)
    return FileResult(path.name, "", "rejected", reason=reason)


# ---- the transaction -------------------------------------------------------------------


class _RejectedInTransaction(FileRejected):
    """A file rejected by a later chunk, inside its transaction.

    ROLLBACK does not give back a sequence value, so the rejection's manifest
    row takes over the ``ingest_seq`` the transaction drew: the numbering is
    the same as for a file rejected before any row was written.
    """

    def __init__(self, reason: str, seq: int) -> None:
        super().__init__(reason)
        self.seq = seq


@dataclass
class _FileLoad:
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


def _insert_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    columns: list[str],
    constants: dict[str, Any],
) -> None:
    """Bulk ``INSERT … SELECT`` from the DataFrame (never row by row).

    ``constants`` fill the same value into every row (lineage, timestamps);
    rows whose ``_keep`` flag is False (held in quarantine) are left out.
    Slices of ``INSERT_ROWS`` bound the memory DuckDB needs to convert
    Python text. The frame is read as a relation, not through
    ``con.register``: a view registered inside a transaction keeps its
    DataFrame alive until the COMMIT, which would hold every chunk of a file.
    """
    import duckdb

    keep = _KEEP in frame.columns
    names = ", ".join([*constants, *columns])
    sql = f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming_rows"
    sql += f" WHERE {_KEEP}" if keep else ""
    filled = [duckdb.ConstantExpression(value).alias(name) for name, value in constants.items()]
    selected = frame[[*columns, _KEEP] if keep else columns]
    for start in range(0, len(selected), INSERT_ROWS):
        rows = con.from_df(selected.iloc[start : start + INSERT_ROWS])
        rows.select(*filled, duckdb.StarExpression()).query("incoming_rows", sql)


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


def _record_skipped(load: _FileLoad, table: SourceTable) -> None:
    """The rows the reader passed over on purpose: counted, and listed for the quality report."""
    if not table.skipped:
        return
    load.con.executemany(
        "INSERT INTO raw.skipped_rows VALUES (?, ?, ?, ?, ?, ?)",
        [[load.sha256, load.name, table.sheet, s.row, s.why, s.text] for s in table.skipped],
    )
    load.summary(table).skipped += len(table.skipped)


def _load_table(load: _FileLoad, table: SourceTable) -> pd.DataFrame | None:
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
    _insert_frame(load.con, f"raw.{kind}", frame, list(RAW_COLUMNS[kind]), lineage)
    load.rows_loaded[kind] = load.rows_loaded.get(kind, 0) + len(frame) - len(failed)
    summary.loaded += len(frame) - len(failed)
    summary.quarantined += len(failed)
    return held


def _load_batch(load: _FileLoad, batch: list[SourceTable]) -> None:
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
    _insert_frame(load.con, "raw.quarantine", rows, list(rows.columns), stamp)
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


def _load_rows(load: _FileLoad, read: FileRead) -> None:
    """Every batch of the file into the open transaction; a rejection keeps ``load.seq``."""
    batches = read.batches()
    try:
        for batch in batches:
            _load_batch(load, batch)
            if load.progress is not None:
                load.progress(load.name, load.data_rows)
    except FileRejected as exc:
        raise _RejectedInTransaction(_first_reason(exc, batches), load.seq) from None


def _read(settings: Settings, path: Path, encoding: str | None) -> FileRead:
    """The file's tables (a CSV in chunks, up to its first); FileRejected if it has none."""
    from sqmy_etl.ingest.readers import read_file

    read = read_file(path, settings.limits, chunk_rows=CHUNK_ROWS, encoding=encoding)
    if not read.tables:
        sheets = "; ".join(f"{sheet or '(file)'}: {why}" for sheet, why in read.unrecognised)
        raise FileRejected(f"没有可识别的台账表 / no recognisable table ({sheets})")
    return read


@dataclass(frozen=True)
class _Offer:
    """One file offered to this call, and how it may replace an earlier delivery."""

    path: Path
    sha256: str
    size: int
    automatic_replace: bool = True
    declared_replaces: str | None = None  # --replaces OLD for this file
    seq: int | None = None  # place in the delivery order reserved when the file was listed


def _replacement(load: _FileLoad, offer: _Offer) -> tuple[str | None, str | None]:
    """Record which delivery replaces which (declared, or by the rule in ``deliveries``);
    returns (the earlier file this one replaced, the later file that replaced this one)."""
    con = load.con
    old = newer = None
    if offer.declared_replaces is not None:
        old_path = Path(offer.declared_replaces)
        old_sha = archive.sha256_file(old_path) if old_path.is_file() else None
        old = deliveries.find_delivery(con, offer.declared_replaces, old_sha)
    elif offer.automatic_replace:
        old, newer = deliveries.automatic_replacement(
            con, load.name, load.sha256, load.table_kinds, load.data_rows, load.seq
        )
    if old is not None and old.sha256 != load.sha256:
        deliveries.record_change(
            con,
            old.sha256,
            "replaced",
            f"被新交付“{load.name}”替换 / replaced by {load.name}",
            by_sha256=load.sha256,
        )
    if newer is not None:
        deliveries.record_change(
            con,
            load.sha256,
            "replaced",
            f"已被更晚交付的“{newer.name}”替换 / replaced by the later {newer.name}",
            by_sha256=newer.sha256,
        )
    return (old.name if old else None), (newer.name if newer else None)


def _load(
    settings: Settings, offer: _Offer, read: FileRead, progress: ProgressHook | None
) -> FileResult | None:
    """Write everything of one file in one transaction; None if another run loaded it first.

    Rows go in chunk by chunk as they are read, so memory follows the chunk,
    not the file; the archive copy is made once every row is in, before the
    COMMIT. Raises FileRejected (everything rolled back) for a problem found
    part-way.
    """
    path, sha256 = offer.path, offer.sha256
    key = pii.load_key(settings)
    with connect_writer(settings) as con:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        con.execute("BEGIN TRANSACTION")
        try:
            if _is_loaded(con, sha256):
                con.execute("ROLLBACK")
                return None
            load = _FileLoad(
                con=con,
                sha256=sha256,
                name=path.name,
                seq=_next_seq(con) if offer.seq is None else offer.seq,
                key=key,
                ingest_day=today_shanghai(),
                quarantined_at=datetime.now(UTC),
                progress=progress,
            )
            _load_rows(load, read)
            replaced, replaced_by = _replacement(load, offer)
            stored_at = archive.archive_file(settings, path, sha256)
            crashpoint("ingest.archived")
            for sheet, why in read.unrecognised:
                con.execute(
                    "INSERT INTO raw.file_notes VALUES (?, ?, ?, 'unrecognised_sheet', ?)",
                    [sha256, path.name, sheet, why],
                )
            _write_manifest(
                con,
                sha256=sha256,
                seq=load.seq,
                path=path,
                size=offer.size,
                stored_at=stored_at,
                file_format=read.file_format,
                encoding=read.encoding,
                status="loaded",
                reason=None,
                rows_loaded=sum(load.rows_loaded.values()),
                rows_quarantined=load.rows_quarantined,
                data_rows=load.data_rows,
                table_kinds=load.table_kinds,
            )
            crashpoint("ingest.before_commit")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return FileResult(
        path.name,
        sha256,
        "loaded",
        load.rows_loaded,
        load.rows_quarantined,
        stored_at=stored_at,
        tables=list(load.tables.values()),
        unrecognised=list(read.unrecognised),
        replaced=replaced,
        replaced_by=replaced_by,
    )


def _read_and_load(
    settings: Settings, offer: _Offer, encoding: str | None, progress: ProgressHook | None
) -> tuple[FileResult | None, FileRead]:
    """Read and load ``offer`` holding its file lock; a load whose commit lost a lake conflict
    is read and loaded again (the read streams, so it cannot be replayed)."""

    def attempt() -> tuple[FileResult | None, FileRead]:
        read = _read(settings, offer.path, encoding)
        return _load(settings, offer, read, progress), read

    with file_lock(settings, offer.sha256):
        return lake.retry_conflicts(attempt, offer.path.name)


# ---- public API ------------------------------------------------------------------------


def ingest_file(
    settings: Settings,
    path: Path,
    *,
    encoding: str | None = None,
    replace: ReplaceOptions | None = None,
    progress: ProgressHook | None = None,
    seq: int | None = None,
) -> FileResult:
    """Load one file (CONTRACT.md §1): loaded, skipped as a duplicate, re-delivered after a
    retraction, or rejected with a reason. ``seq`` is a place in the delivery order
    reserved earlier (``reserve_delivery_seqs``); by default the file is the latest.

    A file taken from ``landing/`` leaves it (to ``archive/`` or ``rejected/``);
    a path elsewhere is copied and left where it is. Raises ``archive.FileChanged``
    (nothing written, file left in place) if the bytes change while it is read.
    ``encoding`` forces the codec of a text file (``sqmy ingest --encoding``).
    """
    settings.ensure_dirs()
    path = Path(os.path.abspath(path))
    replace = replace or ReplaceOptions()
    from_landing = landing.is_in_landing(settings, path)
    if from_landing and path.is_symlink():
        return _refuse_unread(settings, path, SYMLINK_REASON, remove=True)
    if not path.is_file():
        return _refuse_unread(settings, path, SPECIAL_REASON, remove=from_landing)
    sha256 = archive.sha256_file(path)
    size = path.stat().st_size
    if size > settings.limits.max_file_bytes:
        reason = f"文件过大 / file too large: {size} bytes > {settings.limits.max_file_bytes}"
        return _reject(settings, path, sha256, size, reason, from_landing=from_landing, seq=seq)
    if _already_loaded(settings, sha256):
        return _offered_again(settings, path, sha256, from_landing=from_landing)
    offer = _Offer(
        path,
        sha256,
        size,
        automatic_replace=replace.automatic,
        declared_replaces=replace.declared.get(path),
        seq=seq,
    )
    try:
        result, read = _read_and_load(settings, offer, encoding, progress)
    except FileRejected as exc:
        drawn = exc.seq if isinstance(exc, _RejectedInTransaction) else seq
        return _reject(
            settings, path, sha256, size, exc.reason, from_landing=from_landing, seq=drawn
        )
    if result is None:
        return _offered_again(settings, path, sha256, from_landing=from_landing)
    crashpoint("ingest.committed")
    if from_landing:
        path.unlink(missing_ok=True)  # a concurrent run may have taken the same file
    log.info(
        "loaded %s sha=%s rows=%s quarantined=%d skipped=%d notes=%d replaced=%s",
        path.name,
        sha256[:12],
        result.rows_loaded,
        result.rows_quarantined,
        result.rows_skipped,
        len(read.unrecognised),
        result.replaced,
    )
    return result


def _offered_again(
    settings: Settings, path: Path, sha256: str, *, from_landing: bool
) -> FileResult:
    """The same bytes again: skipped, unless the delivery was retracted — then it counts again."""
    with connect_writer(settings) as con:
        change = deliveries.latest_change(con, sha256)
        if change == "retracted":
            deliveries.record_change(
                con, sha256, "redelivered", f"重新交付 / delivered again: {path.name}"
            )
    if from_landing:
        path.unlink(missing_ok=True)
    if change == "retracted":
        log.info("redelivered %s sha=%s after a retraction", path.name, sha256[:12])
        return FileResult(
            path.name,
            sha256,
            "redelivered",
            reason="此前已撤回，现重新计数 / retracted before, counts again",
        )
    reason = "已载入过（内容相同）/ already loaded (same content)"
    if change == "replaced":
        reason = "已载入过，且已被更新的交付替换 / already loaded, and replaced by a later delivery"
    log.info("skipped %s sha=%s: %s", path.name, sha256[:12], reason)
    return FileResult(path.name, sha256, "skipped_duplicate", reason=reason)


def reserve_delivery_seqs(settings: Settings, count: int) -> list[int]:
    """``count`` places in the delivery order, ascending: a run that loads its files in
    parallel tasks (Airflow) reserves them in listing order, so the order holds whichever
    task runs first."""
    if count == 0:
        return []
    with connect_writer(settings) as con:
        return next_seqs(con, count)


def ingest_paths(
    settings: Settings,
    paths: list[Path],
    *,
    encoding: str | None = None,
    replace: ReplaceOptions | None = None,
    progress: ProgressHook | None = None,
) -> IngestReport:
    """Load files and folders (recursively) in delivery order; see ``ingest_file``."""
    paths = [Path(p) for p in paths]
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(map(str, missing))}")
    offered: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        for path in landing.expand(given):
            key = Path(os.path.abspath(path))
            if key in seen or (path.is_dir() and not landing.is_in_landing(settings, path)):
                continue
            seen.add(key)
            offered.append(path)
    report = IngestReport()
    for path in landing.delivery_order(offered):
        try:
            report.files.append(
                ingest_file(settings, path, encoding=encoding, replace=replace, progress=progress)
            )
        except archive.FileChanged as exc:  # still being written: left for the next run
            log.warning("%s", exc)
            report.left.append((str(path), LEFT_CHANGING))
    return report


LEFT_CHANGING = (
    "文件在读取时仍在变化（仍在写入？），留待下次运行 / still changing: left for the next run"
)
LEFT_UNSETTLED = (
    "文件刚被修改，尚未写完，留待下次运行（{s:g} 秒内无变化才会读取）"
    " / modified in the last {s:g} s: left for the next run"
)


def ingest_landing(
    settings: Settings,
    settle_s: float | None = None,
    *,
    wait_s: float = 0.0,
    progress: ProgressHook | None = None,
) -> IngestReport:
    """Load everything waiting in ``landing/`` (and its subfolders).

    A file is taken once it has been quiet for ``settle_s`` seconds, so a copy
    still in progress is never read half-written. ``wait_s`` lets a run started
    by hand wait that long for files just copied in (``sqmy run``); a scheduled
    run does not wait. A file still left is named in ``IngestReport.left`` with
    the reason, never passed over silently.
    """
    import time

    settings.ensure_dirs()
    quiet = landing.settle_seconds() if settle_s is None else settle_s
    deadline = time.monotonic() + wait_s
    while True:
        offered = landing.expand(settings.landing)
        waiting = [p for p in offered if not landing.is_settled(p, quiet)]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
    ready = [p for p in offered if p not in waiting]
    if waiting:
        log.info("%d file(s) in landing/ still being written; left for the next run", len(waiting))
    report = ingest_paths(settings, ready, progress=progress)
    report.left.extend((str(p), LEFT_UNSETTLED.format(s=quiet)) for p in waiting)
    return report
