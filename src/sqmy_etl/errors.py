"""Errors that cross layers: raised by a reader or a suite, handled by the loader and the CLI.

Kept apart from ``ingest`` so that ``validate`` (which rejects a file when a
table-level expectation fails) does not import the loader that calls it.
"""

from __future__ import annotations


class FileRejected(Exception):
    """The whole file cannot be loaded; ``reason`` is shown to the user and written
    to ``rejected/<name>.reason.txt``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
