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


# Folders whose tests share one session fixture (a pipeline run, the scenario world) or,
# for integration, this machine's Redis databases and Airflow deployments: under
# `pytest -n` (`--dist loadgroup`, pyproject.toml) each runs whole in one worker.
SHARED_FOLDERS = ("e2e", "integration", "reliability", "scenarios")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put each test in an xdist group: its folder if in ``SHARED_FOLDERS``, else its file.

    A file's module-scoped fixtures (a built home) are then made once, not once per worker;
    xdist reads the groups after this hook (``tryfirst``).
    """
    tests_dir = Path(__file__).parent
    for item in items:
        relative = item.path.relative_to(tests_dir)
        folder = relative.parts[0]
        group = folder if folder in SHARED_FOLDERS else relative.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
