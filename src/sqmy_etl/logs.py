"""Logging: readable progress on stderr, JSON lines in $SQMY_HOME/logs.

Log messages carry ids, counts and paths, never personal values; the PII
scan test greps these files.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from rich.console import Console
from rich.logging import RichHandler

from sqmy_etl.config import Settings

stderr_console = Console(stderr=True)


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record, for machines (and the PII scan)."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(settings: Settings, verbose: bool = False) -> None:
    """Route the ``sqmy_etl`` loggers to stderr (rich) and to the JSON log file."""
    settings.logs.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("sqmy_etl")
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.handlers.clear()
    console = RichHandler(console=stderr_console, show_path=False, markup=False)
    console.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.addHandler(console)
    file_handler = logging.FileHandler(settings.logs / "sqmy.jsonl", encoding="utf-8")
    file_handler.setFormatter(JsonLineFormatter())
    logger.addHandler(file_handler)
    logger.propagate = False
