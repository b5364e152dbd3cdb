"""Load the versioned suites from ``expectations/`` and check them against the rule codes.

The JSON files are the source of truth for the row rules; the only thing
filled in at run time is the ``ingest_day`` suite parameter, because
"after the day of ingest" moves with the calendar.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from sqmy_etl.config import shipped_dir
from sqmy_etl.tables import TableKind
from sqmy_etl.validate.rules import RULES

SUITES_ENV = "SQMY_EXPECTATIONS_DIR"


class SuiteError(ValueError):
    """A suite file is malformed or uses a rule code that does not exist."""


def suites_dir() -> Path:
    """``expectations/`` of the project, or ``SQMY_EXPECTATIONS_DIR`` for a deployed copy."""
    return Path(os.environ.get(SUITES_ENV, shipped_dir("expectations")))


@cache
def _load(path: Path) -> dict[str, Any]:
    suite = json.loads(path.read_text("utf-8"))
    expectations = suite.get("expectations")
    if not expectations:
        raise SuiteError(f"{path}: no expectations")
    for position, expectation in enumerate(expectations):
        meta = expectation.get("meta") or {}
        if meta.get("rule") not in RULES or not meta.get("reason"):
            raise SuiteError(
                f"{path}: expectation {position} needs meta.rule in {RULES} and a meta.reason"
            )
    return suite


def load_suite(kind: TableKind) -> dict[str, Any]:
    """The suite for one table kind as a GX ``ExpectationSuite`` dict, expectations in file order.

    Each expectation's meta gains ``position`` so results, which GX returns in
    its own order, can be put back into suite order ("first failing rule wins").
    """
    suite = json.loads(json.dumps(_load(suites_dir() / f"{kind}.json")))
    for position, expectation in enumerate(suite["expectations"]):
        expectation["meta"]["position"] = position
    return suite
