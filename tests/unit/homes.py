"""Scratch homes for the unit tests that load rows and build the dbt project."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from sqmy_etl.config import Settings


@contextmanager
def scratch_home(
    tmp_path_factory: pytest.TempPathFactory, name: str, today: str | None = None
) -> Iterator[Settings]:
    """Settings of an empty home in its own temp folder (the PII key kept outside it), with
    the environment pointing there for the block; ``today`` pins the ingest day."""
    tmp = tmp_path_factory.mktemp(name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SQMY_HOME", str(tmp / "home"))
        mp.setenv("SQMY_PII_KEY_FILE", str(tmp / "keys" / "pii.key"))
        if today is not None:
            mp.setenv("SQMY_TODAY", today)
        settings = Settings.from_env()
        settings.ensure_dirs()
        yield settings
