"""Mailing a report: Chinese subject (RFC 2047) and Chinese attachment names (RFC 2231).

``send_report`` takes everything explicitly (the Airflow DAG passes an SMTP
connection's fields); ``MailConfig.from_env`` reads the CLI's settings:

    SQMY_MAIL_TO        recipients, separated by , or ;        (required)
    SQMY_SMTP_HOST      SMTP server                            (required)
    SQMY_SMTP_PORT      port, default 25
    SQMY_MAIL_FROM      sender address                         (required)
    SQMY_SMTP_USER      login name, optional
    SQMY_SMTP_PASSWORD  password, optional (used only with SQMY_SMTP_USER)
    SQMY_SMTP_STARTTLS  1 / true / yes to upgrade with STARTTLS
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqmy_etl.reports.errors import PeriodError, ReportError
from sqmy_etl.reports.naming import report_title
from sqmy_etl.reports.period import parse_period

MAILED_SUFFIXES = (".pdf", ".xlsx")
CONTENT_TYPES = {
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".html": ("text", "html"),
}
SMTP_TIMEOUT_S = 60
log = logging.getLogger(__name__)


class MailError(ReportError):
    """The report could not be mailed (configuration or SMTP)."""


def default_subject(paths: list[Path]) -> str:
    """'社情民意信息工作报告_2021-Q3.pdf' → '2021年第三季度社情民意信息工作报告' (a 通报 or
    年度考核 file gives its own name the same way)."""
    name, _, label = paths[0].stem.rpartition("_")
    try:
        return f"{parse_period(label).title}{name}" if name else paths[0].stem
    except PeriodError:
        return paths[0].stem


def build_message(
    paths: list[Path], recipients: list[str], sender: str, subject: str | None = None
) -> EmailMessage:
    """The message: a short Chinese body and every file attached under its own name."""
    title = subject or default_subject(paths)
    message = EmailMessage()
    message["Subject"] = title
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    listing = "\n".join(f"  {p.name}" for p in paths)
    message.set_content(
        f"您好：\n\n附件为《{title}》，请查阅。\n\n{listing}\n", charset="utf-8", cte="base64"
    )
    for path in paths:
        maintype, subtype = CONTENT_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def send_report(
    paths: Iterable[Path],
    recipients: list[str],
    *,
    host: str,
    port: int,
    sender: str,
    subject: str | None = None,
    username: str | None = None,
    password: str | None = None,
    starttls: bool = False,
) -> dict[str, tuple[int, bytes]]:
    """Send the files to ``recipients``; returns the recipients the server refused."""
    files = [Path(p) for p in paths]
    if not files:
        raise MailError("no report files to mail")
    if not recipients:
        raise MailError("no recipients: set SQMY_MAIL_TO")
    message = build_message(files, recipients, sender, subject)
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
            smtp.ehlo()
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if username:
                smtp.login(username, password or "")
            refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not mail the report through {host}:{port}: {exc}") from exc
    if refused:
        log.warning("mail refused for %d recipient(s): %s", len(refused), ", ".join(refused))
    log.info("report mailed to %d recipient(s): %s", len(recipients) - len(refused), files)
    return refused


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MailConfig:
    """Recipients and SMTP settings for ``sqmy report --mail``."""

    recipients: list[str]
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MailConfig:
        env = os.environ if environ is None else environ
        missing = [
            name
            for name in ("SQMY_MAIL_TO", "SQMY_SMTP_HOST", "SQMY_MAIL_FROM")
            if not env.get(name)
        ]
        if missing:
            raise MailError(f"cannot mail the report: set {', '.join(missing)}")
        port_text = env.get("SQMY_SMTP_PORT") or "25"
        if not port_text.isdigit():
            raise MailError(f"SQMY_SMTP_PORT must be a number, got {port_text!r}")
        return cls(
            recipients=[r.strip() for r in re.split(r"[,;]", env["SQMY_MAIL_TO"]) if r.strip()],
            host=env["SQMY_SMTP_HOST"],
            port=int(port_text),
            sender=env["SQMY_MAIL_FROM"],
            username=env.get("SQMY_SMTP_USER") or None,
            password=env.get("SQMY_SMTP_PASSWORD") or None,
            starttls=_truthy(env.get("SQMY_SMTP_STARTTLS")),
        )


def mail_report_from_env(
    paths: Iterable[Path],
    period: str | None = None,
    *,
    subject: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, tuple[int, bytes]]:
    """What ``sqmy report --mail`` calls: mail the PDF and XLSX among ``paths``.

    The subject is ``subject``, else the period's report title
    (2021年第三季度社情民意信息工作报告), else one derived from the file name.
    """
    config = MailConfig.from_env(environ)
    mailed = [Path(p) for p in paths if Path(p).suffix.lower() in MAILED_SUFFIXES]
    if not mailed:
        raise MailError("nothing to mail: generate the report with --format pdf and/or xlsx")
    if subject is None and period is not None:
        subject = report_title(parse_period(period))
    return send_report(
        mailed,
        config.recipients,
        host=config.host,
        port=config.port,
        sender=config.sender,
        subject=subject,
        username=config.username,
        password=config.password,
        starttls=config.starttls,
    )
