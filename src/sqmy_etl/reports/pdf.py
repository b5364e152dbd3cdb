"""PDF printed from the report's HTML by weasyprint.

weasyprint does not fail when a glyph is missing: it logs ".notdef glyph
rendered" and draws a box, while the PDF's text layer still extracts
correct Chinese. That log line is therefore turned into an error here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqmy_etl.reports.errors import MissingGlyphError

NOTDEF_MARK = ".notdef glyph"


class _NotdefCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if NOTDEF_MARK in message:
            self.messages.append(message)


def write_pdf(html: str, target: Path) -> None:
    """Render ``html`` to ``target``; raise MissingGlyphError if any glyph would be a box."""
    from weasyprint import HTML

    logger = logging.getLogger("weasyprint")
    collector = _NotdefCollector()
    level = logger.level
    logger.addHandler(collector)
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        HTML(string=html).write_pdf(target)
    finally:
        logger.removeHandler(collector)
        logger.setLevel(level)
    if collector.messages:
        target.unlink(missing_ok=True)
        raise MissingGlyphError(
            "the PDF would show boxes instead of characters: " + "; ".join(collector.messages[:5])
        )
