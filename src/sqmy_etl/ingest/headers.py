"""Header text → table kind and canonical field names (CONTRACT.md §1 "Columns").

The synonyms live in ``header_synonyms.csv`` beside this module, one row per
(kind, header, field): the same header can mean different fields in
different kinds (标题 is a submission's title but an issue's issue_title,
稿件编号 a submission's id but an issue's source list), so a table's kind is
decided first and its headers are then read with that kind's vocabulary.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from importlib import resources

from sqmy_etl.ingest.model import Cell, TableKind
from sqmy_etl.ingest.values import normalise_text

# A kind matches when both of its required fields are named (see detect_kind).
REQUIRED_FIELDS: dict[TableKind, tuple[str, str]] = {
    "submissions": ("submission_id", "received_date"),
    "issues": ("issue_no", "published_date"),
    "feedback": ("issue_no", "feedback_date"),
}

_SPACES = re.compile(r"[\s\ufeff]+")
_REQUIRED_MARK = re.compile(r"(?:\*|\(必填\))+$")


def normalise_header(text: Cell) -> str:
    """NFKC, trimmed, spaces removed, a trailing ``*`` or ``(必填)`` dropped.

    ``'稿件编号 *'``, ``'稿件编号（必填）'`` and ``'稿 件 编 号'`` all become
    ``'稿件编号'``. Non-text header cells (a number in an Excel header row)
    are read as ``normalise_text`` writes them (``2021.0`` → ``'2021'``).
    """
    raw = text if isinstance(text, str) else normalise_text(text) or ""
    return _REQUIRED_MARK.sub("", _SPACES.sub("", unicodedata.normalize("NFKC", raw)))


@cache
def _synonyms() -> dict[TableKind, dict[str, str]]:
    """kind → {case-folded normalised header → field}, loaded once from the CSV."""
    table: dict[TableKind, dict[str, str]] = {kind: {} for kind in REQUIRED_FIELDS}
    source = resources.files("sqmy_etl.ingest").joinpath("header_synonyms.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = normalise_header(row["header"]).casefold()
            kind_table = table[row["kind"]]  # type: ignore[index]
            if kind_table.setdefault(key, row["field"]) != row["field"]:
                raise ValueError(f"header_synonyms.csv: {row['header']!r} twice for {row['kind']}")
    return table


def field_for(kind: TableKind, header: Cell) -> str | None:
    """The canonical field a header names in a table of ``kind``, or ``None``."""
    return _synonyms()[kind].get(normalise_header(header).casefold())


def _map_headers(kind: TableKind, headers: list[str]) -> list[str | None]:
    """Each header's field in a table of ``kind``; a repeated field's later columns are extras."""
    vocabulary = _synonyms()[kind]
    fields: list[str | None] = []
    seen: set[str] = set()
    for header in headers:
        field = vocabulary.get(normalise_header(header).casefold())
        fields.append(None if field is None or field in seen else field)
        if field is not None:
            seen.add(field)
    return fields


# A feedback date named this loosely does not outweigh an issue's publication date.
_WEAK_FEEDBACK_DATE = "日期"


def detect_kind(headers: list[str]) -> tuple[TableKind, list[str | None]] | None:
    """The kind a header row describes and each column's field (``None`` = extra).

    Submissions win when their two required fields are named. A table naming
    both an issue's publication date and a feedback date (a 批示台账 that
    also copies 编发日期) is feedback, unless its feedback date is only the
    generic 日期 — then it is an issues table. When two columns name the
    same field the first one wins and the later one is an extra column, so
    nothing is silently overwritten.
    """
    matches: dict[TableKind, list[str | None]] = {}
    for kind, required in REQUIRED_FIELDS.items():
        fields = _map_headers(kind, headers)
        if set(required) <= set(fields):
            matches[kind] = fields
    if "submissions" in matches:
        return "submissions", matches["submissions"]
    if "feedback" in matches and "issues" in matches:
        date_header = headers[matches["feedback"].index("feedback_date")]
        if normalise_header(date_header) == _WEAK_FEEDBACK_DATE:
            return "issues", matches["issues"]
        return "feedback", matches["feedback"]
    for kind in ("issues", "feedback"):
        if kind in matches:
            return kind, matches[kind]
    return None
