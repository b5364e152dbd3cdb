"""The expected figures, from the generator's model of the year — not from re-reading its files.

The pipeline reads delivered rows and applies the CONTRACT §1 rules to them
in dbt. If this module applied the same rules to the same rows, a rule read
wrongly would be read wrongly twice and the end-to-end test would still pass.
So the truth never merges rows: a plan tells it, as it writes, *which model
fact* a counting row delivered (submission ``index``, issue ``index``,
feedback ``index``) and what the generator decided that fact *is* (a
submission's region and theme as the office recorded them, after any
correction it planted). Everything else comes from ``World``. Rows of a
delivery that a later one replaces, and planted bad rows, are never reported.

How each rule is read here, and how dbt reads it:

- **Which rows are one submission.** dbt: rows whose submission_id match
  after NFKC, upper-casing and removing spaces, ``-``, ``_``, ``/``. Here:
  the plan wrote every row from one model index, so the index is the
  identity (``nm2021-0001`` and ``NM2021 0001`` are the same index by
  construction).
- **Latest version wins, field by field; an empty cell erases nothing.** dbt:
  orders versions by ingest_seq / sheet position / row and takes the last
  non-empty value per field. Here: no ordering at all — the plan reports the
  value it *decided* is current: the model's, or the one its correction
  file set (a correction that leaves a field empty is a decision not to
  change it). The plan stamps the files' times so the correction is
  delivered last (``writers.stamp_delivery_order``).
- **Region as written → 盟市.** dbt: joins the region and county seeds
  (aliases, 旗县 from ``cpca``, GB/T 2260 codes). Here: the region is the
  model's; the messy plan chose each written form from a hand-typed table of
  what that form means (``written.REGION_FORMS``), and ``区外`` is a planted
  unknown (未知).
- **Theme as written → level 1.** dbt: the theme seeds and the written-form
  parser (``民生类``, ``民生/教育``, ``民生（养老）``). Here: the model's theme;
  written forms come from a hand-typed table per theme (``written.THEME_FORMS``),
  ``综合`` / ``其它`` / blank are planted unknowns (未分类). The taxonomy itself
  (which level-2 belongs to which level-1) is shared data from the seed,
  checked against a hand-typed list in ``test_synth_calibration``.
- **An issue's theme.** dbt: its own 分类, else the most frequent level-1
  among its sources that have one (ties: the first listed). Here: the
  model's issue theme, always. The model draws sources so the rule lands on
  it; issues whose 分类 is left blank with sources of mixed or unknown
  themes are planted to tell the rule from wrong readings of it (pairs
  voting, 未分类 voting).
- **Which rows are one issue, and its sources.** dbt: parses 期号 forms
  (year-less, ``（总第N期）``), fills merged cells, joins rows sharing a
  期号, unions ledger lists and JSON links by submission key. Here: the
  model issue index and its model sources (the loaded ones).
- **Which issue a 批示 belongs to.** dbt: year and sequence, or for a
  year-less number the latest issue with that sequence published on or
  before the 批示 and within 365 days. Here: the model 批示's issue index.
- **The same 批示 delivered twice counts once.** dbt: same issue, type and
  date, levels equal or one blank, posts equal after removing a leading
  body name. Here: the model 批示 index; the model never draws two 批示 of
  one issue on one day, so no pair is ambiguous.
- **Cumulative replacement.** dbt: ``raw.delivery_changes`` (name differs
  by a version marker, same kinds, ≥ 80 % of the rows). Here: the plan
  never reports the rows of the replaced file, so its deleted 批示 and its
  typo'd phantom issue are in no count.
- **Bad, skipped and blank rows.** dbt/ingest: validation rules, total and
  footer detection. Here: the writer records where it planted each one.
- **Dates.** dbt: parses every written form in Asia/Shanghai. Here: the
  model's date; the written forms were made from it.

Submissions are folded into counters as they stream past, so a million of
them cost a few arrays, not a list of rows.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqmy_etl import reference
from sqmy_etl.synth.model import ADOPTION, BATCH, World, themes
from sqmy_etl.synth.seasons import period_labels
from sqmy_etl.synth.truth_lifecycle import LifecycleTruth
from sqmy_etl.synth.writers import KINDS, OutFile

MEASURES = (
    "submissions_received",
    "issues_published",
    "issues_instructed",
    "instructions_total",
    "issues_adopted_national",
)
PERIOD_ORDER = {"year": 0, "quarter": 1, "month": 2}


class Truth:
    """What the marts must show, told fact by fact by the plan that writes the files."""

    def __init__(self, world: World) -> None:
        self.world = world
        n = world.size
        self.regions = [r.name for r in reference.regions()] + [reference.UNKNOWN_REGION]
        self.region_code = {name: i for i, name in enumerate(self.regions)}
        self.loaded = bytearray(n)
        self.sub_region = array("b", bytes(n))
        self.issue_loaded = bytearray(len(world.issues))
        self.feedback_loaded = bytearray(len(world.feedback))
        self.lifecycle_loaded = bytearray(len(world.lifecycle))
        self.daily_theme = Counter()  # (date, theme_l1, measure) -> n
        self.daily_region = Counter()  # (date, region_name, measure) -> n
        self.replaced: list[dict[str, str]] = []

    def submission(self, index: int, received: date, region: str, theme_l1: str) -> None:
        """Submission ``index`` was delivered by at least one counting row; ``region`` and
        ``theme_l1`` are what the plan decided its current values are."""
        self.loaded[index] = 1
        self.sub_region[index] = self.region_code[region]
        self.daily_theme[received, theme_l1, MEASURES[0]] += 1
        self.daily_region[received, region, MEASURES[0]] += 1

    def issue(self, index: int) -> None:
        """Model issue ``index`` was delivered by a counting row."""
        self.issue_loaded[index] = 1

    def feedback(self, index: int) -> None:
        """Model 批示 / 采用 ``index`` was delivered by a counting row (any number of times)."""
        self.feedback_loaded[index] = 1

    def lifecycle_event(self, index: int) -> None:
        """Lifecycle event ``index`` (报送, 采用 or 办理反馈 in ``world.lifecycle``) arrived."""
        self.lifecycle_loaded[index] = 1

    def replace(self, old: str, new: str) -> None:
        """Delivery ``new`` replaces ``old``: none of ``old``'s rows was reported."""
        self.replaced.append({"file": old, "by": new})

    # ---- summary ------------------------------------------------------------

    def _feedback_per_issue(self) -> dict[int, Counter]:
        per_issue: dict[int, Counter] = defaultdict(Counter)
        for j, fb in enumerate(self.world.feedback):
            if self.feedback_loaded[j] and self.issue_loaded[fb.issue]:
                per_issue[fb.issue][fb.kind] += 1
        return per_issue

    def _lifecycle_adoptions(self) -> int:
        """采用 by a 自治区 body (``world.lifecycle``) delivered for a delivered issue."""
        return sum(
            1
            for k, event in enumerate(self.world.lifecycle)
            if event.kind == ADOPTION
            and self.lifecycle_loaded[k]
            and self.issue_loaded[event.issue]
        )

    def _issue_figures(self, daily_theme: Counter, daily_region: Counter) -> Counter:
        """Add each loaded issue to the daily counters; returns the year's headline counts."""
        feedback = self._feedback_per_issue()
        year = self.world.year
        headline = Counter()
        for i, issue in enumerate(self.world.issues):
            if not self.issue_loaded[i]:
                continue
            l1 = themes()[issue.theme][0]
            sources = [s for s in issue.sources if self.loaded[s]]
            regions = {self.regions[self.sub_region[s]] for s in sources}
            instructions = feedback[i][BATCH]
            measures = {
                "issues_published": 1,
                "issues_instructed": int(instructions > 0),
                "instructions_total": instructions,
                "issues_adopted_national": int(feedback[i][ADOPTION] > 0),
            }
            day = issue.published
            for measure, value in measures.items():
                daily_theme[day, l1, measure] += value
                for region in regions or (reference.UNKNOWN_REGION,):
                    daily_region[day, region, measure] += value
            if day.year == year:
                headline["issues"] += 1
                if l1 == reference.MINSHENG:
                    headline["minsheng"] += 1
                    headline["minsheng_instructed"] += int(instructions > 0)
        return headline

    def summarise(self, files: list[OutFile], messy: bool) -> dict[str, Any]:
        year = self.world.year
        daily_theme, daily_region = Counter(self.daily_theme), Counter(self.daily_region)
        headline = self._issue_figures(daily_theme, daily_region)
        received = sum(
            n
            for (day, _, measure), n in daily_theme.items()
            if measure == MEASURES[0] and day.year == year
        )
        feedback = self._feedback_per_issue()
        loaded_files = [f for f in files if f.expect == "load"]
        sid = self.world.submission_id
        return {
            "year": year,
            "seed": self.world.seed,
            "scale": self.world.scale,
            "messy": messy,
            "generated_files": [f.describe() for f in sorted(files, key=lambda f: f.name)],
            "raw_rows": {
                kind: sum(f.data_rows[kind] for f in loaded_files)
                - sum(1 for f in loaded_files for q in f.quarantined if q.kind == kind)
                for kind in KINDS
            },
            "quarantine": [
                {"file": q.file, "sheet": q.sheet, "row": q.row, "rule": q.rule, "kind": q.kind}
                for f in loaded_files
                for q in sorted(f.quarantined, key=lambda q: (q.sheet_index, q.row))
            ],
            "skipped": [
                {"file": s.file, "sheet": s.sheet, "row": s.row, "why": s.why}
                for f in loaded_files
                for s in sorted(f.skipped, key=lambda s: (s.sheet_index, s.row))
            ],
            "replaced": self.replaced,
            "unrecognised_sheets": [
                {"file": f.name, "sheet": s} for f in loaded_files for s in f.unrecognised_sheets
            ],
            "distinct": {
                "submissions": sum(self.loaded),
                "issues": sum(self.issue_loaded),
                "instructions": sum(c[BATCH] for c in feedback.values()),
                "adoptions": sum(c[ADOPTION] for c in feedback.values())
                + self._lifecycle_adoptions(),
            },
            "period_summary": _rows(
                _by_period(daily_theme, all_key=reference.ALL_THEMES),
                "theme_l1",
                _theme_order(),
            ),
            "region_summary": _rows(
                _by_period(daily_region),
                "region_name",
                {r: i for i, r in enumerate(self.regions)},
            ),
            "headline": {
                "year": year,
                "submissions_received": received,
                "issues_published": headline["issues"],
                "minsheng_issues_published": headline["minsheng"],
                "minsheng_issues_instructed": headline["minsheng_instructed"],
                "minsheng_instruction_rate": (
                    headline["minsheng_instructed"] / headline["minsheng"]
                    if headline["minsheng"]
                    else None
                ),
            },
            "near_duplicates": [
                {"submission_id": sid(copy), "possible_duplicate_of": sid(original)}
                for copy, original in self.world.near_duplicates.items()
                if self.loaded[copy] and self.loaded[original]
            ],
            "assumptions": self.world.calibration.assumptions(year),
            "lifecycle": LifecycleTruth(self).summarise(),
        }


def _by_period(daily: Counter, all_key: str | None = None) -> Counter:
    """Daily counts rolled up to year, quarter and month (and to ``all_key`` when given)."""
    rolled = Counter()
    for (day, name, measure), n in daily.items():
        for ptype, label in period_labels(day):
            rolled[ptype, label, name, measure] += n
            if all_key:
                rolled[ptype, label, all_key, measure] += n
    return rolled


def _theme_order() -> dict[str, int]:
    names = [*reference.theme_l1_names(), reference.ALL_THEMES]
    return {name: i for i, name in enumerate(names)}


def _rows(counter: Counter, key: str, order: dict[str, int]) -> list[dict[str, Any]]:
    """One row per (period, key) with some non-zero measure, all five measures present."""
    grouped: dict[tuple[str, str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(MEASURES, 0)
    )
    for (ptype, label, name, measure), value in counter.items():
        if value:
            grouped[ptype, label, name][measure] = value
    ordered = sorted(
        grouped, key=lambda k: (PERIOD_ORDER[k[0]], k[1], order.get(k[2], len(order)), k[2])
    )
    return [
        {"period_type": p, "period_label": label, key: name, **grouped[p, label, name]}
        for p, label, name in ordered
    ]


def write_truth(path: Path, truth: dict[str, Any]) -> Path:
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
