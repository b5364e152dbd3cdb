"""dbt in a real Airflow: a failing test alerts once, a busy warehouse is retried.

Scheduler, dag-processor, triggerer and api-server run as processes on a fresh
PostgreSQL database with the LocalExecutor (the one-machine recipe); mail goes
to an aiosmtpd server in this process. The dbt project is a copy of ``dbt/``
(``SQMY_DBT_DIR``) with one planted singular test on ``dim_region`` that fails
while ``$SQMY_HOME/planted.csv`` has a data row, so both tests share one
manifest and one deployment. The manifest is built where ``make manifest``
puts it, and ``sqmy transform`` (the CLI) builds the warehouse and the first
``published/`` before Airflow starts.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import Settings
from tests.integration.airflow_deployment import Deployment
from tests.loopback import Inbox, smtp_server

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
PRODUCER = "dbt.dbt_producer_watcher"
PLANTED = "test.sqmy.assert_planted_failure"
DIM_REGION_TESTS = "dbt.dim_region.test"
PLANTED_SQL = """\
-- Planted by tests/integration/test_dbt_in_airflow.py: fails while planted.csv has a data row.
select p.planted
from read_csv(
    '{{ env_var("SQMY_HOME") }}/planted.csv', header = true, columns = {'planted': 'VARCHAR'}
) as p
where (select count(*) from {{ ref('dim_region') }}) >= 0
"""


def _plant(home: Path, failing: bool) -> None:
    (home / "planted.csv").write_text("planted\nyes\n" if failing else "planted\n", "utf-8")


def _digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, inbox: tuple[Inbox, int]
) -> Iterator[Deployment]:
    """LocalExecutor Airflow over a planted dbt copy, after one CLI transform."""
    from sqmy_etl.transform.build import build_manifest, run_transform

    base = tmp_path_factory.mktemp("dbt-in-airflow")
    dbt_dir = shutil.copytree(
        ROOT / "dbt", base / "dbt", ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    (dbt_dir / "tests" / "assert_planted_failure.sql").write_text(PLANTED_SQL, "utf-8")
    sqmy = {
        "SQMY_HOME": str(base / "sqmy-home"),
        "SQMY_DBT_DIR": str(dbt_dir),
        "SQMY_PII_KEY_FILE": str(base / "keys" / "pii.key"),
        "SQMY_INGEST_SCHEDULE": "none",
        "SQMY_COSMOS_MODE": "watcher",
        "SQMY_DBT_ATTEMPTS": "3",
        "SQMY_DBT_RETRY_DELAY_S": "2",
        "SQMY_WRITER_WAIT_S": "1",
        "SQMY_ALERT_TO": "oncall@example.cn",
        # The ~80 one-second status tasks: more at once than the harness' 4.
        "AIRFLOW__CORE__PARALLELISM": "8",
        "AIRFLOW_CONN_SQMY_SMTP": f"smtp://127.0.0.1:{inbox[1]}?disable_ssl=true&disable_tls=true"
        "&from_email=sqmy-etl%40example.cn&retry_limit=0&timeout=5",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in sqmy.items():
            mp.setenv(key, value)
        settings = Settings.from_env()
        settings.ensure_dirs()
        _plant(settings.home, failing=False)
        build_manifest(settings)  # into the copy's target/, as `make manifest` does
        run_transform(settings)
    dags = shutil.copytree(
        ROOT / "dags", base / "dags", ignore=shutil.ignore_patterns("__pycache__")
    )
    dep = Deployment(
        base=base, dags_folder=dags, extra_env=sqmy, executor="LocalExecutor", recipe=True
    )
    try:
        dep.start()
        dep.wait_for_dag("sqmy_transform", timeout=180)
        dep.unpause("sqmy_transform")
        yield dep
    finally:
        dep.stop()
        assert dep.leftovers() == [], "processes survived the shutdown"
        assert not dep.database_exists(), f"database {dep.db_name} left behind"


def _home(deployment: Deployment) -> Path:
    return Path(deployment.env["SQMY_HOME"])


def _wait_for(probe: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.2)
    raise TimeoutError(f"waited {timeout:.0f}s for: {what}")


def _run_folder(deployment: Deployment, run_id: str) -> Path:
    """Where the producer keeps the failed attempts of ``run_id`` in the deployment's home."""
    from sqmy_etl.orchestration.dbt_failures import run_folder

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SQMY_HOME", str(_home(deployment)))
        return run_folder(Settings.from_env(), run_id)


def test_a_failing_dbt_test_fails_the_producer_and_mails_once(
    deployment: Deployment, inbox: tuple[Inbox, int]
) -> None:
    """Producer failed (not skipped), one mail naming the test with its SQL, nothing published."""
    home = _home(deployment)
    mails = inbox[0].messages
    mails.clear()
    before = _digest(home / "published")
    _plant(home, failing=True)
    try:
        run_id = deployment.trigger("sqmy_transform")
        # The producer's failure decides the run; the ~80 status tasks after it only
        # report. Wait for the tasks asserted on, then end the run (max_active_runs=1).
        states = deployment.wait_for_tasks(
            "sqmy_transform", run_id, (PRODUCER, "publish", DIM_REGION_TESTS), 400
        )
    finally:
        _plant(home, failing=False)
    assert states[PRODUCER, -1] == "failed"
    assert states["publish", -1] == "upstream_failed"
    # The planted test checks dim_region: its status task fails too, without a mail of its own.
    assert states[DIM_REGION_TESTS, -1] == "failed"
    _wait_for(lambda: mails, 60, "the alert mail")
    time.sleep(10)  # a second mail (a status task's) would have arrived by now
    deployment.end_run("sqmy_transform", run_id)
    assert _digest(home / "published") == before

    assert len(mails) == 1
    rcpts, message = mails[0]
    assert rcpts == ["oncall@example.cn"]
    assert message["Subject"] == (
        "[sqmy 告警] dbt 构建失败（1 个节点失败）：sqmy_transform.dbt.dbt_producer_watcher"
    )
    body = message.get_body(("html",)).get_content()
    assert PLANTED in body
    assert "Got 1 result, configured to fail if != 0" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{PLANTED}.compiled.sql"
    assert "planted.csv" in attachment.get_content().decode("utf-8")

    folder = _run_folder(deployment, run_id)
    assert sorted(p.name for p in folder.iterdir()) == ["attempt-1"]  # a failed test is final
    kept = folder / "attempt-1" / f"{PLANTED}.compiled.sql"
    assert kept.read_bytes() == attachment.get_content()
    assert str(folder / "attempt-1") in body


def test_a_busy_warehouse_is_retried_inside_the_producer_and_publishes(
    deployment: Deployment, inbox: tuple[Inbox, int]
) -> None:
    """The first dbt attempt finds the warehouse locked; the producer's next attempt publishes."""
    from filelock import FileLock

    home = _home(deployment)
    mails = inbox[0].messages
    mails.clear()
    _plant(home, failing=False)
    shutil.rmtree(home / "published")
    lock = FileLock(str(home / "warehouse" / "sqmy.duckdb") + ".lock")
    lock.acquire(timeout=10)
    try:
        run_id = deployment.trigger("sqmy_transform")
        first = _run_folder(deployment, run_id) / "attempt-1" / "failures.json"
        _wait_for(first.is_file, 300, "the first dbt attempt to give up")
    finally:
        lock.release()
    record = first.read_text("utf-8")
    assert '"transient": true' in record
    assert "warehouse busy" in record

    # The producer and publish decide; the ~85 status tasks after them only report (the
    # Celery test waits for all of them), so the run is ended once publish has settled.
    states = deployment.wait_for_tasks("sqmy_transform", run_id, (PRODUCER, "publish"), 400)
    assert states[PRODUCER, -1] == "success"
    assert states["publish", -1] == "success"
    assert (home / "published" / "marts.duckdb").is_file()
    assert mails == []
    deployment.end_run("sqmy_transform", run_id)
