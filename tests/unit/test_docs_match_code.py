"""The docs name only what exists: make targets in the Makefile, Airflow objects made by init.

README.md, the DAGs' doc_md and the messages in src/ tell operators to run
`make <target>` and to edit Variables, Connections and Pools; each name must be
a Makefile target, or something `make airflow-init` really creates.
"""

from __future__ import annotations

import ast
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_dags import EXPECTED_DAGS

ROOT = Path(__file__).resolve().parents[2]
# `make x` / ``make x`` in prose, or a shell line starting with `make x`
MAKE_IN_QUOTES = re.compile(r"`+make ([a-z][\w-]*)")
MAKE_IN_SHELL = re.compile(r"^\s*make ([a-z][\w-]*)", re.MULTILINE)
# a backticked name that an operator would look up in the Airflow UI
AIRFLOW_NAME = re.compile(r"`(sqmy_[a-z_]+|duckdb_writer)`")
NOT_AIRFLOW_OBJECTS = {"sqmy_etl"}  # the Python package


def shell_blocks(markdown: str) -> str:
    """The text of the fenced code blocks of a Markdown document."""
    return "\n".join(re.findall(r"```\w*\n(.*?)```", markdown, re.DOTALL))


def named_targets(text: str, *, markdown: bool) -> set[str]:
    """Every make target a text names (in quotes; in a Markdown file also in shell blocks)."""
    found = set(MAKE_IN_QUOTES.findall(text))
    if markdown:
        found |= set(MAKE_IN_SHELL.findall(shell_blocks(text)))
    return found


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text("utf-8"), re.M))


def dag_docs() -> dict[str, str]:
    """Each DAG file's module docstring: what the UI shows as doc_md."""
    return {
        path.name: ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
        for path in sorted((ROOT / "dags").glob("*.py"))
    }


def docs_naming_make() -> dict[str, set[str]]:
    """Make targets named per document: README, each DAG doc, each source file."""
    named = {"README.md": named_targets((ROOT / "README.md").read_text("utf-8"), markdown=True)}
    for name, doc in dag_docs().items():
        named[f"dags/{name}"] = named_targets(doc, markdown=False)
    for path in sorted((ROOT / "src").rglob("*.py")):
        named[str(path.relative_to(ROOT))] = named_targets(path.read_text("utf-8"), markdown=False)
    return named


def test_every_make_target_the_docs_name_exists() -> None:
    """README, doc_md and source messages name only targets the Makefile has."""
    targets = makefile_targets()
    missing = {doc: sorted(t - targets) for doc, t in docs_naming_make().items() if t - targets}
    assert missing == {}
    assert {"demo", "test", "manifest", "airflow-init"} <= named_targets(
        (ROOT / "README.md").read_text("utf-8"), markdown=True
    )


def test_the_make_check_sees_a_target_that_does_not_exist() -> None:
    """A message naming ``make dbt-manifest`` (no such target) is caught, quoted or in shell."""
    assert named_targets("build it with `make dbt-manifest`", markdown=False) == {"dbt-manifest"}
    assert named_targets("```bash\nmake dbt-manifest\n```", markdown=True) == {"dbt-manifest"}
    assert "dbt-manifest" not in makefile_targets()
    assert named_targets("we make the best of it", markdown=True) == set()


@pytest.fixture(scope="module")
def created_by_init(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Pools, connections and Variables after `airflow db migrate` + the init module, on SQLite."""
    home = tmp_path_factory.mktemp("airflow-init")
    db = home / "airflow.db"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{db}",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    init = [sys.executable, "-m", "sqmy_etl.orchestration.init"]
    for args in (["airflow", "db", "migrate"], init):
        subprocess.run(args, env=env, capture_output=True, timeout=300, check=True)
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT pool FROM slot_pool UNION ALL SELECT conn_id FROM connection "
            "UNION ALL SELECT key FROM variable"
        ).fetchall()
    return {name for (name,) in rows}


def airflow_names(text: str) -> set[str]:
    """Backticked Airflow object names in a text, less DAG ids and the package name."""
    return set(AIRFLOW_NAME.findall(text)) - EXPECTED_DAGS - NOT_AIRFLOW_OBJECTS


def test_every_variable_connection_and_pool_the_docs_name_is_created_by_init(
    created_by_init: set[str],
) -> None:
    """README and doc_md name only Variables / Connections / Pools that airflow-init creates."""
    docs = {"README.md": (ROOT / "README.md").read_text("utf-8"), **dag_docs()}
    missing = {doc: sorted(airflow_names(text) - created_by_init) for doc, text in docs.items()}
    assert {doc: names for doc, names in missing.items() if names} == {}
    named = set().union(*(airflow_names(text) for text in docs.values()))
    assert {"sqmy_alert_recipients", "sqmy_clerk_recipients", "sqmy_smtp", "duckdb_writer"} <= named


def test_the_name_check_sees_a_variable_init_does_not_create(created_by_init: set[str]) -> None:
    """The old name `sqmy_alert_to` would be reported; DAG ids and the package are not."""
    text = "recipients in `sqmy_alert_to`; see `sqmy_ingest` and `sqmy_etl`"
    assert airflow_names(text) - created_by_init == {"sqmy_alert_to"}
