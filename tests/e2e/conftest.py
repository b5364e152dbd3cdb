"""One messy 2021 pipeline run per session, shared by every end-to-end test."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.e2e.support import RAW_COUNTS_SQL, fetch_dicts, sqmy


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Generate messy 2021 ledgers, ingest every file twice, transform; keep the CLI results."""
    base = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "SQMY_HOME": str(base / "home"),
        "SQMY_PII_KEY_FILE": str(base / "keys" / "pii.key"),
    }
    generated = base / "generated"
    gen = sqmy(env, "generate", "--year", "2021", "--messy", "--out", str(generated))
    assert gen.returncode == 0, gen.stderr
    truth = json.loads((generated / "truth.json").read_text("utf-8"))
    files = sorted((generated / "ledgers").iterdir())
    home = Path(env["SQMY_HOME"])
    warehouse = home / "warehouse" / "sqmy.duckdb"
    first = sqmy(env, "ingest", *map(str, files))
    after_first = fetch_dicts(warehouse, RAW_COUNTS_SQL)
    second = sqmy(env, "ingest", *map(str, files))
    after_second = fetch_dicts(warehouse, RAW_COUNTS_SQL)
    transform = sqmy(env, "transform")
    assert transform.returncode == 0, transform.stderr
    return {
        "env": env,
        "truth": truth,
        "home": home,
        "first": first,
        "second": second,
        "after_first": after_first,
        "after_second": after_second,
        "warehouse": warehouse,
        "published": home / "published" / "marts.duckdb",
    }
