"""``make demo``'s path: the real DAGs under ``dag.test()`` on SQLite, no server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from tests.integration.test_celery_deployment import published_year_totals, truth_year_totals

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]


def test_embedded_run_ingests_transforms_and_publishes(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_embedded drains landing/, both DAG runs succeed and the marts equal the truth."""
    from sqmy_etl.orchestration.embedded import run_embedded
    from sqmy_etl.synth.generate import generate_ledgers
    from sqmy_etl.transform.build import build_manifest

    manifest = build_manifest(settings, tmp_path / "dbt-target")
    monkeypatch.setenv("SQMY_DBT_MANIFEST", str(manifest))
    truth = json.loads(generate_ledgers(2021, tmp_path / "gen", scale=0.05).read_text("utf-8"))
    for source in sorted((tmp_path / "gen" / "ledgers").iterdir()):
        shutil.copy(source, settings.landing / source.name)

    states = run_embedded(settings)

    assert states == {"sqmy_ingest": "success", "sqmy_transform": "success"}
    assert list(settings.landing.iterdir()) == []
    assert not list(settings.home.glob(".airflow-*")), "temporary AIRFLOW_HOME left behind"
    assert published_year_totals(settings.published) == truth_year_totals(truth)
