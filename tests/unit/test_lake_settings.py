"""Lake mode without a lake: the settings, the pool choice, the DDL and the --as-of lookup."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.orchestration.tasks import ingest_pool
from sqmy_etl.warehouse import history, lake

CATALOG = "host=127.0.0.1 dbname=sqmy_lake user=postgres"


def _lake_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.setenv("SQMY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SQMY_WAREHOUSE", "ducklake")
    monkeypatch.setenv("SQMY_LAKE_CATALOG", CATALOG)
    monkeypatch.delenv("SQMY_LAKE_DATA", raising=False)
    return Settings.from_env()


def test_engine_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """ducklake needs a catalog; a wrong engine name is refused in Chinese first."""
    settings = _lake_settings(monkeypatch, tmp_path)
    assert settings.is_lake
    assert settings.lake_catalog == CATALOG
    assert settings.lake_data == tmp_path / "home" / "lake"
    monkeypatch.setenv("SQMY_LAKE_DATA", str(tmp_path / "shared"))
    assert Settings.from_env().lake_data == tmp_path / "shared"
    monkeypatch.setenv("SQMY_LAKE_CATALOG", "")
    with pytest.raises(ValueError, match=r"^SQMY_WAREHOUSE=ducklake 需要 SQMY_LAKE_CATALOG"):
        Settings.from_env()
    monkeypatch.setenv("SQMY_WAREHOUSE", "sqlite")
    with pytest.raises(ValueError, match="无效"):
        Settings.from_env()
    monkeypatch.delenv("SQMY_WAREHOUSE")
    assert not Settings.from_env().is_lake


def test_ingest_tasks_leave_the_writer_pool_only_in_lake_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings
) -> None:
    assert ingest_pool(settings, "duckdb_writer") == "duckdb_writer"
    assert ingest_pool(_lake_settings(monkeypatch, tmp_path), "duckdb_writer") == "default_pool"


def test_lake_ddl_has_no_sequence_and_no_keys() -> None:
    """DuckLake refuses both; every raw table is still created."""
    ddl = "\n".join(lake.raw_ddl())
    assert "SEQUENCE" not in ddl and "PRIMARY KEY" not in ddl and "--" not in ddl
    for table in ("ingest_files", "submissions", "issues", "feedback", "quarantine"):
        assert f"CREATE TABLE IF NOT EXISTS raw.{table} " in ddl


def test_as_of_reads_the_last_publish_of_that_day_in_shanghai(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Publishes at 10:00 and 23:30 on 3 May and 00:30 on 4 May (Shanghai time): 3 May reads
    the 23:30 one (snapshot 12), 4 May the 00:30 one (13), 2 May has none."""
    settings = _lake_settings(monkeypatch, tmp_path)
    settings.published_dir.mkdir(parents=True)
    lines = [
        ("2021-05-03T10:00:00+08:00", 11),
        ("2021-05-03T23:30:00+08:00", 12),
        ("2021-05-03T16:30:00+00:00", 13),  # = 4 May 00:30 in Shanghai
    ]
    history.history_file(settings).write_text(
        "".join(
            json.dumps({"published_at": at, "lake_snapshot": snap, "row_counts": {}}) + "\n"
            for at, snap in lines
        ),
        encoding="utf-8",
    )
    assert history.snapshot_as_of(settings, date(2021, 5, 3)) == 12
    assert history.snapshot_as_of(settings, date(2021, 5, 4)) == 13
    assert history.snapshot_as_of(settings, date(2022, 1, 1)) == 13
    with pytest.raises(history.NoSnapshot, match=r"^2021-05-02 及以前没有发布过数据"):
        history.snapshot_as_of(settings, date(2021, 5, 2))


def test_as_of_is_refused_for_the_embedded_warehouse(settings: Settings) -> None:
    with pytest.raises(history.NoSnapshot, match=r"^--as-of 只在数据湖模式"):
        history.snapshot_as_of(settings, date(2021, 5, 3))
