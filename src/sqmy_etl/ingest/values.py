"""Scalar value parsers for ledger cells (CONTRACT.md §1 "Values").

Called once per cell on files of up to a million rows, so every pattern is
compiled once at import and the common cases return early. All parsers are
pure: the same cell always gives the same answer, and a bad value raises
``ValueError`` (with a Chinese / English message the loader can quote) and
never anything else.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from sqmy_etl.config import SHANGHAI
from sqmy_etl.ingest.model import Cell

FEEDBACK_INSTRUCTION = "批示"
FEEDBACK_ADOPTION = "采用"
FEEDBACK_SENT_UP = "报送"
FEEDBACK_RESPONSE = "办理反馈"
# what offices write in 类型 (CONTRACT §1 "Feedback type", §5 "Lifecycle events")
_FEEDBACK_TYPES = {
    FEEDBACK_INSTRUCTION: FEEDBACK_INSTRUCTION,
    FEEDBACK_ADOPTION: FEEDBACK_ADOPTION,
    "采纳": FEEDBACK_ADOPTION,
    "录用": FEEDBACK_ADOPTION,
    FEEDBACK_SENT_UP: FEEDBACK_SENT_UP,
    "上报": FEEDBACK_SENT_UP,
    "报送上级": FEEDBACK_SENT_UP,
    "呈报": FEEDBACK_SENT_UP,
    FEEDBACK_RESPONSE: FEEDBACK_RESPONSE,
    "反馈": FEEDBACK_RESPONSE,
    "办理情况": FEEDBACK_RESPONSE,
    "部门回复": FEEDBACK_RESPONSE,
}
FEEDBACK_TYPES: tuple[str, ...] = tuple(dict.fromkeys(_FEEDBACK_TYPES.values()))
# 采用方式 (CONTRACT §5): how a higher body adopted an issue
_CHANNELS = {
    "单篇采用": "单篇采用",
    "单篇": "单篇采用",
    "单独采用": "单篇采用",
    "全文采用": "单篇采用",
    "综合采用": "综合采用",
    "综合": "综合采用",
    "合并采用": "综合采用",
    "转送": "转送",
    "原稿转送": "转送",
    "转报": "转送",
}
# 办理状态 (CONTRACT §5): whether the department has finished
_STATUSES = {
    "已办结": "已办结",
    "办结": "已办结",
    "已完成": "已办结",
    "完成": "已办结",
    "办理中": "办理中",
    "正在办理": "办理中",
    "在办": "办理中",
    "未办结": "办理中",
}
# 编发形式 of an issue: one source edited alone (单篇) or several merged (综合)
_ISSUE_FORMS_WRITTEN = {
    "单篇": "单篇",
    "单篇编发": "单篇",
    "单篇刊发": "单篇",
    "综合": "综合",
    "综合编发": "综合",
    "综合刊发": "综合",
    "汇总": "综合",
}
# 未采用, 不予采用, 无批示: a type that says it did not happen is no feedback at all
_NEGATIONS = ("未", "不", "无", "没", "非", "拟")

# Excel day 0 for each date system. The 1900 system counts a non-existent
# 1900-02-29 (serial 60, a Lotus 1-2-3 bug Excel kept), so serials from 61 on
# are one day ahead of a plain count from 1899-12-31.
_EPOCH_1900 = date(1899, 12, 31)
_EPOCH_1900_AFTER_BUG = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)
_FAKE_LEAP_DAY = 60
_MAX_SERIAL_1900 = 2_958_465  # 9999-12-31
_MAX_SERIAL_1904 = 2_957_003  # 9999-12-31
_COMPACT_MIN, _COMPACT_MAX = 10_000_101, 99_991_231  # yyyymmdd as a number

_DATE_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME = re.compile(
    r"""\s*(?:[T\s]\s*)?
    (?:
        (?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
      | (?P<hc>\d{1,2})\s*[时点]\s*(?:(?P<mc>\d{1,2})\s*分\s*(?:(?P<sc>\d{1,2})\s*秒)?)?
      | (?<=T)(?P<hb>\d{2})(?P<mb>\d{2})(?P<sb>\d{2})?
    )?
    \s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?\s*""",
    re.VERBOSE,
)
# Serials written as text are only believed in the plausible 5-digit window
# (1927-05-18 .. 2173-10-14): "2021" or "37" in a date column is a mistake,
# not 1905-07-13. Number cells keep Excel's whole range (1900 bug included).
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")

# Bulletins run to a few hundred issues a year; six digits leave room for the
# scaled benchmark data (hundreds of thousands of issues) without guessing.
MAX_ISSUE_SEQ = 999_999
# What may stand before the year: the bulletin's name, in 《》 or bare (社情民意2021年第37期).
_ISSUE_NAME = r"(?:《[^》]*》|[\u4e00-\u9fff]{2,12}?)?"
# The year, bare or in brackets as on an official document number (〔2021〕第37期).
_ISSUE_YEAR = r"[〔\[(【]?(?P<y>[12]\d{3})[〕\])】]?"
_ISSUE_FORMS = (
    # 2021年第37期, 2021年度第37期, 第37期, 《社情民意》2021年第37期, 〔2021〕第37期
    re.compile(_ISSUE_NAME + r"(?:" + _ISSUE_YEAR + r"(?:年度?)?)?第(?P<s>\d{1,6})期?"),
    # 2021年37期, 〔2021〕37期
    re.compile(_ISSUE_NAME + r"[〔\[(【]?(?P<y>[12]\d{3})(?:年度?|[〕\])】])(?P<s>\d{1,6})期?"),
    # 37, 37期, 037
    re.compile(r"(?P<s>\d{1,6})期?"),
    # the canonical issue_id itself: 2021-037, 2021-37期
    re.compile(r"(?P<y>[12]\d{3})-(?P<s>\d{1,6})期?"),
)
# The form nearly every ledger writes, exactly as the first of _ISSUE_FORMS reads it (ASCII
# digits, nothing for NFKC or the whitespace and cumulative rules to change)
_ISSUE_NO_PLAIN = re.compile(r"(?P<y>[12][0-9]{3})年第(?P<s>[0-9]{1,6})期")
# 第三十七期: a sequence written in Chinese numerals (up to 9999), read as 第37期.
_CHINESE_SEQ = re.compile(r"第([零〇一二两三四五六七八九十百千]+)期")
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CHINESE_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
# A trailing cumulative number, (总第612期) / 总第612期 / [总612期]: bulletins print it after
# the year's number. It counts issues since the first one, so it is never the sequence.
_CUMULATIVE = re.compile(r"[(\[【]?总第?\d{1,7}期?[)\]】]?\Z")
_WHITESPACE = re.compile(r"\s+")
_ID_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def normalise_text(value: Cell) -> str | None:
    """Cell → trimmed NFKC text, ``None`` when blank; never truncates.

    Numbers typed into Excel arrive as floats, so an integral float prints
    without ``.0`` (``120`` not ``120.0``) — ids and phone numbers stay as
    the clerk typed them.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _nfkc(value) or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        parts = [text for text in map(normalise_text, value) if text is not None]
        return ",".join(parts) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _nfkc(str(value)) or None


def _from_serial(serial: float, date1904: bool) -> date:
    """An Excel serial day number → calendar date (the fraction is the time of day)."""
    if not math.isfinite(serial):
        raise ValueError(f"不是日期序列号 / not an Excel date serial: {serial!r}")
    day = math.floor(serial)
    if date1904:
        if not 0 <= day <= _MAX_SERIAL_1904:
            raise ValueError(f"超出 Excel 日期范围 / Excel 1904 serial out of range: {serial!r}")
        return _EPOCH_1904 + timedelta(days=day)
    if not 1 <= day <= _MAX_SERIAL_1900:
        raise ValueError(f"超出 Excel 日期范围 / Excel serial out of range: {serial!r}")
    if day == _FAKE_LEAP_DAY:
        raise ValueError("1900-02-29 不存在 / Excel serial 60 is the non-existent 1900-02-29")
    if day < _FAKE_LEAP_DAY:
        return _EPOCH_1900 + timedelta(days=day)
    return _EPOCH_1900_AFTER_BUG + timedelta(days=day)


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _calendar_date(year: int, month: int, day: int, original: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"不存在的日期 / impossible date: {original!r}") from None


def _date_with_time(day: date, rest: str, original: object) -> date:
    """Apply an optional trailing time and UTC offset to ``day``.

    Only an offset can move the calendar date (to Asia/Shanghai); a time
    without offset is already Shanghai local, but it is still checked so
    ``2021-03-18 25:00`` is rejected rather than silently read as the 18th.
    """
    if not rest:
        return day
    match = _TIME.fullmatch(rest)
    if match is None:
        raise ValueError(f"无法解析的日期 / unparseable date: {original!r}")
    hour = match["h"] or match["hc"] or match["hb"] or "0"
    minute = match["m"] or match["mc"] or match["mb"] or "0"
    second = match["s"] or match["sc"] or match["sb"] or "0"
    try:
        stamp = datetime(day.year, day.month, day.day, int(hour), int(minute), int(second))
        if match["tz"] is None:
            return day
        return stamp.replace(tzinfo=_offset(match["tz"])).astimezone(SHANGHAI).date()
    except (ValueError, OverflowError):
        raise ValueError(f"不存在的时间 / impossible time: {original!r}") from None


def _parse_date_text(text: str, date1904: bool, original: object) -> date:
    match = _DATE_ISO.match(text)
    if match:
        year, _, month, day = match.groups()
    else:
        match = _DATE_CN.match(text)
        if match:
            year, month, day = match.groups()
        elif _SERIAL_TEXT.fullmatch(text):
            return _from_serial(float(text), date1904)
        else:
            match = _DATE_COMPACT.match(text)
            if match is None:
                raise ValueError(f"无法解析的日期 / unparseable date: {original!r}")
            year, month, day = match.groups()
    day_value = _calendar_date(int(year), int(month), int(day), original)
    return _date_with_time(day_value, text[match.end() :], original)


def parse_date(value: Cell, *, date1904: bool = False) -> date:
    """A cell → its Asia/Shanghai calendar date, or ``ValueError``.

    Accepts every form of CONTRACT.md §1: date/datetime objects, Excel
    serials (1900 or 1904 system) as numbers or as 5-digit numeric text,
    yyyymmdd as a number, and the text forms with or without time. A
    timestamp with an offset is converted to Shanghai first
    (``2021-12-31T20:00:00Z`` → 2022-01-01). The plausible
    range (1990 … ingest day) is a validation rule, not checked here.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(SHANGHAI).date()
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"不是日期 / not a date: {value!r}")
    if isinstance(value, int | float):
        if not -_MAX_SERIAL_1900 <= value <= _COMPACT_MAX:
            raise ValueError(f"不是日期 / not a date: {value!r}")
        if value >= _COMPACT_MIN and float(value).is_integer():
            # 20210318 typed into Excel as a number, not a serial (serials stop at 2958465)
            return _parse_date_text(str(int(value)), date1904, value)
        return _from_serial(float(value), date1904)
    if not isinstance(value, str):
        raise ValueError(f"不是日期 / not a date: {value!r}")
    text = _nfkc(value)
    if not text:
        raise ValueError("日期为空 / empty date")
    return _parse_date_text(text, date1904, value)


def _without_cumulative(text: str, original: object) -> str:
    """``text`` without a trailing cumulative number; ``ValueError`` when that is all it holds.

    ``总第612期`` alone names no issue of a year: guessing a sequence from it
    would file the row under a wrong or non-existent issue.
    """
    match = _CUMULATIVE.search(text)
    if match is None:
        return text
    rest = text[: match.start()]
    if not rest:
        raise ValueError(
            f"期号只有累计期数，缺少“第N期”，请按“2025年第38期（总第612期）”填写"
            f" / the issue number needs 第N期, a cumulative 总第N期 alone is not one: {original!r}"
        )
    return rest


def _chinese_number(text: str) -> int:
    """``三十七`` → 37, ``十二`` → 12, ``一百零五`` → 105 (the forms a clerk types)."""
    total, digit = 0, 0
    for char in text:
        if char in _CHINESE_UNITS:
            total += (digit or 1) * _CHINESE_UNITS[char]
            digit = 0
        else:
            digit = _CHINESE_DIGITS[char]
    return total + digit


def _arabic_seq(text: str) -> str:
    """``第三十七期`` → ``第37期``; other text unchanged."""
    return _CHINESE_SEQ.sub(lambda m: f"第{_chinese_number(m.group(1))}期", text)


def parse_issue_no(value: Cell) -> tuple[int | None, int]:
    """An issue number as written → (year or ``None``, sequence number ≥ 1).

    ``2021年第37期`` → (2021, 37); ``第37期`` / ``37`` / ``37期`` → (None, 37);
    the canonical ``2021-037`` → (2021, 37). Any of these may be followed by
    the cumulative number (``2025年第38期（总第612期）`` → (2025, 38)), which is
    dropped here and kept only in the raw text. A year-less number is resolved
    later (from the published date, or for feedback from the feedback date).
    """
    plain = _ISSUE_NO_PLAIN.fullmatch(value) if type(value) is str else None
    if plain and int(plain["s"]) >= 1:  # the common case, 2021年第37期, read at once
        return int(plain["y"]), int(plain["s"])
    if isinstance(value, bool) or value is None:
        raise ValueError(f"不是期号 / not an issue number: {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"不是期号 / not an issue number: {value!r}")
        value = int(value)
    if isinstance(value, int):
        if not 1 <= value <= MAX_ISSUE_SEQ:
            raise ValueError(
                f"期号须为正整数 / issue sequence must be 1..{MAX_ISSUE_SEQ}: {value!r}"
            )
        return None, value
    if not isinstance(value, str):
        raise ValueError(f"不是期号 / not an issue number: {value!r}")
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", value))
    text = _without_cumulative(_arabic_seq(text), value)
    for pattern in _ISSUE_FORMS:
        match = pattern.fullmatch(text)
        if match:
            groups = match.groupdict()
            seq = int(groups["s"])
            if seq < 1:
                raise ValueError(f"期号须大于0 / issue sequence must be ≥ 1: {value!r}")
            year = groups.get("y")
            return (int(year) if year else None), seq
    raise ValueError(
        f"无法解析的期号，请写成“2025年第38期”或“第38期” / unparseable issue number: {value!r}"
    )


def issue_id(year: int, seq: int) -> str:
    """The canonical issue id ``YYYY-NNN`` (``2021-037``)."""
    return f"{year}-{seq:03d}"


def _accepted(mapping: dict[str, str]) -> str:
    """The canonical values of ``mapping`` for an error message: ``“单篇采用”“综合采用”“转送”``."""
    return "".join(f"“{value}”" for value in dict.fromkeys(mapping.values()))


def parse_feedback_type(value: Cell) -> str:
    """批示 (also for a blank or absent type), 采用, 报送 or 办理反馈, from the office's wording.

    Each type has its synonyms (采纳 / 录用 → 采用; 上报 / 报送上级 / 呈报 →
    报送; 反馈 / 办理情况 / 部门回复 → 办理反馈). Wording that names exactly
    one of them is read as it (``领导批示``, ``批示件``, ``全国政协采用``,
    ``综合采用``), unless it says the thing did not happen (``未采用``,
    ``不予采用``). Anything else raises ``ValueError``: a row of an unknown
    type is held back rather than counted as a 批示, which would inflate the
    批示率.
    """
    text = normalise_text(value)
    if text is None:
        return FEEDBACK_INSTRUCTION
    if text in _FEEDBACK_TYPES:
        return _FEEDBACK_TYPES[text]
    named = {kind for word, kind in _FEEDBACK_TYPES.items() if word in text}
    if len(named) == 1 and not text.startswith(_NEGATIONS):
        # 领导批示, 批示件, 全国政协采用, 单篇采用: one type named inside the office's wording
        return named.pop()
    raise ValueError(
        f"未知的反馈类型，请填写{_accepted(_FEEDBACK_TYPES)}之一（空白视为批示）"
        f" / feedback type must be one of {', '.join(FEEDBACK_TYPES)}: {value!r}"
    )


def _lookup_word(value: Cell, mapping: dict[str, str], what: str, field: str) -> str | None:
    """A short categorical cell → its canonical value; blank → None; unknown → ValueError.

    Spaces inside are ignored (``单篇 采用``) and a trailing note in brackets
    is not (``综合采用（部分）`` is unknown): a value that only almost names a
    category is held back, not guessed.
    """
    text = normalise_text(value)
    if text is None:
        return None
    found = mapping.get(_WHITESPACE.sub("", text))
    if found is None:
        raise ValueError(
            f"未知的{what}，请填写{_accepted(mapping)}之一 / {field} must be one of "
            f"{', '.join(dict.fromkeys(mapping.values()))}: {value!r}"
        )
    return found


def parse_channel(value: Cell) -> str | None:
    """采用方式 → ``单篇采用`` / ``综合采用`` / ``转送`` (单篇, 综合, 原稿转送 …); blank → None."""
    return _lookup_word(value, _CHANNELS, "采用方式", "channel")


def parse_status(value: Cell) -> str | None:
    """办理状态 → ``已办结`` / ``办理中`` (办结, 完成, 正在办理, 未办结 …); blank → None."""
    return _lookup_word(value, _STATUSES, "办理状态", "status")


def parse_issue_form(value: Cell) -> str | None:
    """编发形式 → ``单篇`` / ``综合`` (单篇编发, 综合编发, 汇总 …); blank → None."""
    return _lookup_word(value, _ISSUE_FORMS_WRITTEN, "编发形式", "issue form")


def split_ids(value: Cell) -> list[str]:
    """A list of submission ids as written → the ids in order, NFKC, empties dropped.

    Separators are , ， 、 ; ； and whitespace; a JSON list is split item by item.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [part for item in value for part in split_ids(item)]
    text = normalise_text(value)
    if text is None:
        return []
    return [part for part in _ID_SEPARATORS.split(text) if part]
