"""The project's own generic dbt tests (dbt/tests/generic) fail where they must.

dbt's unit tests check models, not generic tests, so each generic test runs
here, as written in the project, on a scratch dbt project of a few tiny DuckDB
views whose right answer is known: one with a repeated key, one with a missing
key, one clean. The project's ``get_where_subquery`` runs here too: a test with
``where: __loaded_after_last_build__`` reads every row on a full build and
only the rows loaded after the mark on an incremental one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqmy_etl.config import PROJECT_ROOT

GENERIC_TESTS = PROJECT_ROOT / "dbt" / "tests" / "generic"
MACROS = PROJECT_ROOT / "dbt" / "macros"

VIEWS = {
    "keys_repeated": "select * from (values (1, 'a'), (1, 'b'), (2, 'c')) as t (id, label)",
    "keys_missing": "select * from (values (1, 'a'), (null, 'b'), (2, 'c')) as t (id, label)",
    "keys_clean": "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) as t (id, label)",
    # key 1 repeated by two rows loaded at ingest_seq 1; keys 2 and 3 loaded at 3
    "old_rows_repeat": (
        "select * from (values (1, 1), (1, 1), (2, 3), (3, 3)) as t (id, ingest_seq)"
    ),
    # key 2 repeated by two rows loaded at ingest_seq 3
    "new_rows_repeat": "select * from (values (1, 1), (2, 3), (2, 3)) as t (id, ingest_seq)",
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
  - name: old_rows_repeat
    columns:
      - name: id
        data_tests:
          - primary_key:
              config: {where: __loaded_after_last_build__}
  - name: new_rows_repeat
    columns:
      - name: id
        data_tests:
          - primary_key:
              config: {where: __loaded_after_last_build__}
"""


def _scratch_project(root: Path) -> Path:
    """A dbt project named like ours (so the test is ``sqmy.test_primary_key``) on its own
    DuckDB file, with the project's generic test copied in unchanged."""
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    (project / "macros").mkdir()
    shutil.copy(GENERIC_TESTS / "primary_key.sql", project / "tests" / "generic")
    for macro in ("get_where_subquery.sql", "incremental.sql"):
        shutil.copy(MACROS / macro, project / "macros")
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


def _build(root: Path, project: Path, since: str) -> dict[str, tuple[str, int]]:
    """``dbt build`` of the scratch project with ``SQMY_SINCE_INGEST_SEQ=since`` ('' is a
    full build): each test's (status, number of failing rows)."""
    from dbt.cli.main import dbtRunner

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SQMY_SINCE_INGEST_SEQ", since)
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


@pytest.fixture(scope="module")
def scratch_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("generic_tests")
    return root, _scratch_project(root)


@pytest.fixture(scope="module")
def primary_key_results(scratch_project: tuple[Path, Path]) -> dict[str, tuple[str, int]]:
    """A full build of the scratch project."""
    return _build(*scratch_project, since="")


@pytest.fixture(scope="module")
def after_mark_results(scratch_project: tuple[Path, Path]) -> dict[str, tuple[str, int]]:
    """An incremental build whose last build's mark is ingest_seq 2."""
    return _build(*scratch_project, since="2")


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


def test_a_full_build_tests_every_row_loaded(primary_key_results):
    """No mark: the placeholder filters nothing, so key 1 of the old rows is repeated."""
    assert primary_key_results["primary_key_old_rows_repeat_id"] == ("fail", 1)
    assert primary_key_results["primary_key_new_rows_repeat_id"] == ("fail", 1)


def test_an_incremental_build_tests_the_rows_loaded_after_the_mark(after_mark_results):
    """Mark 2: the repeat at ingest_seq 1 passed an earlier build and is not read again; the
    repeat at ingest_seq 3 is new and fails. Tests without the placeholder read every row."""
    assert after_mark_results["primary_key_old_rows_repeat_id"] == ("pass", 0)
    assert after_mark_results["primary_key_new_rows_repeat_id"] == ("fail", 1)
    assert after_mark_results["primary_key_keys_repeated_id"] == ("fail", 1)
    assert after_mark_results["primary_key_keys_repeated_id_where_label_not_b"] == ("pass", 0)
