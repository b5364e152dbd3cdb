"""Rejected files and quarantined rows reach the clerks by mail (aiosmtpd); a rejected file
turns the run red."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.orchestration.tasks import map_label, notify_rejections, rejection_notice
from tests.loopback import Inbox, free_port, smtp_server, use_as_sqmy_smtp

REJECTED_REASON = (
    "没有可识别的表格 / no recognisable table: 前10行中没有可识别的表头 / no header "
    "(first non-blank row 1: 王芳 | 13912342222 | 150102198001011234)"
)
NO_DATE = "编发日期为空：请补填编发日期后重新交付 / no publication date: fill it in, deliver again"
BAD_NO = "期号无法识别：请写成 2021年第37期、第37期 或 37 / issue number unreadable: write it as …"
RESULTS: list[dict[str, Any] | None] = [
    {"file": "01_来稿台账.xlsx", "status": "loaded", "rows_loaded": 930, "rows_quarantined": 0},
    {
        "file": "02_编发台账.xlsx",
        "status": "loaded",
        "rows_loaded": 318,
        "rows_quarantined": 3,
        "quarantined": {NO_DATE: 2, BAD_NO: 1},
    },
    {
        "file": "联系人13912342222的批示台账.csv",
        "status": "rejected",
        "rows_loaded": 0,
        "rows_quarantined": 0,
        "reason": REJECTED_REASON,
    },
    None,  # a file whose task failed: no result
]


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Inbox]:
    """A real SMTP server on loopback as the sqmy_smtp connection; clerks and on-call set."""
    with smtp_server() as (handler, port):
        monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
        use_as_sqmy_smtp(monkeypatch, port)
        monkeypatch.setenv(
            "AIRFLOW_VAR_SQMY_CLERK_RECIPIENTS", "clerk@example.cn, office@example.cn"
        )
        monkeypatch.setenv("AIRFLOW_VAR_SQMY_ALERT_RECIPIENTS", "oncall@example.cn")
        yield handler


def test_clerks_get_one_mail_naming_each_file_and_reason_and_the_run_fails(inbox: Inbox) -> None:
    """One mail to the clerk list (not on-call); the task then fails without retry."""
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match="1 个文件被拒收，3 行被隔离"):
        notify_rejections(RESULTS)
    assert len(inbox.messages) == 1
    rcpts, message = inbox.messages[0]
    assert sorted(rcpts) == ["clerk@example.cn", "office@example.cn"]
    assert message["Subject"] == (
        "[sqmy] 台账未能全部入库：1 个文件被拒收，3 行被隔离"
        " / ledgers not fully loaded: 1 file(s) rejected, 3 row(s) quarantined"
    )
    body = message.get_body(("html",)).get_content()
    assert "02_编发台账.xlsx" in body
    assert "编发日期为空：请补填编发日期后重新交付" in body
    assert "<td>2</td>" in body and "<td>1</td>" in body
    assert "没有可识别的表格" in body
    assert "重新放入 landing/" in body
    assert "01_来稿台账.xlsx" not in body  # loaded cleanly: not listed


def test_the_mail_never_carries_a_name_phone_or_id_number_in_clear(inbox: Inbox) -> None:
    """The rejection's cell quote (name, phone, ID) stays out; a phone in a file name is masked."""
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException):
        notify_rejections(RESULTS)
    _, message = inbox.messages[0]
    raw = message.as_string() + message.get_body(("html",)).get_content()
    for secret in ("王芳", "13912342222", "150102198001011234"):
        assert secret not in raw
    assert "联系人139****2222的批示台账.csv" in message.get_body(("html",)).get_content()


def test_without_a_clerk_list_the_alert_list_is_mailed(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty sqmy_clerk_recipients falls back to sqmy_alert_recipients."""
    from airflow.sdk.exceptions import AirflowFailException

    monkeypatch.setenv("AIRFLOW_VAR_SQMY_CLERK_RECIPIENTS", "")
    monkeypatch.delenv("SQMY_CLERK_TO", raising=False)
    with pytest.raises(AirflowFailException):
        notify_rejections(RESULTS)
    assert [rcpts for rcpts, _ in inbox.messages] == [["oncall@example.cn"]]


def test_quarantined_rows_alone_are_mailed_but_the_run_stays_green(inbox: Inbox) -> None:
    """Held rows are everyday clerk work: one mail with the counts per reason, no failure."""
    held_only = [RESULTS[0], RESULTS[1]]
    assert notify_rejections(held_only) == {"files_rejected": 0, "rows_quarantined": 3}
    ((recipients, message),) = inbox.messages
    assert recipients == ["clerk@example.cn", "office@example.cn"]
    body = message.get_body(("html",)).get_content()
    assert "02_编发台账.xlsx" in body and "01_来稿台账.xlsx" not in body


def test_a_clean_run_mails_nobody_and_succeeds(inbox: Inbox) -> None:
    """Loaded files without held rows, a duplicate and a gone file: no mail, counts of zero."""
    clean = [
        RESULTS[0],
        {"file": "b.csv", "status": "skipped_duplicate", "rows_loaded": 0, "rows_quarantined": 0},
        {"file": "c.csv", "status": "gone", "rows_loaded": 0, "rows_quarantined": 0},
        None,
    ]
    assert notify_rejections(clean) == {"files_rejected": 0, "rows_quarantined": 0}
    assert rejection_notice(clean) is None
    assert inbox.messages == []


def test_an_unreachable_mail_server_raises_a_retryable_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SMTP down: a plain error (the task retries and mails later), not the no-retry failure."""
    from airflow.sdk.exceptions import AirflowFailException

    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    use_as_sqmy_smtp(monkeypatch, free_port(), timeout_s=2)
    monkeypatch.setenv("AIRFLOW_VAR_SQMY_CLERK_RECIPIENTS", "clerk@example.cn")
    with pytest.raises(Exception) as caught:
        notify_rejections(RESULTS)
    assert not isinstance(caught.value, AirflowFailException)


@pytest.mark.parametrize(
    ("result", "label"),
    [
        (RESULTS[0], "01_来稿台账.xlsx"),
        (RESULTS[1], "02_编发台账.xlsx（隔离 3 行 / rows quarantined）"),
        (RESULTS[2], "联系人13912342222的批示台账.csv（已拒收 / rejected）"),
    ],
)
def test_the_mapped_task_label_marks_rejected_files_and_held_rows(
    result: dict[str, Any], label: str
) -> None:
    """The UI name of a file's task says when it was rejected or had rows quarantined."""
    assert map_label(result) == label
