"""The messy deliveries, re-read with openpyxl / csv / json: the truth names exactly the planted
quirks. Header synonyms and value rules below are copied by hand from CONTRACT.md §1."""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from sqmy_etl.synth import generate_ledgers

SHANGHAI = ZoneInfo("Asia/Shanghai")
SYNONYMS = {
    "submission_id": ["稿件编号", "来稿编号", "编号", "稿号", "id"],
    "title": ["标题", "题目", "信息标题", "title"],
    "submitter": ["报送人", "作者", "反映人", "报送单位", "submitter"],
    "sector": ["界别", "所属界别", "sector"],
    "region": ["盟市", "地区", "所属盟市", "来源地区", "region"],
    "received_date": ["收稿日期", "来稿日期", "报送日期", "received_at"],
    "theme": ["主题分类", "分类", "类别", "主题", "theme"],
    "content": ["内容摘要", "主要内容", "正文", "内容", "content"],
    "phone": ["联系电话", "手机", "电话", "phone"],
    "id_card": ["身份证号", "身份证号码"],
    "issue_no": ["期号", "编发期号", "期数", "issue.no"],
    "published_date": ["编发日期", "刊发日期", "印发日期", "issue.published_at"],
    "issue_title": ["标题", "issue.title"],
    "issue_theme": ["主题分类", "分类", "类别"],
    "source_submissions": ["采用稿件编号", "来源稿件", "稿件编号"],
    "feedback_type": ["类型", "反馈类型", "type"],
    "level": ["批示级别", "领导级别", "级别", "level"],
    "post": ["批示领导职务", "领导职务", "职务", "post"],
    "feedback_date": ["批示日期", "采用日期", "反馈日期", "日期", "date"],
    "summary": ["批示内容", "批示摘要", "内容", "summary"],
}
# the two required columns of each table kind: (key field, date field)
KINDS = {
    "submissions": ("submission_id", "received_date"),
    "issues": ("issue_no", "published_date"),
    "feedback": ("issue_no", "feedback_date"),
}
ISSUE_NO = re.compile(r"^(\d{4}年)?第?\d+期?$")
DATE_FORMS = (
    r"(\d{4})-(\d{1,2})-(\d{1,2})",
    r"(\d{4})/(\d{1,2})/(\d{1,2})",
    r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
    r"(\d{4})年(\d{1,2})月(\d{1,2})日",
    r"(\d{4})(\d{2})(\d{2})",
)


def header_name(text: object) -> str:
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    return re.sub(r"(\*|\(必填\))$", "", cleaned)


def parse_day(value: object) -> date | None:
    """A Shanghai calendar date from any accepted form; None when unparseable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float):
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    if "T" in text:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return (moment.astimezone(SHANGHAI) if moment.tzinfo else moment).date()
    for form in DATE_FORMS:
        found = re.match(form + r"(?:\s|$)", text)
        if found:
            try:
                return date(*(int(x) for x in found.groups()))
            except ValueError:
                return None
    return None


def classify(kind: str, row: dict[str, Any]) -> str | None:
    """The quarantine rule a row breaks, or None for a good row."""
    key, day_field = KINDS[kind]
    if row.get(key) in (None, ""):
        return "missing_id"
    if kind != "submissions" and not (
        isinstance(row[key], int | float) or ISSUE_NO.match(str(row[key]).strip())
    ):
        return "invalid_issue_no"
    if row.get(day_field) in (None, ""):
        return "missing_date"
    day = parse_day(row[day_field])
    if day is None:
        return "invalid_date"
    if day < date(1990, 1, 1) or day > date.today():
        return "date_out_of_range"
    if kind == "feedback" and row.get("feedback_type") not in (None, "", "批示", "采用"):
        return "invalid_feedback_type"
    return None


def table_kind(headers: list[str]) -> str | None:
    for kind, (key, day_field) in KINDS.items():
        if any(h in SYNONYMS[key] for h in headers) and any(
            h in SYNONYMS[day_field] for h in headers
        ):
            return kind
    return None


def map_headers(kind: str, headers: list[str]) -> list[str | None]:
    """Canonical field per column; ambiguous names resolved by table kind (CONTRACT §1)."""
    fields = {
        "submissions": ["submission_id", "title", "submitter", "sector", "region",
                        "received_date", "theme", "content", "phone", "id_card"],
        "issues": ["issue_no", "published_date", "issue_title", "issue_theme",
                   "source_submissions"],
        "feedback": ["issue_no", "feedback_type", "level", "post", "feedback_date", "summary"],
    }[kind]  # fmt: skip
    return [next((f for f in fields if h in SYNONYMS[f]), None) for h in headers]


def tables(path: Path) -> Iterator[tuple[str, str, list[str], list[tuple[int, list[Any]]]]]:
    """(sheet, kind, raw headers, [(row number, cells)]) of every recognised table."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        sheets = [(ws.title, list(enumerate(ws.iter_rows(values_only=True), 1))) for ws in book]
    else:
        data = path.read_bytes()
        text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("gb18030")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        reader = csv.reader(text.splitlines(), delimiter=delimiter)
        sheets = [("", [(reader.line_num, list(r)) for r in reader])]
    for sheet, rows in sheets:
        for at, (_, cells) in enumerate(rows[:11]):
            headers = [header_name(c) for c in cells]
            kind = table_kind(headers)
            if kind:
                yield sheet, kind, [str(c) for c in cells], rows[at + 1 :]
                break


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def data_rows(kind: str, headers: list[str], rows: list) -> Iterator[tuple[int, dict[str, Any]]]:
    fields = map_headers(kind, [header_name(h) for h in headers])
    for number, cells in rows:
        values = [None if c in ("", None) else c for c in cells]
        if not any(v is not None for v in values):
            continue
        if next(v for v in values if v is not None) in ("合计", "总计"):
            continue
        yield number, {f: v for f, v in zip(fields, values, strict=False) if f}


def json_records(path: Path) -> list[dict[str, Any]]:
    text = path.read_text("utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


@dataclass
class Messy:
    """One messy run, its truth, and every loaded file parsed once."""

    out: Path
    truth: dict[str, Any]
    records: dict[str, list[dict[str, Any]]]  # json/jsonl file -> objects
    parsed: list[tuple[str, str, str, list[str], list]]  # (file, sheet, kind, headers, rows)


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Messy:
    out = tmp_path_factory.mktemp("messy")
    truth = json.loads(generate_ledgers(2021, out, messy=True).read_text("utf-8"))
    loaded = [
        out / "ledgers" / f["name"] for f in truth["generated_files"] if f["expect"] == "load"
    ]
    records = {p.name: json_records(p) for p in loaded if p.suffix in (".json", ".jsonl")}
    parsed = [
        (p.name, *table) for p in loaded if p.suffix in (".xlsx", ".csv") for table in tables(p)
    ]
    return Messy(out, truth, records, parsed)


def test_quarantine_lists_exactly_the_bad_rows(messy: Messy) -> None:
    """Scanning every loaded file finds bad rows exactly where truth.quarantine says, for the
    stated rule, and nowhere else."""
    truth = messy.truth
    found = set()
    for name, objects in messy.records.items():
        for number, obj in enumerate(objects, 1):
            row = {"submission_id": obj.get("id"), "received_date": obj.get("received_at")}
            rule = classify("submissions", row)
            if rule:
                found.add((name, "", number, rule))
    for name, sheet, kind, headers, rows in messy.parsed:
        for number, row in data_rows(kind, headers, rows):
            rule = classify(kind, row)
            if rule:
                found.add((name, sheet, number, rule))
    listed = {(q["file"], q["sheet"], q["row"], q["rule"]) for q in truth["quarantine"]}
    assert found == listed
    rules = {q["rule"] for q in truth["quarantine"]}
    assert rules == {
        "missing_id",
        "invalid_issue_no",
        "missing_date",
        "invalid_date",
        "date_out_of_range",
        "invalid_feedback_type",
    }


def test_every_header_synonym_appears(messy: Messy) -> None:
    """Across the tables' headers and the JSON keys, every accepted header name of CONTRACT §1
    occurs, and some are written with full-width characters, spaces, '*' or '(必填)'."""
    seen, decorated = set(), set()
    for objects in messy.records.values():
        for obj in objects:
            seen.update(obj)
            seen.update(f"issue.{k}" for k in obj.get("issue") or {})
            for fb in obj.get("feedback") or []:
                seen.update(fb)
    for _, _, _, headers, _ in messy.parsed:
        seen.update(header_name(h) for h in headers)
        decorated.update(h for h in headers if header_name(h) != h)
    wanted = {name for names in SYNONYMS.values() for name in names}
    assert wanted - seen == set()
    assert any("＊" in h or h.endswith("*") for h in decorated)
    assert any("必填" in h for h in decorated)
    assert any(" " in h or "\u3000" in h for h in decorated)
    assert any(unicodedata.normalize("NFKC", h) != h for h in decorated)


def test_every_date_and_issue_number_form_is_written(messy: Messy) -> None:
    """Dates appear as date cells, serials, 1904 workbook and every string form; issue numbers
    with and without year, in the feedback ledger too."""
    strings, cells, numbers, yearless_feedback = set(), False, False, False
    for _, _, kind, headers, rows in messy.parsed:
        day_field = KINDS[kind][1]
        for _, row in data_rows(kind, headers, rows):
            value = row.get(day_field)
            cells |= isinstance(value, datetime)
            numbers |= isinstance(value, float)
            if isinstance(value, str):
                strings.add(re.sub(r"\d", "9", value))
            no = row.get("issue_no")
            if kind == "feedback" and no is not None and "年" not in str(no):
                yearless_feedback = True
    assert cells and numbers and yearless_feedback
    for form in ("9999-99-99", "9999/9/99", "9999.9.99", "9999年9月99日", "99999999"):
        assert any(re.sub(r"9+", "9", s) == re.sub(r"9+", "9", form) for s in strings), form
    assert any(" " in s for s in strings)  # with a time
    assert openpyxl.load_workbook(next(messy.out.rglob("03_*.xlsx"))).epoch.year == 1904


def test_json_timestamps_near_midnight_change_the_shanghai_date(messy: Messy) -> None:
    """Some export timestamps carry an offset whose own calendar date differs from the Shanghai
    date, one of them across New Year."""
    shifted = []
    for objects in messy.records.values():
        for obj in objects:
            stamp = obj.get("received_at", "")
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                continue
            if moment.tzinfo and moment.date() != moment.astimezone(SHANGHAI).date():
                shifted.append(moment.astimezone(SHANGHAI).date())
    assert shifted
    assert date(2021, 1, 1) in shifted


def test_encodings_and_bad_files(messy: Messy) -> None:
    """GB18030 CSV is not UTF-8; the BOM file starts with one; the duplicate is byte-identical to
    an earlier file; the rejects are a cut zip, bytes no codec reads, a table of unknown headers."""
    out, truth = messy.out, messy.truth
    by_name = {f["name"]: f for f in truth["generated_files"]}
    gb = next(out.rglob("07_*.csv")).read_bytes()
    assert not _is_utf8(gb)
    assert gb.decode("gb18030").startswith("稿件编号")
    assert next(out.rglob("01_*.csv")).read_bytes().startswith(b"\xef\xbb\xbf")
    duplicates = [n for n, f in by_name.items() if f["expect"] == "duplicate_file"]
    assert len(duplicates) == 1
    twin = (out / "ledgers" / duplicates[0]).read_bytes()
    assert any(
        (out / "ledgers" / n).read_bytes() == twin for n in sorted(by_name) if n < duplicates[0]
    )
    rejects = {
        f["reject_reason"]: out / "ledgers" / n
        for n, f in by_name.items()
        if f["expect"] == "reject"
    }
    assert set(rejects) == {"corrupt_xlsx", "undecodable", "no_recognisable_table"}
    assert not zipfile.is_zipfile(rejects["corrupt_xlsx"])
    raw = rejects["undecodable"].read_bytes()
    for codec in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode(codec)
    assert list(tables(rejects["no_recognisable_table"])) == []


def test_near_duplicates_are_later_lightly_edited_copies(messy: Messy) -> None:
    """Each listed pair: different ids, the flagged one received later, contents over 95 % alike."""
    content: dict[str, tuple[date, str]] = {}
    for objects in messy.records.values():
        for obj in objects:
            day = parse_day(obj.get("received_at"))
            if obj.get("id") and day:
                content[obj["id"]] = (day, obj["content"])
    for _, _, kind, headers, rows in messy.parsed:
        for _, row in data_rows(kind, headers, rows):
            if kind == "submissions" and row.get("content") and not classify(kind, row):
                content[row["submission_id"]] = (parse_day(row["received_date"]), row["content"])
    pairs = messy.truth["near_duplicates"]
    assert len(pairs) >= 5
    for pair in pairs:
        later, earlier = content[pair["submission_id"]], content[pair["possible_duplicate_of"]]
        assert pair["submission_id"] != pair["possible_duplicate_of"]
        assert later[0] > earlier[0]
        assert later[1] != earlier[1]
        assert difflib.SequenceMatcher(None, later[1], earlier[1]).ratio() > 0.95


def test_messy_truth_keeps_the_calibration(messy: Messy) -> None:
    """The planted quirks change how things are written, not the year's headline figures."""
    truth = messy.truth
    headline = truth["headline"]
    assert headline["submissions_received"] == 1005
    assert headline["minsheng_issues_published"] == 204
    assert headline["minsheng_issues_instructed"] == 43
    regions = {r["region_name"] for r in truth["region_summary"]}
    themes = {r["theme_l1"] for r in truth["period_summary"]}
    assert "未知" in regions and "未分类" in themes
    assert truth["unrecognised_sheets"]
