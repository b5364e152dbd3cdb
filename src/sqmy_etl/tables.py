"""The kinds of ledger table, as every layer names them (readers, loader, suites, reports).

A neutral module of its own so that ``validate`` can name a table kind
without importing ``ingest``, which imports ``validate`` to check its rows.
"""

from __future__ import annotations

from typing import Literal

TableKind = Literal["submissions", "issues", "feedback", "theme_reviews"]
