"""The messy office's 编发台账: issue ledgers laid out the ways offices keep them.

- 上半年: one row per issue, sources listed in one cell with assorted
  separators, a third of the numbers followed by ``（总第N期）``; a few issues
  span one row per source with 期号, 编发日期, 标题 and 分类 merged over the rows.
- 下半年 (July–September): one row per source, with its 稿件编号 and 来稿日期;
  the 期号 repeated on every row, the other issue cells on every row or on
  the first only. Still an issues table, never new submissions.
- 四季度: a combined 编发及批示台账 — an issue's rows carry its sources and
  the 批示 it received (批示领导职务, 批示日期, 批示级别), 期号 merged or
  repeated. It is delivered twice: an earlier copy (up to 15 December, with a
  phantom 批示 row and one 期号 typo) and the full, corrected copy whose name
  adds ``更正`` and which replaces it. Only the corrected copy is reported to
  the truth.

Which issues get a blank 分类 is chosen here too, including two whose sources
tell the contract's theme rule from wrong readings of it: level-1 votes (not
(level-1, level-2) pairs) and 未分类 / blank sources not voting.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from random import Random

from sqmy_etl import reference
from sqmy_etl.synth.deliveries import Plan
from sqmy_etl.synth.forms import Cell, write_date
from sqmy_etl.synth.messy_headers import H_COMBINED, H_ISSUES_FIX, H_ISSUES_H1, H_ISSUES_H2
from sqmy_etl.synth.model import BATCH, Issue, World, theme_key, themes
from sqmy_etl.synth.people import Person
from sqmy_etl.synth.truth import Truth
from sqmy_etl.synth.writers import Table, XlsxBook, XlsxSheet
from sqmy_etl.synth.written import (
    ISSUE_THEME_FORMS,
    L1_FORMS,
    THEME_FORMS,
    typo_of,
    with_cumulative,
)

COMBINED_FROM_MONTH = 10  # issues of the fourth quarter are in the 编发及批示台账
EARLY_COPY_UNTIL = (12, 15)  # the replaced copy holds what was known on this day
PHANTOM_POST, PHANTOM_LEVEL = "自治区政府副主席", "自治区级"
PHANTOM_SUMMARY = "请自治区有关部门研究办理。"
ISSUE_SCALARS = ("issue_no", "published_date", "issue_title", "issue_theme")
SEPARATORS = ("、", ",", "，", "；", " ", ";")
# a level-2 of 民生 other than the issue's own, written on its second source (typed:
# both are 民生 in DOMAIN.md)
OTHER_MINSHENG = ("托育服务", "教育")


class IssueLedgers(Plan):
    """Issue ledgers, the 编发台账 更正 and the combined ledger; subclasses add the rest."""

    def __init__(self, world: World, out: Path) -> None:
        super().__init__(world, out)
        self.planted = {
            "written_variants": [],
            "issue_theme_forms": [],
            "corrected_submissions": [],
            "redelivered_submissions": [],
            "redelivered_json_objects": [],
            "retyped_ids": [],
            "same_instruction_two_forms": None,
        }
        self.issue_forms_left = list(ISSUE_THEME_FORMS)
        self.theme_written: dict[int, Cell] = {}  # issue seq → its 分类 as written
        self.recorded_theme: dict[int, tuple[str | None, str]] = {}  # source → (written, l1)
        self.protected: set[int] = set()
        self.issue_rows: dict[int, int] = {}  # table → issues written

    # ---- files --------------------------------------------------------------

    def open_issue_ledger(self, path: Path) -> None:
        y = self.world.year
        issues = self.add(XlsxBook(path, constant_memory=False))
        titles = (f"{y}年《社情民意》编发台账",)
        self.halves = [
            issues.sheet("上半年", "issues", H_ISSUES_H1, titles),
            issues.sheet("下半年", "issues", H_ISSUES_H2, titles),
        ]

    def open_issue_fix(self, path: Path) -> None:
        y = self.world.year
        self.issue_fix = self.add(XlsxBook(path)).sheet(
            "更正", "issues", H_ISSUES_FIX, (f"{y}年编发台账更正（补充分类）",)
        )

    def open_combined(self, stem: Path) -> None:
        """The early copy ``stem.xlsx`` and the corrected ``stem更正.xlsx`` that replaces it
        (the name differs by the marker only, and sorts after the early copy's)."""
        y = self.world.year
        titles = (f"{y}年四季度《社情民意》编发及批示台账",)
        early = self.add(XlsxBook(stem.with_name(stem.name + ".xlsx")))
        full = self.add(XlsxBook(stem.with_name(stem.name + "更正.xlsx"), constant_memory=False))
        self.early = early.sheet("编发及批示", "issues", H_COMBINED, titles)
        self.combined = full.sheet("编发及批示", "issues", H_COMBINED, titles)

    def in_combined(self, issue: int) -> bool:
        return self.world.issues[issue].published.month >= COMBINED_FROM_MONTH

    def after(self, table: Table, cells: dict[str, Cell]) -> None:
        """Bookkeeping after a table's good row (``MessyPlan`` plants its bad rows here)."""

    # ---- choosing -------------------------------------------------------------

    def choose_issues(self) -> None:
        """Issues whose 分类 is left blank (half filled in by the 编发台账 更正), issues re-sent
        unchanged, the theme-rule issues and the 上半年 issues merged over their rows."""
        issues = self.world.issues
        mixed = [x.seq for x in issues if len({self.world.theme[i] for i in x.sources}) > 1]
        plain = [x.seq for x in issues if x.seq not in set(mixed)]
        self.filled_later = _sample(self.rng, plain, 6)
        rest = [seq for seq in plain if seq not in self.filled_later]
        self.blank_theme = set(mixed[:5]) | self.filled_later | _sample(self.rng, rest, 3)
        self.resent_unchanged = _sample(self.rng, [s for s in rest if s not in self.blank_theme], 4)
        free = [s for s in rest if s not in self.blank_theme | self.resent_unchanged]
        votes = [
            s
            for s in free
            if len(issues[s - 1].sources) == 3
            and themes()[issues[s - 1].theme][0] == reference.MINSHENG
        ]
        self._plant_theme_votes([issues[s - 1] for s in votes[:2]])
        early = [
            s for s in free if issues[s - 1].published.month <= 6 and len(issues[s - 1].sources) > 1
        ]
        self.merged_h1 = _sample(self.rng, early, 3) - self.blank_theme
        self.protected = {i for x in issues if x.seq in self.blank_theme for i in x.sources}

    def _plant_theme_votes(self, chosen: list[Issue]) -> None:
        """Blank 分类, sources written so that only the contract's rule gives the issue's
        (民生) theme: [生态保护, another 民生 theme, its own] — level-1 votes 2:1, while
        (level-1, level-2) pairs tie and the first listed would win; [综合, blank, its own]
        — 未分类 and blank sources do not vote, or 未分类 would win 2:1."""
        unclassified = reference.UNCLASSIFIED_THEME
        plans = (
            lambda own: [("生态保护", "生态环境"), (_other_minsheng(own), reference.MINSHENG)],
            lambda own: [("综合", unclassified), (None, unclassified)],
        )
        votes = []
        for issue, plan in zip(chosen, plans, strict=False):
            written = plan(theme_key(issue.theme))
            for source, recorded in zip(issue.sources, written, strict=False):
                self.recorded_theme[source] = recorded
            self.blank_theme.add(issue.seq)
            votes.append(
                {
                    "issue_id": self.world.issue_id(issue),
                    "sources_written": [w for w, _ in written] + [theme_key(issue.theme)],
                    "theme_l1": reference.MINSHENG,
                }
            )
        self.planted["theme_vote_issues"] = votes

    # ---- cells ---------------------------------------------------------------

    def _written_theme(self, issue: Issue) -> Cell:
        """The issue's 分类 as written, the same in every ledger that gives it one."""
        if issue.seq not in self.theme_written:
            self.theme_written[issue.seq] = self._choose_theme_form(issue)
        return self.theme_written[issue.seq]

    def _choose_theme_form(self, issue: Issue) -> Cell:
        """Blank, a contract written form (each once), now and then an alias or the level-1
        name, else its plain name. Each means the issue's own theme."""
        if issue.seq in self.blank_theme:
            return None
        l1, l2 = themes()[issue.theme]
        for k, (written, form_l1, form_l2) in enumerate(self.issue_forms_left):
            if form_l1 == l1 and form_l2 in (None, l2):
                del self.issue_forms_left[k]
                self.planted["issue_theme_forms"].append(
                    {"issue_id": self.world.issue_id(issue), "written": written, "theme_l1": l1}
                )
                return written
        if self.rng.random() < 0.06:
            forms = THEME_FORMS.get(l2 or "", ()) + L1_FORMS.get(l1, ())
            return forms[0] if forms and self.rng.random() < 0.6 else l1
        return theme_key(issue.theme)

    def _issue_cells(self, issue: Issue, no_form: str, date_form: str, sep: str) -> dict[str, Cell]:
        cells = self.issue_cells(issue, no_form, date_form, sep)
        cells["issue_theme"] = self._written_theme(issue)
        return cells

    def _sid(self, index: int) -> str:
        return self.world.submission_id(index)

    # ---- writing --------------------------------------------------------------

    def _write_issue(
        self,
        table: XlsxSheet,
        first: dict[str, Cell],
        rest: list[dict[str, Cell]],
        layout: str,
    ) -> int:
        """One issue over 1 + len(rest) rows. ``merged``: the issue cells merged down;
        ``repeated``: on every row; ``first``: on the first row, the 期号 on every row.
        Returns the first row."""
        scalars = {f: first.get(f) for f in ISSUE_SCALARS}
        top = table.write(first)
        for extra in rest:
            row = dict(extra)
            if layout == "repeated":
                row.update(scalars)
            elif layout == "first":
                row["issue_no"] = first["issue_no"]
            table.write(row)
        if layout == "merged" and rest:
            table.merge_down(top, top + len(rest), scalars)
        return top

    def _count_issue(self, table: Table) -> None:
        self.issue_rows[id(table)] = self.issue_rows.get(id(table), 0) + 1

    def _emit_first_half(self, i: int, issue: Issue, truth: Truth) -> None:
        table = self.halves[0]
        cells = self._issue_cells(issue, "full", "excel_date", self.rng.choice(SEPARATORS))
        if issue.seq % 3 == 0:
            cells["issue_no"] = with_cumulative(str(cells["issue_no"]), issue.seq)
        rest: list[dict[str, Cell]] = []
        if issue.seq in self.merged_h1:
            cells["source_submissions"] = self._sid(issue.sources[0])
            rest = [{"source_submissions": self._sid(s)} for s in issue.sources[1:]]
        self._write_issue(table, cells, rest, "merged")
        truth.issue(i)
        self._count_issue(table)
        self.after(table, cells)

    def _emit_second_half(self, i: int, issue: Issue, truth: Truth) -> None:
        """One row per source with its 来稿日期; a year-less 期号 on every row."""
        table = self.halves[1]
        no_form = self.rng.choice(("di", "qi", "number", "plain"))
        cells = self._issue_cells(issue, no_form, self.rng.choice(("cn", "excel_date")), "、")
        rows = [
            {
                "source_submissions": self._sid(s),
                "received_date": write_date("excel_date", self.world.received_at(s)),
            }
            for s in issue.sources
        ]
        cells.update(rows[0])
        self._write_issue(table, cells, rows[1:], self.rng.choice(("first", "repeated")))
        truth.issue(i)
        self._count_issue(table)
        self.after(table, cells)

    def emit_issues(self, truth: Truth) -> None:
        """Every issue into its ledger; the 四季度 ones into the combined ledger."""
        fix = self.filled_later | self.resent_unchanged
        combined: list[int] = []
        for i, issue in enumerate(self.world.issues):
            if self.in_combined(i):
                combined.append(i)
            elif issue.published.month <= 6:
                self._emit_first_half(i, issue, truth)
            else:
                self._emit_second_half(i, issue, truth)
            if issue.seq in fix:
                self.put_issue(self.issue_fix, i, self.issue_cells(issue, "full", "iso"), truth)
        for table in self.halves:
            table.total("issue_title", f"共{self.issue_rows.get(id(table), 0)}期")
        self._emit_combined(combined, truth)

    # ---- the combined 编发及批示台账 -------------------------------------------

    def _instructions(self, issues: list[int]) -> dict[int, list[int]]:
        """Model 批示 (indices) of each issue, in date order."""
        chosen = set(issues)
        found: dict[int, list[int]] = {i: [] for i in issues}
        for j, fb in enumerate(self.world.feedback):
            if fb.kind == BATCH and fb.issue in chosen:
                found[fb.issue].append(j)
        return found

    def _instruction_cells(self, j: int) -> dict[str, Cell]:
        fb = self.world.feedback[j]
        return {
            "post": fb.post,
            "feedback_date": write_date("excel_date", fb.day),
            "level": fb.level,
            "summary": fb.summary,
        }

    def _combined_rows(
        self, issue: Issue, instructions: list[int]
    ) -> tuple[dict[str, Cell], list[dict[str, Cell]]]:
        """An issue's rows: row k lists its k-th source and its k-th 批示."""
        cells = self._issue_cells(issue, "full", "excel_date", "、")
        cells["issue_no"] = with_cumulative(str(cells["issue_no"]), issue.seq)
        rows = []
        for k in range(max(len(issue.sources), len(instructions))):
            listed = self._sid(issue.sources[k]) if k < len(issue.sources) else None
            row: dict[str, Cell] = {"source_submissions": listed}
            if k < len(instructions):
                row.update(self._instruction_cells(instructions[k]))
            rows.append(row)
        return {**cells, **rows[0]}, rows[1:]

    def _emit_combined(self, issues: list[int], truth: Truth) -> None:
        instructions = self._instructions(issues)
        table = self.combined
        for i in issues:
            first, rest = self._combined_rows(self.world.issues[i], instructions[i])
            self._write_issue(table, first, rest, self.rng.choice(("merged", "repeated")))
            truth.issue(i)
            for j in instructions[i]:
                truth.feedback(j)
            self._count_issue(table)
        self._close_combined(table, self.issue_rows.get(id(table), 0), self.world.people[1])
        self._emit_early_copy(issues, instructions)
        truth.replace(self.early.out.name, self.combined.out.name)

    def _close_combined(self, table: XlsxSheet, issues: int, person: Person) -> None:
        table.total("issue_title", f"共{issues}期")
        table.footer([[f"制表人：{person.name}", None, f"联系电话：{person.phone}"]])

    def _emit_early_copy(self, issues: list[int], instructions: dict[int, list[int]]) -> None:
        """The copy sent on 15 December: what was known then, one 期号 mistyped, and a 批示
        row entered against the wrong issue. The corrected copy replaces it; the truth never
        hears of its rows."""
        y = self.world.year
        cut = date(y, *EARLY_COPY_UNTIL)
        known = [i for i in issues if self.world.issues[i].published <= cut]
        self.planted["replaced_ledger"] = {
            "file": self.early.out.name,
            "by": self.combined.out.name,
            "typo": None,
            "deleted_row": None,
        }
        typo = self.rng.choice(known) if known else None
        phantom = self._phantom_issue(known, instructions, typo)
        for i in known:
            issue = self.world.issues[i]
            until_cut = [j for j in instructions[i] if self.world.feedback[j].day <= cut]
            first, rest = self._combined_rows(issue, until_cut)
            if i == typo:
                written = with_cumulative(f"{y}年第{typo_of(issue.seq)}期", issue.seq)
                first["issue_no"] = written
                self.planted["replaced_ledger"]["typo"] = {
                    "issue_id": self.world.issue_id(issue),
                    "written": written,
                }
            if i == phantom:
                rest.append(self._phantom_row(issue))
            self._write_issue(self.early, first, rest, "repeated")
        self.early.total("issue_title", f"共{len(known)}期")

    def _phantom_issue(
        self, known: list[int], instructions: dict[int, list[int]], typo: int | None
    ) -> int | None:
        """A 民生 issue without any 批示: the phantom row would make it instructed."""
        cut = date(self.world.year, *EARLY_COPY_UNTIL)
        for i in known:
            issue = self.world.issues[i]
            if (
                i != typo
                and not instructions[i]
                and themes()[issue.theme][0] == reference.MINSHENG
                and issue.published + timedelta(days=5) <= cut
            ):
                return i
        return None

    def _phantom_row(self, issue: Issue) -> dict[str, Cell]:
        day = issue.published + timedelta(days=5)
        self.planted["replaced_ledger"]["deleted_row"] = {
            "issue_id": self.world.issue_id(issue),
            "feedback_date": day.isoformat(),
            "post": PHANTOM_POST,
        }
        return {
            "source_submissions": None,
            "post": PHANTOM_POST,
            "feedback_date": write_date("excel_date", day),
            "level": PHANTOM_LEVEL,
            "summary": PHANTOM_SUMMARY,
        }


def _sample(rng: Random, population: list[int], k: int) -> set[int]:
    """``k`` of ``population`` (all of it at scales too small to have ``k``)."""
    return set(rng.sample(population, min(k, len(population))))


def _other_minsheng(own: str) -> str:
    return next(name for name in OTHER_MINSHENG if name != own)
