"""The expected figures, replayed from what the files say under the CONTRACT rules.

Nothing here runs ingest or dbt code: every delivered version of a record is
reported by the writers (which file, sheet and row; the values as written),
and this module applies the contract's rules itself — NFKC and trim, latest
non-empty value wins by (file in sorted order, sheet, row), region/theme
mapping via the seeds, theme derived from sources, year-less issue numbers,
identical feedback counted once. Submissions are folded into counters as
they stream past, so a million of them cost a few arrays, not a list of rows.
"""

from __future__ import annotations

import json
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqmy_etl import reference
from sqmy_etl.synth.model import ADOPTION, BATCH, World
from sqmy_etl.synth.seasons import period_labels
from sqmy_etl.synth.writers import KINDS, OutFile

MEASURES = (
    "submissions_received",
    "issues_published",
    "issues_instructed",
    "instructions_total",
    "issues_adopted_national",
)
PERIOD_ORDER = {"year": 0, "quarter": 1, "month": 2}


def norm(value: object) -> str | None:
    """The contract's text rule: NFKC, trimmed, empty means absent."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


class Version(NamedTuple):
    """One delivered (and not quarantined) copy of a submission (a tuple: made a million times)."""

    file: str
    sheet: int
    row: int
    region: str | None
    theme: str | None
    issue_id: str | None = None


NOWHERE = ("", -1, -1)


@dataclass(slots=True)
class _IssueState:
    """Current value of each issue field and the (file, sheet, row) that delivered it."""

    published: date | None = None
    published_at: tuple[str, int, int] = NOWHERE
    theme: str | None = None
    theme_at: tuple[str, int, int] = NOWHERE
    sources: list[str] | None = None
    sources_at: tuple[str, int, int] = NOWHERE


class Truth:
    def __init__(self, world: World) -> None:
        self.world = world
        n = world.size
        self.loaded = bytearray(n)
        self.sub_theme = array("h", [0]) * n
        self.sub_region = array("h", [0]) * n
        self.pairs: list[tuple[str, str | None]] = []
        self.pair_code: dict[tuple[str, str | None], int] = {}
        self.regions = [r.name for r in reference.regions()] + [reference.UNKNOWN_REGION]
        self.region_code = {name: i for i, name in enumerate(self.regions)}
        self.theme_cache: dict[object, int | None] = {}
        self.region_cache: dict[object, int | None] = {}
        self.json_links: dict[str, list[int]] = defaultdict(list)
        self.daily_theme = Counter()  # (date, theme_l1, measure) -> n
        self.daily_region = Counter()  # (date, region_name, measure) -> n
        self.issues: dict[str, _IssueState] = {}
        self.feedback: set[tuple[int | None, int, str, str | None, str | None, date]] = set()

    def _pair(self, pair: tuple[str, str | None]) -> int:
        if pair not in self.pair_code:
            self.pair_code[pair] = len(self.pairs)
            self.pairs.append(pair)
        return self.pair_code[pair]

    def _theme_of(self, raw: object) -> int | None:
        """Code of the mapped (theme_l1, theme_l2) of a written theme; None when empty."""
        if raw not in self.theme_cache:
            text = norm(raw)
            self.theme_cache[raw] = None if text is None else self._pair(reference.map_theme(text))
        return self.theme_cache[raw]

    def _region_of(self, raw: object) -> int | None:
        if raw not in self.region_cache:
            text = norm(raw)
            name = None if text is None else reference.map_region(text)[1]
            self.region_cache[raw] = None if name is None else self.region_code[name]
        return self.region_cache[raw]

    @staticmethod
    def _latest(versions: list[Version], attr: str, code_of: Callable[[object], Any]) -> Any:
        """Latest non-empty value: files in sorted name order, then sheet, then row."""
        ordered = versions if len(versions) == 1 else sorted(versions, key=_delivery_order)
        found = None
        for version in ordered:
            value = code_of(getattr(version, attr))
            if value is not None:
                found = value
        return found

    def submission(self, index: int, received: date, versions: list[Version]) -> None:
        """Fold every loaded version of one submission into its current state and the counters."""
        if not versions:
            return
        theme = self._latest(versions, "theme", self._theme_of)
        if theme is None:
            theme = self._pair(reference.map_theme(None))
        region = self._latest(versions, "region", self._region_of)
        if region is None:
            region = self.region_code[reference.UNKNOWN_REGION]
        self.loaded[index] = 1
        self.sub_theme[index] = theme
        self.sub_region[index] = region
        issue_id = self._latest(versions, "issue_id", norm)
        if issue_id:
            self.json_links[issue_id].append(index)
        self.daily_theme[received, self.pairs[theme][0], "submissions_received"] += 1
        self.daily_region[received, self.regions[region], "submissions_received"] += 1

    def issue(
        self,
        file: str,
        sheet: int,
        row: int,
        issue_id: str,
        published: date,
        theme: str | None = None,
        sources: list[str] | None = None,
    ) -> None:
        """One loaded issue row (编发台账 row, or the issue nested in a JSON object)."""
        state = self.issues.setdefault(issue_id, _IssueState())
        order = (file, sheet, row)
        for name, value in (("published", published), ("theme", norm(theme)), ("sources", sources)):
            if value is not None and order >= getattr(state, name + "_at"):
                setattr(state, name, value)
                setattr(state, name + "_at", order)

    def feedback_row(
        self,
        year: int | None,
        seq: int,
        kind: str | None,
        level: str | None,
        post: str | None,
        day: date,
    ) -> None:
        """One loaded feedback row; ``year`` is None when the number was written without one."""
        self.feedback.add((year, seq, norm(kind) or BATCH, norm(level), norm(post), day))

    # ---- resolution -------------------------------------------------------

    def _resolve_feedback(self) -> dict[str, Counter]:
        """Distinct feedback per issue and type; year-less numbers go to the latest issue
        with that sequence published on or before the feedback date."""
        by_seq: dict[int, list[tuple[date, str]]] = defaultdict(list)
        for issue_id, state in self.issues.items():
            by_seq[int(issue_id.split("-")[1])].append((state.published, issue_id))
        per_issue: dict[str, Counter] = defaultdict(Counter)
        distinct: set[tuple[str, str, str | None, str | None, date]] = set()
        for year, seq, kind, level, post, day in self.feedback:
            if year is not None:
                issue_id = f"{year}-{seq:03d}"
                if issue_id not in self.issues:
                    continue
            else:
                earlier = [c for c in by_seq.get(seq, []) if c[0] <= day]
                if not earlier:
                    continue
                issue_id = max(earlier)[1]
            key = (issue_id, kind, level, post, day)
            if key not in distinct:
                distinct.add(key)
                per_issue[issue_id][kind] += 1
        return per_issue

    def _sources(self, issue_id: str, state: _IssueState) -> list[int]:
        """Ledger list order first, then JSON-linked submissions by id; loaded ones only."""
        listed = [self.world_index(s) for s in state.sources or []]
        ordered = [i for i in listed if i is not None and self.loaded[i]]
        seen = set(ordered)
        ordered += [i for i in self.json_links.get(issue_id, []) if i not in seen]
        return ordered

    def world_index(self, submission_id: str) -> int | None:
        prefix = f"NM{self.world.year}-"
        if not submission_id.startswith(prefix):
            return None
        index = int(submission_id[len(prefix) :]) - 1
        return index if 0 <= index < self.world.size else None

    def _issue_theme(self, state: _IssueState, sources: list[int]) -> tuple[str, str | None]:
        if state.theme:
            return reference.map_theme(state.theme)
        if not sources:
            return reference.UNCLASSIFIED_THEME, None
        codes = [self.sub_theme[i] for i in sources]
        counts = Counter(codes)
        best = max(counts.values())
        return self.pairs[next(c for c in codes if counts[c] == best)]

    def summarise(self, files: list[OutFile], messy: bool) -> dict[str, Any]:
        feedback = self._resolve_feedback()
        year = self.world.year
        headline = Counter()
        daily_theme, daily_region = Counter(self.daily_theme), Counter(self.daily_region)
        for issue_id, state in self.issues.items():
            sources = self._sources(issue_id, state)
            l1, _ = self._issue_theme(state, sources)
            regions = {self.regions[self.sub_region[i]] for i in sources}
            instructions = feedback[issue_id][BATCH]
            measures = {
                "issues_published": 1,
                "issues_instructed": int(instructions > 0),
                "instructions_total": instructions,
                "issues_adopted_national": int(feedback[issue_id][ADOPTION] > 0),
            }
            day = state.published
            for measure, value in measures.items():
                daily_theme[day, l1, measure] += value
                for region in regions or (reference.UNKNOWN_REGION,):
                    daily_region[day, region, measure] += value
            if day.year == year:
                headline["issues"] += 1
                if l1 == reference.MINSHENG:
                    headline["minsheng"] += 1
                    headline["minsheng_instructed"] += int(instructions > 0)
        received = sum(
            n
            for (day, _, measure), n in daily_theme.items()
            if measure == "submissions_received" and day.year == year
        )
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
            "unrecognised_sheets": [
                {"file": f.name, "sheet": s} for f in loaded_files for s in f.unrecognised_sheets
            ],
            "distinct": {
                "submissions": sum(self.loaded),
                "issues": len(self.issues),
                "instructions": sum(c[BATCH] for c in feedback.values()),
                "adoptions": sum(c[ADOPTION] for c in feedback.values()),
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
        }


def _delivery_order(version: Version) -> tuple[str, int, int]:
    return (version.file, version.sheet, version.row)


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
