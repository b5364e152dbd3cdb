"""Fixtures shared by the unit tests that build Airflow DAGs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sqmy_etl.config import Settings


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Isolated AIRFLOW_HOME / SQMY_HOME and a dbt manifest built from the project's dbt/."""
    from sqmy_etl.transform.build import build_manifest

    base = tmp_path_factory.mktemp("airflow-env")
    env = {
        "AIRFLOW_HOME": str(base / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__CACHE_DIR": str(base / "cosmos"),
        "SQMY_HOME": str(base / "home"),
        "SQMY_DBT_MANIFEST": str(base / "dbt-target" / "manifest.json"),
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        build_manifest(Settings.from_env(), base / "dbt-target")
        yield env
