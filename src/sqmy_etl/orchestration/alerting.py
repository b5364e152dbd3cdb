"""Failure alerts and report mail through the Airflow SMTP connection ``sqmy_smtp``.

Mail goes through an Airflow connection, not settings of our own, so the
on-call team changes the mail server in one place (UI, env var
``AIRFLOW_CONN_SQMY_SMTP`` or a secrets backend) for alerts and reports alike.
An alert that cannot be mailed is logged and swallowed: a broken mail server
must never hide or replace the task failure it reports.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqmy_etl.orchestration.knobs import ALERT_RECIPIENTS

log = logging.getLogger(__name__)

SMTP_CONN_ID = "sqmy_smtp"


def send_mail(
    to: Iterable[str],
    subject: str,
    html_body: str,
    files: Iterable[str] = (),
    conn_id: str = SMTP_CONN_ID,
) -> None:
    """Send one UTF-8 HTML mail (attachments optional) via the SMTP connection ``conn_id``."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(
            to=list(to), subject=subject, html_content=html_body, files=list(files) or None
        )


def _failure_mail(context: Mapping[str, Any]) -> tuple[str, str]:
    ti = context["ti"]
    map_index = getattr(ti, "map_index", -1)
    task = ti.task_id if map_index in (None, -1) else f"{ti.task_id}[{map_index}]"
    subject = f"[sqmy 告警] 任务失败：{ti.dag_id}.{task}"
    rows = {
        "DAG": ti.dag_id,
        "任务": task,
        "运行": context.get("run_id", ""),
        "尝试次数": getattr(ti, "try_number", ""),
        "错误": repr(context.get("exception")),
    }
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items()
    )
    body = (
        f"<p>{html.escape(subject)}</p><table>{cells}</table>"
        "<p>处理办法见该 DAG 的说明（Airflow 界面 → DAG → Docs）。</p>"
    )
    return subject, body


def alert_on_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of every sqmy task: log the failure, then mail the on-call list."""
    subject, body = _failure_mail(context)
    log.error("%s: %r", subject, context.get("exception"))
    try:
        to = ALERT_RECIPIENTS.get_list()
        if not to:
            log.warning(
                "no alert recipients: set Variable %s or %s",
                ALERT_RECIPIENTS.variable,
                ALERT_RECIPIENTS.env,
            )
            return
        send_mail(to, subject, body)
        log.info("alert mailed to %d recipient(s)", len(to))
    except Exception:
        log.exception("could not mail the failure alert; the task failure stands")
