"""Report periods ('2021', '2021-Q3', '2021-07') and the periods they compare with.

The labels are exactly the ``period_label`` values of the marts
(CONTRACT §4), so a parsed period is also the key for every mart lookup;
``parse_period`` reads every way of writing one that CONTRACT §2 accepts.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqmy_etl.reports.errors import PeriodError

_PERIOD_FORMS = (
    ("year", re.compile(r"(?P<y>\d{4})(?:年度?)?")),
    ("quarter", re.compile(r"(?P<y>\d{4})-?[Qq](?P<n>\d)")),
    ("quarter", re.compile(r"(?P<y>\d{4})年第?(?P<n>[1-4一二三四])季度")),
    ("month", re.compile(r"(?P<y>\d{4})-(?P<n>\d{1,2})")),
    ("month", re.compile(r"(?P<y>\d{4})年(?P<n>\d{1,2})月")),
)
_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_HIGHEST = {"quarter": 4, "month": 12}
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_SPACES = re.compile(r"\s+")
MIN_YEAR = 1990
MAX_YEAR = 2999
_ACCEPTED_FORMS = "2025、2025年、2025-Q3、2025Q3、2025年第三季度、2025-07、2025-7、2025年7月"


def _unrecognised(original: str) -> PeriodError:
    return PeriodError(
        f"无法识别的期间 {original!r}，请写成以下任一形式：{_ACCEPTED_FORMS}"
        f" / unrecognised period {original!r}: write a year (2025), a quarter (2025-Q3, 2025Q3,"
        " 2025年第三季度) or a month (2025-07, 2025-7, 2025年7月)"
    )


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year, quarter or month; ``kind`` equals the marts' ``period_type``."""

    kind: str
    year: int
    number: int = 0

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def first_month(self) -> int:
        return {"year": 1, "quarter": 3 * self.number - 2, "month": self.number}[self.kind]

    @property
    def last_month(self) -> int:
        return {"year": 12, "quarter": 3 * self.number, "month": self.number}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def name(self) -> str:
        """Name in running text: 2021年 / 2021年第三季度 / 2021年7月."""
        if self.kind == "quarter":
            return f"{self.year}年{_QUARTER_NAMES[self.number]}"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年"

    @property
    def title(self) -> str:
        """Name on the title page: 2021年度 / 2021年第三季度 / 2021年7月."""
        return f"{self.name}度" if self.kind == "year" else self.name

    @property
    def scope(self) -> str:
        """Subject of the opening sentence: 2021年全年 / 2021年第三季度 / 2021年7月."""
        return f"{self.name}全年" if self.kind == "year" else self.name

    def previous(self) -> Period:
        """The period just before (环比 base); for a year, the year before."""
        if self.kind == "year":
            return Period("year", self.year - 1)
        size = 4 if self.kind == "quarter" else 12
        if self.number == 1:
            return Period(self.kind, self.year - 1, size)
        return Period(self.kind, self.year, self.number - 1)

    def year_ago(self) -> Period:
        """The same period one year earlier (同比 base)."""
        return Period(self.kind, self.year - 1, self.number)

    def months_to_date(self) -> list[Period]:
        """January of the period's year through its last month (the monthly table)."""
        return [Period("month", self.year, m) for m in range(1, self.last_month + 1)]


def _year(text: str, original: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            f"期间 {original!r} 的年份须在 {MIN_YEAR}–{MAX_YEAR} 之间，请改正年份"
            f" / the year of period {original!r} must be {MIN_YEAR}..{MAX_YEAR}"
        )
    return year


def _number(text: str, highest: int, original: str) -> int:
    """A quarter (1..4) or month (1..12) written in digits or as 一 … 四."""
    number = _CHINESE_DIGITS[text] if text in _CHINESE_DIGITS else int(text)
    if not 1 <= number <= highest:
        raise _unrecognised(original)
    return number


def parse_period(text: str) -> Period:
    """A period as an analyst or clerk writes it → ``Period`` (CONTRACT §2).

    Years ``2025`` / ``2025年`` / ``2025年度``; quarters ``2025-Q3`` / ``2025Q3``
    / ``2025q3`` / ``2025年第三季度`` / ``2025年第3季度`` / ``2025年三季度``;
    months ``2025-07`` / ``2025-7`` / ``2025年7月`` / ``2025年07月``. Full-width
    characters and spaces are allowed (NFKC). The one parser every command uses:
    ``sqmy report --period``, the mailer and the scheduled report runs.
    Anything else raises ``PeriodError`` naming the accepted forms.
    """
    compact = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    for kind, pattern in _PERIOD_FORMS:
        match = pattern.fullmatch(compact)
        if match is None:
            continue
        year = _year(match["y"], text)
        if kind == "year":
            return Period("year", year)
        return Period(kind, year, _number(match["n"], _HIGHEST[kind], text))
    raise _unrecognised(text)
