"""What an ingest run reports: per file, per table of a file, and for the whole run.

The CLI prints these and the orchestration tasks hand them on; nothing here
touches the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqmy_etl.tables import TableKind

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
