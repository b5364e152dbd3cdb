"""The project's own generic dbt tests (dbt/tests/generic) fail where they must.

dbt's unit tests check models, not generic tests, so each generic test runs
here, as written in the project, on a scratch dbt project of a few tiny DuckDB
views whose right answer is known: one with a repeated key, one with a missing
key, one clean.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqmy_etl.config import PROJECT_ROOT

GENERIC_TESTS = PROJECT_ROOT / "dbt" / "tests" / "generic"

VIEWS = {
    "keys_repeated": "select * from (values (1, 'a'), (1, 'b'), (2, 'c')) as t (id, label)",
    "keys_missing": "select * from (values (1, 'a'), (null, 'b'), (2, 'c')) as t (id, label)",
    "keys_clean": "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) as t (id, label)",
}
PROPERTIES = """\
version: 2
models:
  - name: keys_repeated
    columns:
      - name: id
        data_tests:
          - primary_key
          - primary_key:
              name: primary_key_keys_repeated_id_where_label_not_b
              config: {where: "label <> 'b'"}
  - name: keys_missing
    columns:
      - name: id
        data_tests: [primary_key]
  - name: keys_clean
    columns:
      - name: id
        data_tests: [primary_key]
"""


def _scratch_project(root: Path) -> Path:
    """A dbt project named like ours (so the test is ``sqmy.test_primary_key``) on its own
    DuckDB file, with the project's generic test copied in unchanged."""
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    shutil.copy(GENERIC_TESTS / "primary_key.sql", project / "tests" / "generic")
    for name, sql in VIEWS.items():
        (project / "models" / f"{name}.sql").write_text(sql + "\n", "utf-8")
    (project / "models" / "_models.yml").write_text(PROPERTIES, "utf-8")
    (project / "dbt_project.yml").write_text(
        "name: sqmy\nversion: '1.0.0'\nprofile: generic_tests\n"
        "models:\n  sqmy:\n    +materialized: view\n",
        "utf-8",
    )
    (project / "profiles.yml").write_text(
        "generic_tests:\n  target: dev\n  outputs:\n    dev:\n"
        f"      type: duckdb\n      path: '{root / 'scratch.duckdb'}'\n      threads: 1\n",
        "utf-8",
    )
    return project


@pytest.fixture(scope="module")
def primary_key_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    """``dbt build`` of the scratch project: each test's (status, number of failing rows)."""
    from dbt.cli.main import dbtRunner

    root = tmp_path_factory.mktemp("generic_tests")
    project = _scratch_project(root)
    result = dbtRunner().invoke(
        [
            "build",
            "--project-dir", str(project),
            "--profiles-dir", str(project),
            "--target-path", str(root / "target"),
            "--log-path", str(root / "logs"),
            "--log-level", "none",
            "--no-partial-parse",
            "--no-send-anonymous-usage-stats",
        ]
    )  # fmt: skip
    assert result.exception is None, result.exception
    return {
        r.node.name: (str(r.status), r.failures)
        for r in result.result.results
        if r.node.resource_type == "test"
    }


def test_primary_key_fails_on_a_repeated_key(primary_key_results):
    """Key 1 on two rows: one failing row (the key, with its two rows)."""
    assert primary_key_results["primary_key_keys_repeated_id"] == ("fail", 1)


def test_primary_key_fails_on_a_missing_key(primary_key_results):
    """One row without a key (a single one, so not caught as a repeat of NULL): one failing
    row."""
    assert primary_key_results["primary_key_keys_missing_id"] == ("fail", 1)


def test_primary_key_passes_on_clean_keys(primary_key_results):
    """Keys 1, 2, 3 once each."""
    assert primary_key_results["primary_key_keys_clean_id"] == ("pass", 0)


def test_primary_key_honours_where(primary_key_results):
    """dbt's ``where`` config filters the rows the test reads: without row 'b', key 1 is
    no longer repeated."""
    assert primary_key_results["primary_key_keys_repeated_id_where_label_not_b"] == ("pass", 0)
