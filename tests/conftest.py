"""Shared fixtures: an isolated SQMY_HOME per test, with a fixed PII key."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqmy_etl.config import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh SQMY_HOME under tmp_path; the PII key lives outside it."""
    home = tmp_path / "home"
    monkeypatch.setenv("SQMY_HOME", str(home))
    monkeypatch.setenv("SQMY_PII_KEY_FILE", str(tmp_path / "keys" / "pii.key"))
    monkeypatch.delenv("SQMY_PII_KEY", raising=False)
    s = Settings.from_env()
    s.ensure_dirs()
    return s
