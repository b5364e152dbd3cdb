"""Every dbt unit test of the project passes — run here once, not in every build.

Production builds (``sqmy transform``, the Airflow producer) leave dbt's unit
tests out, as dbt recommends: they check SQL logic on fixed inputs, so their
answer never depends on the data. dbt still needs the relations to exist to
read their column types, so an empty warehouse is built first.
"""

from __future__ import annotations

import json

import pytest

from sqmy_etl.transform.build import _require_success, invoke_dbt, run_transform
from tests.unit.homes import scratch_home


def test_every_dbt_unit_test_passes(tmp_path_factory: pytest.TempPathFactory) -> None:
    with scratch_home(tmp_path_factory, "dbt_unit_tests", today="2021-06-01") as settings:
        run_transform(settings)  # nothing ingested: every model built, empty
        result = invoke_dbt(settings, ["test", "--select", "test_type:unit"])
        _require_success(result)
        ran = {r.node.unique_id for r in result.result.results}
        manifest = json.loads(
            (settings.home / "dbt" / "target" / "manifest.json").read_text("utf-8")
        )
    declared = set(manifest["unit_tests"])
    assert len(declared) >= 20  # the scoring rules, merge rules, funnel, themes …
    assert ran == declared
