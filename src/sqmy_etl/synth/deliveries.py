"""What one office delivers: which files, which rows go where, and in what shape.

``Plan`` holds what every delivery shares (turning a submission, issue or
批示 into cells; the 政协云 JSON object; reporting each written row to the
truth). ``StandardPlan`` is a tidy office: an Excel 来稿台账 per quarter, the
编发台账, part of the submissions again in the 政协云 export, and the 批示台账
as CSV — or every ledger in one format with ``fmt``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from random import Random
from typing import Any

from sqmy_etl.synth.forms import Cell, write_date, write_issue_no
from sqmy_etl.synth.model import Feedback, Issue, Submission, World, theme_key
from sqmy_etl.synth.truth import Truth, Version
from sqmy_etl.synth.writers import CsvTable, JsonExport, OutFile, Table, XlsxBook

SUBMISSION_HEADERS = {
    "serial": "序号",
    "submission_id": "稿件编号",
    "title": "标题",
    "submitter": "报送人",
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

    def platform_feedback(
        self, rng: Random, share: float
    ) -> tuple[set[int], dict[int, list[Feedback]]]:
        """Which 批示/采用 the 政协云 platform recorded (indices into world.feedback), and
        those grouped by issue for nesting in the export."""
        known = {j for j in range(len(self.world.feedback)) if rng.random() < share}
        by_issue: dict[int, list[Feedback]] = {}
        for j in sorted(known):
            fb = self.world.feedback[j]
            by_issue.setdefault(fb.issue, []).append(fb)
        return known, by_issue

    # ---- cells ------------------------------------------------------------

    def submission_cells(self, table: Table, sub: Submission, date_form: str) -> dict[str, Cell]:
        serial = self.serials[id(table)] = self.serials.get(id(table), 0) + 1
        return {
            "serial": serial,
            "submission_id": sub.submission_id,
            "title": sub.title,
            "submitter": sub.submitter,
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

    def feedback_cells(self, fb: Feedback, no_form: str, date_form: str) -> dict[str, Cell]:
        return {
            "issue_no": write_issue_no(no_form, self.world.year, self.world.issues[fb.issue].seq),
            "feedback_type": fb.kind,
            "level": fb.level,
            "post": fb.post,
            "feedback_date": write_date(date_form, fb.day),
            "summary": fb.summary,
        }

    def json_object(
        self, sub: Submission, feedback: list[Feedback], received_form: str
    ) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": sub.submission_id,
            "title": sub.title,
            "submitter": sub.submitter,
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
                for fb in feedback
            ]
        return obj

    # ---- writing and reporting ----------------------------------------------

    def put_submission(self, table: Table, cells: dict[str, Cell]) -> Version:
        row = table.write(cells)
        return Version(
            table.out.name, table.index, row, _text(cells.get("region")), _text(cells.get("theme"))
        )

    def put_json(
        self, export: JsonExport, obj: dict[str, Any], truth: Truth, issue: Issue | None
    ) -> Version:
        """Write one export object and report its issue and feedback rows."""
        record = export.write(obj)
        year = self.world.year
        if issue is not None:
            truth.issue(export.name, 0, record, self.world.issue_id(issue), issue.published)
        for fb in obj.get("feedback") or ():
            truth.feedback_row(
                year, issue.seq, fb["type"], fb["level"], fb["post"], _day(fb["date"])
            )
        issue_id = self.world.issue_id(issue) if issue is not None else None
        return Version(export.name, 0, record, obj.get("region"), obj.get("theme"), issue_id)

    def put_issue(self, table: Table, issue: Issue, cells: dict[str, Cell], truth: Truth) -> None:
        row = table.write(cells)
        sources = cells.get("source_submissions")
        truth.issue(
            table.out.name,
            table.index,
            row,
            self.world.issue_id(issue),
            issue.published,
            _text(cells.get("issue_theme")) if "issue_theme" in table.headers else None,
            _split(sources) if sources and "source_submissions" in table.headers else None,
        )

    def put_feedback(
        self, table: Table, fb: Feedback, cells: dict[str, Cell], truth: Truth
    ) -> None:
        table.write(cells)
        yearful = isinstance(cells["issue_no"], str) and "年" in cells["issue_no"]
        seq = self.world.issues[fb.issue].seq
        truth.feedback_row(
            self.world.year if yearful else None,
            seq,
            _text(cells.get("feedback_type")),
            fb.level,
            fb.post,
            fb.day,
        )

    def close(self) -> None:
        for f in self.files:
            f.close()


def _text(value: Cell) -> str | None:
    return None if value is None else str(value)


def _split(listed: Cell) -> list[str]:
    return [s for s in re.split(r"[,，、;；\s]+", str(listed)) if s]


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


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
        versions = []
        online = self.json is not None and (self.fmt == "json" or self.rng.random() < ONLINE_SHARE)
        paper = self.fmt != "json" and not (online and self.rng.random() < ONLINE_ONLY)
        if paper:
            sheet = self.ledger_sheets[(sub.received_at.month - 1) // 3 % len(self.ledger_sheets)]
            form = "iso" if isinstance(sheet, CsvTable) else "excel_date"
            versions.append(self.put_submission(sheet, self.submission_cells(sheet, sub, form)))
        if online:
            issue = self.world.issues[sub.issue] if sub.issue >= 0 else None
            obj = self.json_object(sub, self.by_issue.get(sub.issue, []), "iso_offset")
            versions.append(self.put_json(self.json, obj, truth, issue))
            if issue is not None:
                self.json_issues.add(sub.issue)
        truth.submission(sub.index, sub.received_at.date(), versions)

    def finish(self, truth: Truth) -> None:
        if self.issue_table is not None:
            xlsx = not isinstance(self.issue_table, CsvTable)
            for issue in self.world.issues:
                cells = self.issue_cells(issue, "full", "excel_date" if xlsx else "iso")
                self.put_issue(self.issue_table, issue, cells, truth)
            if xlsx:
                self.issue_table.total("issue_title", f"共{len(self.world.issues)}期")
        if self.feedback_table is not None:
            form = "iso" if isinstance(self.feedback_table, CsvTable) else "excel_date"
            for j, fb in enumerate(self.world.feedback):
                in_json = j in self.json_known and fb.issue in self.json_issues
                if in_json and self.rng.random() < LEDGER_SKIPS_JSON_FEEDBACK:
                    continue
                self.put_feedback(
                    self.feedback_table, fb, self.feedback_cells(fb, "full", form), truth
                )
        for sheet in self.ledger_sheets:
            if not isinstance(sheet, CsvTable):
                sheet.total("title", f"共{self.serials.get(id(sheet), 0)}篇")
        self.close()
