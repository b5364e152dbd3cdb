"""Configuration: paths under SQMY_HOME and the pinned ingest day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sqmy_etl.config import Settings, shipped_dir, today_shanghai

CHECKOUT = Path(__file__).resolve().parents[2]


def test_layout_follows_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The on-disk layout of CONTRACT.md §3 is created under SQMY_HOME, with absolute paths."""
    monkeypatch.setenv("SQMY_HOME", str(tmp_path / "h"))
    s = Settings.from_env()
    s.ensure_dirs()
    rel = {p.relative_to(tmp_path / "h").as_posix() for p in (tmp_path / "h").iterdir()}
    assert {"landing", "archive", "rejected", "warehouse", "published", "reports"} <= rel
    assert s.warehouse == tmp_path / "h" / "warehouse" / "sqmy.duckdb"
    assert s.published == tmp_path / "h" / "published" / "marts.duckdb"
    assert s.dbt_dir.is_absolute()


def test_default_home_is_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SQMY_HOME the home is ./sqmy-home under the current directory."""
    monkeypatch.delenv("SQMY_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env().home == tmp_path / "sqmy-home"


def test_today_can_be_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQMY_TODAY pins the ingest day so date-range rules are reproducible."""
    monkeypatch.setenv("SQMY_TODAY", "2022-01-05")
    assert today_shanghai() == date(2022, 1, 5)


def test_checkout_reads_its_own_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    """From the checkout the dbt project, suites and DAGs are the checkout's, not a shipped copy.

    The wheel's copy is exercised by tests/integration/test_wheel_install.py.
    """
    monkeypatch.delenv("SQMY_DBT_DIR", raising=False)
    for name in ("dbt", "expectations", "dags"):
        assert shipped_dir(name) == CHECKOUT / name
    assert Settings.from_env().dbt_dir == CHECKOUT / "dbt"
