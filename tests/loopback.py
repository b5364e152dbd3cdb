"""A real SMTP server on loopback for the tests that send mail (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it receives, with its recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A started SMTP server on a free loopback port and its inbox; stopped afterwards."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def use_as_sqmy_smtp(monkeypatch: pytest.MonkeyPatch, port: int, timeout_s: int = 5) -> None:
    """Point Airflow's ``sqmy_smtp`` connection at the server on ``port`` (a free port with
    no server behind it plays an SMTP server that is down)."""
    monkeypatch.setenv(
        "AIRFLOW_CONN_SQMY_SMTP",
        f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true"
        f"&from_email=sqmy-etl%40example.cn&retry_limit=0&timeout={timeout_s}",
    )
