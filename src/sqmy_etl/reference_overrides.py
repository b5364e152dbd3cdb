"""The office's own unit roster and scoring rules: checked before dbt reads them.

The dbt seeds ``units`` and ``scoring_rules`` ship an example (CONTRACT §5);
an office replaces either by putting ``units.csv`` / ``scoring_rules.csv`` in
``$SQMY_HOME/reference/``, and dbt reads that file instead (macro
``reference_table``). A wrong file must stop the transform before anything
is built, with a Chinese message naming the file and the line, so a typo in
a rule can never publish wrong points: ``check_reference_files`` runs first
in every transform. The shipped seeds pass the same checks.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.transform.build import TransformFailed

REFERENCE_DIR = "reference"
UNITS = "units"
SCORING_RULES = "scoring_rules"

# the events a rule may score (CONTRACT §5); 等次 rows are the grade thresholds
GRADE_EVENT = "等次"
EVENTS = ("编发单篇", "编发综合", "报送", "采用", "批示", "办理反馈", GRADE_EVENT)
CHANNELS = ("单篇采用", "综合采用", "转送")
LEVELS = ("国家级", "自治区级", "盟市级")
GRADES = ("优秀", "良好", "合格", "不合格")

_UNIT_COLUMNS = ("name", "aliases", "unit_type", "region", "annual_quota")
_RULE_COLUMNS = ("event", "channel", "level", "grade", "points", "valid_from", "valid_to")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ALIAS_SEPARATOR = "|"


class ReferenceFileError(TransformFailed):
    """A reference file that cannot be used; the message names the file and the line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        listed = "\n".join(f"- {p}" for p in problems)
        message = (
            f"参考表 {path} 有误，本次未转换、未发布任何数据，请改正后重新运行 sqmy transform"
            f"（删除该文件则使用内置示例）：\n{listed}\n"
            f"/ reference file {path} is invalid; nothing was published"
        )
        RuntimeError.__init__(self, message)
        self.failing_nodes = [path.name]
        self.path = path
        self.problems = problems


@dataclass(frozen=True)
class Unit:
    """One rostered unit (报送单位): an organisation, never a person."""

    name: str
    aliases: tuple[str, ...]
    unit_type: str
    region: str | None
    annual_quota: int | None


@dataclass(frozen=True)
class ScoringRule:
    """Points for one event (by channel and level), or a grade's minimum points, while valid."""

    event: str
    channel: str | None
    level: str | None
    grade: str | None
    points: int
    valid_from: date
    valid_to: date | None

    def overlaps(self, other: ScoringRule) -> bool:
        """Same event, channel, level and grade, and validity periods that share a day."""
        key = (self.event, self.channel, self.level, self.grade)
        if key != (other.event, other.channel, other.level, other.grade):
            return False
        ends = (self.valid_to or date.max, other.valid_to or date.max)
        return self.valid_from <= ends[1] and other.valid_from <= ends[0]


def reference_path(settings: Settings, name: str) -> Path:
    """``$SQMY_HOME/reference/<name>.csv``: where an office's own table overrides a seed."""
    return settings.home / REFERENCE_DIR / f"{name}.csv"


def _source(settings: Settings, name: str) -> Path:
    """The office's file when it has one, else the shipped seed."""
    override = reference_path(settings, name)
    return override if override.is_file() else settings.dbt_dir / "seeds" / f"{name}.csv"


def _rows(path: Path, columns: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row with trimmed cells) for each non-blank line; header problems raise."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceFileError(
            path, ["文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”"]
        ) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceFileError(path, [f"第1行（表头）缺少列：{', '.join(missing)}"])
    rows = []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if any(cells.values()):
            rows.append((reader.line_num, cells))
    return rows


def _date(text: str) -> date:
    """An ISO date (2021-07-01); ``ValueError`` carrying the text as written otherwise."""
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(text)


def _choice(line: int, column: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"第{line}行 {column} 为“{value}”，应为 {'、'.join(allowed)} 之一")
    return value


def _rule(line: int, row: dict[str, str]) -> ScoringRule:
    """One line of a rules file, or ``ValueError`` with the Chinese reason."""
    event = _choice(line, "event", row["event"], EVENTS)
    channel = row["channel"] and _choice(line, "channel", row["channel"], CHANNELS)
    level = row["level"] and _choice(line, "level", row["level"], LEVELS)
    grade = row["grade"] and _choice(line, "grade", row["grade"], GRADES)
    if (event == GRADE_EVENT) != bool(grade):
        raise ValueError(f"第{line}行 grade 只用于 event 为“{GRADE_EVENT}”的行，且这种行必须填写")
    if not re.fullmatch(r"\d+", row["points"]):
        raise ValueError(f"第{line}行 points 为“{row['points']}”，应为非负整数")
    try:
        valid_from = _date(row["valid_from"])
        valid_to = _date(row["valid_to"]) if row["valid_to"] else None
    except ValueError as exc:
        raise ValueError(
            f"第{line}行 日期“{exc}”无法识别：valid_from 必填，日期写成 2021-07-01"
        ) from None
    if valid_to is not None and valid_to < valid_from:
        raise ValueError(f"第{line}行 valid_to 早于 valid_from")
    return ScoringRule(
        event,
        channel or None,
        level or None,
        grade or None,
        int(row["points"]),
        valid_from,
        valid_to,
    )


def load_scoring_rules(settings: Settings) -> list[ScoringRule]:
    """The rules in force (the office's file, else the seed); ``ReferenceFileError`` if wrong.

    Checked: known event / channel / level / grade, points a non-negative
    integer, ISO dates with valid_to (blank = open) not before valid_from, and
    no two lines for the same event, channel, level and grade valid on one day
    (which would leave a day with two point values).
    """
    path = _source(settings, SCORING_RULES)
    problems: list[str] = []
    rules: list[tuple[int, ScoringRule]] = []
    for line, row in _rows(path, _RULE_COLUMNS):
        try:
            rule = _rule(line, row)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        problems += [
            f"第{line}行与第{earlier}行的有效期重叠（同一事件、方式、级别、等次同一天只能有一条规则）"
            for earlier, other in rules
            if rule.overlaps(other)
        ]
        rules.append((line, rule))
    if not rules and not problems:
        problems.append("文件没有任何规则行")
    if problems:
        raise ReferenceFileError(path, problems)
    return [rule for _, rule in rules]


def load_units(settings: Settings, region_names: Iterable[str]) -> list[Unit]:
    """The unit roster in force (the office's file, else the seed); ``ReferenceFileError`` if wrong.

    Checked: a name on every line, no name or alias naming two units, a
    unit type, a region among ``region_names`` (or blank), a quota that is a
    non-negative integer (or blank). Aliases are separated by ``|``.
    """
    path = _source(settings, UNITS)
    known_regions = set(region_names)
    problems: list[str] = []
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, _UNIT_COLUMNS):
        aliases = tuple(a.strip() for a in row["aliases"].split(_ALIAS_SEPARATOR) if a.strip())
        if not row["name"] or not row["unit_type"]:
            problems.append(f"第{line}行 name 和 unit_type 必填")
            continue
        for spelling in dict.fromkeys((row["name"], *aliases)):
            if spelling in seen:
                problems.append(
                    f"第{line}行“{spelling}”已在第{seen[spelling]}行出现（名称或别名重复）"
                )
            seen[spelling] = line
        if row["region"] and row["region"] not in known_regions:
            problems.append(f"第{line}行 region“{row['region']}”不是盟市或“自治区本级”的标准名称")
        if row["annual_quota"] and not re.fullmatch(r"\d+", row["annual_quota"]):
            problems.append(f"第{line}行 annual_quota“{row['annual_quota']}”应为非负整数或留空")
            continue
        quota = int(row["annual_quota"]) if row["annual_quota"] else None
        units.append(Unit(row["name"], aliases, row["unit_type"], row["region"] or None, quota))
    if not units and not problems:
        problems.append("文件没有任何单位行")
    if problems:
        raise ReferenceFileError(path, problems)
    return units


def check_reference_files(settings: Settings) -> None:
    """Raise ``ReferenceFileError`` when the office's units or rules file is wrong (before dbt)."""
    from sqmy_etl import reference

    load_scoring_rules(settings)
    load_units(settings, (r.name for r in reference.regions()))
