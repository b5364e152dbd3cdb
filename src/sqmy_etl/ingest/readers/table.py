"""Physical rows of a sheet or CSV → ``SourceTable`` chunks (shared by xlsx and CSV).

Ledgers are typed by clerks: a merged title and notes above the header, a
header over two rows (a group cell such as 报送情况 over 报送人 | 盟市), blank
spacer rows, 小计 / 合计 lines between the quarters and 填表人 / 联系电话 lines
under the table. This module finds the header (its first row among the first
11 rows), tells data rows from the rows a reader passes over on purpose, and
lays the columns out canonical-first so the loader never sees the sheet's own
column order (CONTRACT.md §1 "Formats").

A combined 编发及批示台账 yields two tables from one sheet: the issues and,
from the rows that carry a 批示 date, the feedback (CONTRACT §1 "A row yields
every fact it holds"). Both come out of the same ``table_chunks`` iterator,
the issues table first, so a reader that collects what the iterator yields
hands both over without knowing about the split.

A sheet is one chunk; a CSV may be handed over in chunks of rows, each of
which normalises to exactly the rows the whole table would give. Every
decision about a row (blank, total, footer, data) is taken from that row and
the rows before it, never from the rows after it, so a chunk boundary cannot
change it and each skipped row is listed exactly once, in the chunk where it
was read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain, islice, starmap
from operator import itemgetter

from sqmy_etl import pii
from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.headers import (
    detect_kind,
    feedback_fields,
    normalise_header,
    register_fields,
)
from sqmy_etl.ingest.model import Cell, SkippedRow, SourceTable
from sqmy_etl.ingest.values import normalise_text, parse_issue_no
from sqmy_etl.tables import TableKind

HEADER_SEARCH_ROWS = 11  # up to 10 title / note rows, then the header's (first) row
HEAD_ROWS = HEADER_SEARCH_ROWS + 1  # rows to read before the data: a header may span two
TOTAL_MARKERS = ("小计", "合计", "总计")
# The first cell of a line under the table that is no data: who filled it in, who
# checked it, whom to call, notes. Checked on the NFKC text (注： reads 注:).
FOOTER_MARKERS = (
    "填表",
    "填报",
    "审核",
    "审批",
    "制表",
    "制单",
    "联系电话",
    "联系人",
    "联系方式",
    "负责人",
    "经办人",
    "统计人",
    "备注",
    "说明",
    "附注",
    "注:",
    "签字",
    "盖章",
    "以下空白",
    "以下无",
    "(以下空白",
    "(以下无",
    "单位负责人",
    "分管领导",
    "主管领导",
    "统计时间",
    "统计日期",
    "日期:",
    "截至",
    "截止",
)
# A template's example row under the header (示例 | NM2021-0000 | …): its id looks real,
# so it is passed over by its first cell alone and listed with the footer lines.
EXAMPLE_MARKERS = ("示例", "样例", "填写示例", "填表示例", "举例", "例:")
UNCOMPUTED_FORMULA = (
    "uncomputed_formula",
    "公式未计算，请在 Excel 中打开并保存 / formula without a saved value: "
    "open the file in Excel and save it",
)
# An issue's scalar fields: one value per 期号, whichever of its rows gives it.
ISSUE_SCALARS = ("published_date", "issue_title", "issue_theme")

NumberedRow = tuple[int, Sequence[object]]
Merge = tuple[tuple[int, int], tuple[int, int]]  # ((row0, col0), (row1, col1)), 0-based, inclusive

# first characters of the raw text (before NFKC: （以下空白） opens with a full-width bracket)
_MARKERS = TOTAL_MARKERS + FOOTER_MARKERS + EXAMPLE_MARKERS
_MARKER_INITIALS = frozenset(marker[0] for marker in _MARKERS) | {"（"}
_SHORT_TOTAL = 12  # a cell this short holding 合计 anywhere (一季度小计, 全年总计:60篇) is a total
# a count in the id column of a total row (15, 15篇, 3期) is not an id
_COUNT = re.compile(r"[0-9]{1,4}(?:篇|件|条|期|项|个|份|人|次)?")
_DIGIT = re.compile(r"[0-9]")
# a name after 填表人 / 审核人 / 联系人 …, up to the next label or non-Chinese character
_NAME_LABEL = re.compile(
    r"((?:(?:填表人|填报人|审核人|联系人|制表人|经办人|负责人|统计人|分管领导|主管领导)(?:签字|签名)?\s*:?"
    r"|(?:填表|审核|制表)\s*:)\s*(?:\|\s*)?)"
    r"([\u3400-\u9fff·、,]+?)(?=联系|电话|手机|审核|制表|填表|填报|日期|[^\u3400-\u9fff·、,]|$)"
)
_NAME_SEPARATORS = re.compile(r"([、,])")


class NotATable(Exception):
    """A sheet (or CSV) whose header names no table kind; ``why`` is shown to the user."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header: its rows in the head, its text and the field of each column.

    ``texts`` are the normalised header texts, for a two-row header the lower
    row's where it has one, else the upper row's. ``feedback`` is, for a
    table with a 期号 column, the feedback field of each column that feeds its
    companion feedback table (see ``headers.feedback_fields``); all ``None``
    otherwise. A submissions table with a 期号 column is a 来稿台账 recording
    where each submission was published (``headers.register_fields``).
    """

    first: int  # index in the head of the header's (upper) row
    last: int  # index in the head of its lower row; == first for a one-row header
    texts: list[str]
    kind: TableKind
    fields: list[str | None]
    feedback: list[str | None]
    register: bool = False  # a 来稿台账 with 期号 + 编发日期: it yields issues too

    @property
    def named(self) -> int:
        """How many columns name a field: a second header row must add to it."""
        return sum(1 for f in self.fields if f) + sum(1 for f in self.feedback if f)

    def claims(self, column: int) -> bool:
        """True when ``column`` names a field (of the table or its companion)."""
        return column < len(self.fields) and bool(self.fields[column] or self.feedback[column])


def _match(texts: list[str], first: int, last: int) -> HeaderMatch | None:
    found = detect_kind(texts)
    if found is None:
        return None
    kind, fields = found
    register = register_fields(texts) if kind == "issues" else None
    if register is not None:
        kind, fields = "submissions", register
    with_issue = kind == "issues" or register is not None
    feedback = feedback_fields(texts, fields) if with_issue else [None] * len(texts)
    return HeaderMatch(first, last, texts, kind, fields, feedback, register is not None)


def _stacked(upper: list[str], lower: list[str]) -> list[str]:
    """A two-row header read as one: per column the lower row's text, else the upper's."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    return [below or above for above, below in zip(upper, lower, strict=True)]


def _under_groups(upper: HeaderMatch, lower: list[str]) -> bool:
    """True when the lower row only names columns the upper row leaves unnamed.

    That is a field row under group cells (编号 | 报送情况 over | 报送人 | 盟市),
    not a data row: a data row has its id under the id column.
    """
    return any(lower) and all(not text or not upper.claims(col) for col, text in enumerate(lower))


def _two_row_header(
    texts: list[list[str]], index: int, alone: HeaderMatch | None
) -> HeaderMatch | None:
    """The header of rows ``index`` and ``index + 1`` read together, when that is what they are.

    When row ``index`` is no header by itself, the pair is one if it names
    more fields than the lower row alone (so a title row above a header adds
    nothing and is not taken in). When it is a header by itself, the lower
    row must name more fields, standing under group cells only.
    """
    if index + 1 >= len(texts):
        return None
    upper, lower = texts[index], texts[index + 1]
    both = _match(_stacked(upper, lower), index, index + 1)
    if both is None:
        return None
    if alone is None:
        rival = _match(lower, index + 1, index + 1)
        return both if rival is None or both.named > rival.named else None
    return both if _under_groups(alone, lower) and both.named > alone.named else None


def find_header(head: Sequence[NumberedRow]) -> HeaderMatch | None:
    """The first header among the first ``HEADER_SEARCH_ROWS`` rows of ``head``, or ``None``.

    A header is a row naming a kind's required columns, possibly with the
    row below it (``_two_row_header``); ``head`` may hold one row more than
    the search so the lower row of a header starting at row 11 is seen.
    """
    texts = [[normalise_header(cell) for cell in cells] for _, cells in head[:HEAD_ROWS]]
    for index in range(min(len(texts), HEADER_SEARCH_ROWS)):
        alone = _match(texts[index], index, index)
        found = _two_row_header(texts, index, alone) or alone
        if found is not None:
            return found
    return None


def describe_head(head: Sequence[NumberedRow]) -> str:
    """Why nothing was recognised, naming the first non-blank row so a clerk can fix it."""
    for number, cells in head[:HEADER_SEARCH_ROWS]:
        texts = [normalise_header(cell) for cell in cells]
        if any(texts):
            shown = " | ".join(text for text in texts if text)[:200]
            return (
                f"前{HEADER_SEARCH_ROWS}行中没有可识别的表头 / no header naming the required "
                f"columns of any table kind in the first {HEADER_SEARCH_ROWS} rows "
                f"(first non-blank row {number}: {shown})"
            )
    return "空表 / empty: no data in the first rows"


def _plain(cell: object) -> Cell:
    """Cell types calamine may return beyond ``Cell`` (bool, time, duration) → text."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, time | timedelta):
        return str(cell)
    return cell  # type: ignore[return-value]


_PASS_THROUGH = frozenset({str, float, int, date, datetime, list})


def check_field_size(cell: str, limits: Limits, where: str) -> None:
    """Reject the file when one text value is over ``limits.max_field_bytes`` (UTF-8)."""
    if len(cell) <= limits.max_field_bytes // 4:  # a char is at most 4 UTF-8 bytes
        return
    size = len(cell.encode("utf-8", "surrogatepass"))
    if size > limits.max_field_bytes:
        raise FileRejected(
            f"字段过长 / field too large: {where} has {size} bytes, limit {limits.max_field_bytes}"
        )


class _RowCheck:
    """Per-row checks of one sheet / CSV, with the messages' location prefix."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet = sheet
        self.limits = limits
        self.quick = limits.max_field_bytes // 4

    def is_blank(self, number: int, row: list[object]) -> bool:
        """True when no cell holds anything; also enforces the field cap and turns
        calamine's extra cell types into text, in the same pass."""
        blank = True
        for index, cell in enumerate(row):
            kind = type(cell)
            if kind is str:
                if len(cell) > self.quick:  # type: ignore[arg-type]
                    self._check_sizes(number, row)
                if blank and cell.strip():  # type: ignore[union-attr]
                    blank = False
            elif cell is not None:
                if kind not in _PASS_THROUGH:
                    row[index] = _plain(cell)
                blank = False
        return blank

    def is_blank_text(self, number: int, row: list[str]) -> bool:
        """``is_blank`` for rows known to hold only text (CSV): C-level, no per-cell loop."""
        if max(map(len, row), default=0) > self.quick:
            self._check_sizes(number, row)  # type: ignore[arg-type]
        return not "".join(row).strip()

    def _check_sizes(self, number: int, row: list[object]) -> None:
        where = f"{self.sheet}!" if self.sheet else ""
        for index, cell in enumerate(row):
            if isinstance(cell, str):
                check_field_size(cell, self.limits, f"{where}row {number}, column {index + 1}")


def _blank(cell: object) -> bool:
    """True for a cell that holds nothing (None, spaces, NaN).

    Text that does not start with whitespace is never blank: no character
    that is not whitespace normalises (NFKC) to whitespace alone, so the
    common cell is decided without normalising it.
    """
    if type(cell) is str and cell and not cell[0].isspace():
        return False
    return normalise_text(cell) is None  # type: ignore[arg-type]


def _first_text(row: Sequence[object]) -> str:
    """The first non-empty cell's text, stripped; ``""`` when a number or date comes first."""
    for cell in row:
        if isinstance(cell, str):
            text = cell.strip()
            if text:
                return text
        elif cell is not None:
            return ""
    return ""


def _marker(text: str) -> str | None:
    """``total``, ``footer`` or ``example`` when a row's first text marks one, else ``None``.

    The quick test on the raw text keeps the common data row (an id first)
    off the normalisation, which matters on a CSV of a million rows.
    """
    if not text or (text[0] not in _MARKER_INITIALS and "计" not in text):
        return None
    name = normalise_header(text)
    if name.startswith(TOTAL_MARKERS):
        return "total"
    if len(name) <= _SHORT_TOTAL and any(marker in name for marker in TOTAL_MARKERS):
        return "total"
    if name.startswith(FOOTER_MARKERS):
        return "footer"
    if name.startswith(EXAMPLE_MARKERS):
        return "example"
    return None


def _holds_id(kind: TableKind, cell: object) -> bool:
    """True when ``cell`` looks like a real id of a ``kind`` row: such a row is data.

    An id has a digit, is not a count (``15``, ``15篇`` in a total row) and
    does not start with a total or footer word; an issue number must also
    parse (``2021年第37期``, ``第37期``). A submission titled 总计划… is
    therefore never passed over as a total.
    """
    text = normalise_header(cell)
    if not text or not _DIGIT.search(text) or _COUNT.fullmatch(text):
        return False
    if text.startswith(_MARKERS):
        return False
    if kind in ("submissions", "theme_reviews"):
        return True
    try:
        parse_issue_no(text)
    except ValueError:
        return False
    return True


def _mask_names(match: re.Match[str]) -> str:
    parts = _NAME_SEPARATORS.split(match.group(2))
    return match.group(1) + "".join(
        part if _NAME_SEPARATORS.fullmatch(part) or not part else pii.mask_name(part)
        for part in parts
    )


def _skipped_text(row: Sequence[object]) -> str:
    """A passed-over row as a clerk may see it: its non-empty cells joined by `` | ``,
    phone and ID numbers masked, and the name after 填表人 / 审核人 / 联系人 … masked."""
    texts = (normalise_text(cell) for cell in row)  # type: ignore[arg-type]
    text = " | ".join(t for t in texts if t)
    return pii.redact_text(_NAME_LABEL.sub(_mask_names, text))


class _RowSorter:
    """Tells data rows from 小计 / 合计 / 总计 rows and footer lines, one row at a time.

    A total may stand anywhere and does not end the table. A footer line
    does: the rows after it are footer too, until a row with a real id shows
    that the table goes on. A row with a real id (``_holds_id``) is data
    whatever its other cells say.
    """

    def __init__(self, kind: TableKind, id_column: int) -> None:
        self.kind = kind
        self.id_column = id_column
        self.in_footer = False

    def why(self, row: Sequence[object]) -> str | None:
        """``"total"`` or ``"footer"`` for a row to pass over, ``None`` for a data row."""
        first = row[0] if row else None
        if (
            not self.in_footer
            and type(first) is str
            and first
            and not first[0].isspace()
            and first[0] not in _MARKER_INITIALS
            and "计" not in first
        ):
            return None  # the common data row, an id first: decided without a call
        marker = _marker(_first_text(row))
        if marker == "example":
            return "footer"  # whatever its id cell holds: the template's sample
        if marker is None and not self.in_footer:
            return None
        cell = row[self.id_column] if self.id_column < len(row) else None
        if _holds_id(self.kind, cell):
            self.in_footer = False
            return None
        if marker == "footer":
            self.in_footer = True
        return marker or "footer"

    def is_title(self, row: Sequence[object]) -> bool:
        """True for a row of one cell that is no id (二季度, 编发情况).

        Such a row right above a table's header is that table's title, read
        like the title rows above the first header: no record has a single cell.
        """
        filled = [cell for cell in row if not _blank(cell)]
        return len(filled) == 1 and not _holds_id(self.kind, filled[0])

    def starts_table(self, row: Sequence[object]) -> bool:
        """True when ``row`` is the header of another table further down the sheet.

        Clerks paste a second table under the first (the 编发 under the 来稿,
        the second quarter under the first with its header repeated). Read as
        rows of the first table, its rows would be filed as the wrong kind or
        under the wrong columns; so a row that names a kind's required
        columns ends the table and starts the next one. An id cell with a
        digit is data: the common row is decided without reading its header.
        """
        cell = row[self.id_column] if self.id_column < len(row) else None
        if (isinstance(cell, str) and _DIGIT.search(cell)) or isinstance(cell, int | float):
            return False
        return detect_kind([normalise_header(value) for value in row]) is not None


def _fill_merges(
    rows: list[list[object]], numbers: list[int], merges: Iterable[Merge], first_data_row: int
) -> None:
    """Copy each merged block's top-left value into its other cells (data area only).

    A 期号 merged over the three 批示 it received must give all three rows
    their issue; merges whose top-left lies above ``first_data_row`` (the
    title, either row of a two-row header) are left alone. Ranges are
    clipped to the rows actually present, so a hostile ``A1:XFD1048576``
    merge costs nothing.
    """
    by_number = {number: row for number, row in zip(numbers, rows, strict=True)}
    last = numbers[-1] if numbers else 0
    budget = len(rows) * max((len(row) for row in rows), default=0)
    for (row0, col0), (row1, col1) in merges:
        top = by_number.get(row0 + 1)
        if row0 + 1 < first_data_row or top is None or col0 >= len(top):
            continue
        value = top[col0]
        for number in range(row0 + 1, min(row1 + 1, last) + 1):
            row = by_number.get(number)
            if row is None:
                continue
            for col in range(col0, min(col1 + 1, len(row))):
                if budget <= 0:
                    return  # overlapping merges: a well-formed sheet never gets here
                budget -= 1
                row[col] = value


def _fill_issue_scalars(rows: list[list[object]], fields: list[str | None]) -> None:
    """Rows sharing one 期号 are one issue: a blank scalar takes the issue's first value.

    A 编发台账 lists one source per row and often writes the date and title
    on the issue's first row only; without this the other rows would be
    quarantined for a missing 编发日期. Rows are matched on the 期号 text.
    """
    key_column = fields.index("issue_no")
    columns = [fields.index(f) for f in ISSUE_SCALARS if f in fields]
    keys = [normalise_header(row[key_column]) for row in rows]
    first: dict[str, dict[int, object]] = {}
    for key, row in zip(keys, rows, strict=True):
        if key:
            known = first.setdefault(key, {})
            for col in columns:
                if col not in known and not _blank(row[col]):
                    known[col] = row[col]
    for key, row in zip(keys, rows, strict=True):
        for col, value in first.get(key, {}).items():
            # the row that gave the value (the only row of most issues) keeps it
            if row[col] is not value and _blank(row[col]):
                row[col] = value


def _layout(
    header: Sequence[str],
    fields: list[str | None],
    rows: list[list[object]],
    width: int,
    claimed: Collection[int],
) -> tuple[list[str], list[str], list[int]]:
    """Canonical columns, extra column names and the source index of each output column.

    Columns in ``claimed`` belong to the companion feedback table and are
    neither fields nor extras here.
    """
    columns = [field for field in fields if field]
    order = [index for index, field in enumerate(fields) if field]
    extras: list[str] = []
    taken = set(columns)
    for index in range(width):
        if (index < len(fields) and fields[index]) or index in claimed:
            continue
        name = header[index] if index < len(header) else ""
        if not name:
            if not any(index < len(row) and row[index] not in (None, "") for row in rows):
                continue  # an empty, unnamed column carries nothing
            name = f"column_{index + 1}"
        unique, suffix = name, 2
        while unique in taken:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(unique)
        extras.append(unique)
        order.append(index)
    return columns, extras, order


def _names_depend_on_data(header: Sequence[str], fields: list[str | None]) -> bool:
    """True when an extra column's name could change with the rows it is laid out for.

    ``_layout`` names an unnamed column ``column_<n>`` only if it holds data,
    and makes names unique in column order by adding ``_2``, ``_3``…; so a
    header named ``column_3``, or ``column`` twice, may be named differently
    in a chunk where an unnamed column is empty. Without a header starting
    with ``column`` every name is fixed by the header row alone.
    """
    return any(
        not (index < len(fields) and fields[index]) and text.startswith("column")
        for index, text in enumerate(header)
    )


def _pick(rows: list[list[object]], order: list[int], width: int) -> list[list[object]]:
    """``rows`` (padded to ``width``) with their cells in ``order``; the rows themselves
    when nothing moves."""
    if order == list(range(width)):
        return rows
    # every table names at least two fields, so itemgetter always returns a tuple
    pick = itemgetter(*order)
    return [list(pick(row)) for row in rows]


Batch = tuple[list[int], list[list[object]], list[SkippedRow]]  # (numbers, rows, skipped)


class _Batches:
    """Data rows in batches of about ``size`` (one batch when None), always at least one.

    Blank rows are dropped, unless they are formula rows (their values are
    unknown, not absent); totals and footers go to the batch's skipped list.
    After the first batch, one is given only if it holds a data or skipped
    row, so rows passed over after the last data row are still listed.

    An iterator class rather than a generator: a suspended generator would
    keep the batch it handed out alive in its locals, and with it every
    cell that normalisation frees column by column.
    """

    def __init__(
        self,
        rows: Iterator[NumberedRow],
        is_blank: Callable[[int, list], bool],
        size: int | None,
        sorter: _RowSorter,
        formula_rows: frozenset[int],
    ) -> None:
        self._rows = rows
        self._is_blank = is_blank
        self._size = math.inf if size is None else size
        self._sorter = sorter
        self._formula_rows = formula_rows
        self._given = False
        self._done = False
        # the rows from a second table's header on, once one is met (see _RowSorter.starts_table)
        self.rest: Iterator[NumberedRow] | None = None

    def __iter__(self) -> _Batches:
        return self

    def __next__(self) -> Batch:
        if self._done:
            raise StopIteration
        numbers: list[int] = []
        kept: list[list[object]] = []
        skipped: list[SkippedRow] = []
        for number, cells in self._rows:
            row = cells if isinstance(cells, list) else list(cells)
            if self._is_blank(number, row) and number not in self._formula_rows:
                continue
            why = self._sorter.why(row)
            if why != "total" and self._sorter.starts_table(row):
                self.rest = chain([(number, row)], self._rows)
                while kept and self._sorter.is_title(kept[-1]):
                    kept.pop()  # the next table's title (二季度), as above the first header
                    numbers.pop()
                break
            if why is not None:
                skipped.append(SkippedRow(number, why, _skipped_text(row)))
                continue
            kept.append(row)
            numbers.append(number)
            if len(kept) >= self._size:
                self._given = True
                return numbers, kept, skipped
        self._done = True
        if self._given and not kept and not skipped:
            raise StopIteration
        return numbers, kept, skipped


@dataclass(frozen=True)
class _Header:
    """The recognised header of a table and what its rows need to become ``SourceTable``s."""

    number: int  # physical row of the header's last row: data starts below it
    match: HeaderMatch
    sheet: str
    sheet_index: int
    merges: Sequence[Merge]
    date1904: bool
    formula_rows: frozenset[int]

    def _held(self, numbers: list[int]) -> dict[int, tuple[str, str]]:
        if not self.formula_rows:
            return {}
        return {i: UNCOMPUTED_FORMULA for i, n in enumerate(numbers) if n in self.formula_rows}

    def _source(
        self,
        kind: TableKind,
        columns: list[str],
        extras: list[str],
        rows: list[list[object]],
        numbers: list[int],
        skipped: list[SkippedRow],
    ) -> SourceTable:
        return SourceTable(
            kind=kind,
            sheet=self.sheet,
            columns=columns,
            extra_columns=extras,
            rows=rows,
            row_numbers=numbers,
            date1904=self.date1904,
            sheet_index=self.sheet_index,
            skipped=skipped,
            held=self._held(numbers),
        )

    def tables(
        self, numbers: list[int], kept: list[list[object]], skipped: list[SkippedRow]
    ) -> list[SourceTable]:
        """The rows laid out canonical-first, plus an issues table's feedback; ``kept`` is
        padded in place."""
        match = self.match
        if self.merges:
            _fill_merges(kept, numbers, self.merges, self.number + 1)
        width = max(len(match.texts), max(map(len, kept), default=0))
        for row in kept:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
        if match.register:
            _blank_unpublished(kept, match.fields)
        if match.kind == "issues" or match.register:
            _fill_issue_scalars(kept, match.fields)
        claimed = [index for index, field in enumerate(match.feedback) if field]
        columns, extras, order = _layout(match.texts, match.fields, kept, width, set(claimed))
        rows = _pick(kept, order, width)
        main = self._source(match.kind, columns, extras, rows, numbers, skipped)
        tables = [main]
        if match.register:
            tables.append(self._issues(numbers, kept))
        if claimed:
            tables.append(self._feedback(numbers, kept, claimed))
        return tables

    def _issues(self, numbers: list[int], kept: list[list[object]]) -> SourceTable:
        """The issues a 来稿台账 names: one row per row with a 期号 (its number and date,
        already filled from the issue's other rows by ``_fill_issue_scalars``).

        Rows of one issue repeat its 期号 and are merged as one issue
        downstream; the 标题 and 分类 of such a ledger are the submission's,
        so the issue takes neither. A row's submission links to its issue
        through its own 期号, as a platform export's nested issue does.
        """
        fields = self.match.fields
        order = [fields.index("issue_no"), fields.index("published_date")]
        numbered = [i for i, row in enumerate(kept) if not _blank(row[order[0]])]
        pick = itemgetter(*order)
        rows = [list(pick(kept[i])) for i in numbered]
        columns = ["issue_no", "published_date"]
        return self._source("issues", columns, [], rows, [numbers[i] for i in numbered], [])

    def _feedback(
        self, numbers: list[int], kept: list[list[object]], claimed: list[int]
    ) -> SourceTable:
        """The 批示 of a combined 编发及批示台账: one row per row that records one.

        A row records a 批示 when its feedback date is filled, or when its
        post, level or 批示内容 is (a 批示 whose date the clerk forgot: it is
        quarantined for the missing date, not silently dropped); ``无``, ``—``
        and the like mean none. It carries the issue's number and publication
        date (whose year a number without one needs) and the feedback columns;
        its skipped rows are the issues table's, listed there once.
        """
        fields, feedback = self.match.fields, self.match.feedback
        order = [fields.index("issue_no"), fields.index("published_date"), *claimed]
        columns = ["issue_no", "published_date", *(feedback[index] or "" for index in claimed)]
        date_column = feedback.index("feedback_date")
        telling = [i for i in claimed if feedback[i] in _FEEDBACK_EVIDENCE]
        dated = [
            i
            for i, row in enumerate(kept)
            if not _blank(row[date_column]) or any(_records_feedback(row[c]) for c in telling)
        ]
        pick = itemgetter(*order)
        rows = [list(pick(kept[i])) for i in dated]
        return self._source("feedback", columns, [], rows, [numbers[i] for i in dated], [])


# besides a date, the cells of a combined ledger that show a 批示 was given (类型 may
# describe the issue itself, so it does not count)
_FEEDBACK_EVIDENCE = frozenset({"post", "level", "summary"})
_NO_FEEDBACK = frozenset({"无", "暂无", "没有", "未批示", "否", "-", "--", "—", "——", "/", "0"})


# what a 来稿台账 writes in 期号 / 编发日期 for a submission not (yet) published
_NOT_PUBLISHED = _NO_FEEDBACK | {"未编发", "待编发", "未刊发", "未采用", "未用", "不编发", "待定"}


def _blank_unpublished(rows: list[list[object]], fields: list[str | None]) -> None:
    """A 来稿台账's 期号 / 编发日期 saying "not published" (—, 无, 未编发) are blank cells.

    Read as values they would hold the submission back for an unreadable
    date and file a phantom issue; the clerk meant the row has no issue.
    """
    columns = [fields.index(field) for field in ("issue_no", "published_date")]
    for row in rows:
        for column in columns:
            if not _blank(row[column]) and normalise_header(row[column]) in _NOT_PUBLISHED:
                row[column] = None


def _records_feedback(cell: object) -> bool:
    """Whether a post / level / 批示内容 cell says a 批示 was given (not blank, not 无)."""
    return not _blank(cell) and normalise_header(cell) not in _NO_FEEDBACK


def table_chunks(
    rows: Iterable[NumberedRow],
    *,
    sheet: str,
    limits: Limits,
    chunk_rows: int | None = None,
    merges: Sequence[Merge] = (),
    date1904: bool = False,
    text_rows: bool = False,
    formula_rows: Collection[int] = (),
    sheet_index: int = 0,
) -> Iterator[SourceTable]:
    """One table from numbered physical rows, as chunks of about ``chunk_rows`` data rows.

    Raises ``NotATable`` at once when no header is found; the rows after the
    header are read only as chunks are asked for, so a CSV of a million rows
    never sits in memory at once, and a bad row further on (``FileRejected``)
    surfaces from the chunk that holds it. ``chunk_rows=None`` gives the
    whole table as one chunk, and so does a sheet with ``merges`` (they may
    span rows), an issues table or a 来稿台账 with 期号 + 编发日期 (rows
    sharing a 期号 fill each other's blanks, see ``_fill_issue_scalars``)
    or a header that makes the column names depend on the rows
    (``_names_depend_on_data``). There is always a first chunk, maybe empty.

    A header naming two tables' columns yields both, table by table as
    ``_Header.tables`` lays them out; a second header further down the sheet
    ends the table and starts the next (``_RowSorter.starts_table``).

    An issues table whose header also names feedback columns (a combined
    编发及批示台账) yields, right after its issues table, a ``feedback``
    table of the same sheet: ``issue_no``, ``published_date`` and the
    feedback fields, one row per row whose feedback date is filled, with the
    same physical row numbers. So the iterator may yield two tables per
    chunk; a reader keeps whatever it yields.

    ``text_rows`` promises every cell is a ``str`` (CSV), which allows a
    faster blank-row check on files of a million rows. ``formula_rows`` are
    the 1-based physical rows holding a formula without a saved value: such
    a data row is kept and marked in ``SourceTable.held`` (``UNCOMPUTED_FORMULA``).
    ``sheet_index`` is the sheet's position in its workbook.

    Blank rows are dropped. 小计 / 合计 / 总计 rows and footer lines are
    passed over and listed in ``SourceTable.skipped`` (see ``_RowSorter``).
    Every other row after the header is kept, even when it has no id, so
    validation can quarantine it with a reason.
    """
    options = _Options(limits, chunk_rows, merges, date1904, text_rows, formula_rows, sheet_index)
    return _first_table(iter(rows), sheet, options)


@dataclass(frozen=True)
class _Options:
    """``table_chunks``' keyword arguments, handed on to the next table of the same sheet."""

    limits: Limits
    chunk_rows: int | None
    merges: Sequence[Merge]
    date1904: bool
    text_rows: bool
    formula_rows: Collection[int]
    sheet_index: int


def _first_table(
    stream: Iterator[NumberedRow], sheet: str, options: _Options
) -> Iterator[SourceTable]:
    """The chunks of the first table in ``stream``; ``NotATable`` at once when it has none."""
    head = list(islice(stream, HEAD_ROWS))
    match = find_header(head)
    if match is None:
        raise NotATable(describe_head(head))
    return _tables_from(match, head, stream, sheet, options)


def _tables_from(
    match: HeaderMatch,
    head: list[NumberedRow],
    stream: Iterator[NumberedRow],
    sheet: str,
    options: _Options,
) -> Iterator[SourceTable]:
    """The chunks of the table whose header is ``match``, then those of any table under it."""
    number = head[match.last][0]
    formula = frozenset(options.formula_rows)
    header = _Header(
        number, match, sheet, options.sheet_index, options.merges, options.date1904, formula
    )
    chunk_rows = options.chunk_rows
    one_chunk = options.merges or match.kind == "issues" or match.register
    if one_chunk or _names_depend_on_data(match.texts, match.fields):
        chunk_rows = None
    checker = _RowCheck(sheet, options.limits)
    is_blank = checker.is_blank_text if options.text_rows else checker.is_blank
    id_field = "submission_id" if match.kind in ("submissions", "theme_reviews") else "issue_no"
    sorter = _RowSorter(match.kind, match.fields.index(id_field))
    body = chain(head[match.last + 1 :], stream)
    batches = _Batches(body, is_blank, chunk_rows, sorter, formula)  # type: ignore[arg-type]
    yield from chain.from_iterable(starmap(header.tables, batches))
    if batches.rest is not None:
        yield from _first_table(batches.rest, sheet, options)
