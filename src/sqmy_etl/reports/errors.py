"""Report errors: each says what is wrong and what to do about it."""

from __future__ import annotations


class ReportError(Exception):
    """A report could not be produced; the message is meant for the operator."""


class PeriodError(ReportError, ValueError):
    """The period is none of the forms of CONTRACT §2 ('2021', '2021-Q3', '2021年7月' …)."""


class MissingFontError(ReportError):
    """No CJK font is installed, so Chinese would render as boxes."""


class MissingGlyphError(ReportError):
    """A character had no glyph in any font: the output would show a box."""
