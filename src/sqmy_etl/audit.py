"""Audit lines: one JSON object per action that changes what counts (erase, retract).

Hashes, ids, file names and counts only, never a name or number in clear:
the file is evidence for the office and the regulator of who changed what, when.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqmy_etl.config import Settings

DELIVERIES_FILE = "deliveries.jsonl"


def audit_file(settings: Settings, name: str) -> Path:
    return settings.home / "audit" / name


def append(settings: Settings, action: str, *, file: str = DELIVERIES_FILE, **fields: Any) -> Path:
    """Append one line ``{"at", "action", "operator", **fields}`` to ``audit/<file>``."""
    path = audit_file(settings, file)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    entry = {
        "at": datetime.now(UTC).isoformat(),
        "action": action,
        "operator": getpass.getuser(),
        **fields,
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return path
