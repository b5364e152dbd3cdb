"""The platform export (政协云): a JSON array, JSON Lines or an API envelope of submissions.

One object carries a submission, its published issue (``issue``) and the
批示/采用 that issue received (``feedback``), so a file yields up to three
tables. All rows taken from one object share its record number (array
position or JSONL line), which is what a clerk can find in the export.

Exports saved straight from the platform's API wrap the array in an
envelope (``{"code":0,"data":[…]}``, ``{"data":{"list":[…]}}``), spell keys
in camelCase (``receivedAt``) and give dates as epoch seconds or
milliseconds; all of these are read as the plain export would be.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.headers import REQUIRED_FIELDS, field_for, normalise_header
from sqmy_etl.ingest.model import Cell, FileRead, SourceTable
from sqmy_etl.ingest.readers.table import check_field_size
from sqmy_etl.ingest.readers.text import detect_encoding, first_text_char
from sqmy_etl.pii import redact_text
from sqmy_etl.tables import TableKind

SUBMISSION_FIELDS = (
    "submission_id",
    "title",
    "submitter",
    "unit",
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
FEEDBACK_FIELDS = (
    "issue_no",
    "feedback_type",
    "level",
    "post",
    "feedback_date",
    "summary",
    "channel",  # CONTRACT §5: 采用方式, the adopting / handling body, 办理状态
    "body",
    "status",
)

_FROM_ISSUE = frozenset({"issue_no", "published_date"})
_OWN_SUBMISSION_FIELDS = frozenset(SUBMISSION_FIELDS) - _FROM_ISSUE
_OWN_ISSUE_FIELDS = frozenset(ISSUE_FIELDS)
_OWN_FEEDBACK_FIELDS = frozenset(FEEDBACK_FIELDS) - {"issue_no"}
_DATE_FIELDS = frozenset({"received_date", "published_date", "feedback_date"})

# where an API envelope keeps the record array (CONTRACT §1), and keys that
# only an envelope or an error response has
ENVELOPE_KEYS = ("data", "list", "rows", "records", "items")
_RESPONSE_KEYS = ("code", "msg", "message", "success", "error", "errcode", "errmsg", "status")
_OK_CODES = frozenset({0, 200, "0", "200", "ok", "OK", "success"})

_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_EPOCH_TEXT = re.compile(r"\d{10}|\d{13}", re.ASCII)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Record = tuple[int, object]


def _cell(value: object) -> Cell:
    """Scalars (and epoch datetimes) stay as they are; nested values and booleans
    become their JSON text."""
    if value is None or (
        isinstance(value, str | int | float | datetime) and not isinstance(value, bool)
    ):
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


def _snake(key: str) -> str:
    """``receivedAt`` → ``received_at``, ``issueNo`` → ``issue_no``, ``submissionID`` →
    ``submission_id``: a camelCase export uses the snake_case names split at each hump,
    so one rule reads every key the vocabulary knows instead of a list of spellings."""
    return _CAMEL_HUMP.sub("_", key).lower()


def _field(kind: TableKind, key: str, prefix: str = "") -> str | None:
    """The field ``key`` names in ``kind`` (``prefix``: the nested object it sits in).

    A ``…_at`` timestamp also names the ``…_date`` field (``publishedAt`` →
    ``published_date``), since only its date is kept.
    """
    snake = _snake(key)
    dated = snake.removesuffix("_at") + "_date" if snake.endswith("_at") else snake
    for name in dict.fromkeys((key, snake, dated)):
        field = (prefix and field_for(kind, prefix + name)) or field_for(kind, name)
        if field:
            return field
    return None


def _from_epoch(value: object) -> object:
    """An epoch timestamp → an aware UTC datetime; any other value unchanged.

    Only in date fields, and only 10 digits (seconds) or 13 digits
    (milliseconds), as a number or digit string: both cover 2001-09-09 to
    2286-11-20, so neither can be a yyyymmdd (8 digits) or an Excel serial
    (5 digits), which the date parser reads. The instant is converted to an
    Asia/Shanghai date downstream, like any timestamp with an offset.
    """
    if isinstance(value, str) and _EPOCH_TEXT.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return value
    digits = len(str(int(value))) if value > 0 else 0
    if digits == 10:
        return _EPOCH + timedelta(seconds=value)
    if digits == 13:
        return _EPOCH + timedelta(milliseconds=value)
    return value


def _split(
    obj: dict, kind: TableKind, fields: tuple[str, ...], allowed: frozenset[str], prefix: str = ""
) -> tuple[dict[str, Cell], dict[str, Cell]]:
    """Map an object's keys to ``kind``'s fields (first key wins); the rest are extras.

    Extra names never equal a canonical field name, so the loader can look
    columns up by name without an extra shadowing a field. Epoch numbers in
    date fields become datetimes (``_from_epoch``).
    """
    values: dict[str, Cell] = {}
    extras: dict[str, Cell] = {}
    for key, value in obj.items():
        field = _field(kind, key, prefix)
        if field in allowed and field not in values:
            values[field] = _cell(_from_epoch(value) if field in _DATE_FIELDS else value)
            continue
        name = normalise_header(key) or "key"
        unique, suffix = name, 2
        while unique in extras or unique in fields:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        extras[unique] = _cell(value)
    return values, extras


def _flat_issue(rest: dict) -> tuple[dict | None, dict]:
    """An export without a nested ``issue`` may give its number and date at the top
    (``issueNo``, ``publishedAt``): they are that issue, as if nested. ``(issue or None,
    the other keys)``; a date without a number stays an extra."""
    moved = {key: _field("submissions", key) for key in rest}
    moved = {key: field for key, field in moved.items() if field in _FROM_ISSUE}
    if "issue_no" not in moved.values():
        return None, rest
    issue: dict[str, object] = {}
    for key, field in moved.items():
        issue.setdefault(field, rest[key])
    return issue, {key: value for key, value in rest.items() if key not in moved}


def _issue_items(issue: object) -> list[dict] | None:
    """A record's nested issue as a list of objects: the object, the number alone
    (``"issue": 37``) or a list of objects; ``None`` for anything else."""
    if isinstance(issue, str | int | float) and not isinstance(issue, bool):
        return [{"no": issue}]
    if isinstance(issue, dict):
        return [issue]
    if isinstance(issue, list) and issue and all(isinstance(item, dict) for item in issue):
        return issue
    return None


def _add_issue(issues: _TableBuilder, number: int, issue: dict) -> dict[str, Cell]:
    """Add a record's nested issue to ``issues``; its canonical values."""
    values, extras = _split(issue, "issues", ISSUE_FIELDS, _OWN_ISSUE_FIELDS, "issue.")
    issues.add(number, values, extras)
    return values


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
        issue = obj.get("issue")
        if issue is None:
            issue, rest = _flat_issue(rest)
        values, extras = _split(rest, "submissions", SUBMISSION_FIELDS, _OWN_SUBMISSION_FIELDS)
        issue_items = _issue_items(issue)
        if issue_items:
            added = [_add_issue(issues, number, item) for item in issue_items]
            # a submission used in several issues links to the first, as a ledger row
            # names one 期号; every issue still counts
            values["issue_no"] = added[0].get("issue_no")
            values["published_date"] = added[0].get("published_date")
        elif issue is not None:
            extras["issue"] = _cell(issue)
        items = obj.get("feedback")
        if isinstance(items, dict):
            items = [items]  # an export that gives its one 批示 as an object, not a list
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


def _first_line_is_record(path: Path, encoding: str) -> bool:
    """True when the first non-blank line is a whole JSON object and not an API envelope
    (so: JSON Lines); a one-line error response is rejected here."""
    with path.open(encoding=encoding) as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line)
                except (ValueError, RecursionError):
                    return False
                return isinstance(first, dict) and _unwrap(first) is first
    return False


def _record_array(envelope: dict, depth: int = 2) -> list | None:
    """The first array under an ``ENVELOPE_KEYS`` key, this level first, then one level down."""
    nested = []
    for key, value in envelope.items():
        if str(key).lower() in ENVELOPE_KEYS:
            if isinstance(value, list):
                return value
            if isinstance(value, dict):
                nested.append(value)
    if depth > 1:
        for inner in nested:
            found = _record_array(inner, depth - 1)
            if found is not None:
                return found
    return None


def _describe(envelope: dict) -> str:
    """``code=500, msg=…, data={total, records}``: what an envelope holds, PII masked."""
    parts = []
    for key, value in list(envelope.items())[:8]:
        if isinstance(value, dict):
            shown = "{" + ", ".join(map(str, list(value)[:8])) + "}"
        elif isinstance(value, list):
            shown = f"[{len(value)}]"
        else:
            shown = redact_text(json.dumps(value, ensure_ascii=False).strip('"'))[:80]
        parts.append(f"{key}={shown}")
    return ", ".join(parts)[:400]


def _is_error_response(envelope: dict) -> bool:
    """A non-zero ``code`` / ``errcode``, ``success: false`` or an ``error`` value."""
    lowered = {str(key).lower(): value for key, value in envelope.items()}
    code = lowered.get("code", lowered.get("errcode"))
    failed_code = isinstance(code, int | str) and code not in _OK_CODES
    return failed_code or lowered.get("success") is False or bool(lowered.get("error"))


def _unwrap(data: object) -> object:
    """The record array of an API envelope, else ``data`` itself.

    An object naming a submission field (``id``, ``receivedAt`` …) is a
    record, never an envelope. An envelope's array sits under one of
    ``ENVELOPE_KEYS``, one level deep or two (``{"code":0,"data":[…]}``,
    ``{"data":{"total":2,"records":[…]}}``). An object with envelope or
    response keys but no such array — an error response, an empty page — is
    rejected, saying what it holds and what to do.
    """
    if not isinstance(data, dict) or any(_field("submissions", str(key)) for key in data):
        return data
    found = _record_array(data)
    if found is not None:
        return found
    if not any(str(key).lower() in ENVELOPE_KEYS + _RESPONSE_KEYS for key in data):
        return data
    shown = _describe(data)
    if _is_error_response(data):
        raise FileRejected(
            f"接口返回的是错误信息而不是数据（{shown}），请在平台重新导出 / the file is an API "
            f"error response, not data ({shown}): export the records again from the platform"
        )
    raise FileRejected(
        f"JSON 中没有记录数组（应在 data、list、rows、records 或 items 下；找到 {shown}），"
        "请导出包含记录的 JSON / no array of records under data, list, rows, records or "
        f"items (found {shown}): export the records themselves as JSON"
    )


def read_json(
    path: Path, limits: Limits, *, encoding: str | None = None, suffix: str = ""
) -> FileRead:
    """Read a JSON array, a single JSON object, JSON Lines or an API envelope of
    submission objects.

    ``encoding`` is the result of ``detect_encoding`` when the caller already has it;
    ``suffix`` (``.json``) names a one-line, one-object file ``json`` rather than ``jsonl``.
    """
    encoding = encoding or detect_encoding(path)
    first = first_text_char(path, encoding)
    if first == "{" and _first_line_is_record(path, encoding):
        tables = _tables(_lines(path, encoding), limits)
        one = len(tables[0].rows) == 1
        file_format = "json" if one and suffix == ".json" else "jsonl"
        return FileRead(file_format=file_format, encoding=encoding, tables=tables)
    if first not in ("[", "{"):
        raise FileRejected("不是 JSON / not JSON: the file starts with neither [ nor {")
    data = _unwrap(_whole(path, encoding))
    records: list[Record] = list(enumerate(data, 1)) if isinstance(data, list) else [(1, data)]
    return FileRead(file_format="json", encoding=encoding, tables=_tables(records, limits))
