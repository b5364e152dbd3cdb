"""Report periods ('2021', '2021-Q3', '2021-07') and the periods they compare with.

The labels are exactly the ``period_label`` values of the marts
(CONTRACT §4), so a parsed period is also the key for every mart lookup.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sqmy_etl.reports.errors import PeriodError

_PERIOD_RE = re.compile(r"(\d{4})(?:-Q(\d)|-(\d{2}))?")
_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
MIN_YEAR = 1990
MAX_YEAR = 2999


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


def parse_period(text: str) -> Period:
    """'2021' → year, '2021-Q3' → quarter, '2021-07' → month; anything else is an error."""
    match = _PERIOD_RE.fullmatch(text.strip())
    problem = f"invalid period {text!r}: expected YYYY, YYYY-Qn (n = 1..4) or YYYY-MM"
    if not match:
        raise PeriodError(problem)
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"{problem}; year must be {MIN_YEAR}..{MAX_YEAR}")
    if match[2] is not None:
        if not 1 <= int(match[2]) <= 4:
            raise PeriodError(problem)
        return Period("quarter", year, int(match[2]))
    if match[3] is not None:
        if not 1 <= int(match[3]) <= 12:
            raise PeriodError(problem)
        return Period("month", year, int(match[3]))
    return Period("year", year)
