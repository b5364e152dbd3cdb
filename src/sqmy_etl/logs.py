"""Logging: readable progress on stderr, JSON lines in $SQMY_HOME/logs.

Log messages carry ids, counts and paths, never personal values; the PII
scan test greps these files.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqmy_etl.config import Settings

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A rich ``Console`` built on first use.

    Importing rich costs a few tenths of a second, most of `sqmy --help`;
    commands that print pay it, `--help` does not.
    """

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


stderr_console = LazyConsole(stderr=True)


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
    from rich.logging import RichHandler

    console = RichHandler(console=stderr_console.console, show_path=False, markup=False)
    console.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.addHandler(console)
    file_handler = logging.FileHandler(settings.logs / "sqmy.jsonl", encoding="utf-8")
    file_handler.setFormatter(JsonLineFormatter())
    logger.addHandler(file_handler)
    logger.propagate = False
