"""DAG integrity: the policy every sqmy DAG follows, written as tests (telemetry-airflow style).

Each policy check is a function that returns the violations of one DAG, run
on the real DagBag and on a deliberately bad DAG, so a check that could
never fail is caught here too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.orchestration.defaults import ALLOWED_TAGS, RAW_ASSET_URI, WRITER_POOL
from sqmy_etl.transform.build import PRODUCTION_BUILD

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "dags"
DAG_FILES = sorted(DAGS.glob("*.py"))
EXPECTED_DAGS = {
    "sqmy_ingest",
    "sqmy_transform",
    "sqmy_maintenance",
    "sqmy_report_monthly",
    "sqmy_report_quarterly",
    "sqmy_report_annual",
}
HEAVY = ("pandas", "great_expectations", "dbt", "duckdb", "matplotlib", "weasyprint")
# Generous (2-core CI shared with other jobs): the DAG file alone, after Airflow is
# imported, which is what the dag-processor pays per parse.
PARSE_BOUND_S = 10.0


@pytest.fixture(scope="session")
def dagbag(airflow_env: dict[str, str]) -> Any:
    """The project's DAG folder parsed once, as the dag-processor would."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


# --- the policy, one check per rule ------------------------------------------------


def policy_violations(dag: Any) -> list[str]:
    """Everything one DAG does wrong against the project's DAG policy."""
    problems: list[str] = []
    if not dag.tags or not set(dag.tags) <= ALLOWED_TAGS:
        problems.append(f"tags {sorted(dag.tags)} not a non-empty subset of {sorted(ALLOWED_TAGS)}")
    if not (dag.doc_md or "").strip():
        problems.append("no doc_md")
    for task in dag.tasks:
        if task.owner in (None, "", "airflow"):
            problems.append(f"{task.task_id}: owner {task.owner!r}")
        if not task.on_failure_callback:
            problems.append(f"{task.task_id}: no on_failure_callback")
        if task.retries < 1 and not _retries_elsewhere(task):
            problems.append(f"{task.task_id}: retries {task.retries}")
        if task.retries >= 1 and not task.retry_exponential_backoff:
            problems.append(f"{task.task_id}: retries without exponential backoff")
    return problems


def _retries_elsewhere(task: Any) -> bool:
    """Tasks without Airflow retries by design: the WATCHER producer repeats ``dbt build``
    inside its try (Cosmos skips a producer's Airflow retries), and its per-node status
    tasks only read the producer's results."""
    from sqmy_etl.orchestration.dbt_group import RetryingDbtProducer

    if isinstance(task, RetryingDbtProducer):
        return True
    upstream = {t.task_id for t in task.get_flat_relatives(upstream=True)}
    return hasattr(task, "producer_task_id") and "dbt.dbt_producer_watcher" in upstream


def test_policy_checks_catch_a_bad_dag() -> None:
    """A DAG with no tags, doc, owner, callback or retries is reported on every rule."""
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG

    with DAG("bad", schedule=None, tags=["not-allowed"]) as bad:
        EmptyOperator(task_id="t", retries=0)
    problems = "\n".join(policy_violations(bad))
    for needle in ("tags", "no doc_md", "owner", "no on_failure_callback", "retries 0"):
        assert needle in problems


def test_dagbag_has_no_import_errors(dagbag: Any) -> None:
    """Every DAG file imports cleanly and declares exactly the expected DAGs."""
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == EXPECTED_DAGS


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_DAGS))
def test_dag_follows_policy(dagbag: Any, dag_id: str) -> None:
    """Owner, allowed tags, doc, retries with backoff and failure alerting on every task."""
    assert policy_violations(dagbag.dags[dag_id]) == []


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_DAGS - {"sqmy_report_monthly"}))
def test_writing_dags_run_one_at_a_time(dagbag: Any, dag_id: str) -> None:
    """Every DAG (all touch the warehouse or mail) allows one active run."""
    assert dagbag.dags[dag_id].max_active_runs == 1


def test_warehouse_writers_take_the_writer_pool(dagbag: Any) -> None:
    """Ingest, dbt and publish tasks run in the one-slot duckdb_writer pool; listing does not."""
    ingest = dagbag.dags["sqmy_ingest"]
    assert ingest.get_task("ingest_file").pool == WRITER_POOL
    assert ingest.get_task("list_landing").pool != WRITER_POOL
    transform = dagbag.dags["sqmy_transform"]
    assert transform.get_task("publish").pool == WRITER_POOL
    from cosmos.operators.watcher import DbtProducerWatcherOperator

    dbt_runners = [t for t in transform.tasks if isinstance(t, DbtProducerWatcherOperator)]
    dbt_runners += [t for t in transform.tasks if type(t).__name__.endswith("LocalOperator")]
    assert dbt_runners and {t.pool for t in dbt_runners} == {WRITER_POOL}
    maintenance = dagbag.dags["sqmy_maintenance"]
    pools = {t.task_id: t.pool for t in maintenance.tasks}
    # pruning old dbt logs touches files only, not the warehouse
    assert pools.pop("dbt_log_retention") != WRITER_POOL
    assert set(pools.values()) == {WRITER_POOL}


def test_ingest_announces_raw_only_through_the_final_task(dagbag: Any) -> None:
    """Only announce_raw carries the raw asset, after every file task, even failed ones."""
    ingest = dagbag.dags["sqmy_ingest"]
    with_outlets = {t.task_id: [a.uri for a in t.outlets] for t in ingest.tasks if t.outlets}
    assert with_outlets == {"announce_raw": [RAW_ASSET_URI]}
    announce = ingest.get_task("announce_raw")
    assert announce.trigger_rule == "all_done"
    assert "ingest_file" in announce.upstream_task_ids
    assert ingest.get_task("summarise").trigger_rule == "all_success"


def test_rejections_are_reported_after_every_file_task(dagbag: Any) -> None:
    """notify_rejections reads every file's result, even after a failed file, outside the pool."""
    ingest = dagbag.dags["sqmy_ingest"]
    notify = ingest.get_task("notify_rejections")
    assert notify.trigger_rule == "all_done"
    assert notify.upstream_task_ids == {"ingest_file"}
    assert notify.pool != WRITER_POOL
    assert notify.downstream_task_ids == set()  # a leaf: when it fails, the run is red


@pytest.mark.parametrize("kind", ["monthly", "quarterly", "annual"])
def test_report_dags_start_paused_without_catchup(dagbag: Any, kind: str) -> None:
    """Report DAGs are paused at creation whatever the deployment says, and never catch up."""
    report = dagbag.dags[f"sqmy_report_{kind}"]
    assert report.is_paused_upon_creation is True
    assert report.catchup is False
    assert report.get_task("mail").upstream_task_ids == {"build"}


@pytest.mark.parametrize(("kind", "further"), [("quarterly", "tongbao"), ("annual", "evaluation")])
def test_report_dags_send_the_tongbao_and_the_evaluation(
    dagbag: Any, kind: str, further: str
) -> None:
    """The quarter's DAG also mails the 通报, the year's the 年度考核, each after its build."""
    report = dagbag.dags[f"sqmy_report_{kind}"]
    assert report.get_task(f"build_{further}").upstream_task_ids == {"choose_period"}
    assert report.get_task(f"mail_{further}").upstream_task_ids == {f"build_{further}"}


def test_transform_runs_on_the_raw_asset(dagbag: Any) -> None:
    """sqmy_transform is scheduled by the asset sqmy_ingest emits."""
    transform = dagbag.dags["sqmy_transform"]
    assert [a.uri for a in transform.timetable.asset_condition.objects] == [RAW_ASSET_URI]


def _expected_dbt_tasks(manifest: dict[str, Any]) -> set[str]:
    """Task ids Cosmos must render: one per seed/snapshot/model, plus one for the tests on it.

    A test on several nodes (relationships, a singular test over two marts)
    counts for each of them, so a failing one fails every node it checks.
    """
    nodes = manifest["nodes"]
    runnable = {
        uid: n for uid, n in nodes.items() if n["resource_type"] in ("model", "seed", "snapshot")
    }
    tested = {
        parent
        for node in nodes.values()
        if node["resource_type"] == "test"
        for parent in node["depends_on"]["nodes"]
        if parent in runnable
    }
    verb = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
    expected: set[str] = set()
    for uid, node in runnable.items():
        name, kind = node["name"], verb[node["resource_type"]]
        if uid in tested:
            expected |= {f"dbt.{name}.{kind}", f"dbt.{name}.test"}
        else:
            expected.add(f"dbt.{name}_{kind}")
    return expected


def test_transform_has_a_task_per_dbt_node_and_its_tests(
    dagbag: Any, airflow_env: dict[str, str]
) -> None:
    """Every model, seed and snapshot of the manifest has a task, plus one for its tests."""
    manifest = json.loads(Path(airflow_env["SQMY_DBT_MANIFEST"]).read_text("utf-8"))
    expected = _expected_dbt_tasks(manifest)
    assert any(t.endswith(".run") or t.endswith("_run") for t in expected)
    transform = dagbag.dags["sqmy_transform"]
    rendered = {t for t in transform.task_ids if t.startswith("dbt.")}
    rendered -= {"dbt.dbt_producer_watcher", "dbt.dbt_producer_watcher_done"}
    assert rendered == expected


def test_publish_waits_for_the_whole_dbt_build_and_the_status_tasks_wait_for_it(
    dagbag: Any,
) -> None:
    """publish runs when the producer's unfiltered ``dbt build`` succeeded, before the reports.

    The status tasks only report; they come after publish whatever its state
    (issue 17: beside it they held every slot and delayed the marts).
    """
    transform = dagbag.dags["sqmy_transform"]
    publish = transform.get_task("publish")
    producer = transform.get_task("dbt.dbt_producer_watcher")
    assert publish.trigger_rule == "all_success"
    assert producer.task_id in publish.upstream_task_ids
    assert not {t for t in publish.upstream_task_ids if t.startswith("dbt.")} - {producer.task_id}
    # the build is every node: nothing selected away from the producer's dbt build
    assert not (producer.select or producer.exclude or producer.selector)
    assert ["build", *producer.dbt_cmd_flags] == PRODUCTION_BUILD  # what `sqmy transform` builds
    status = [t for t in transform.tasks if hasattr(t, "producer_task_id")]
    assert len(status) > 50
    downstream = {t.task_id for t in publish.get_flat_relatives(upstream=False)}
    assert {t.task_id for t in status} <= downstream
    roots = [t for t in status if "publish" in t.upstream_task_ids]
    assert roots and {t.trigger_rule for t in roots} == {"all_done"}


# --- parse cost, measured in fresh interpreters -------------------------------------

_PROBE = r"""
import importlib.util, json, sys, time
t0 = time.perf_counter()
import airflow.sdk
t1 = time.perf_counter()
spec = importlib.util.spec_from_file_location("probe_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
t2 = time.perf_counter()
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2].split(",")))
print(json.dumps({"airflow_s": t1 - t0, "dag_file_s": t2 - t1, "heavy": heavy}))
"""


def probe_dag_file(path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Import one DAG file in a fresh interpreter: its own parse time and heavy modules loaded."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path), ",".join(HEAVY)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_heavy_import_probe_detects_a_heavy_dag_file(
    tmp_path: Path, airflow_env: dict[str, str]
) -> None:
    """The probe reports a DAG file that imports duckdb at module level."""
    bad = tmp_path / "heavy_dag.py"
    bad.write_text("import duckdb\n", encoding="utf-8")
    assert probe_dag_file(bad, airflow_env)["heavy"] == ["duckdb"]


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_parses_fast_without_heavy_imports(
    dag_file: Path, airflow_env: dict[str, str]
) -> None:
    """Importing a DAG file loads no pandas/GX/dbt/duckdb/matplotlib/weasyprint and is quick."""
    probe = probe_dag_file(dag_file, airflow_env)
    print(f"{dag_file.name}: airflow {probe['airflow_s']:.2f}s, file {probe['dag_file_s']:.2f}s")
    assert probe["heavy"] == []
    assert probe["dag_file_s"] < PARSE_BOUND_S
