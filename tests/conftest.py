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
# `pytest -n` (pyproject.toml) each runs whole in one worker, and every other file too.
SHARED_FOLDERS = ("e2e", "integration", "reliability", "scenarios")


def work_unit(nodeid: str) -> str:
    """The xdist work unit of a test: its folder if in ``SHARED_FOLDERS``, else its file."""
    path = nodeid.split("::", 1)[0]
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 and parts[1] in SHARED_FOLDERS else path


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's scope scheduling with ``work_unit`` as the scope.

    A file's module-scoped fixtures (a built home) are made once, not once per worker.
    (``--dist loadgroup`` cannot do it on pytest 9: xdist marks a group by editing
    ``item._nodeid``, which pytest 9's ``nodeid`` no longer reads.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return ByWorkUnit(config, log)
