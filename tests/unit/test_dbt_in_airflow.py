"""dbt in Airflow: what a failed build keeps, when it is retried, and the one alert it sends.

The dbt target folder here is laid out as dbt 1.10 writes it inside Cosmos'
temp project (``run_results.json`` v6, a manifest whose ``compiled_path`` is
relative to the project); the mails go to a real aiosmtpd server.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.orchestration.alerting import alert_dbt_failure, log_dbt_node_failure
from sqmy_etl.orchestration.dbt_failures import (
    AttemptRecord,
    NodeFailure,
    collect_failures,
    is_transient,
    latest_attempt,
    prune_run_folders,
    run_folder,
    write_record,
)
from tests.unit.test_alerting import Inbox, inbox  # noqa: F401  (the aiosmtpd fixture)

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "test.sqmy.assert_planted_failure"
LOCK_ERROR = (
    "dbt invocation did not complete with unhandled error: IO Error: Could not set lock on "
    'file "/srv/sqmy/warehouse/sqmy.duckdb": Conflicting lock is held in '
    "/usr/bin/python3.11 (PID 7674). See also https://duckdb.org/docs/current/connect/concurrency"
)
RUN_ID = "asset_triggered__2021-07-01T00:00:00+00:00"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.fixture
def finished_project(tmp_path: Path) -> Path:
    """A dbt project after a build: one test failed, one model errored, one test skipped."""
    project = tmp_path / "cosmos-tmp"
    results = [
        {"unique_id": "model.sqmy.dim_region", "status": "success", "message": "OK"},
        {
            "unique_id": PLANTED,
            "status": "fail",
            "message": "Got 1 result, configured to fail if != 0",
        },
        {
            "unique_id": "model.sqmy.mart_unit_summary",
            "status": "error",
            "message": "Runtime Error in model mart_unit_summary\n"
            "  Conversion Error: Could not convert string '王芳13912342222' to INT32",
        },
        {
            "unique_id": "test.sqmy.not_null_mart_unit_summary_unit.1a2b3c",
            "status": "skipped",
            "message": None,
        },
    ]
    _write(project / "target" / "run_results.json", json.dumps({"results": results}))
    nodes = {
        PLANTED: {
            "unique_id": PLANTED,
            "compiled_path": "target/compiled/sqmy/tests/assert_planted_failure.sql",
        },
        "model.sqmy.mart_unit_summary": {
            "unique_id": "model.sqmy.mart_unit_summary",
            "compiled_path": "target/compiled/sqmy/models/marts/mart_unit_summary.sql",
        },
    }
    _write(project / "target" / "manifest.json", json.dumps({"nodes": nodes}))
    _write(project / "target/compiled/sqmy/tests/assert_planted_failure.sql", "select 1 as planted")
    _write(
        project / "target/run/sqmy/tests/assert_planted_failure.sql",
        "select count(*) as failures from (select 1 as planted) dbt_internal_test",
    )
    _write(
        project / "target/compiled/sqmy/models/marts/mart_unit_summary.sql",
        "select cast(unit as integer) from x",
    )
    _write(project / "logs" / "dbt.log", "12:00:00  Failure in test assert_planted_failure\n")
    return project


def test_failed_nodes_are_kept_with_their_sql_and_skipped_ones_are_not(
    finished_project: Path, tmp_path: Path
) -> None:
    """Two failed nodes of four; the skipped test is a consequence, not listed; phones masked."""
    dest = tmp_path / "kept"
    failures = collect_failures(finished_project, dest)

    assert [(f.unique_id, f.resource_type, f.status) for f in failures] == [
        (PLANTED, "test", "fail"),
        ("model.sqmy.mart_unit_summary", "model", "error"),
    ]
    assert failures[1].message == (
        "Runtime Error in model mart_unit_summary\n"
        "  Conversion Error: Could not convert string '王芳139****2222' to INT32"
    )
    assert [Path(s).name for s in failures[0].sql_files] == [
        f"{PLANTED}.compiled.sql",
        f"{PLANTED}.run.sql",
    ]
    assert Path(failures[0].sql_files[0]).read_text("utf-8") == "select 1 as planted"
    assert [Path(s).name for s in failures[1].sql_files] == [
        "model.sqmy.mart_unit_summary.compiled.sql"
    ]
    assert sorted(p.name for p in dest.iterdir()) == [
        "dbt.log",
        "model.sqmy.mart_unit_summary.compiled.sql",
        "run_results.json",
        f"{PLANTED}.compiled.sql",
        f"{PLANTED}.run.sql",
    ]


def test_a_run_without_results_keeps_the_log_and_lists_no_node(tmp_path: Path) -> None:
    """dbt that never got to run a node (warehouse locked) leaves only its log."""
    project = tmp_path / "cosmos-tmp"
    _write(project / "logs" / "dbt.log", "IO Error: Could not set lock on file\n")
    assert collect_failures(project, tmp_path / "kept") == ()
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["dbt.log"]


def _node(status: str, message: str) -> NodeFailure:
    return NodeFailure("model.sqmy.dim_region", "model", status, message)


@pytest.mark.parametrize(
    ("error", "failures", "expected"),
    [
        (LOCK_ERROR, (), True),
        ("warehouse busy: another sqmy process held /srv/x.duckdb for more than 600s", (), True),
        ("dbt invocation completed with errors", (_node("error", LOCK_ERROR),), True),
        ("dbt invocation completed with errors", (_node("fail", "Got 1 result"),), False),
        (
            "dbt invocation completed with errors",
            (_node("error", LOCK_ERROR), _node("fail", "IO Error in test")),
            False,
        ),
        (
            "dbt invocation completed with errors",
            (_node("error", LOCK_ERROR), _node("error", "Binder Error: column x not found")),
            False,
        ),
        ("Parsing Error: dbt_project.yml is invalid", (), False),
    ],
)
def test_only_a_busy_warehouse_is_transient(
    error: str, failures: tuple[NodeFailure, ...], expected: bool
) -> None:
    """A lock or I/O error alone is retried; a failing test or a broken model never."""
    assert is_transient(error, failures) is expected


def _home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.setenv("SQMY_HOME", str(tmp_path / "home"))
    return Settings.from_env()


def test_old_failed_run_folders_are_pruned_by_their_newest_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kept 100 and 10 days ago, and one old run re-tried 2 days ago; 90 days' retention."""
    import os
    from datetime import UTC, datetime, timedelta

    settings = _home(monkeypatch, tmp_path)
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)

    def kept(run_id: str, *ages_days: int) -> Path:
        for attempt, age in enumerate(ages_days, start=1):
            path = run_folder(settings, run_id) / f"attempt-{attempt}" / "failures.json"
            _write(path, "{}")
            stamp = (now - timedelta(days=age)).timestamp()
            os.utime(path, (stamp, stamp))
        return run_folder(settings, run_id)

    old = kept("scheduled__2026-08-01", 100)
    recent = kept("scheduled__2026-11-25", 10)
    retried = kept("scheduled__2026-07-01", 150, 2)
    assert prune_run_folders(settings, now - timedelta(days=90)) == 1
    assert not old.exists()
    assert recent.is_dir() and retried.is_dir()
    assert (retried / "attempt-1" / "failures.json").is_file()


def _producer_context() -> dict[str, Any]:
    ti = SimpleNamespace(
        dag_id="sqmy_transform", task_id="dbt.dbt_producer_watcher", map_index=-1, try_number=1
    )
    return {"ti": ti, "run_id": RUN_ID, "exception": RuntimeError("dbt invocation failed")}


def _record_attempts(settings: Settings, finished_project: Path) -> Path:
    """Attempt 1: the warehouse was locked; attempt 2: a test failed and a model errored."""
    folder = run_folder(settings, RUN_ID)
    write_record(AttemptRecord(1, LOCK_ERROR, True, (), str(folder / "attempt-1")))
    second = folder / "attempt-2"
    failures = collect_failures(finished_project, second)
    write_record(
        AttemptRecord(2, "dbt invocation completed with errors", False, failures, str(second))
    )
    return second


def test_the_last_attempt_is_the_one_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, finished_project: Path
) -> None:
    """Attempts are ordered by number (10 after 9), and the run id becomes one folder name."""
    settings = _home(monkeypatch, tmp_path)
    _record_attempts(settings, finished_project)
    folder = run_folder(settings, RUN_ID)
    assert folder.name == "asset_triggered__2021-07-01T00_00_00_00_00"
    for n in (9, 10):
        write_record(AttemptRecord(n, f"attempt {n}", True, (), str(folder / f"attempt-{n}")))
    record = latest_attempt(settings, RUN_ID)
    assert record is not None
    assert (record.attempt, record.error) == (10, "attempt 10")


def test_one_mail_names_every_failed_node_and_attaches_the_test_sql(
    inbox: Inbox,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    finished_project: Path,
) -> None:
    """The producer's alert: both failed nodes, dbt's messages, the test's compiled SQL."""
    settings = _home(monkeypatch, tmp_path)
    second = _record_attempts(settings, finished_project)

    alert_dbt_failure(_producer_context())

    assert len(inbox.messages) == 1
    rcpts, message = inbox.messages[0]
    assert sorted(rcpts) == ["lead@example.cn", "oncall@example.cn"]
    assert message["Subject"] == (
        "[sqmy 告警] dbt 构建失败（2 个节点失败）：sqmy_transform.dbt.dbt_producer_watcher"
    )
    body = message.get_body(("html",)).get_content()
    for needle in (
        PLANTED,
        "Got 1 result, configured to fail if != 0",
        "model.sqmy.mart_unit_summary",
        "王芳139****2222",
        str(second),
    ):
        assert needle in body
    assert "13912342222" not in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{PLANTED}.compiled.sql"
    assert attachment.get_content() == b"select 1 as planted"


def test_without_a_record_the_producer_sends_the_plain_alert(
    inbox: Inbox,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """dbt never started (no attempt folder): the generic task alert still goes out, once."""
    _home(monkeypatch, tmp_path)
    alert_dbt_failure(_producer_context())
    assert [m["Subject"] for _, m in inbox.messages] == [
        "[sqmy 告警] 任务失败：sqmy_transform.dbt.dbt_producer_watcher"
    ]


def _status_context(producer_state: str) -> dict[str, Any]:
    """A failed status task whose run's producer ended in ``producer_state``."""

    def get_task_states(**query: Any) -> dict[str, dict[str, str]]:
        assert query == {
            "dag_id": "sqmy_transform",
            "task_ids": ["dbt.dbt_producer_watcher"],
            "run_ids": [RUN_ID],
        }
        return {RUN_ID: {"dbt.dbt_producer_watcher": producer_state}}

    ti = SimpleNamespace(
        dag_id="sqmy_transform",
        task_id="dbt.dim_region.test",
        map_index=-1,
        try_number=1,
        task=SimpleNamespace(producer_task_id="dbt.dbt_producer_watcher"),
        get_task_states=get_task_states,
    )
    return {"ti": ti, "run_id": RUN_ID, "exception": RuntimeError("finished with status 'fail'")}


def test_a_status_task_failure_only_logs_when_the_producer_failed(
    inbox: Inbox,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A per-node status task mails nothing: its node is in the producer's mail."""
    log_dbt_node_failure(_status_context("failed"))
    assert inbox.messages == []
    assert "dbt.dim_region.test" in caplog.text


def test_a_status_task_failing_after_a_passing_build_alerts(
    inbox: Inbox,  # noqa: F811
) -> None:
    """dbt passed but a status task failed (no mail covers it): it sends the task alert."""
    log_dbt_node_failure(_status_context("success"))
    assert [m["Subject"] for _, m in inbox.messages] == [
        "[sqmy 告警] 任务失败：sqmy_transform.dbt.dim_region.test"
    ]


@pytest.fixture(scope="module")
def transform_dag(airflow_env: dict[str, str]) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags" / "sqmy_transform.py"))
    assert bag.import_errors == {}
    return bag.dags["sqmy_transform"]


def test_the_producer_retries_itself_and_alone_alerts(transform_dag: Any) -> None:
    """Producer: no Airflow retries (Cosmos would skip them), the dbt alert; status tasks log."""
    from sqmy_etl.orchestration.dbt_group import RetryingDbtProducer

    producer = transform_dag.get_task("dbt.dbt_producer_watcher")
    assert isinstance(producer, RetryingDbtProducer)
    assert producer.retries == 0
    assert alert_dbt_failure in producer.on_failure_callback
    status_tasks = [t for t in transform_dag.tasks if hasattr(t, "producer_task_id")]
    assert len(status_tasks) > 50
    assert {tuple(t.on_failure_callback) for t in status_tasks} == {(log_dbt_node_failure,)}
    assert {t.retries for t in status_tasks} == {0}


def _dbt_line(
    name: str, status: str, unique_id: str = "model.sqmy.fct_issues", resource_type: str = "model"
) -> str:
    node = {"unique_id": unique_id, "resource_type": resource_type, "node_status": status}
    return json.dumps({"info": {"name": name, "msg": name}, "data": {"node_info": node}})


def test_the_producer_pushes_a_node_once_finished_not_its_progress(transform_dag: Any) -> None:
    """Start, compile and execute events push no XCom; the finished one pushes event and status."""
    producer = transform_dag.get_task("dbt.dbt_producer_watcher")
    pushed: list[tuple[str, Any]] = []
    ti = SimpleNamespace(xcom_push=lambda key, value: pushed.append((key, value)))
    parse = producer._make_parse_callable()
    for name in ("NodeStart", "NodeCompiling", "NodeExecuting"):
        parse(_dbt_line(name, "started"), {"context": {"ti": ti}})
    assert pushed == []
    parse(_dbt_line("NodeFinished", "success"), {"context": {"ti": ti}})
    values = {key: value for key, value in pushed}
    assert len(pushed) == 2
    assert any(v == {"status": "success", "outlet_uris": []} for v in values.values())
    assert any(isinstance(v, dict) and v.get("msg") == "NodeFinished" for v in values.values())


def test_a_data_test_pushes_its_result_but_not_its_unread_event(transform_dag: Any) -> None:
    """A finished data test on fct_issues: its aggregated result reaches the model's .test
    task; its own event and compiled SQL (no task reads them) are not pushed."""
    producer = transform_dag.get_task("dbt.dbt_producer_watcher")
    pushed: list[tuple[str, Any]] = []
    ti = SimpleNamespace(xcom_push=lambda key, value: pushed.append((key, value)))
    parse = producer._make_parse_callable()
    test = "test.sqmy.not_null_fct_issues_issue_id.abc"
    parse(_dbt_line("NodeFinished", "pass", test, "test"), {"context": {"ti": ti}})
    assert not [k for k, _ in pushed if k.startswith("test__")]
