"""A messy office: every quirk of CONTRACT.md §1 planted a known number of times.

Header synonyms spread over sheets and files (with full-width characters,
spaces, ``*`` and ``(必填)``), every date and issue-number form, region and
theme aliases and unknown values, blank and 合计 rows, a hidden sheet, a 1904
workbook, BOM / GB18030 / tab-separated CSV, JSON and JSONL, re-deliveries,
corrections, a feedback ledger that sorts before the issue ledger, bad rows
and bad files. Every planted bad row is recorded where it was written (file,
sheet, row, rule); every good row is reported to the truth as written, so the
expected figures follow from the files themselves.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from itertools import cycle
from pathlib import Path
from random import Random
from typing import Any

from sqmy_etl import reference
from sqmy_etl.synth.deliveries import (
    JSON_KNOWN_FEEDBACK,
    OFFICE,
    QUARTERS,
    SUBMISSION_HEADERS,
    Plan,
)
from sqmy_etl.synth.forms import Cell, write_date, write_issue_no
from sqmy_etl.synth.model import ADOPTION, Issue, Submission, World, theme_key, themes
from sqmy_etl.synth.truth import Truth, Version
from sqmy_etl.synth.writers import CsvTable, JsonExport, Table, XlsxBook, write_bytes

# --- headers: between them every synonym of CONTRACT.md §1 --------------------
H_Q2 = {
    "serial": "序号",
    "submission_id": "来稿编号",
    "title": "题目",
    "submitter": "作者",
    "sector": "所属界别",
    "region": "地区",
    "received_date": "来稿日期",
    "theme": "主题",
    "content": "主要内容",
    "phone": "手机",
    "id_card": "身份证号码",
}
H_Q3 = {
    "serial": "序号",
    "submission_id": "编号",
    "title": "信息标题",
    "submitter": "反映人",
    "sector": "界别",
    "region": "所属盟市",
    "received_date": "报送日期",
    "theme": "类别",
    "content": "正文",
    "phone": "电话",
    "id_card": "身份证号",
}
H_Q4 = {
    "submission_id": "稿号＊",
    "title": "标题（必填）",
    "submitter": " 报送人 ",
    "sector": "界　别",
    "region": "盟市",
    "received_date": "收稿日期 *",
    "theme": "分类",
    "content": "内容",
    "phone": "联系电话",
    "id_card": "身份证号",
}
H_FORWARDED = {
    "submission_id": "稿件编号",
    "title": "标题",
    "submitter": "报送单位",
    "sector": "界别",
    "region": "来源地区",
    "received_date": "收稿日期",
    "theme": "主题分类",
    "content": "内 容 摘 要",
    "phone": "联系电话",
}
H_COUNTY = {
    "submission_id": "稿件编号",
    "title": "题目",
    "submitter": "反映人",
    "sector": "界别",
    "region": "来源地区",
    "received_date": "报送日期",
    "theme": "分类",
    "content": "内容",
    "phone": "电话",
}
H_CORRECTION = {
    "submission_id": "稿件编号(必填)",
    "title": "标题",
    "submitter": "报送人",
    "sector": "界别",
    "region": "盟市",
    "received_date": "收稿日期",
    "theme": "主题分类",
    "content": "内容摘要",
}
H_ENGLISH = {
    "submission_id": "id",
    "title": "title",
    "submitter": "submitter",
    "sector": "sector",
    "region": "region",
    "received_date": "received_at",
    "theme": "theme",
    "content": "content",
    "phone": "ｐｈｏｎｅ",
}
H_ISSUES_H1 = {
    "issue_no": "期号",
    "published_date": "编发日期",
    "issue_title": "标题",
    "issue_theme": "分类",
    "source_submissions": "采用稿件编号",
}
H_ISSUES_H2 = {
    "issue_no": "编发期号",
    "published_date": "刊发日期",
    "issue_title": "标题",
    "issue_theme": "类别",
    "source_submissions": "来源稿件",
}
H_ISSUES_FIX = {
    "issue_no": "期数",
    "published_date": "印发日期",
    "issue_title": "标题",
    "issue_theme": "主题分类",
    "source_submissions": "稿件编号",
}
H_FEEDBACK_1 = {
    "issue_no": "期号*",
    "feedback_type": "类型",
    "level": "批示级别",
    "post": "批示领导职务",
    "feedback_date": "批示日期",
    "summary": "批示内容",
}
H_FEEDBACK_2 = {
    "issue_no": "编发期号",
    "feedback_type": "反馈类型",
    "level": "领导级别",
    "post": "领导职务",
    "feedback_date": "反馈日期",
    "summary": "批示摘要",
}
H_ADOPTIONS = {
    "issue_no": "期数",
    "feedback_type": "类型",
    "level": "级别",
    "post": "职务",
    "feedback_date": "采用日期",
    "summary": "内容",
}
H_LEAGUE = {
    "issue_no": "期号",
    "feedback_type": "类型",
    "level": "级别",
    "post": "职务",
    "feedback_date": "日期",
    "summary": "批示内容",
}
H_FEEDBACK_EN = {
    "issue_no": "issue.no",
    "feedback_type": "type",
    "level": "level",
    "post": "post",
    "feedback_date": "date",
    "summary": "summary",
}
# places the region list does not know, with the 盟市 they lie in (None: outside the region)
UNKNOWN_REGIONS = {"满洲里市": "呼伦贝尔市", "二连浩特市": "锡林郭勒盟", "区外": None}
UNKNOWN_THEMES = ("综合", "其它")
# {y} is the ledger year: a mistyped day, a typo'd century, a clerk's 不详
BAD_DATES = {
    "invalid_date": ("{y}-02-30", "不详", "{y}年13月5日", "{y}/13/02", "{y}-09-31"),
    "date_out_of_range": ("1985.4.12", "2121/8/3", "2121/5/6"),
}
NOTES = [
    "填表说明",
    "1. 稿件编号由信息处统一编制，格式为 NM年份-序号。",
    "2. 收稿日期以信息处签收日期为准。",
    "3. 主题分类按《社情民意信息分类目录》填写。",
]


class MessyPlan(Plan):
    """Sixteen deliveries of one year, each with its own quirks (see the module docstring)."""

    def __init__(self, world: World, out: Path, encoding: str) -> None:
        super().__init__(world, out)
        self.rng = Random(f"{world.seed}:messy")
        self._open_files(world.year, encoding)
        self._choose_issues()
        self._plant_schedule()
        issue_id = world.issue_id
        self.planted = {
            "issues_without_theme": sorted(issue_id(world.issues[s - 1]) for s in self.blank_theme),
            "issue_theme_filled_later": sorted(
                issue_id(world.issues[s - 1]) for s in self.filled_later
            ),
            "written_variants": [],
            "corrected_submissions": [],
            "redelivered_submissions": [],
            "redelivered_json_objects": [],
        }
        self.region_aliases: dict[str, list[str]] = {}
        for alias, name in reference.region_aliases().items():
            self.region_aliases.setdefault(name, []).append(alias)
        self.theme_aliases: dict[str, list[str]] = {}
        for alias, name in reference.theme_aliases().items():
            self.theme_aliases.setdefault(name, []).append(alias)
        self.unknown_regions = dict(UNKNOWN_REGIONS)
        self.unknown_themes = list(UNKNOWN_THEMES)
        self.l1_names_left = 6
        self.corrections_left, self.redeliveries_left, self.json_repeats_left = 12, 10, 10
        self.minus5_left = 1
        self.bad_dates = {
            rule: cycle([v.format(y=world.year) for v in values])
            for rule, values in BAD_DATES.items()
        }
        self.fresh_submission = world.size
        self.fresh_issue = len(world.issues)
        _, self.by_issue = self.platform_feedback(self.rng, JSON_KNOWN_FEEDBACK)

    def _open_files(self, y: int, encoding: str) -> None:
        out = self.out
        ledger_titles = (f"{y}年社情民意信息来稿台账", OFFICE)
        self.fb_first = self.add(
            CsvTable(
                out / f"01_{y}年批示台账_第一批.csv", "feedback", H_FEEDBACK_1, encoding="utf-8-sig"
            )
        )
        ledger = self.add(XlsxBook(out / f"02_{y}年社情民意信息来稿台账.xlsx"))
        heads = (SUBMISSION_HEADERS, H_Q2, H_Q3, H_Q4)
        self.quarters = [
            ledger.sheet(q, "submissions", h, ledger_titles)
            for q, h in zip(QUARTERS, heads, strict=True)
        ]
        self.backfill = ledger.sheet(
            "补录", "submissions", SUBMISSION_HEADERS, ledger_titles, hidden=True
        )
        ledger.plain_sheet("填表说明", [[line] for line in NOTES])
        forwarded = self.add(XlsxBook(out / f"03_{y}年盟市政协转报来稿台账.xlsx", date1904=True))
        self.forwarded = forwarded.sheet(
            "转报来稿", "submissions", H_FORWARDED, (f"{y}年盟市政协转报社情民意信息",)
        )
        issues = self.add(XlsxBook(out / f"04_{y}年社情民意信息编发台账.xlsx"))
        issue_titles = (f"{y}年《社情民意》编发台账",)
        self.halves = [
            issues.sheet("上半年", "issues", H_ISSUES_H1, issue_titles),
            issues.sheet("下半年", "issues", H_ISSUES_H2, issue_titles),
        ]
        self.export = self.add(JsonExport(out / f"05_政协云导出_{y}.json"))
        self.increment = self.add(
            JsonExport(out / f"06_政协云导出_{y}_四季度增量.jsonl", lines=True)
        )
        self.county = self.add(
            CsvTable(
                out / f"07_{y}年旗县政协来稿登记.csv", "submissions", H_COUNTY, encoding="gb18030"
            )
        )
        self.fb_second = self.add(
            CsvTable(
                out / f"08_{y}年批示台账_第二批.csv",
                "feedback",
                H_FEEDBACK_2,
                encoding=encoding,
                delimiter="\t",
            )
        )
        adoption_book = self.add(XlsxBook(out / f"09_{y}年全国政协采用及盟市批示.xlsx"))
        self.adoptions = adoption_book.sheet("全国政协采用", "feedback", H_ADOPTIONS)
        self.league = adoption_book.sheet("盟市批示", "feedback", H_LEAGUE)
        self.corrections = self.add(XlsxBook(out / f"10_{y}年来稿台账_更正.xlsx")).sheet(
            "更正", "submissions", H_CORRECTION, (f"{y}年来稿台账更正（以此为准）",)
        )
        self.issue_fix = self.add(XlsxBook(out / f"11_{y}年编发台账_更正.xlsx")).sheet(
            "更正", "issues", H_ISSUES_FIX, (f"{y}年编发台账更正（补充分类）",)
        )
        self.english = self.add(
            CsvTable(out / f"12_政协云来稿导出_{y}.csv", "submissions", H_ENGLISH, delimiter="\t")
        )
        self.fb_english = self.add(
            CsvTable(out / f"13_政协云批示导出_{y}.csv", "feedback", H_FEEDBACK_EN)
        )

    # ---- planning -----------------------------------------------------------

    def _choose_issues(self) -> None:
        """Issues whose 分类 is left blank; half are filled in by the re-sent ledger."""
        issues = self.world.issues
        mixed = [x.seq for x in issues if len({self.world.theme[i] for i in x.sources}) > 1]
        plain = [x.seq for x in issues if x.seq not in set(mixed)]
        self.filled_later = set(self.rng.sample(plain, 6))
        rest = [seq for seq in plain if seq not in self.filled_later]
        self.blank_theme = set(mixed[:5]) | self.filled_later | set(self.rng.sample(rest, 3))
        self.resent_unchanged = set(
            self.rng.sample([s for s in rest if s not in self.blank_theme], 4)
        )
        self.protected = {i for x in issues if x.seq in self.blank_theme for i in x.sources}

    def _plant_schedule(self) -> None:
        """Bad rows: (written after the n-th good row of the table, rule)."""
        q = self.quarters
        self.bad: dict[int, list[tuple[int, str]]] = {
            id(q[0]): [(5, "missing_id"), (12, "missing_date")],
            id(q[1]): [(4, "invalid_date"), (9, "date_out_of_range")],
            id(q[2]): [(6, "date_out_of_range")],
            id(q[3]): [(3, "invalid_date")],
            id(self.county): [(2, "missing_id"), (5, "invalid_date")],
            id(self.english): [(2, "missing_date")],
            id(self.export): [(3, "missing_id"), (8, "invalid_date")],
            id(self.halves[0]): [(4, "invalid_issue_no"), (10, "missing_id")],
            id(self.halves[1]): [(3, "missing_date"), (7, "invalid_date")],
            id(self.fb_first): [
                (2, "invalid_feedback_type"),
                (5, "invalid_issue_no"),
                (8, "missing_date"),
            ],
            id(self.fb_second): [(3, "invalid_date"), (6, "date_out_of_range")],
            id(self.adoptions): [(1, "invalid_feedback_type")],
        }
        self.blanks = {
            id(q[0]): {10},
            id(q[1]): {20},
            id(self.halves[0]): {15},
            id(self.fb_first): {4},
            id(self.county): {7},
        }
        self.written: dict[int, int] = {}
        self.last_cells: dict[int, dict[str, Cell]] = {}

    # ---- bad rows -------------------------------------------------------------

    def _fresh_id(self) -> str:
        """An id beyond the world's: the bad row is an extra, not a copy of a real one."""
        self.fresh_submission += 1
        return self.world.submission_id(self.fresh_submission - 1)

    def _broken(self, kind: str, cells: dict[str, Cell], rule: str) -> dict[str, Cell]:
        """A copy of a good row, broken in exactly one way."""
        bad = dict(cells)
        date_field = {
            "submissions": "received_date",
            "issues": "published_date",
            "feedback": "feedback_date",
        }[kind]
        if kind == "submissions":
            bad["submission_id"] = None if rule == "missing_id" else self._fresh_id()
        if kind == "issues":
            self.fresh_issue += 1
            bad["issue_no"] = write_issue_no("full", self.world.year, self.fresh_issue)
            bad["source_submissions"] = None
        if rule == "missing_id":
            bad["submission_id" if kind == "submissions" else "issue_no"] = None
        elif rule == "invalid_issue_no":
            bad["issue_no"] = "待定" if kind == "issues" else "第期"
        elif rule == "missing_date":
            bad[date_field] = None
        elif rule in self.bad_dates:
            bad[date_field] = next(self.bad_dates[rule])
        elif rule == "invalid_feedback_type":
            bad["feedback_type"] = "转办" if bad.get("feedback_type") == ADOPTION else "圈阅"
        return bad

    def _after(self, table: Table, cells: dict[str, Cell]) -> None:
        """Bookkeeping after a good row: plant the bad and blank rows due at this point."""
        key = id(table)
        n = self.written[key] = self.written.get(key, 0) + 1
        self.last_cells[key] = cells
        for after, rule in self.bad.get(key, ()):
            if after == n:
                table.write_bad(self._broken(table.kind, cells, rule), rule)
        if n in self.blanks.get(key, ()):
            table.blank()

    def _late_plants(self) -> None:
        """Bad rows still due in tables that stayed short (small scales)."""
        for table in (
            *self.quarters,
            self.county,
            self.english,
            *self.halves,
            self.fb_first,
            self.fb_second,
            self.adoptions,
        ):
            key = id(table)
            for after, rule in self.bad.get(key, ()):
                if after > self.written.get(key, 0) and key in self.last_cells:
                    table.write_bad(self._broken(table.kind, self.last_cells[key], rule), rule)

    # ---- submissions ----------------------------------------------------------

    def _date_form(self, table: Table, sub: Submission) -> str:
        if table is self.quarters[0] or table is self.backfill:
            return "excel_datetime" if self.rng.random() < 0.1 else "excel_date"
        if table is self.quarters[1]:
            return self.rng.choice(("slash", "dot", "cn", "iso"))
        if table is self.quarters[2]:
            return "excel_serial" if self.rng.random() < 0.3 else "excel_serial_day"
        if table is self.quarters[3]:
            return self.rng.choice(("iso_time", "excel_datetime"))
        if table is self.forwarded:
            return self.rng.choice(("excel_date", "excel_datetime"))
        if table is self.county:
            return self.rng.choice(("compact", "slash_time"))
        if table is self.english:
            return self.rng.choice(("iso_naive", "iso_time"))
        return "iso"

    def _vary(self, cells: dict[str, Cell], sub: Submission, single: bool) -> None:
        """Write the region and theme the way this clerk would: alias, old name, level-1 name."""
        l1, l2 = themes()[sub.theme]
        pending = self.region_aliases.get(sub.region)
        unknown = next(
            (u for u, inside in self.unknown_regions.items() if inside in (None, sub.region)), None
        )
        if single and unknown:
            cells["region"] = unknown
            del self.unknown_regions[unknown]
        elif pending and self.rng.random() < 0.5:
            cells["region"] = pending.pop(0)
        aliases = self.theme_aliases.get(l2 or "") or self.theme_aliases.get(l1)
        if single and self.unknown_themes and not self.unknown_regions:
            cells["theme"] = self.unknown_themes.pop(0)
        elif aliases and self.rng.random() < 0.5:
            cells["theme"] = aliases.pop(0)
        elif l2 and self.l1_names_left and self.rng.random() < 0.02:
            self.l1_names_left -= 1
            cells["theme"] = l1

    def _note_variants(self, table: Table, cells: dict[str, Cell], sub: Submission) -> None:
        for field, plain in (("region", sub.region), ("theme", theme_key(sub.theme))):
            if cells[field] != plain:
                self.planted["written_variants"].append(
                    {
                        "submission_id": sub.submission_id,
                        "file": table.out.name,
                        "sheet": table.sheet,
                        "field": field,
                        "written": cells[field],
                        "plain": plain,
                    }
                )

    def _route(self, sub: Submission) -> tuple[list[Table], JsonExport | None]:
        quarter = (sub.received_at.month - 1) // 3
        export = self.export if quarter < 3 else self.increment
        at = sub.received_at
        if (at.month, at.day, at.hour) < (1, 1, 2):
            return [], export  # the New Year's midnight one: only the platform has it
        if sub.sector == "盟市政协":
            return [self.forwarded], None
        r = self.rng.random()
        if r < 0.06:
            return [self.county], None
        if r < 0.09:
            return [self.english], None
        if r < 0.15:
            return [], export
        sheet = (
            self.backfill if quarter == 3 and self.rng.random() < 0.08 else self.quarters[quarter]
        )
        return [sheet], export if self.rng.random() < 0.4 else None

    def emit_submission(self, sub: Submission, truth: Truth) -> None:
        tables, export = self._route(sub)
        protected = sub.index in self.protected
        single = len(tables) == 1 and export is None and sub.issue < 0 and not protected
        versions: list[Version] = []
        for table in tables:
            cells = self.submission_cells(table, sub, self._date_form(table, sub))
            if not protected:
                self._vary(cells, sub, single)
                self._note_variants(table, cells, sub)
            versions.append(self.put_submission(table, cells))
            self._after(table, cells)
            if table in self.quarters and not protected:
                versions += self._redeliver(cells, sub)
        if export is not None:
            versions += self._export(export, sub, truth)
        truth.submission(sub.index, sub.received_at.date(), versions)

    def _redeliver(self, cells: dict[str, Cell], sub: Submission) -> list[Version]:
        """Some ledger rows again in the later 更正 file: unchanged, or with a corrected field."""
        roll = self.rng.random()
        if self.corrections_left and roll < 0.04:
            self.corrections_left -= 1
            fixed = dict(cells)
            self.planted["corrected_submissions"].append(sub.submission_id)
            if self.corrections_left % 2:
                fixed["theme"] = theme_key(self.rng.randrange(len(themes())))
            else:
                others = [r.name for r in reference.regions() if r.name != cells["region"]]
                fixed["region"] = self.rng.choice(others)
                fixed["theme"] = None  # left empty: must not erase the earlier value
        elif self.redeliveries_left and roll < 0.07:
            self.redeliveries_left -= 1
            fixed = dict(cells)
            self.planted["redelivered_submissions"].append(sub.submission_id)
        else:
            return []
        fixed["received_date"] = write_date("iso", sub.received_at)
        return [self.put_submission(self.corrections, fixed)]

    def _export(self, export: JsonExport, sub: Submission, truth: Truth) -> list[Version]:
        form = "iso_offset"
        if sub.received_at.hour < 2:
            form = "iso_minus5" if self.minus5_left else "iso_utc"
            self.minus5_left = 0
        elif self.rng.random() < 0.05:
            form = self.rng.choice(("iso_utc", "iso_naive"))
        obj = self.json_object(sub, self.by_issue.get(sub.issue, []), form)
        if obj["issue"] is None and self.rng.random() < 0.5:
            del obj["issue"]
        issue = self.world.issues[sub.issue] if sub.issue >= 0 else None
        versions = [self.put_json(export, obj, truth, issue)]
        key = id(export)
        n = self.written[key] = self.written.get(key, 0) + 1
        for after, rule in self.bad.get(key, ()):
            if after == n:
                export.write(self._broken_object(obj, rule), rule)
        if export is self.export and self.json_repeats_left and self.rng.random() < 0.05:
            self.json_repeats_left -= 1
            self.planted["redelivered_json_objects"].append(sub.submission_id)
            versions.append(self.put_json(self.increment, obj, truth, issue))
        return versions

    def _broken_object(self, obj: dict[str, Any], rule: str) -> dict[str, Any]:
        bad = {k: v for k, v in obj.items() if k not in ("issue", "feedback", "id")}
        if rule == "invalid_date":
            bad = {
                "id": self._fresh_id(),
                **bad,
                "received_at": next(self.bad_dates["invalid_date"]),
            }
        return bad

    # ---- issues and feedback ---------------------------------------------------

    def _issue_row(self, issue: Issue, table: Table) -> dict[str, Cell]:
        if table is self.halves[0]:
            cells = self.issue_cells(issue, "full", "excel_date")
        else:
            no_form = self.rng.choice(("di", "qi", "number", "plain"))
            date_form = self.rng.choice(("cn", "excel_date"))
            cells = self.issue_cells(
                issue, no_form, date_form, self.rng.choice((",", "，", "；", " ", ";"))
            )
        l1, l2 = themes()[issue.theme]
        if issue.seq in self.blank_theme:
            cells["issue_theme"] = None
        elif self.rng.random() < 0.06:
            aliases = [a for a, name in reference.theme_aliases().items() if name in (l2, l1)]
            cells["issue_theme"] = aliases[0] if aliases and self.rng.random() < 0.6 else l1
        return cells

    def _emit_issues(self, truth: Truth) -> None:
        for issue in self.world.issues:
            table = self.halves[0 if issue.published.month <= 6 else 1]
            cells = self._issue_row(issue, table)
            self.put_issue(table, issue, cells, truth)
            self._after(table, cells)
            if issue.seq in self.filled_later or issue.seq in self.resent_unchanged:
                self.put_issue(self.issue_fix, issue, self.issue_cells(issue, "full", "iso"), truth)
        for table in self.halves:
            table.total("issue_title", f"共{self.written.get(id(table), 0)}期")

    def _feedback_target(self, fb) -> tuple[Table, Callable[[], str], str]:
        if fb.kind == ADOPTION:
            return self.adoptions, lambda: self.rng.choice(("number", "full")), "excel_date"
        if fb.level == "国家级":
            return self.fb_english, lambda: "full", "iso"
        if fb.day <= date(self.world.year, 6, 30):
            return self.fb_first, lambda: self.rng.choice(("full", "di", "plain", "qi")), "iso"
        return self.fb_second, lambda: self.rng.choice(("full", "di")), "slash"

    def _emit_feedback(self, truth: Truth) -> None:
        spaced = 2
        for fb in self.world.feedback:
            table, no_form, date_form = self._feedback_target(fb)
            cells = self.feedback_cells(fb, no_form(), date_form)
            if table is self.fb_first and self.rng.random() < 0.3:
                cells["feedback_type"] = None
            if table is self.fb_second and spaced:
                spaced -= 1
                cells["post"] = f" {fb.post} "
            self.put_feedback(table, fb, cells, truth)
            self._after(table, cells)
            if fb.level == "盟市级":
                self.put_feedback(self.league, fb, self.feedback_cells(fb, "full", "cn"), truth)

    def finish(self, truth: Truth) -> None:
        self._emit_issues(truth)
        self._emit_feedback(truth)
        self._late_plants()
        for sheet in (*self.quarters, self.backfill):
            sheet.total("title", f"共{self.serials.get(id(sheet), 0)}篇")
        self.close()
        self._bad_files()

    def _bad_files(self) -> None:
        y = self.world.year
        original = self.fb_first
        duplicate = write_bytes(
            self.out / f"20_{y}年批示台账_第一批(重复发送).csv",
            original.path.read_bytes(),
            "csv",
            expect="duplicate_file",
            reason=None,
        )
        duplicate.encoding = original.encoding
        duplicate.data_rows = dict(original.data_rows)
        self.files.append(duplicate)
        self.files.append(
            write_bytes(
                self.out / f"21_{y}年来稿台账_损坏.xlsx",
                _truncated_xlsx(),
                "xlsx",
                expect="reject",
                reason="corrupt_xlsx",
            )
        )
        self.files.append(
            write_bytes(
                self.out / f"22_{y}年来稿登记_乱码.csv",
                _undecodable_csv(y),
                "csv",
                expect="reject",
                reason="undecodable",
            )
        )
        unknown = XlsxBook(self.out / f"23_{y}年信息工作量统计.xlsx")
        header = ["月份", "来稿篇数", "编发期数", "批示件数", "备注"]
        unknown.plain_sheet(
            "统计", [header] + [[f"{m}月", 80 + m, 20 + m, 5, None] for m in range(1, 13)]
        )
        unknown.close()
        unknown.unrecognised_sheets.clear()
        unknown.expect, unknown.reject_reason = "reject", "no_recognisable_table"
        self.files.append(unknown)


def _truncated_xlsx() -> bytes:
    """A real workbook cut in half, as a broken download or a full disk leaves it."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("来稿")
    sheet.write_row(0, 0, ["稿件编号", "标题", "收稿日期"])
    for row in range(1, 200):
        sheet.write_row(row, 0, [f"NM-X{row:04d}", "关于加强社区养老服务的建议", "2021-05-06"])
    book.close()
    data = buffer.getvalue()
    return data[: len(data) // 2]


def _undecodable_csv(year: int) -> bytes:
    """GB18030 text with stray bytes (0xFF) that neither UTF-8 nor GB18030 can decode."""
    head = (
        f"稿件编号,标题,收稿日期\r\nNM{year}-X001,关于规范校外培训的建议,{year}-05-06\r\n".encode(
            "gb18030"
        )
    )
    return head + b"NM-X002,\xff\xfe\xff\x80," + f"{year}-05-07\r\n".encode()
