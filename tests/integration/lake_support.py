"""Helpers of the DuckLake tests: a PostgreSQL database of their own, homes, small ledgers."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG = ("psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qAtc")
SUBMISSIONS_HEADER = "稿件编号,标题,来稿日期,盟市"
LAKE_VARS = ("SQMY_WAREHOUSE", "SQMY_LAKE_CATALOG", "SQMY_LAKE_DATA")


def psql(sql: str, database: str = "postgres") -> str:
    """Run one statement on the local PostgreSQL (trust auth) and return its output."""
    done = subprocess.run(
        [*PG, sql, database], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


@contextmanager
def lake_catalog(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test's lake catalog, dropped WITH (FORCE) after."""
    name = f"sqmy_test_{prefix}_{uuid.uuid4().hex[:10]}"
    psql(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def lake_env(base: Path, database: str, **extra: str) -> dict[str, str]:
    """Environment of a CLI run in lake mode on ``base/home`` with data in ``base/lake``."""
    env = {
        **os.environ,
        "SQMY_HOME": str(base / "home"),
        "SQMY_PII_KEY_FILE": str(base / "keys" / "pii.key"),
        "SQMY_WAREHOUSE": "ducklake",
        "SQMY_LAKE_CATALOG": f"host=127.0.0.1 dbname={database} user=postgres",
        "SQMY_LAKE_DATA": str(base / "lake"),
    }
    for name in ("SQMY_PII_KEY", "SQMY_CRASHPOINT"):
        env.pop(name, None)
    env.update(extra)
    return env


def submissions_csv(path: Path, ids: list[str], received: str, region: str) -> Path:
    """A 来稿 ledger as a clerk exports it: one row per id, the title naming the id."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [SUBMISSIONS_HEADER] + [f"{i},关于{i}的反映,{received},{region}" for i in ids]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
