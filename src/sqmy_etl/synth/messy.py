"""A messy office: every quirk of CONTRACT.md §1 planted a known number of times.

Header synonyms spread over sheets and files (``messy_headers``), every date
and issue-number form (with ``（总第N期）``), region and theme written forms
(aliases, ``锡林郭勒``, ``赤峰市政协``, counties, GB/T 2260 codes, ``民生类``,
``民生/教育`` …) and unknown values, blank, 小计 and 合计 rows and footer lines,
a hidden sheet, a 1904 workbook, a running-number 编号 before the id, a
two-row grouped header, an 编发台账 listing each source with its 来稿日期, an
issue whose 期号 is merged over its sources' rows, a combined 编发及批示台账
re-sent in full to replace an earlier copy (one 批示 row deleted, one 期号
typo fixed), the same 批示 written two ways, re-typed ids, BOM / GB18030 /
tab-separated CSV, JSON and JSONL, corrections, bad rows and bad files —
and the CONTRACT §5 lifecycle ledgers (报送, 自治区 采用, 办理反馈) written
with the §5 header and type synonyms.

Every planted bad or skipped row is recorded where it was written; for every
counting row the truth is told which model fact it delivered and what the
generator decided that fact is (see ``truth``). Issue-ledger layouts live in
``messy_issues``.
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
from sqmy_etl.synth.deliveries import JSON_KNOWN_FEEDBACK, OFFICE, QUARTERS, SUBMISSION_HEADERS
from sqmy_etl.synth.forms import Cell, write_date, write_issue_no
from sqmy_etl.synth.lifecycle import RESPONSE, SENT_UP
from sqmy_etl.synth.messy_headers import (
    H_ADOPTIONS,
    H_CORRECTION,
    H_COUNTY,
    H_ENGLISH,
    H_FEEDBACK_1,
    H_FEEDBACK_2,
    H_FEEDBACK_EN,
    H_FORWARDED,
    H_LEAGUE,
    H_Q1,
    H_Q2,
    H_Q3,
    H_Q4,
    H_REGION_ADOPTIONS,
    H_RESPONSES,
    H_SENT_UP,
    Q4_GROUPS,
)
from sqmy_etl.synth.messy_issues import IssueLedgers
from sqmy_etl.synth.model import ADOPTION, BATCH, Submission, World, theme_key, themes
from sqmy_etl.synth.truth import Truth
from sqmy_etl.synth.writers import CsvTable, JsonExport, Table, XlsxBook, write_bytes
from sqmy_etl.synth.written import (
    L1_FORMS,
    REGION_FORMS,
    THEME_FORMS,
    UNKNOWN_REGIONS,
    UNKNOWN_THEMES,
    id_variant,
)

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
# the last submission of the year is titled like a total, and is data all the same
TOTAL_LIKE_TITLE = "总计三方面问题：{title}"
# one 批示 as the export writes it and as a clerk shortens it in the ledger
TWO_FORMS_POST, TWO_FORMS_SHORT = "自治区政府副主席", "副主席"
ADOPTION_WORDS = ("采纳", "录用")  # what some clerks write for 采用
# CONTRACT §5: the words clerks write for the lifecycle types
TYPE_WORDS = {
    SENT_UP: ("报送", "上报", "报送上级", "呈报"),
    RESPONSE: ("办理反馈", "反馈", "办理情况", "部门回复"),
}


class MessyPlan(IssueLedgers):
    """Twenty-one deliveries of one year, each with its own quirks (see the module docstring)."""

    def __init__(self, world: World, out: Path, encoding: str) -> None:
        super().__init__(world, out)
        self.rng = Random(f"{world.seed}:messy")
        self._open_files(world.year, encoding)
        self.choose_issues()
        self._plant_schedule()
        self.region_forms = {name: list(forms) for name, forms in REGION_FORMS.items()}
        self.theme_forms = {
            name: list(forms) for name, forms in {**THEME_FORMS, **L1_FORMS}.items()
        }
        self.unknown_regions = list(UNKNOWN_REGIONS)
        self.unknown_themes = list(UNKNOWN_THEMES)
        self.l1_names_left = 6
        self.corrections_left, self.redeliveries_left, self.json_repeats_left = 12, 10, 10
        self.minus5_left = 1
        self.id_variants = 0
        self.bad_dates = {
            rule: cycle([v.format(y=world.year) for v in values])
            for rule, values in BAD_DATES.items()
        }
        self.fresh_submission = world.size
        self.fresh_issue = len(world.issues)
        _, self.by_issue = self.platform_feedback(self.rng, JSON_KNOWN_FEEDBACK)
        self.json_written: set[int] = set()  # 批示 / 采用 nested in some exported object
        self.near_duplicates = set(world.near_duplicates) | set(world.near_duplicates.values())
        self.last_submission = world.size - 1
        self.protected.add(self.last_submission)
        self.month_rows: dict[int, tuple[int, int]] = {}  # table → (month, rows that month)

    def _open_files(self, y: int, encoding: str) -> None:
        out = self.out
        ledger_titles = (f"{y}年社情民意信息来稿台账", OFFICE)
        self.fb_first = self.add(
            CsvTable(
                out / f"01_{y}年批示台账_第一批.csv", "feedback", H_FEEDBACK_1, encoding="utf-8-sig"
            )
        )
        ledger = self.add(
            XlsxBook(out / f"02_{y}年社情民意信息来稿台账.xlsx", constant_memory=False)
        )
        heads = ((H_Q1, None), (H_Q2, None), (H_Q3, None), (H_Q4, Q4_GROUPS))
        self.quarters = [
            ledger.sheet(q, "submissions", h, ledger_titles, groups=groups)
            for q, (h, groups) in zip(QUARTERS, heads, strict=True)
        ]
        self.backfill = ledger.sheet(
            "补录", "submissions", SUBMISSION_HEADERS, ledger_titles, hidden=True
        )
        ledger.plain_sheet("填表说明", [[line] for line in NOTES])
        forwarded = self.add(XlsxBook(out / f"03_{y}年盟市政协转报来稿台账.xlsx", date1904=True))
        self.forwarded = forwarded.sheet(
            "转报来稿", "submissions", H_FORWARDED, (f"{y}年盟市政协转报社情民意信息",)
        )
        self.open_issue_ledger(out / f"04_{y}年社情民意信息编发台账.xlsx")
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
        self.open_issue_fix(out / f"11_{y}年编发台账_更正.xlsx")
        self.english = self.add(
            CsvTable(out / f"12_政协云来稿导出_{y}.csv", "submissions", H_ENGLISH, delimiter="\t")
        )
        self.fb_english = self.add(
            CsvTable(out / f"13_政协云批示导出_{y}.csv", "feedback", H_FEEDBACK_EN)
        )
        self.open_combined(out / f"14_{y}年四季度编发及批示台账")
        lifecycle_book = self.add(XlsxBook(out / f"15_{y}年信息报送及采用台账.xlsx"))
        self.sent_up = lifecycle_book.sheet("报送", "feedback", H_SENT_UP)
        self.region_adoptions = lifecycle_book.sheet(
            "自治区采用", "feedback", H_REGION_ADOPTIONS, (f"{y}年自治区党委、政府采用情况",)
        )
        self.responses = self.add(
            CsvTable(out / f"16_{y}年部门办理反馈.csv", "feedback", H_RESPONSES, encoding="gb18030")
        )

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
            id(self.region_adoptions): [(2, "invalid_channel")],
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
            bad["source_submissions"] = bad["received_date"] = None
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
        elif rule == "invalid_channel":
            bad["channel"] = "口头采用"  # not a 采用方式 of CONTRACT §5
        return bad

    def after(self, table: Table, cells: dict[str, Cell]) -> None:
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
            self.region_adoptions,
        ):
            key = id(table)
            for after, rule in self.bad.get(key, ()):
                if after > self.written.get(key, 0) and key in self.last_cells:
                    table.write_bad(self._broken(table.kind, self.last_cells[key], rule), rule)

    # ---- submissions ----------------------------------------------------------

    def _date_form(self, table: Table) -> str:
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

    def _vary(
        self, cells: dict[str, Cell], sub: Submission, single: bool, meant: tuple[str, str]
    ) -> tuple[str, str]:
        """Write the region and theme the way this clerk would (a written form, an unknown
        value, a level-1 name); returns the (region, theme_l1) the cells now mean."""
        region, theme_l1 = meant
        l1, l2 = themes()[sub.theme]
        forms = self.region_forms.get(sub.region)
        if single and self.unknown_regions:
            cells["region"] = self.unknown_regions.pop(0)
            region = reference.UNKNOWN_REGION
        elif forms and self.rng.random() < 0.5:
            cells["region"] = forms.pop(0)
        theme_forms = self.theme_forms.get(l2 or "") or self.theme_forms.get(l1)
        if single and self.unknown_themes and not self.unknown_regions:
            cells["theme"] = self.unknown_themes.pop(0)
            theme_l1 = reference.UNCLASSIFIED_THEME
        elif theme_forms and self.rng.random() < 0.5:
            cells["theme"] = theme_forms.pop(0)
        elif l2 and self.l1_names_left and self.rng.random() < 0.02:
            self.l1_names_left -= 1
            cells["theme"] = l1
        return region, theme_l1

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
        if sub.index == self.last_submission:
            return [self.quarters[3]], None  # the last data row of the 四季度 sheet
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

    def _subtotal_before(self, table: Table, month: int) -> None:
        """The 一季度 sheet closes each month with a 小计 row: before the next month's first
        row, and after the quarter's last row (``_close_ledgers``)."""
        if table is not self.quarters[0]:
            return
        last, rows = self.month_rows.get(id(table), (month, 0))
        if last != month:
            table.total("title", f"{last}月 共{rows}篇", label="小计")
            rows = 0
        self.month_rows[id(table)] = (month, rows + 1)

    def emit_submission(self, sub: Submission, truth: Truth) -> None:
        tables, export = self._route(sub)
        protected = sub.index in self.protected
        single = len(tables) == 1 and export is None and sub.issue < 0 and not protected
        recorded = self.recorded_theme.get(sub.index)
        meant = (sub.region, recorded[1] if recorded else themes()[sub.theme][0])
        for table in tables:
            cells = self.submission_cells(table, sub, self._date_form(table))
            if recorded:
                cells["theme"] = recorded[0]
            if sub.index == self.last_submission:
                cells["title"] = TOTAL_LIKE_TITLE.format(title=sub.title)
            if not protected:
                meant = self._vary(cells, sub, single, meant)
                self._note_variants(table, cells, sub)
            self._subtotal_before(table, sub.received_at.month)
            table.write(cells)
            self.after(table, cells)
            if table in self.quarters and not protected:
                meant = self._redeliver(cells, sub, meant)
        if export is not None:
            self._export(export, sub, truth, recorded)
        truth.submission(sub.index, sub.received_at.date(), *meant)

    def _redeliver(
        self, cells: dict[str, Cell], sub: Submission, meant: tuple[str, str]
    ) -> tuple[str, str]:
        """Some ledger rows again in the later 更正 file: unchanged (the id re-typed), or with a
        corrected field; returns what the submission means once the correction is in."""
        region, theme_l1 = meant
        roll = self.rng.random()
        if self.corrections_left and roll < 0.04:
            self.corrections_left -= 1
            fixed = dict(cells)
            self.planted["corrected_submissions"].append(sub.submission_id)
            if self.corrections_left % 2:
                theme = self.rng.randrange(len(themes()))
                fixed["theme"] = theme_key(theme)
                theme_l1 = themes()[theme][0]
            else:
                others = [r.name for r in reference.regions() if r.name != sub.region]
                region = fixed["region"] = self.rng.choice(others)
                fixed["theme"] = None  # left empty: must not erase the earlier value
        elif self.redeliveries_left and roll < 0.07:
            self.redeliveries_left -= 1
            fixed = dict(cells)
            self.planted["redelivered_submissions"].append(sub.submission_id)
            fixed["submission_id"] = self._retyped(sub)
        else:
            return meant
        fixed["received_date"] = write_date("iso", sub.received_at)
        self.corrections.write(fixed)
        return region, theme_l1

    def _retyped(self, sub: Submission) -> str:
        """The id as re-typed for a re-delivery (never a near-duplicate's: its published id
        is compared as written)."""
        if sub.index in self.near_duplicates:
            return sub.submission_id
        self.id_variants += 1
        written = id_variant(sub.submission_id, self.id_variants)
        self.planted["retyped_ids"].append({"submission_id": sub.submission_id, "written": written})
        return written

    def _export(
        self, export: JsonExport, sub: Submission, truth: Truth, recorded: tuple | None
    ) -> None:
        form = "iso_offset"
        if sub.received_at.hour < 2:
            form = "iso_minus5" if self.minus5_left else "iso_utc"
            self.minus5_left = 0
        elif self.rng.random() < 0.05:
            form = self.rng.choice(("iso_utc", "iso_naive"))
        nested = self.by_issue.get(sub.issue, []) if sub.issue >= 0 else []
        obj = self.json_object(sub, nested, form)
        if recorded:
            obj["theme"] = recorded[0]
        if obj["issue"] is None and self.rng.random() < 0.5:
            del obj["issue"]
        self.put_json(export, obj, truth, sub.issue, nested)
        self.json_written.update(nested)
        key = id(export)
        n = self.written[key] = self.written.get(key, 0) + 1
        for after, rule in self.bad.get(key, ()):
            if after == n:
                export.write(self._broken_object(obj, rule), rule)
        if export is self.export and self.json_repeats_left and self.rng.random() < 0.05:
            self.json_repeats_left -= 1
            self.planted["redelivered_json_objects"].append(sub.submission_id)
            repeat = {**obj, "id": self._retyped(sub)}
            self.put_json(self.increment, repeat, truth, sub.issue, nested)

    def _broken_object(self, obj: dict[str, Any], rule: str) -> dict[str, Any]:
        bad = {k: v for k, v in obj.items() if k not in ("issue", "feedback", "id")}
        if rule == "invalid_date":
            bad = {
                "id": self._fresh_id(),
                **bad,
                "received_at": next(self.bad_dates["invalid_date"]),
            }
        return bad

    # ---- feedback ----------------------------------------------------------------

    def _feedback_target(self, j: int) -> tuple[Table, Callable[[], str], str]:
        fb = self.world.feedback[j]
        if fb.kind == ADOPTION:
            return self.adoptions, lambda: self.rng.choice(("number", "full")), "excel_date"
        if fb.level == "国家级":
            return self.fb_english, lambda: "full", "iso"
        if fb.day <= date(self.world.year, 6, 30):
            return self.fb_first, lambda: self.rng.choice(("full", "di", "plain", "qi")), "iso"
        return self.fb_second, lambda: self.rng.choice(("full", "di")), "slash"

    def _two_forms(self, j: int, table: Table, cells: dict[str, Cell]) -> bool:
        """The first 自治区政府副主席 批示 the export also carries is written in the ledger as
        the clerk would: level blank, post 副主席. It is one 批示, counted once."""
        fb = self.world.feedback[j]
        if (
            self.planted["same_instruction_two_forms"]
            or j not in self.json_written
            or fb.post != TWO_FORMS_POST
            or table not in (self.fb_first, self.fb_second)
        ):
            return False
        cells["level"], cells["post"] = None, TWO_FORMS_SHORT
        self.planted["same_instruction_two_forms"] = {
            "issue_id": self.world.issue_id(self.world.issues[fb.issue]),
            "date": fb.day.isoformat(),
            "file": table.out.name,
            "ledger": {"level": None, "post": TWO_FORMS_SHORT},
            "json": {"level": fb.level, "post": fb.post},
        }
        return True

    def emit_feedback(self, truth: Truth) -> None:
        """批示 and 采用 into the feedback ledgers, except the 批示 the combined 编发及批示台账
        carries (``messy_issues``)."""
        spaced = 2
        adoption_words = list(ADOPTION_WORDS)
        for j, fb in enumerate(self.world.feedback):
            if fb.kind == BATCH and self.in_combined(fb.issue):
                continue
            table, no_form, date_form = self._feedback_target(j)
            cells = self.feedback_cells(j, no_form(), date_form)
            if table is self.fb_first and self.rng.random() < 0.3:
                cells["feedback_type"] = None
            if not self._two_forms(j, table, cells) and table is self.fb_second and spaced:
                spaced -= 1
                cells["post"] = f" {fb.post} "
            if table is self.adoptions and adoption_words:
                cells["feedback_type"] = adoption_words.pop(0)
            self.put_feedback(table, j, cells, truth)
            self.after(table, cells)
            if fb.level == "盟市级":
                self.put_feedback(self.league, j, self.feedback_cells(j, "full", "cn"), truth)

    # ---- closing ----------------------------------------------------------------

    def emit_lifecycle(self, truth: Truth) -> None:
        """报送, 自治区 采用 and 办理反馈 (CONTRACT §5) with the §5 header synonyms; every
        type written with each of its words in turn, every other 自治区 采用 without its
        level (the body says it)."""
        words = {kind: cycle(forms) for kind, forms in TYPE_WORDS.items()}
        blank_level = cycle((True, False))
        for k, event in enumerate(self.world.lifecycle):
            if event.kind == ADOPTION:
                table, date_form = self.region_adoptions, "excel_date"
            else:
                table = self.sent_up if event.kind == SENT_UP else self.responses
                date_form = "excel_date" if event.kind == SENT_UP else "cn"
            cells = self.event_cells(event, "full", date_form)
            if event.kind in words:
                cells["feedback_type"] = next(words[event.kind])
            elif next(blank_level):
                cells["level"] = None
            self.put_event(table, k, cells, truth)
            self.after(table, cells)

    def finish(self, truth: Truth) -> None:
        self.emit_issues(truth)
        self.emit_feedback(truth)
        self.emit_lifecycle(truth)
        self._late_plants()
        self._close_ledgers()
        self.close()
        self._bad_files()

    def _close_ledgers(self) -> None:
        """The last 小计, the 合计 rows, and who filled in the 来稿台账 under its last sheet."""
        first = self.quarters[0]
        if id(first) in self.month_rows:
            month, rows = self.month_rows[id(first)]
            first.total("title", f"{month}月 共{rows}篇", label="小计")
        for sheet in (*self.quarters, self.backfill):
            sheet.total("title", f"共{self.serials.get(id(sheet), 0)}篇")
        person = self.world.people[0]
        last = self.quarters[3]
        last.blank()
        last.footer(
            [
                [f"填表人：{person.name}", None, None, f"联系电话：{person.phone}"],
                ["审核人：信息处负责人"],
                ["备注：四季度网上报送稿件已全部录入本表。"],
            ]
        )

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
