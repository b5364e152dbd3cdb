"""SourceTable → a DataFrame shaped like its ``raw.*`` table, plus helper columns for validation.

Parsing never raises here: a cell that cannot be read keeps its text in a
``_<field>_text`` column and the parser's message in ``_<field>_error``, so
the expectation suites decide what is quarantined and why. Personal data
is hashed and masked in this step and the clear columns are never built
into the frame, so nothing later (quarantine records, logs) can leak them.

Ledgers repeat the same dates, regions and people over and over, so those
columns are parsed once per distinct value; mostly-unique columns (ids,
prose, phone numbers) skip that pass. A table's rows are consumed column by
column so a million-row file does not sit in memory twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

from sqmy_etl import pii
from sqmy_etl.ingest import values
from sqmy_etl.ingest.model import Cell, SourceTable
from sqmy_etl.tables import TableKind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

# The raw.* columns filled from a table (lineage columns sha256 / ingest_seq are the loader's).
RAW_COLUMNS: dict[TableKind, tuple[str, ...]] = {
    "submissions": (
        "source_sheet",
        "source_sheet_no",
        "source_row",
        "submission_id",
        "received_date",
        "title",
        "submitter_hash",
        "submitter_masked",
        "sector",
        "region",
        "theme",
        "unit",
        "content",
        "phone_hash",
        "phone_masked",
        "id_card_hash",
        "id_card_masked",
        "issue_id",
        "extra_json",
    ),
    "issues": (
        "source_sheet",
        "source_sheet_no",
        "source_row",
        "issue_id",
        "issue_year",
        "issue_seq",
        "issue_no_raw",
        "published_date",
        "issue_title",
        "issue_theme",
        "source_submissions",
        "issue_form",
        "extra_json",
    ),
    "feedback": (
        "source_sheet",
        "source_sheet_no",
        "source_row",
        "issue_no_raw",
        "issue_year",
        "issue_seq",
        "feedback_type",
        "level",
        "post",
        "feedback_date",
        "summary",
        "channel",
        "body",
        "status",
        "extra_json",
    ),
    "theme_reviews": (
        "source_sheet",
        "source_sheet_no",
        "source_row",
        "submission_id",
        "confirmed_theme",
        "theme_l1",
        "theme_l2",
        "extra_json",
    ),
}


def _objects(items: Any, count: int) -> np.ndarray:
    """A 1-D object array that keeps tuples and lists as single elements."""
    import numpy as np

    return np.fromiter(items, dtype=object, count=count)


def _per_cell(cells: np.ndarray, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` on every non-blank cell; for columns whose values are mostly unique."""
    # ``c == c`` is False only for NaN: inlined, as this runs once per cell
    return _objects((fn(c) if c is not None and c == c else None for c in cells), len(cells))


def _distinct(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code of each cell, the distinct non-blank cells); a blank cell's code is -1.

    List cells (JSON arrays) cannot be hashed: then every non-blank cell is a value of its own.
    """
    import numpy as np
    import pandas as pd

    try:
        return pd.factorize(cells)
    except TypeError:
        # ``c == c`` is False only for NaN
        present = np.fromiter(
            (c is not None and c == c for c in cells), dtype=bool, count=len(cells)
        )
        codes = np.full(len(cells), -1)
        codes[present] = np.arange(np.count_nonzero(present))
        return codes, cells[present]


def _spread(mapped: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Values per distinct cell back over the rows; code -1 (blank) gives None."""
    import numpy as np

    return np.append(mapped, None)[codes]


def _per_distinct(cells: np.ndarray, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` once per distinct non-blank cell, spread back over the rows; blanks give None."""
    codes, uniques = _distinct(cells)
    return _spread(_objects(map(fn, uniques), len(uniques)), codes)


def _strings(items: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Python strings → pandas' Arrow-backed ``str`` array, so the objects are freed at once."""
    import pandas as pd

    return pd.array(items, dtype="str")


def _texts(cells: np.ndarray, *, unique: bool = False) -> pd.api.extensions.ExtensionArray:
    """Normalised text; ``unique`` columns (ids) skip the distinct-value pass."""
    return _strings((_per_cell if unique else _per_distinct)(cells, values.normalise_text))


def _label(text: str) -> str | None:
    """A short label (界别, 盟市, 主题, 单位, 级别, 职务) with phone / ID numbers masked; a
    cell that holds nothing but such a number is no label at all, so it reads as missing
    (CONTRACT §1: a phone typed into 界别 never reaches a mart)."""
    if pii.is_phone_or_id_number(text):
        return None
    return pii.redact_text(text)


def _labels(cells: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Normalised labels, each distinct value once (see ``_label``)."""
    return _strings(_per_distinct(cells, _on_text(_label)))


def _on_text(fn: Callable[[str], Any]) -> Callable[[Cell], Any]:
    """Cell → ``fn`` of its normalised text; a blank cell gives None without calling ``fn``."""

    def apply(cell: Cell) -> Any:
        text = values.normalise_text(cell)
        return None if text is None else fn(text)

    return apply


_clean_free_text = _on_text(pii.redact_text)


# cells per Arrow pass of ``_arrow_free_texts``: keeps the Arrow copies of long prose small
_ARROW_CHUNK = 65536
# what Python's ``str.strip()`` removes: every character whose ``isspace()`` is True
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _arrow_free_text(array: pa.Array) -> pa.Array:
    """NFKC, trimmed, blank → null, with phone / ID numbers masked: ``_clean_free_text``
    on a whole Arrow array. Only the texts that may hold such a number (``pii.DIGIT_RUN``,
    searched by Arrow) go through Python's ``redact_text``; in ledger prose that is few."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim(pc.utf8_normalize(array, "NFKC"), PY_WHITESPACE)
    text = pc.if_else(pc.equal(pc.binary_length(text), 0), pa.scalar(None, text.type), text)
    suspect = pc.fill_null(pc.match_substring_regex(text, pii.DIGIT_RUN.pattern), False)
    if not pc.any(suspect).as_py():
        return text
    redacted = [pii.redact_text(value) for value in pc.filter(text, suspect).to_pylist()]
    return pc.replace_with_mask(text, suspect, pa.array(redacted, type=text.type))


def _arrow_free_texts(cells: np.ndarray) -> pa.ChunkedArray | None:
    """``_arrow_free_text`` of an all-text column, ``None`` if any cell is not text.

    Python's ``unicodedata.normalize`` and the per-cell regex search were the
    biggest costs of a million-row ingest (ledger prose is full of full-width
    punctuation, so nothing is already normalised); Arrow's (utf8proc, RE2)
    give the same text several times faster and hand DuckDB a column it reads
    without converting. Cells that are not ``str`` (numbers and dates from xlsx)
    send the column back to the per-cell path, which knows how to print them.
    """
    import pyarrow as pa

    chunks = []
    for start in range(0, len(cells), _ARROW_CHUNK):
        try:
            array = pa.array(
                cells[start : start + _ARROW_CHUNK], type=pa.large_string(), from_pandas=True
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
            return None
        chunks.append(_arrow_free_text(array))
    return pa.chunked_array(chunks, type=pa.large_string())


def _free_texts(cells: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Normalised prose (mostly unique) with phone / ID numbers typed into it masked."""
    import pandas as pd

    normalised = _arrow_free_texts(cells)
    if normalised is None:
        return _strings(_per_cell(cells, _clean_free_text))
    return pd.array(normalised, dtype="str")


def _parsed(cells: np.ndarray, parse: Callable[[Cell], Any]) -> tuple[np.ndarray, ...]:
    """(text, value, error) per cell: blank → (None, None, None); unreadable → (text, None, msg)."""

    def attempt(cell: Cell) -> tuple[str | None, Any, str | None]:
        text = values.normalise_text(cell)
        if text is None:
            return None, None, None
        try:
            return text, parse(cell), None
        except ValueError as exc:
            return text, None, pii.redact_text(str(exc))

    codes, uniques = _distinct(cells)
    outcomes = [attempt(cell) for cell in uniques]
    # split per distinct value, then spread: three passes over the rows would cost more
    return tuple(
        _spread(_objects((o[i] for o in outcomes), len(outcomes)), codes) for i in range(3)
    )


class _Columns:
    """Cells of a SourceTable by canonical field name; an absent field reads as all blank.

    It takes the table's rows over (``table.rows`` is emptied) and hands each
    column out once, so a column's cells can be freed as soon as it is
    normalised: on a million-row file this keeps one copy of the text, not two.
    """

    def __init__(self, table: SourceTable) -> None:
        import pandas as pd

        names = table.columns + table.extra_columns
        rows, table.rows = table.rows, []
        self.count = len(rows)
        frame = pd.DataFrame(rows, dtype=object, columns=range(len(names)))
        del rows
        self._arrays: dict[str, np.ndarray] = {}
        for position, name in enumerate(names):
            self._arrays.setdefault(name, frame[position].to_numpy(dtype=object))

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self._arrays:
            return self._arrays.pop(name)
        return _objects((None for _ in range(self.count)), self.count)


def _extra_json(table: SourceTable, cols: _Columns) -> np.ndarray:
    """Unknown columns as one JSON object per row (masked where the header names PII)."""
    import numpy as np

    result = _objects((None for _ in range(cols.count)), cols.count)
    headers = list(dict.fromkeys(table.extra_columns))
    # a PII-named header masks its values, others are redacted like prose
    columns = [_per_distinct(cols[h], _on_text(pii.extra_redactor(h))) for h in headers]
    filled = np.zeros(cols.count, dtype=bool)
    for column in columns:
        filled |= column != None  # noqa: E711 -- elementwise test on an object array
    # json.dumps({header: value, ...}, ensure_ascii=False) assembled from its parts: the
    # same text, without building a dict and running the encoder once per row
    keys = [encode_basestring(h) + ": " for h in headers]
    encoded = [_per_cell(c, encode_basestring) for c in columns]
    for row in np.flatnonzero(filled):  # extra columns are mostly empty: skip blank rows
        parts = [k + e[row] for k, e in zip(keys, encoded, strict=True) if e[row] is not None]
        result[row] = "{" + ", ".join(parts) + "}"
    return result


def _issue_numbers(
    issue_cells: np.ndarray, dates: np.ndarray, *, year_from_date: bool
) -> dict[str, np.ndarray]:
    """Issue number → text, error, year, seq and issue_id (``YYYY-NNN``).

    The year comes from the number when it has one, else (if allowed) from
    the published date; without a year the issue_id stays None — a feedback
    number like 第37期 is resolved later by dbt against the feedback date.
    """
    text, parsed, error = _parsed(issue_cells, values.parse_issue_no)
    n = len(issue_cells)

    def year(number: tuple[int | None, int] | None, published: Any) -> int | None:
        if number is None:
            return None
        if number[0] is not None:
            return number[0]
        return published.year if year_from_date and published is not None else None

    years = _objects(map(year, parsed, dates), n)
    seqs = _objects((p[1] if p else None for p in parsed), n)
    ids = _objects(
        (
            values.issue_id(y, s) if y is not None and s is not None else None
            for y, s in zip(years, seqs, strict=True)
        ),
        n,
    )
    return {"text": text, "error": error, "year": years, "seq": seqs, "id": ids}


def _dates(cells: np.ndarray, table: SourceTable) -> tuple[np.ndarray, ...]:
    return _parsed(cells, partial(values.parse_date, date1904=table.date1904))


def _kept_if_unknown(parse: Callable[[Cell], str | None]) -> Callable[[Cell], str | None]:
    """``parse`` of a categorical cell; an unknown word is kept as written so the suite's
    in-set rule quarantines the row with a reason listing the accepted values."""

    def read(cell: Cell) -> str | None:
        try:
            return parse(cell)
        except ValueError:
            return values.normalise_text(cell)

    return read


def _feedback_types(cells: np.ndarray, channels: np.ndarray, statuses: np.ndarray) -> np.ndarray:
    """Types per row. A blank or absent 类型 means 批示 (CONTRACT.md §1), except on a row
    that says how it was adopted (采用方式 → 采用) or how far it was handled (办理状态 →
    办理反馈): neither is a thing a 批示 has, so the row tells its own type."""
    import pandas as pd

    types = _per_distinct(cells, _kept_if_unknown(values.parse_feedback_type))
    blank = pd.isna(types)
    types[blank & pd.notna(channels)] = values.FEEDBACK_ADOPTION
    types[blank & pd.isna(channels) & pd.notna(statuses)] = values.FEEDBACK_RESPONSE
    types[pd.isna(types)] = values.FEEDBACK_INSTRUCTION
    return types


def _source_ids(cell: Cell) -> list[str] | None:
    ids = values.split_ids(cell)
    return ids or None


def _protected(
    field: str, clear: Any, mask: Callable[[str], str], key: bytes, *, unique: bool
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """``<field>_hash`` and ``<field>_masked``: the clear value goes no further than this."""
    apply = _per_cell if unique else _per_distinct
    return {
        f"{field}_hash": _strings(apply(clear, partial(pii.pii_hash, key=key))),
        f"{field}_masked": _strings(apply(clear, mask)),
    }


def _canonical(
    cells: np.ndarray, ready: re.Pattern[str], canonical: Callable[[str], str | None]
) -> np.ndarray:
    """A phone or ID-card column in the form it is hashed and masked by.

    A cell that is in that form already (``ready`` matches all of it, as it
    does for nearly every cell of a ledger) is taken as it is; the others are
    normalised and put in form by ``canonical`` one by one.
    """
    slow = _on_text(canonical)
    return _objects(
        (
            cell
            if type(cell) is str and ready.fullmatch(cell)
            else (slow(cell) if cell is not None and cell == cell else None)
            for cell in cells
        ),
        len(cells),
    )


# the forms phone and ID-card cells are hashed and masked by (a digitless phone: None), and
# the cells already in them: ASCII digits only, nothing for NFKC, strip or the canonical form
# to change (an 11-digit number carries no +86 / 0086 prefix to drop)
_PHONE_READY = re.compile(r"[0-9]{11}")
_ID_CARD_READY = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_phone_digits = partial(
    _canonical, ready=_PHONE_READY, canonical=lambda t: pii.phone_digits(t) or None
)
_id_cards = partial(_canonical, ready=_ID_CARD_READY, canonical=pii.id_card_canonical)


def _submissions(table: SourceTable, cols: _Columns, key: bytes) -> dict[str, Any]:
    date_text, received, date_error = _dates(cols["received_date"], table)
    published_text, published, published_error = _dates(cols["published_date"], table)
    issue = _issue_numbers(cols["issue_no"], published, year_from_date=True)
    phone = _phone_digits(cols["phone"])
    id_card = _id_cards(cols["id_card"])
    return {
        "submission_id": _texts(cols["submission_id"], unique=True),
        "received_date": received,
        "title": _free_texts(cols["title"]),
        **_protected("submitter", _texts(cols["submitter"]), pii.mask_name, key, unique=False),
        "sector": _labels(cols["sector"]),
        "region": _labels(cols["region"]),
        "theme": _labels(cols["theme"]),
        "unit": _labels(cols["unit"]),
        "content": _free_texts(cols["content"]),
        **_protected("phone", phone, pii.mask_phone, key, unique=True),
        **_protected("id_card", id_card, pii.mask_id_card, key, unique=True),
        "issue_id": issue["id"],
        "_received_date_text": date_text,
        "_received_date_error": date_error,
        "_published_date_text": published_text,
        "_published_date_error": published_error,
    }


def _issues(table: SourceTable, cols: _Columns, key: bytes) -> dict[str, Any]:
    date_text, published, date_error = _dates(cols["published_date"], table)
    issue = _issue_numbers(cols["issue_no"], published, year_from_date=True)
    return {
        "issue_id": issue["id"],
        "issue_year": issue["year"],
        "issue_seq": issue["seq"],
        "issue_no_raw": issue["text"],
        "published_date": published,
        "issue_title": _free_texts(cols["issue_title"]),
        "issue_theme": _labels(cols["issue_theme"]),
        "source_submissions": _per_distinct(cols["source_submissions"], _source_ids),
        "issue_form": _per_distinct(cols["issue_form"], _kept_if_unknown(values.parse_issue_form)),
        "_issue_no_error": issue["error"],
        "_published_date_text": date_text,
        "_published_date_error": date_error,
    }


def _feedback(table: SourceTable, cols: _Columns, key: bytes) -> dict[str, Any]:
    """Feedback rows; those of a combined 编发及批示台账 carry their issue's 编发日期, which
    gives a year-less 期号 its year, as it does in the issues table beside them."""
    date_text, given, date_error = _dates(cols["feedback_date"], table)
    _, published, _ = _dates(cols["published_date"], table)
    issue = _issue_numbers(cols["issue_no"], published, year_from_date=True)
    channel = _per_distinct(cols["channel"], _kept_if_unknown(values.parse_channel))
    status = _per_distinct(cols["status"], _kept_if_unknown(values.parse_status))
    return {
        "issue_no_raw": issue["text"],
        "issue_year": issue["year"],
        "issue_seq": issue["seq"],
        "feedback_type": _feedback_types(cols["feedback_type"], channel, status),
        "level": _labels(cols["level"]),
        "post": _labels(cols["post"]),
        "feedback_date": given,
        "summary": _free_texts(cols["summary"]),
        "channel": channel,
        "body": _labels(cols["body"]),
        "status": status,
        "_issue_no_error": issue["error"],
        "_feedback_date_text": date_text,
        "_feedback_date_error": date_error,
    }


def _theme_reviews(table: SourceTable, cols: _Columns, key: bytes) -> dict[str, Any]:
    """A filled theme review sheet (CONTRACT §6): the confirmed theme, mapped here (see
    ``themes.review``); ``_theme_error`` marks a theme no taxonomy name or alias matches."""
    from sqmy_etl.themes.review import confirmed_columns

    written = _labels(cols["confirmed_theme"])
    return {
        "submission_id": _texts(cols["submission_id"], unique=True),
        "confirmed_theme": written,
        **confirmed_columns(written),
    }


_BUILDERS = {
    "submissions": _submissions,
    "issues": _issues,
    "feedback": _feedback,
    "theme_reviews": _theme_reviews,
}
_INTEGER_COLUMNS = ("source_sheet_no", "source_row", "issue_year", "issue_seq")


def normalise_table(table: SourceTable, key: bytes) -> pd.DataFrame:
    """The rows of one table as ``RAW_COLUMNS[kind]`` plus ``_``-prefixed helper columns.

    Consumes the table: ``table.rows`` is emptied (see ``_Columns``).
    """
    import pandas as pd

    cols = _Columns(table)
    built = _BUILDERS[table.kind](table, cols, key)
    frame = pd.DataFrame(
        {
            "source_sheet": table.sheet,
            "source_sheet_no": table.sheet_index,
            "source_row": table.row_numbers,
            **built,
            "extra_json": _extra_json(table, cols),
        },
        index=pd.RangeIndex(cols.count),
    )
    for name in _INTEGER_COLUMNS:
        if name in frame:
            frame[name] = frame[name].astype("Int64")
    helpers = [c for c in frame.columns if c.startswith("_")]
    return frame[[*RAW_COLUMNS[table.kind], *helpers]]
