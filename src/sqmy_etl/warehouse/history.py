"""Which lake snapshot each publish copied: what ``--as-of DATE`` reads.

In lake mode the marts of every commit stay readable in DuckLake (time
travel), but only a build whose tests all passed was *published*. So each
publish appends its snapshot id and time to ``published/history.jsonl``, and
``--as-of DATE`` reads the marts at the last snapshot published on or before
that day (Asia/Shanghai), never a build that failed its tests.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqmy_etl.config import SHANGHAI, Settings


class NoSnapshot(LookupError):
    """Nothing was published on or before the day asked for, or not in lake mode."""


def history_file(settings: Settings) -> Path:
    return settings.published_dir / "history.jsonl"


def record(settings: Settings, snapshot: int, row_counts: dict[str, int]) -> None:
    """Append one publish; one ``write`` of one line, under the caller's writer lock."""
    line = {
        "published_at": datetime.now(SHANGHAI).isoformat(),
        "lake_snapshot": snapshot,
        "row_counts": row_counts,
    }
    with history_file(settings).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def snapshot_as_of(settings: Settings, day: date) -> int:
    """The lake snapshot of the last publish on or before ``day`` (end of day, Shanghai)."""
    if not settings.is_lake:
        raise NoSnapshot(
            "--as-of 只在数据湖模式（SQMY_WAREHOUSE=ducklake）下可用：单文件仓库只保留最新发布"
            " / --as-of needs SQMY_WAREHOUSE=ducklake: the embedded warehouse keeps only the"
            " latest publish"
        )
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    found: int | None = None
    path = history_file(settings)
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    for raw in lines:
        entry = json.loads(raw)
        if datetime.fromisoformat(entry["published_at"]) < end:
            found = int(entry["lake_snapshot"])
    if found is None:
        raise NoSnapshot(
            f"{day.isoformat()} 及以前没有发布过数据，请换一个更晚的日期"
            f" / nothing was published on or before {day.isoformat()}: pick a later date"
        )
    return found
