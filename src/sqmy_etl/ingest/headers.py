"""Header text → table kind and canonical field names (CONTRACT.md §1 "Columns").

The synonyms live in ``header_synonyms.csv`` beside this module, one row per
(kind, field, rank, header): the same header can mean different fields in
different kinds (标题 is a submission's title but an issue's issue_title,
稿件编号 a submission's id but an issue's source list), so a table's kind is
decided first and its headers are then read with that kind's vocabulary.

``rank`` is a header's specificity within its field, 1 the most specific; it
is written in the file rather than taken from the file's line order, so
sorting or appending lines cannot change which column wins. Where two
columns of one table name the same field, the lower rank wins whatever the
column order (稿件编号 beats a running-number 编号, 来稿日期 beats 报送日期)
and the other column is an ordinary extra column. Each field lists the
contract's headers first, in the contract's order, then the canonical field
name itself (``submission_id``), which round-trips our own exports.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources

from sqmy_etl.ingest.model import Cell
from sqmy_etl.ingest.values import normalise_text
from sqmy_etl.tables import TableKind

# A kind matches when both of its required fields are named (see detect_kind).
REQUIRED_FIELDS: dict[TableKind, tuple[str, str]] = {
    "submissions": ("submission_id", "received_date"),
    "issues": ("issue_no", "published_date"),
    "feedback": ("issue_no", "feedback_date"),
    # a theme review sheet (CONTRACT §6, `sqmy themes review`): 稿件编号 + 确认主题
    "theme_reviews": ("submission_id", "confirmed_theme"),
}
# CONTRACT §1 "Primary kind": the first kind whose required fields a header names.
PRIMARY_ORDER: tuple[TableKind, ...] = ("issues", "feedback", "theme_reviews", "submissions")

# Feedback headers too generic to mean a 批示 inside an issues table (a 编发台账's
# 日期 or 内容 column): the contract names 日期 "in a feedback table" only.
_GENERIC_IN_ISSUES = frozenset({"日期", "内容"})

_SPACES = re.compile(r"[\s\ufeff]+")
_REQUIRED_MARK = re.compile(r"(?:\*|\(必填\))+$")
# A note in brackets after the field name (收稿日期（年月日）, 盟市(旗县), 稿件编号【必填】):
# read only when the header with its note names no field.
_TRAILING_NOTE = re.compile(r"(?<=.)[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]$")


def normalise_header(text: Cell) -> str:
    """NFKC, trimmed, spaces removed, a trailing ``*`` or ``(必填)`` dropped.

    ``'稿件编号 *'``, ``'稿件编号（必填）'`` and ``'稿 件 编 号'`` all become
    ``'稿件编号'``. Non-text header cells (a number in an Excel header row)
    are read as ``normalise_text`` writes them (``2021.0`` → ``'2021'``).
    """
    raw = text if isinstance(text, str) else normalise_text(text) or ""
    return _REQUIRED_MARK.sub("", _SPACES.sub("", unicodedata.normalize("NFKC", raw)))


@cache
def _to_simplified() -> Callable[[str], str]:
    """Traditional → simplified characters (OpenCC's t2s tables), loaded once."""
    import opencc

    return opencc.OpenCC("t2s").convert


def _key(header: Cell) -> str:
    """The vocabulary key of a header: normalised, in simplified characters, case-folded, so
    a ledger kept in traditional characters (稿件編號, 來稿日期) names the same fields."""
    text = normalise_header(header)
    return (_to_simplified()(text) if not text.isascii() else text).casefold()


@cache
def _synonyms() -> dict[TableKind, dict[str, tuple[str, int]]]:
    """kind → {case-folded normalised header → (field, rank)}, loaded once from the CSV.

    A header named twice in one kind, or two headers of one field sharing a
    rank, is an error in the file: either would make the winner arbitrary.
    """
    table: dict[TableKind, dict[str, tuple[str, int]]] = {kind: {} for kind in REQUIRED_FIELDS}
    ranks: set[tuple[str, str, int]] = set()
    source = resources.files("sqmy_etl.ingest").joinpath("header_synonyms.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, field, rank = row["kind"], row["field"], int(row["rank"])
            kind_table = table[kind]  # type: ignore[index]
            key = _key(row["header"])
            if key in kind_table or (kind, field, rank) in ranks:
                raise ValueError(
                    f"header_synonyms.csv: {row['header']!r} repeats a header or a rank of {kind}"
                )
            kind_table[key] = (field, rank)
            ranks.add((kind, field, rank))
    return table


def _lookup(vocabulary: dict[str, tuple[str, int]], header: Cell) -> tuple[str, int] | None:
    """A header's (field, rank) in ``vocabulary``, reading past a bracketed note if need be.

    Clerks explain a column inside its header (``收稿日期（年月日）``,
    ``盟市(旗县)``, ``主题（分类）``); the name before the note is the field.
    A leading ``*`` (required, as some templates mark it) goes too. A header
    that is itself a synonym is taken as written first, so a note never
    changes what an exact header means.
    """
    key = _key(header)
    found = vocabulary.get(key)
    if found is None:
        found = vocabulary.get(_TRAILING_NOTE.sub("", key.lstrip("*")))
    return found


def field_for(kind: TableKind, header: Cell) -> str | None:
    """The canonical field a header names in a table of ``kind``, or ``None``."""
    found = _lookup(_synonyms()[kind], header)
    return found[0] if found else None


def _map_headers(
    kind: TableKind, headers: list[str], skip: frozenset[int] = frozenset()
) -> list[str | None]:
    """Each header's field in a table of ``kind`` (``None`` = extra column).

    Per field the most specific header (lowest rank) wins, the first of equal
    ones; columns in ``skip`` are left out.
    """
    vocabulary = _synonyms()[kind]
    best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    for column, header in enumerate(headers):
        found = None if column in skip else _lookup(vocabulary, header)
        if found is not None:
            field, rank = found
            if field not in best or rank < best[field][0]:
                best[field] = (rank, column)
    fields: list[str | None] = [None] * len(headers)
    for field, (_, column) in best.items():
        fields[column] = field
    return fields


def detect_kind(headers: list[str]) -> tuple[TableKind, list[str | None]] | None:
    """The primary kind a header row describes and each column's field (``None`` = extra).

    CONTRACT §1 "Primary kind": 期号 + 编发日期 make an issues table whatever
    else it holds (a 编发台账 listing 稿件编号 + 来稿日期, or a 编发及批示台账);
    else 期号 + a feedback date make a feedback table; else a submission id +
    来稿日期 make a submissions table. The feedback columns of an issues table
    are read by ``feedback_fields``.
    """
    for kind in PRIMARY_ORDER:
        fields = _map_headers(kind, headers)
        if set(REQUIRED_FIELDS[kind]) <= set(fields):
            return kind, fields
    return None


# Fields that describe who sent a submission and from where: an 编发台账 listing its
# sources names their 稿件编号 (and perhaps 来稿日期), a 来稿台账 names these too.
_REGISTER_FIELDS = frozenset({"region", "submitter", "unit", "sector", "phone", "id_card"})


def register_fields(headers: list[str]) -> list[str | None] | None:
    """The submission fields of a 来稿台账 that also records each submission's 期号 and
    编发日期, or ``None`` when ``headers`` is no such ledger.

    By the primary-kind rule 期号 + 编发日期 make an issues table, and an
    issues table's 稿件编号 + 来稿日期 name its sources, not new submissions.
    A header that also names who sent the submission or from where (盟市,
    报送人, 报送单位, 界别, 联系电话, 身份证号) is the office's 来稿登记表
    with two columns saying where each one was published: read as issues,
    every unpublished row would be held for a missing 期号 and no submission
    would be counted. Its rows are submissions, and the rows with a 期号 also
    yield that issue (CONTRACT §1 "a row yields every fact it holds").
    """
    fields = _map_headers("submissions", headers)
    named = set(fields)
    needed = {*REQUIRED_FIELDS["submissions"], *REQUIRED_FIELDS["issues"]}
    if needed <= named and named & _REGISTER_FIELDS:
        return fields
    return None


def feedback_fields(headers: list[str], issue_fields: list[str | None]) -> list[str | None]:
    """The feedback field of each column of an issues table that is not an issue field.

    A combined 编发及批示台账 row is an issue and, when its feedback date is
    filled, a 批示 too (CONTRACT §1 "A row yields every fact it holds"). The
    generic 日期 / 内容 do not count (they are a 编发台账's own columns), nor
    a second issue-number column. All ``None`` unless a feedback date is named,
    as a 批示 without its date cannot be loaded.
    """
    taken = {column for column, field in enumerate(issue_fields) if field}
    generic = {
        column for column, h in enumerate(headers) if normalise_header(h) in _GENERIC_IN_ISSUES
    }
    fields = _map_headers("feedback", headers, frozenset(taken | generic))
    fields = [None if field == "issue_no" else field for field in fields]
    if "feedback_date" not in fields:
        return [None] * len(headers)
    return fields
