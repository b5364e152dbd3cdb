"""The platform export (政协云): a JSON array or JSON Lines, one object per submission.

One object carries a submission, its published issue (``issue``) and the
批示/采用 that issue received (``feedback``), so a file yields up to three
tables. All rows taken from one object share its record number (array
position or JSONL line), which is what a clerk can find in the export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqmy_etl.config import Limits
from sqmy_etl.ingest.headers import REQUIRED_FIELDS, field_for, normalise_header
from sqmy_etl.ingest.model import Cell, FileRead, FileRejected, SourceTable, TableKind
from sqmy_etl.ingest.readers.table import check_field_size
from sqmy_etl.ingest.readers.text import detect_encoding, first_text_char

SUBMISSION_FIELDS = (
    "submission_id",
    "title",
    "submitter",
    "sector",
    "region",
    "received_date",
    "theme",
    "content",
    "phone",
    "id_card",
    "issue_no",
    "published_date",
)
# the nested issue gives number, date and title only: its theme and source list
# come from the 编发台账, and an empty value must not look like a delivered one
ISSUE_FIELDS = ("issue_no", "published_date", "issue_title")
FEEDBACK_FIELDS = ("issue_no", "feedback_type", "level", "post", "feedback_date", "summary")

_FROM_ISSUE = frozenset({"issue_no", "published_date"})
_OWN_SUBMISSION_FIELDS = frozenset(SUBMISSION_FIELDS) - _FROM_ISSUE
_OWN_ISSUE_FIELDS = frozenset(ISSUE_FIELDS)
_OWN_FEEDBACK_FIELDS = frozenset(FEEDBACK_FIELDS) - {"issue_no"}

Record = tuple[int, object]


def _cell(value: object) -> Cell:
    """Scalars stay as they are; nested values and booleans become their JSON text."""
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return value  # type: ignore[return-value]
    return json.dumps(value, ensure_ascii=False)


class _TableBuilder:
    """Rows of one kind; extra keys become extra columns in first-seen order."""

    def __init__(self, kind: TableKind, fields: tuple[str, ...], limits: Limits) -> None:
        self.kind = kind
        self.fields = fields
        self.limits = limits
        self.extra_names: dict[str, None] = {}
        self.rows: list[tuple[dict[str, Cell], dict[str, Cell]]] = []
        self.numbers: list[int] = []

    def add(self, number: int, values: dict[str, Cell], extras: dict[str, Cell]) -> None:
        for key, cell in (*values.items(), *extras.items()):
            if isinstance(cell, str):
                check_field_size(cell, self.limits, f"record {number}, {key}")
        for name in extras:
            self.extra_names.setdefault(name)
        self.rows.append((values, extras))
        self.numbers.append(number)

    def table(self) -> SourceTable:
        extras = list(self.extra_names)
        return SourceTable(
            kind=self.kind,
            sheet="",
            columns=list(self.fields),
            extra_columns=extras,
            rows=[
                [values.get(f) for f in self.fields] + [more.get(n) for n in extras]
                for values, more in self.rows
            ],
            row_numbers=self.numbers,
        )


def _split(
    obj: dict, kind: TableKind, fields: tuple[str, ...], allowed: frozenset[str], prefix: str = ""
) -> tuple[dict[str, Cell], dict[str, Cell]]:
    """Map an object's keys to ``kind``'s fields (first key wins); the rest are extras.

    Extra names never equal a canonical field name, so the loader can look
    columns up by name without an extra shadowing a field.
    """
    values: dict[str, Cell] = {}
    extras: dict[str, Cell] = {}
    for key, value in obj.items():
        field = (prefix and field_for(kind, prefix + key)) or field_for(kind, key)
        if field in allowed and field not in values:
            values[field] = _cell(value)
            continue
        name = normalise_header(key) or "key"
        unique, suffix = name, 2
        while unique in extras or unique in fields:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        extras[unique] = _cell(value)
    return values, extras


def _tables(records: Iterable[Record], limits: Limits) -> list[SourceTable]:
    """Split export objects into up to three tables.

    As a CSV must have a header naming id and date, some record must name
    the submission id and received date, or the file is not an export at all.
    """
    submissions = _TableBuilder("submissions", SUBMISSION_FIELDS, limits)
    issues = _TableBuilder("issues", ISSUE_FIELDS, limits)
    feedback = _TableBuilder("feedback", FEEDBACK_FIELDS, limits)
    named: set[str] = set()  # submission fields some record names, like a CSV header
    keys_seen: dict[str, None] = {}
    for number, obj in records:
        if not isinstance(obj, dict):
            raise FileRejected(
                f"第{number}条记录不是对象 / record {number} is not a JSON object "
                f"but {type(obj).__name__}"
            )
        rest = {key: value for key, value in obj.items() if key not in ("issue", "feedback")}
        values, extras = _split(rest, "submissions", SUBMISSION_FIELDS, _OWN_SUBMISSION_FIELDS)
        issue = obj.get("issue")
        if isinstance(issue, str | int | float) and not isinstance(issue, bool):
            issue = {"no": issue}  # an export that gives the number alone
        if isinstance(issue, dict):
            issue_values, issue_extras = _split(
                issue, "issues", ISSUE_FIELDS, _OWN_ISSUE_FIELDS, "issue."
            )
            issues.add(number, issue_values, issue_extras)
            values["issue_no"] = issue_values.get("issue_no")
            values["published_date"] = issue_values.get("published_date")
        elif issue is not None:
            extras["issue"] = _cell(issue)
        items = obj.get("feedback")
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    fb_values, fb_extras = _split(
                        item, "feedback", FEEDBACK_FIELDS, _OWN_FEEDBACK_FIELDS
                    )
                else:
                    fb_values, fb_extras = {}, {"value": _cell(item)}
                fb_values["issue_no"] = values.get("issue_no")
                feedback.add(number, fb_values, fb_extras)
        elif items is not None:
            extras["feedback"] = _cell(items)
        submissions.add(number, values, extras)
        named.update(values)
        if len(keys_seen) < 20:
            keys_seen.update(dict.fromkeys(rest))
    missing = [field for field in REQUIRED_FIELDS["submissions"] if field not in named]
    if missing:
        shown = ", ".join(list(keys_seen)[:20]) or "none"
        raise FileRejected(
            "没有可识别的表格 / no recognisable table: no JSON record names "
            f"{' or '.join(missing)} (keys seen: {shown})"
        )
    return [builder.table() for builder in (submissions, issues, feedback) if builder.rows]


def _parse_error(where: str, exc: Exception) -> FileRejected:
    if isinstance(exc, RecursionError):
        return FileRejected(f"JSON 嵌套过深 / JSON nested too deeply ({where})")
    return FileRejected(f"JSON 格式错误 / invalid JSON ({where}): {exc}")


def _whole(path: Path, encoding: str) -> object:
    try:
        with path.open(encoding=encoding) as fh:
            return json.load(fh)
    except (ValueError, RecursionError) as exc:
        raise _parse_error("file", exc) from None


def _lines(path: Path, encoding: str) -> Iterator[Record]:
    with path.open(encoding=encoding) as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except (ValueError, RecursionError) as exc:
                    raise _parse_error(f"line {number}", exc) from None


def _first_line_is_object(path: Path, encoding: str) -> bool:
    """True when the first non-blank line is a whole JSON object (so: JSON Lines)."""
    with path.open(encoding=encoding) as fh:
        for line in fh:
            if line.strip():
                try:
                    return isinstance(json.loads(line), dict)
                except (ValueError, RecursionError):
                    return False
    return False


def read_json(
    path: Path, limits: Limits, *, encoding: str | None = None, suffix: str = ""
) -> FileRead:
    """Read a JSON array, a single JSON object or JSON Lines of submission objects.

    ``encoding`` is the result of ``detect_encoding`` when the caller already has it;
    ``suffix`` (``.json``) names a one-line, one-object file ``json`` rather than ``jsonl``.
    """
    encoding = encoding or detect_encoding(path)
    first = first_text_char(path, encoding)
    if first == "{" and _first_line_is_object(path, encoding):
        tables = _tables(_lines(path, encoding), limits)
        one = len(tables[0].rows) == 1
        file_format = "json" if one and suffix == ".json" else "jsonl"
        return FileRead(file_format=file_format, encoding=encoding, tables=tables)
    if first not in ("[", "{"):
        raise FileRejected("不是 JSON / not JSON: the file starts with neither [ nor {")
    data = _whole(path, encoding)
    records: list[Record] = list(enumerate(data, 1)) if isinstance(data, list) else [(1, data)]
    return FileRead(file_format="json", encoding=encoding, tables=_tables(records, limits))
