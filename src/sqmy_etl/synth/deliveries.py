"""What one office delivers: which files, which rows go where, and in what shape.

``Plan`` holds what every delivery shares (turning a submission, issue or
批示 into cells; the 政协云 JSON object; telling the truth which model fact
each counting row delivered). ``StandardPlan`` is a tidy office: an Excel
来稿台账 per quarter, the 编发台账, part of the submissions again in the
政协云 export, and the 批示台账 as CSV — or every ledger in one format with
``fmt``.
"""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

from sqmy_etl.synth.forms import Cell, write_date, write_issue_no
from sqmy_etl.synth.model import Feedback, Issue, Submission, World, theme_key, themes
from sqmy_etl.synth.truth import Truth
from sqmy_etl.synth.writers import (
    CsvTable,
    JsonExport,
    OutFile,
    Table,
    XlsxBook,
    stamp_delivery_order,
)

SUBMISSION_HEADERS = {
    "serial": "序号",
    "submission_id": "稿件编号",
    "title": "标题",
    "submitter": "报送人",
    "unit": "报送单位",
    "sector": "界别",
    "region": "盟市",
    "received_date": "收稿日期",
    "theme": "主题分类",
    "content": "内容摘要",
    "phone": "联系电话",
    "id_card": "身份证号",
}
ISSUE_HEADERS = {
    "issue_no": "期号",
    "published_date": "编发日期",
    "issue_title": "标题",
    "issue_theme": "分类",
    "source_submissions": "采用稿件编号",
}
FEEDBACK_HEADERS = {
    "issue_no": "期号",
    "feedback_type": "类型",
    "level": "批示级别",
    "post": "批示领导职务",
    "feedback_date": "批示日期",
    "summary": "批示内容",
    "channel": "采用方式",
    "body": "采用单位",
    "status": "办理状态",
}
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
OFFICE = "填报单位：自治区政协办公厅信息处"
ONLINE_SHARE = 0.45  # submissions filed through 政协云 (so in the JSON export)
ONLINE_ONLY = 0.18  # of those, the ones the clerk never copied into the Excel ledger
JSON_KNOWN_FEEDBACK = 0.6  # share of 批示 the platform has recorded
LEDGER_SKIPS_JSON_FEEDBACK = 0.15  # share of those the clerk's 批示台账 lacks


class Plan:
    """Shared shapes of rows; subclasses decide files and routing."""

    def __init__(self, world: World, out: Path) -> None:
        self.world, self.out = world, out
        self.files: list[OutFile] = []
        self.serials: dict[int, int] = {}
        self.planted: dict[str, Any] = {}  # what a messy plan did where, for debugging the ingest

    def add(self, file: OutFile) -> Any:
        self.files.append(file)
        return file

    def platform_feedback(self, rng: Random, share: float) -> tuple[set[int], dict[int, list[int]]]:
        """Which 批示/采用 the 政协云 platform recorded (indices into world.feedback), and
        those grouped by issue for nesting in the export."""
        known = {j for j in range(len(self.world.feedback)) if rng.random() < share}
        by_issue: dict[int, list[int]] = {}
        for j in sorted(known):
            by_issue.setdefault(self.world.feedback[j].issue, []).append(j)
        return known, by_issue

    # ---- cells ------------------------------------------------------------

    def submission_cells(self, table: Table, sub: Submission, date_form: str) -> dict[str, Cell]:
        serial = self.serials[id(table)] = self.serials.get(id(table), 0) + 1
        return {
            "serial": serial,
            "submission_id": sub.submission_id,
            "title": sub.title,
            "submitter": sub.submitter,
            "unit": sub.unit,
            "sector": sub.sector,
            "region": sub.region,
            "received_date": write_date(date_form, sub.received_at),
            "theme": theme_key(sub.theme),
            "content": sub.content,
            "phone": sub.phone,
            "id_card": sub.id_card,
        }

    def issue_cells(
        self, issue: Issue, no_form: str, date_form: str, sep: str = "、"
    ) -> dict[str, Cell]:
        return {
            "issue_no": write_issue_no(no_form, self.world.year, issue.seq),
            "published_date": write_date(date_form, issue.published),
            "issue_title": issue.title,
            "issue_theme": theme_key(issue.theme),
            "source_submissions": sep.join(self.world.submission_id(i) for i in issue.sources),
        }

    def feedback_cells(self, j: int, no_form: str, date_form: str) -> dict[str, Cell]:
        return self.event_cells(self.world.feedback[j], no_form, date_form)

    def event_cells(self, fb: Feedback, no_form: str, date_form: str) -> dict[str, Cell]:
        """Any feedback row: a 批示 or 采用 of ``world.feedback`` or a lifecycle event."""
        return {
            "issue_no": write_issue_no(no_form, self.world.year, self.world.issues[fb.issue].seq),
            "feedback_type": fb.kind,
            "level": fb.level,
            "post": fb.post,
            "feedback_date": write_date(date_form, fb.day),
            "summary": fb.summary,
            "channel": fb.channel,
            "body": fb.body,
            "status": fb.status,
        }

    def json_object(
        self, sub: Submission, feedback: list[int], received_form: str
    ) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": sub.submission_id,
            "title": sub.title,
            "submitter": sub.submitter,
            "unit": sub.unit,
            "sector": sub.sector,
            "region": sub.region,
            "received_at": write_date(received_form, sub.received_at),
            "theme": theme_key(sub.theme),
            "content": sub.content,
            "phone": sub.phone,
            "issue": None,
        }
        if sub.issue >= 0:
            issue = self.world.issues[sub.issue]
            obj["issue"] = {
                "no": write_issue_no("full", self.world.year, issue.seq),
                "published_at": write_date("iso", issue.published),
                "title": issue.title,
            }
            obj["feedback"] = [
                {
                    "type": fb.kind,
                    "level": fb.level,
                    "post": fb.post,
                    "date": write_date("iso", fb.day),
                    "summary": fb.summary,
                }
                for fb in (self.world.feedback[j] for j in feedback)
            ]
        return obj

    # ---- writing and reporting ----------------------------------------------

    def put_json(
        self, export: JsonExport, obj: dict[str, Any], truth: Truth, issue: int, feedback: list[int]
    ) -> int:
        """Write one export object; its nested ``issue`` and ``feedback`` (model indices of
        ``obj["issue"]`` and ``obj["feedback"]``) are delivered facts. Returns the record."""
        record = export.write(obj)
        if obj.get("issue"):
            truth.issue(issue)
        for j in feedback:
            truth.feedback(j)
        return record

    def put_issue(self, table: Table, issue: int, cells: dict[str, Cell], truth: Truth) -> int:
        row = table.write(cells)
        truth.issue(issue)
        return row

    def put_feedback(self, table: Table, j: int, cells: dict[str, Cell], truth: Truth) -> int:
        row = table.write(cells)
        truth.feedback(j)
        return row

    def put_event(self, table: Table, k: int, cells: dict[str, Cell], truth: Truth) -> int:
        """Write lifecycle event ``k`` (an index into ``world.lifecycle``)."""
        row = table.write(cells)
        truth.lifecycle_event(k)
        return row

    def report_submission(self, sub: Submission, truth: Truth) -> None:
        """The submission as the model has it: its own region and theme are current."""
        truth.submission(sub.index, sub.received_at.date(), sub.region, themes()[sub.theme][0])

    def close(self) -> None:
        for f in self.files:
            f.close()

    def stamp(self) -> None:
        """Modification times in delivery order (the order files were added)."""
        stamp_delivery_order(self.files)


class StandardPlan(Plan):
    """A tidy office's deliveries; ``fmt`` None mixes formats as offices really do."""

    def __init__(self, world: World, out: Path, fmt: str | None, encoding: str) -> None:
        super().__init__(world, out)
        if fmt not in (None, "xlsx", "csv", "json"):
            raise ValueError(f"unknown format {fmt!r}: use xlsx, csv or json")
        self.fmt, self.encoding = fmt, encoding
        self.rng = Random(f"{world.seed}:route")
        y = world.year
        self.ledger_sheets: list[Table] = []
        self.json: JsonExport | None = None
        self.issue_table: Table | None = None
        self.feedback_table: Table | None = None
        if fmt == "json":
            self.json = self.add(JsonExport(out / f"01_政协云导出_{y}.json"))
        elif fmt == "csv":
            self.ledger_sheets = [
                self._csv(f"01_{y}年社情民意信息来稿台账.csv", "submissions", SUBMISSION_HEADERS)
            ]
            self.issue_table = self._csv(
                f"02_{y}年社情民意信息编发台账.csv", "issues", ISSUE_HEADERS
            )
            self.feedback_table = self._csv(f"03_{y}年批示台账.csv", "feedback", FEEDBACK_HEADERS)
        else:
            book = self.add(XlsxBook(out / f"01_{y}年社情民意信息来稿台账.xlsx"))
            titles = (f"{y}年社情民意信息来稿台账", OFFICE)
            self.ledger_sheets = [
                book.sheet(q, "submissions", SUBMISSION_HEADERS, titles) for q in QUARTERS
            ]
            issues = self.add(XlsxBook(out / f"02_{y}年社情民意信息编发台账.xlsx"))
            self.issue_table = issues.sheet(
                "编发台账", "issues", ISSUE_HEADERS, (f"{y}年《社情民意》编发台账",)
            )
            if fmt == "xlsx":
                fb_book = self.add(XlsxBook(out / f"03_{y}年批示台账.xlsx"))
                self.feedback_table = fb_book.sheet(
                    "批示台账", "feedback", FEEDBACK_HEADERS, (f"{y}年批示台账",)
                )
            else:
                self.json = self.add(JsonExport(out / f"03_政协云导出_{y}.json"))
                self.feedback_table = self._csv(
                    f"04_{y}年批示台账.csv", "feedback", FEEDBACK_HEADERS
                )
        share = JSON_KNOWN_FEEDBACK if fmt is None else 1.0
        self.json_known, self.by_issue = self.platform_feedback(self.rng, share)
        self.json_issues: set[int] = set()

    def _csv(self, name: str, kind: str, headers: dict[str, str]) -> CsvTable:
        return self.add(CsvTable(self.out / name, kind, headers, encoding=self.encoding))

    def emit_submission(self, sub: Submission, truth: Truth) -> None:
        online = self.json is not None and (self.fmt == "json" or self.rng.random() < ONLINE_SHARE)
        paper = self.fmt != "json" and not (online and self.rng.random() < ONLINE_ONLY)
        if paper:
            sheet = self.ledger_sheets[(sub.received_at.month - 1) // 3 % len(self.ledger_sheets)]
            form = "iso" if isinstance(sheet, CsvTable) else "excel_date"
            sheet.write(self.submission_cells(sheet, sub, form))
        if online:
            nested = self.by_issue.get(sub.issue, []) if sub.issue >= 0 else []
            obj = self.json_object(sub, nested, "iso_offset")
            self.put_json(self.json, obj, truth, sub.issue, nested)
            if sub.issue >= 0:
                self.json_issues.add(sub.issue)
        self.report_submission(sub, truth)

    def finish(self, truth: Truth) -> None:
        if self.issue_table is not None:
            xlsx = not isinstance(self.issue_table, CsvTable)
            for i, issue in enumerate(self.world.issues):
                cells = self.issue_cells(issue, "full", "excel_date" if xlsx else "iso")
                self.put_issue(self.issue_table, i, cells, truth)
            if xlsx:
                self.issue_table.total("issue_title", f"共{len(self.world.issues)}期")
        if self.feedback_table is not None:
            form = "iso" if isinstance(self.feedback_table, CsvTable) else "excel_date"
            for j, fb in enumerate(self.world.feedback):
                in_json = j in self.json_known and fb.issue in self.json_issues
                if in_json and self.rng.random() < LEDGER_SKIPS_JSON_FEEDBACK:
                    continue
                self.put_feedback(
                    self.feedback_table, j, self.feedback_cells(j, "full", form), truth
                )
            for k, event in enumerate(self.world.lifecycle):
                self.put_event(self.feedback_table, k, self.event_cells(event, "full", form), truth)
        for sheet in self.ledger_sheets:
            if not isinstance(sheet, CsvTable):
                sheet.total("title", f"共{self.serials.get(id(sheet), 0)}篇")
        self.close()
