"""Mailing reports through a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from sqmy_etl.reports.mail import MailConfig, MailError, mail_report_from_env, send_report


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def report_files(tmp_path: Path) -> list[Path]:
    files = {
        "社情民意信息工作报告_2021-Q3.pdf": b"%PDF-1.7\n\xe2\x80\x94 fixture pdf bytes\n",
        "社情民意信息工作报告_2021-Q3.xlsx": b"PK\x03\x04 fixture xlsx bytes",
        "社情民意信息工作报告_2021-Q3.html": b"<html lang='zh-CN'></html>",
    }
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def attachments(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_report_arrives_with_chinese_subject_and_attachment_names(
    smtp: tuple[Inbox, int], report_files: list[Path]
) -> None:
    """The server receives both attachments under their Chinese names and a decodable subject."""
    inbox, port = smtp
    pdf, xlsx, _ = report_files
    refused = send_report(
        [pdf, xlsx],
        ["leader@example.org", "office@example.org"],
        host="127.0.0.1",
        port=port,
        sender="sqmy@example.org",
    )
    assert refused == {}
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["leader@example.org", "office@example.org"]
    assert re.search(rb"filename\*(0\*)?=utf-8''%E7%A4%BE", envelope.content)  # RFC 2231
    (message,) = inbox.messages()
    assert message["Subject"] == "2021年第三季度社情民意信息工作报告"
    assert attachments(message) == {
        "社情民意信息工作报告_2021-Q3.pdf": pdf.read_bytes(),
        "社情民意信息工作报告_2021-Q3.xlsx": xlsx.read_bytes(),
    }
    assert "请查阅" in message.get_body(("plain",)).get_content()


def test_mail_from_env_sends_pdf_and_xlsx_only(
    smtp: tuple[Inbox, int], report_files: list[Path]
) -> None:
    """The CLI path reads recipients and server from SQMY_* settings and leaves the HTML out."""
    inbox, port = smtp
    environ = {
        "SQMY_MAIL_TO": "a@example.org; b@example.org",
        "SQMY_SMTP_HOST": "127.0.0.1",
        "SQMY_SMTP_PORT": str(port),
        "SQMY_MAIL_FROM": "sqmy@example.org",
    }
    mail_report_from_env(report_files, "2021-07", environ=environ)
    mail_report_from_env(report_files, subject="社情民意信息季度报告（测试）", environ=environ)
    by_period, by_subject = inbox.messages()
    assert inbox.envelopes[0].rcpt_tos == ["a@example.org", "b@example.org"]
    assert by_period["Subject"] == "2021年7月社情民意信息工作报告"
    assert by_subject["Subject"] == "社情民意信息季度报告（测试）"
    message = by_period
    assert sorted(attachments(message)) == [
        "社情民意信息工作报告_2021-Q3.pdf",
        "社情民意信息工作报告_2021-Q3.xlsx",
    ]


def test_incomplete_mail_settings_name_what_is_missing() -> None:
    """Without recipients, host or sender the error lists the variables to set."""
    with pytest.raises(MailError, match="SQMY_MAIL_TO, SQMY_SMTP_HOST, SQMY_MAIL_FROM"):
        MailConfig.from_env({})
    with pytest.raises(MailError, match="SQMY_SMTP_PORT"):
        MailConfig.from_env(
            {
                "SQMY_MAIL_TO": "a@example.org",
                "SQMY_SMTP_HOST": "127.0.0.1",
                "SQMY_SMTP_PORT": "smtp",
                "SQMY_MAIL_FROM": "s@example.org",
            }
        )


def test_unreachable_server_is_a_mail_error(report_files: list[Path]) -> None:
    """A closed port gives a MailError naming the server, not a raw socket traceback."""
    port = free_port()
    with pytest.raises(MailError, match=f"127.0.0.1:{port}"):
        send_report(
            report_files[:1], ["a@example.org"], host="127.0.0.1", port=port, sender="s@example.org"
        )
