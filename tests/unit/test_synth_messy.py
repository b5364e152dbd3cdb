"""The messy deliveries, re-read with openpyxl / csv / json: the truth names exactly the planted
quirks. Header synonyms and value rules below are copied by hand from CONTRACT.md §1."""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
import zipfile
from collections import Counter, defaultdict
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
    "submitter": ["报送人", "作者", "反映人", "撰稿人", "submitter"],
    "unit": ["报送单位", "来稿单位", "供稿单位", "所在单位", "unit"],
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
    "channel": ["采用方式", "采用形式", "方式", "channel"],
}
# the two required columns of each table kind, in the order CONTRACT §1 tries them
KINDS = {
    "issues": ("issue_no", "published_date"),
    "feedback": ("issue_no", "feedback_date"),
    "submissions": ("submission_id", "received_date"),
}
FIELDS = {
    "submissions": ["submission_id", "title", "submitter", "unit", "sector", "region",
                    "received_date", "theme", "content", "phone", "id_card"],
    # an issues table may list sources with their 来稿日期 and carry 批示 columns
    "issues": ["issue_no", "published_date", "issue_title", "issue_theme",
               "source_submissions", "received_date", "level", "post", "feedback_date",
               "summary"],
    "feedback": ["issue_no", "feedback_type", "level", "post", "feedback_date", "summary",
                 "channel"],
}  # fmt: skip
ISSUE_NO = re.compile(r"^(\d{4}年)?第?\d+期?(\(总第\d+期\))?$")
FEEDBACK_TYPES = (None, "", "批示", "采用", "采纳", "录用")
# CONTRACT §5 lifecycle types and their synonyms
FEEDBACK_TYPES += ("报送", "上报", "报送上级", "呈报", "办理反馈", "反馈", "办理情况", "部门回复")
# CONTRACT §5 采用方式 as the generator writes them
CHANNELS = (None, "", "单篇采用", "综合采用", "转送")
TOTALS = ("小计", "合计", "总计")
FOOTERS = ("填表人", "审核人", "制表人", "备注")
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


def issue_seq(number: object) -> int:
    """'2021年第37期（总第1769期）', '第37期', '37期', 37 → 37 (one year of issues only)."""
    text = unicodedata.normalize("NFKC", str(number)).split("(")[0]
    return int(re.sub(r"^\d{4}年", "", text).strip("第期"))


def submission_key(written: object) -> str:
    """CONTRACT §1: NFKC, upper case, without spaces, -, _ and /."""
    return re.sub(r"[\s\-_/]", "", unicodedata.normalize("NFKC", str(written)).upper())


def classify(kind: str, row: dict[str, Any]) -> str | None:
    """The quarantine rule a row breaks, or None for a good row."""
    key, day_field = KINDS[kind]
    if row.get(key) in (None, ""):
        return "missing_id"
    if kind != "submissions" and not (
        isinstance(row[key], int | float)
        or ISSUE_NO.match(unicodedata.normalize("NFKC", str(row[key])).strip())
    ):
        return "invalid_issue_no"
    if row.get(day_field) in (None, ""):
        return "missing_date"
    day = parse_day(row[day_field])
    if day is None:
        return "invalid_date"
    if day < date(1990, 1, 1) or day > date.today():
        return "date_out_of_range"
    if kind == "feedback" and row.get("feedback_type") not in FEEDBACK_TYPES:
        return "invalid_feedback_type"
    if kind == "feedback" and row.get("channel") not in CHANNELS:
        return "invalid_channel"
    return None


def table_kind(headers: list[str]) -> str | None:
    """The primary kind: 期号 + 编发日期 before 期号 + a feedback date before id + 来稿日期."""
    for kind, (key, day_field) in KINDS.items():
        if any(h in SYNONYMS[key] for h in headers) and any(
            h in SYNONYMS[day_field] for h in headers
        ):
            return kind
    return None


def map_headers(kind: str, headers: list[str]) -> list[str | None]:
    """Canonical field per column; where two columns name one field, the name listed first
    in its synonyms wins (稿件编号 over a running-number 编号) and the other is no field."""
    best: dict[str, tuple[int, int]] = {}  # field -> (rank of its name, column)
    for column, name in enumerate(headers):
        field = next((f for f in FIELDS[kind] if name in SYNONYMS[f]), None)
        if field:
            rank = (SYNONYMS[field].index(name), column)
            best[field] = min(best.get(field, rank), rank)
    by_column = {column: field for field, (_, column) in best.items()}
    return [by_column.get(column) for column in range(len(headers))]


def row_kind(cells: list[Any]) -> str:
    """blank, total (小计 / 合计 / 总计), footer (填表人 …) or data, from the first value."""
    first = next((c for c in cells if c not in (None, "")), None)
    if first is None:
        return "blank"
    text = str(first).strip()
    if text.startswith(TOTALS):
        return "total"
    if text.startswith(FOOTERS):
        return "footer"
    return "data"


def xlsx_sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's rows with each merged block's value copied into all its cells."""
    book = openpyxl.load_workbook(path)
    sheets = []
    for ws in book:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for block in ws.merged_cells.ranges:
            value = rows[block.min_row - 1][block.min_col - 1]
            for r in range(block.min_row - 1, block.max_row):
                for c in range(block.min_col - 1, block.max_col):
                    rows[r][c] = value
        sheets.append((ws.title, rows))
    return sheets


def tables(path: Path) -> Iterator[tuple[str, str, list[str], list[tuple[int, list[Any]]]]]:
    """(sheet, kind, raw headers, [(row number, cells)]) of every recognised table. A header
    row whose next row names the same kind's columns too is the upper row of a two-row
    header: the lower row names the fields."""
    if path.suffix == ".xlsx":
        sheets = xlsx_sheets(path)
    else:
        data = path.read_bytes()
        text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("gb18030")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        sheets = [("", list(csv.reader(text.splitlines(), delimiter=delimiter)))]
    for sheet, rows in sheets:
        for at, cells in enumerate(rows[:11]):
            kind = table_kind([header_name(c) for c in cells])
            if kind:
                below = rows[at + 1] if at + 1 < len(rows) else []
                if table_kind([header_name(c) for c in below]) == kind:
                    at, cells = at + 1, below
                numbered = [(n, r) for n, r in enumerate(rows, 1)]
                yield sheet, kind, [str(c) for c in cells], numbered[at + 1 :]
                break


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def data_rows(kind: str, headers: list[str], rows: list) -> Iterator[tuple[int, dict[str, Any]]]:
    """Data rows as {field: value}; in an issues table rows sharing a 期号 are one issue, so a
    blank issue cell takes the value an earlier row of that 期号 gave."""
    fields = map_headers(kind, [header_name(h) for h in headers])
    first: dict[str, dict[str, Any]] = {}
    for number, cells in rows:
        values = [None if c in ("", None) else c for c in cells]
        if row_kind(values) != "data":
            continue
        row = {f: v for f, v in zip(fields, values, strict=False) if f}
        if kind == "issues" and row.get("issue_no") is not None:
            known = first.setdefault(str(row["issue_no"]), {})
            for field in ("published_date", "issue_title", "issue_theme"):
                if row.get(field) is None:
                    row[field] = known.get(field)
                known.setdefault(field, row.get(field))
        yield number, row


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

    def ledger(self, prefix: str) -> Path:
        """The first delivered file whose name starts with ``prefix``."""
        return sorted((self.out / "ledgers").glob(f"{prefix}*"))[0]

    def rows(self, kind: str, *, skip: str = "") -> Iterator[tuple[str, str, int, dict]]:
        """(file, sheet, row, fields) of every good data row of ``kind`` tables, leaving out
        the file ``skip``."""
        for name, sheet, table_kind_, headers, rows in self.parsed:
            if table_kind_ == kind and name != skip:
                for number, row in data_rows(kind, headers, rows):
                    if not classify(kind, row):
                        yield name, sheet, number, row


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
        "invalid_channel",
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


# ---- the layouts of CONTRACT §1 that real offices keep ------------------------------------

MINSHENG = {
    "民生", "教育", "医疗卫生", "就业创业", "社会保障", "养老服务", "住房保障",
    "供暖供气", "食品药品安全", "交通出行", "青少年心理健康", "托育服务",
}  # fmt: skip
# each written form of a region and the 盟市 it lies in (DOMAIN.md / GB/T 2260)
REGION_FORMS = {
    "锡林郭勒": "锡林郭勒盟",
    "阿拉善": "阿拉善盟",
    "赤峰市政协": "赤峰市",
    "满洲里市": "呼伦贝尔市",
    "准格尔旗": "鄂尔多斯市",
    "二连浩特市": "锡林郭勒盟",
    "150400": "赤峰市",
    "150781": "呼伦贝尔市",
}
ISSUE_THEME_FORMS = ("民生类", "教育类", "民生/教育", "民生-供暖", "民生（养老）")
ISSUES_2021 = 320


def raw_sheet(path: Path, name: str) -> tuple[Any, list[list[Any]]]:
    """A sheet as Excel shows it: merged blocks keep their value in the top-left cell only."""
    ws = openpyxl.load_workbook(path)[name]
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def test_running_number_column_stands_before_the_id(messy: Messy) -> None:
    """一季度 and 二季度 start with a running 编号 (1, 2, 3 … in each sheet, so as ids they would
    collide) before the real id column 稿件编号 / 来稿编号."""
    ledger = messy.ledger("02_")
    for sheet, id_header in (("一季度", "稿件编号"), ("二季度", "来稿编号")):
        _, rows = raw_sheet(ledger, sheet)
        header = [header_name(c) for c in rows[2]]
        assert header.index("编号") < header.index(id_header)
        numbers = [r[header.index("编号")] for r in rows[3:] if isinstance(r[0], int)]
        ids = [r[header.index(id_header)] for r in rows[3:] if isinstance(r[0], int)]
        assert numbers[:3] == [1, 2, 3]
        assert all(str(i).startswith("NM2021-") for i in ids if i is not None)


def test_grouped_header_spans_two_rows(messy: Messy) -> None:
    """四季度's header: 报送情况 merged over 报送人 | 盟市, every other name merged down over both
    header rows."""
    ws, rows = raw_sheet(messy.ledger("02_"), "四季度")
    blocks = {str(b): (b.min_row, b.max_row, b.min_col, b.max_col) for b in ws.merged_cells.ranges}
    group = [b for b in blocks.values() if b[:2] == (3, 3) and b[2] != 1]
    assert len(group) == 1
    _, _, left, right = group[0]
    assert rows[2][left - 1] == "报送情况" and right == left + 1
    assert [header_name(c) for c in rows[3][left - 1 : right]] == ["报送人", "盟市"]
    others = [c for c in range(1, len(rows[2]) + 1) if c not in (left, right)]
    assert all((3, 4, c, c) in blocks.values() for c in others)


def test_subtotals_totals_and_footers_are_the_skipped_rows(messy: Messy) -> None:
    """Every 小计 / 合计 row and footer line under a table is listed in truth.skipped, and
    nothing else: three 小计 in 一季度 (two between months), three footer lines under 四季度
    (one with a mobile number), one under the combined ledger; a real row titled 总计… is data."""
    found = set()
    for name, sheet, _, _, rows in messy.parsed:
        for number, cells in rows:
            why = row_kind(cells)
            if why in ("total", "footer"):
                found.add((name, sheet, number, why))
    listed = {(s["file"], s["sheet"], s["row"], s["why"]) for s in messy.truth["skipped"]}
    assert found == listed
    first = sorted(n for f, s, n, w in found if s == "一季度" and w == "total")
    assert len(first) == 4  # 1月小计, 2月小计, 3月小计, 合计
    _, rows = raw_sheet(messy.ledger("02_"), "一季度")
    assert [rows[n - 1][0] for n in first] == ["小计", "小计", "小计", "合计"]
    assert all(isinstance(rows[n][0], int) for n in first[:2])  # data goes on below
    footers = [n for f, s, n, w in found if s == "四季度" and w == "footer"]
    assert len(footers) == 3
    _, rows = raw_sheet(messy.ledger("02_"), "四季度")
    assert any(re.search(r"1\d{10}", str(c)) for n in footers for c in rows[n - 1])
    above_total = rows[min(n for f, s, n, w in found if s == "四季度") - 2]
    assert str(above_total[0]).startswith("NM2021-") and str(above_total[1]).startswith("总计")
    assert sum(1 for f, s, n, w in found if f.startswith("14_") and w == "footer") == 1


def test_regions_are_written_as_offices_write_them(messy: Messy) -> None:
    """锡林郭勒, 阿拉善, 赤峰市政协, county names and GB/T 2260 codes appear as regions, each
    planted on a submission of the 盟市 it lies in; 区外 is the one unknown region left."""
    written = {str(r["region"]) for _, _, _, r in messy.rows("submissions") if r.get("region")}
    assert set(REGION_FORMS) <= written
    variants = {
        (str(v["written"]), v["plain"])
        for v in messy.truth["planted"]["written_variants"]
        if v["field"] == "region"
    }
    assert set(REGION_FORMS.items()) <= variants
    unknown = [
        r
        for r in messy.truth["region_summary"]
        if r["period_label"] == "2021" and r["region_name"] == "未知"
    ]
    assert [r["submissions_received"] for r in unknown] == [1]


def test_themes_are_written_as_offices_write_them(messy: Messy) -> None:
    """民生类, 教育类, 民生/教育, 民生-供暖 and 民生（养老） are written as issues' 分类 (each on a
    民生 issue) and as submissions' themes."""
    issue_themes = {r.get("issue_theme") for _, _, _, r in messy.rows("issues")}
    submission_themes = {r.get("theme") for _, _, _, r in messy.rows("submissions")}
    assert set(ISSUE_THEME_FORMS) <= issue_themes
    assert set(ISSUE_THEME_FORMS) <= submission_themes
    forms = messy.truth["planted"]["issue_theme_forms"]
    assert sorted(f["written"] for f in forms) == sorted(ISSUE_THEME_FORMS)
    assert {f["theme_l1"] for f in forms} == {"民生"}


def test_combined_ledger_carries_the_fourth_quarter_instructions(messy: Messy) -> None:
    """The 编发及批示台账 is an issues table with 批示领导职务 / 批示日期 / 批示级别 columns; its
    issues are in no other issue ledger and their 批示 in no feedback ledger."""
    full = messy.ledger("14_").with_name(messy.ledger("14_").stem + "更正.xlsx")
    tables_ = list(tables(full))
    assert [t[1] for t in tables_] == ["issues"]
    headers = {header_name(h) for h in tables_[0][2]}
    assert {"期号", "编发日期", "批示领导职务", "批示日期", "批示级别"} <= headers
    combined = list(messy.rows("issues"))
    rows = [r for f, _, _, r in combined if f == full.name]
    seqs = {issue_seq(r["issue_no"]) for r in rows}
    assert sum(1 for r in rows if r.get("feedback_date")) >= 10
    elsewhere = {issue_seq(r["issue_no"]) for f, _, _, r in combined if f.startswith("04_")}
    assert not seqs & elsewhere
    instructed = {
        issue_seq(r["issue_no"])
        for _, _, _, r in messy.rows("feedback")
        if r.get("feedback_type") in (None, "批示")
    }
    assert not seqs & instructed
    ws, raw = raw_sheet(full, "编发及批示")
    merged = [b for b in ws.merged_cells.ranges if b.min_col == 1 and b.min_row > 2]
    dated_below = [
        b for b in merged if any(raw[r - 1][6] for r in range(b.min_row + 1, b.max_row + 1))
    ]
    assert dated_below  # a 批示 on a row whose 期号 is the merged cell above it
    assert any(raw[r][0] and raw[r][0] == raw[r - 1][0] for r in range(3, len(raw)))  # repeated


def test_issue_ledger_lists_sources_with_their_received_dates(messy: Messy) -> None:
    """下半年 lists one source a row under 稿件编号 with its 来稿日期 (the date the submission
    ledgers give it); an issue's 期号 repeats over its rows."""
    received = {
        submission_key(r["submission_id"]): parse_day(r["received_date"])
        for _, _, _, r in messy.rows("submissions")
    }
    for objects in messy.records.values():
        for obj in objects:
            if obj.get("id"):
                received[submission_key(obj["id"])] = parse_day(obj.get("received_at"))
    rows = [r for f, s, _, r in messy.rows("issues") if s == "下半年"]
    assert rows and all(r.get("received_date") for r in rows)
    for row in rows:
        assert received[submission_key(row["source_submissions"])] == parse_day(
            row["received_date"]
        )
    per_issue = Counter(issue_seq(r["issue_no"]) for r in rows)
    assert max(per_issue.values()) >= 2


def test_issue_number_merged_over_one_source_per_row(messy: Messy) -> None:
    """In 上半年 some 期号 cells are merged over two or more rows together with the 编发日期, and
    each of those rows lists exactly one source."""
    ws, rows = raw_sheet(messy.ledger("04_"), "上半年")
    blocks = [b for b in ws.merged_cells.ranges if b.min_col == 1 and b.min_row > 2]
    assert blocks
    dates = {(b.min_row, b.max_row) for b in ws.merged_cells.ranges if b.min_col == 2}
    for block in blocks:
        assert block.max_row > block.min_row
        assert (block.min_row, block.max_row) in dates
        for r in range(block.min_row, block.max_row + 1):
            assert re.fullmatch(r"NM2021-\d{4}", str(rows[r - 1][4]))


def test_cumulative_issue_numbers_follow_the_year_number(messy: Messy) -> None:
    """Issue numbers are written with （总第N期） too; N is the year's number plus one fixed
    offset throughout."""
    offsets = set()
    for _, _, _, row in messy.rows("issues"):
        found = re.search(r"第(\d+)期（总第(\d+)期）", str(row["issue_no"]))
        if found and int(found[1]) <= ISSUES_2021:
            offsets.add(int(found[2]) - int(found[1]))
    assert len(offsets) == 1


def test_replacing_ledger_fixes_a_typo_and_deletes_a_row(messy: Messy) -> None:
    """The 编发及批示台账 is delivered twice under names differing by 更正 only; the later copy
    (later modification time, at least 80 % of the rows) lacks one 期号 (a typo: no 2021 issue
    has it) and one 批示 row (given nowhere else). The truth counts neither."""
    early = messy.ledger("14_")
    full = early.with_name(early.stem + "更正.xlsx")
    assert full.stat().st_mtime > early.stat().st_mtime
    rows = {
        path.name: [r for f, _, _, r in messy.rows("issues") if f == path.name]
        for path in (early, full)
    }
    assert len(rows[full.name]) >= 0.8 * len(rows[early.name])
    numbers = {name: {issue_seq(r["issue_no"]) for r in rs} for name, rs in rows.items()}
    typos = numbers[early.name] - numbers[full.name]
    assert len(typos) == 1 and typos.pop() > ISSUES_2021

    def instructions(name: str) -> set[tuple[int, date | None]]:
        return {
            (issue_seq(r["issue_no"]), parse_day(r["feedback_date"]))
            for r in rows[name]
            if r.get("feedback_date") and issue_seq(r["issue_no"]) <= ISSUES_2021
        }

    deleted = instructions(early.name) - instructions(full.name)
    assert len(deleted) == 1
    seq, day = deleted.pop()
    assert seq in numbers[full.name]
    assert (seq, day) not in all_instructions(messy, skip=early.name)
    assert messy.truth["replaced"] == [{"file": early.name, "by": full.name}]
    assert messy.truth["distinct"]["issues"] == ISSUES_2021
    assert messy.truth["headline"]["issues_published"] == ISSUES_2021


def all_instructions(messy: Messy, *, skip: str) -> set[tuple[int, date | None]]:
    """(issue sequence, date) of every 批示 delivered outside ``skip``: feedback ledgers, the
    combined ledger and the export. One year of issues, at most one 批示 an issue a day."""
    found = {
        (issue_seq(r["issue_no"]), parse_day(r["feedback_date"]))
        for _, _, _, r in messy.rows("feedback", skip=skip)
        if r.get("feedback_type") in (None, "批示")
    }
    found |= {
        (issue_seq(r["issue_no"]), parse_day(r["feedback_date"]))
        for _, _, _, r in messy.rows("issues", skip=skip)
        if r.get("feedback_date")
    }
    for objects in messy.records.values():
        for obj in objects:
            for fb in obj.get("feedback") or []:
                if fb["type"] == "批示":
                    found.add((issue_seq(obj["issue"]["no"]), parse_day(fb["date"])))
    return found


def test_truth_counts_each_delivered_instruction_once(messy: Messy) -> None:
    """The distinct 批示 found in the files (outside the replaced copy) are as many as the truth
    counts: the deleted row and the one 批示 written two ways are not counted twice."""
    early = messy.ledger("14_").name
    assert len(all_instructions(messy, skip=early)) == messy.truth["distinct"]["instructions"]


def test_same_instruction_written_two_ways(messy: Messy) -> None:
    """A ledger row with 级别 blank and post 副主席 is the export's 自治区级 自治区政府副主席 批示
    of the same issue and day."""
    short = {
        (issue_seq(r["issue_no"]), parse_day(r["feedback_date"]))
        for _, _, _, r in messy.rows("feedback")
        if r.get("level") is None and str(r.get("post")).strip() == "副主席"
    }
    assert len(short) == 1
    full = {
        (issue_seq(obj["issue"]["no"]), parse_day(fb["date"]))
        for objects in messy.records.values()
        for obj in objects
        for fb in obj.get("feedback") or []
        if fb["level"] == "自治区级" and fb["post"] == "自治区政府副主席"
    }
    assert short <= full


def test_redelivered_ids_are_retyped(messy: Messy) -> None:
    """Re-deliveries write ids in lower case, with a space, or full-width; each is the id of a
    submission delivered elsewhere in its plain form."""
    written = [str(r["submission_id"]) for _, _, _, r in messy.rows("submissions")]
    written += [str(o["id"]) for objs in messy.records.values() for o in objs if o.get("id")]
    plain = {w for w in written if re.fullmatch(r"NM2021-\d{4}", w)}
    retyped = [w for w in written if w not in plain]
    assert any(w.islower() for w in retyped)
    assert any(" " in w for w in retyped)
    assert any(unicodedata.normalize("NFKC", w) != w for w in retyped)
    assert {submission_key(w) for w in retyped} <= {submission_key(w) for w in plain}


def test_unit_and_person_are_separate_columns(messy: Messy) -> None:
    """In the 盟市政协 ledger 报送单位 is the forwarding 政协 (an organisation) and 报送人 a
    person; units are given under all five accepted headers."""
    rows = [r for f, _, _, r in messy.rows("submissions") if f.startswith("03_")]
    assert rows and all(str(r["unit"]).endswith("政协") for r in rows)
    assert not any(str(r["submitter"]).endswith("政协") for r in rows)
    units = {header_name(h) for *_, headers, _ in messy.parsed for h in headers}
    assert set(SYNONYMS["unit"]) <= units | {"unit"}


def test_theme_rule_issues_have_sources_that_tell_the_readings_apart(messy: Messy) -> None:
    """Two 民生 issues have no 分类 anywhere; the first's sources are [a non-民生 theme, two
    different 民生 themes] (level-1 votes 2:1, pairs tie), the second's [an unknown theme, a
    blank, a 民生 theme] (未分类 must not vote)."""
    votes = messy.truth["planted"]["theme_vote_issues"]
    assert len(votes) == 2
    issue_rows = [r for _, _, _, r in messy.rows("issues")]
    themes_of: dict[str, set] = defaultdict(set)
    for _, _, _, row in messy.rows("submissions"):
        themes_of[submission_key(row["submission_id"])].add(row.get("theme"))
    for objects in messy.records.values():
        for obj in objects:
            if obj.get("id"):
                themes_of[submission_key(obj["id"])].add(obj.get("theme"))
    sources = []
    for vote in votes:
        seq = int(vote["issue_id"][-3:])
        rows = [r for r in issue_rows if issue_seq(r["issue_no"]) == seq]
        assert rows and all(r.get("issue_theme") is None for r in rows)
        listed = [s for r in rows for s in re.split(r"[,，、;；\s]+", str(r["source_submissions"]))]
        sources.append([themes_of[submission_key(s)] for s in dict.fromkeys(listed)])
    (a, b, c), (d, e, f) = sources
    assert all(len(s) == 1 for s in (a, b, c, d, e, f))  # one written theme in every delivery
    assert not a & MINSHENG and b <= MINSHENG and c <= MINSHENG and b != c
    assert not d & MINSHENG and e == {None} and f <= MINSHENG


def test_messy_files_are_delivered_in_name_order(messy: Messy) -> None:
    """Modification times rise with the file names, so any ingest order (times, or names
    after a plain copy) delivers a correction after what it corrects."""
    paths = sorted((messy.out / "ledgers").iterdir())
    times = [p.stat().st_mtime for p in paths]
    assert times == sorted(times) and len(set(times)) == len(times)
