"""What keeps parsing the DAG files cheap, checked without timing anything.

The timings live in ``make bench`` (``bench/run.py``, "parse dags/<file>" rows,
the budget being 0.3 s per file). Here: the Cosmos group reads its manifest as
a plain local file, so parsing ``sqmy_transform`` does not itself load Airflow's
plugins (Cosmos' own imports FastAPI: ~0.3 s wherever they are not loaded yet,
e.g. a DagBag in tests), in both Cosmos modes; and the bench's parse harness
reports every DAG file and fails loudly when one breaks.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.orchestration.defaults import WRITER_POOL

ROOT = Path(__file__).resolve().parents[2]
TRANSFORM_DAG = ROOT / "dags" / "sqmy_transform.py"


def _run_python(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# A fresh process, no plugin loaded: Airflow's pre-imports for the file, then the
# dag-processor child's own _parse_file (run the file, bag and serialize its DAGs);
# then, whether that loaded any plugin on the way.
_PARSE_PROBE = r"""
import json, sys
from pathlib import Path
import structlog
from airflow.dag_processing.processor import (
    DagFileParseRequest, _parse_file, _pre_import_airflow_modules,
)
path = Path(sys.argv[1])
log = structlog.get_logger()
_pre_import_airflow_modules(str(path), log)
result = _parse_file(
    DagFileParseRequest(
        file=str(path), bundle_path=path.parent, bundle_name="probe", callback_requests=[]
    ),
    log,
)
import airflow.plugins_manager, airflow.sdk.plugins_manager
print(json.dumps({
    "import_errors": {str(k): str(v) for k, v in result.import_errors.items()},
    "dags": len(result.serialized_dags),
    "plugins_loaded": airflow.sdk.plugins_manager._get_plugins.cache_info().currsize
    + airflow.plugins_manager._get_plugins.cache_info().currsize,
    "fastapi": "fastapi" in sys.modules,
}))
"""


@pytest.mark.parametrize("mode", ["watcher", "local"])
def test_parsing_the_transform_dag_loads_no_airflow_plugin(
    mode: str, airflow_env: dict[str, str]
) -> None:
    """Parsing sqmy_transform as Airflow does loads no Airflow plugin (nor FastAPI) by itself."""
    out = _run_python(
        _PARSE_PROBE, str(TRANSFORM_DAG), env={**airflow_env, "SQMY_COSMOS_MODE": mode}
    )
    assert out.returncode == 0, out.stderr[-3000:]
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["import_errors"] == {}
    assert probe["dags"] == 1
    assert probe["plugins_loaded"] == 0, "loading the plugins costs a cold parse ~0.3 s"
    assert probe["fastapi"] is False


def _render(mode: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    from airflow.sdk import DAG

    from sqmy_etl.orchestration.dbt_group import dbt_task_group

    monkeypatch.setenv("SQMY_COSMOS_MODE", mode)
    with DAG(f"probe_{mode}", schedule=None):
        return dbt_task_group(Settings.from_env())


@pytest.mark.parametrize("mode", ["watcher", "local"])
def test_cosmos_reads_the_manifest_as_a_local_path(
    mode: str, airflow_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cosmos gets a pathlib.Path, not an ObjectStoragePath; every dbt task gets the same file."""
    manifest = Path(airflow_env["SQMY_DBT_MANIFEST"])
    group = _render(mode, monkeypatch)
    assert type(group.dbt_graph.project.manifest_path) is type(manifest)
    assert group.dbt_graph.project.manifest_path == manifest
    dbt_tasks = [t for t in group if hasattr(t, "manifest_filepath")]
    assert dbt_tasks
    assert {str(t.manifest_filepath) for t in dbt_tasks} == {str(manifest)}


def test_local_mode_runs_each_dbt_task_in_the_writer_pool(
    airflow_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQMY_COSMOS_MODE=local still renders: one pooled dbt call per task, no watcher tasks."""
    local = _render("local", monkeypatch)
    runners = [t for t in local if type(t).__name__.endswith("LocalOperator")]
    assert runners and {t.pool for t in runners} == {WRITER_POOL}
    assert not [t for t in local if hasattr(t, "producer_task_id")]


def _bench_parse_script() -> str:
    spec = importlib.util.spec_from_file_location("sqmy_bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module.DAG_PARSE_SCRIPT


def test_bench_parse_harness_reports_each_file_and_fails_on_a_broken_one(
    tmp_path: Path, airflow_env: dict[str, str]
) -> None:
    """The bench's parse harness gives one [file, seconds] per DAG file; a broken file fails it."""
    script = _bench_parse_script()
    (tmp_path / "a_dag.py").write_text(
        "from airflow.sdk import DAG\nDAG('a', schedule=None)\n", encoding="utf-8"
    )
    (tmp_path / "b_dag.py").write_text("import sys\n", encoding="utf-8")
    out = _run_python(script, str(tmp_path), env=airflow_env)
    assert out.returncode == 0, out.stderr[-3000:]
    times = json.loads(out.stdout.strip().splitlines()[-1])
    assert [name for name, _ in times] == ["a_dag.py", "b_dag.py"]
    assert all(seconds >= 0 for _, seconds in times)

    (tmp_path / "c_dag.py").write_text("raise RuntimeError('broken dag')\n", encoding="utf-8")
    out = _run_python(script, str(tmp_path), env=airflow_env)
    assert out.returncode != 0
    assert "broken dag" in out.stderr
