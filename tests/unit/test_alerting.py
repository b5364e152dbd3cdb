"""Failure alerts really reach a mail server through the Airflow connection sqmy_smtp."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sqmy_etl.orchestration.alerting import alert_on_failure, send_mail
from tests.loopback import Inbox, free_port, smtp_server, use_as_sqmy_smtp


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Inbox]:
    """A real SMTP server on a free loopback port, wired in as the sqmy_smtp connection."""
    with smtp_server() as (handler, port):
        monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
        use_as_sqmy_smtp(monkeypatch, port)
        monkeypatch.setenv(
            "AIRFLOW_VAR_SQMY_ALERT_RECIPIENTS", "oncall@example.cn; lead@example.cn"
        )
        yield handler


def failure_context() -> dict[str, Any]:
    """The parts of an Airflow task context the callback reads, for a failed mapped task."""
    ti = SimpleNamespace(dag_id="sqmy_ingest", task_id="ingest_file", map_index=3, try_number=4)
    return {"ti": ti, "run_id": "scheduled__2021-07-01", "exception": RuntimeError("仓库忙")}


def test_failure_alert_is_mailed_with_a_chinese_subject(inbox: Inbox) -> None:
    """The callback mails every recipient once; subject and body keep their Chinese text."""
    alert_on_failure(failure_context())
    assert len(inbox.messages) == 1
    rcpts, message = inbox.messages[0]
    assert sorted(rcpts) == ["lead@example.cn", "oncall@example.cn"]
    assert message["Subject"] == "[sqmy 告警] 任务失败：sqmy_ingest.ingest_file[3]"
    body = message.get_body(("html",)).get_content()
    assert "仓库忙" in body
    assert "scheduled__2021-07-01" in body


def test_report_files_travel_as_attachments_with_chinese_names(
    inbox: Inbox, tmp_path: Path
) -> None:
    """send_mail attaches files under their own (Chinese) names, byte for byte."""
    report = tmp_path / "社情民意信息工作报告_2021-07.pdf"
    report.write_bytes(b"%PDF-1.7 fake")
    send_mail(["lead@example.cn"], "2021年7月社情民意信息工作报告", "<p>见附件</p>", [str(report)])
    _, message = inbox.messages[0]
    assert message["Subject"] == "2021年7月社情民意信息工作报告"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == report.name
    assert attachment.get_content() == b"%PDF-1.7 fake"


def test_no_recipients_means_no_mail_and_no_error(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With neither Variable nor SQMY_ALERT_TO set, the callback only logs."""
    monkeypatch.delenv("AIRFLOW_VAR_SQMY_ALERT_RECIPIENTS")
    monkeypatch.delenv("SQMY_ALERT_TO", raising=False)
    alert_on_failure(failure_context())
    assert inbox.messages == []


def test_an_unreachable_mail_server_never_masks_the_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """When SMTP is down the callback logs the mail error and returns normally."""
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    use_as_sqmy_smtp(monkeypatch, free_port(), timeout_s=2)
    monkeypatch.setenv("SQMY_ALERT_TO", "oncall@example.cn")
    alert_on_failure(failure_context())
    assert "could not mail the failure alert" in caplog.text
