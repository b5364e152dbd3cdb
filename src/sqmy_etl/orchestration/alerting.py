"""Failure alerts and report mail through the Airflow SMTP connection ``sqmy_smtp``.

Mail goes through an Airflow connection, not settings of our own, so the
on-call team changes the mail server in one place (UI, env var
``AIRFLOW_CONN_SQMY_SMTP`` or a secrets backend) for alerts and reports alike.
An alert that cannot be mailed is logged and swallowed: a broken mail server
must never hide or replace the task failure it reports.

A failed ``dbt build`` gets one mail per run from the Cosmos producer
(``alert_dbt_failure``), listing every failed node with dbt's message and the
compiled SQL of failing tests attached; the per-node status tasks only log
(``log_dbt_node_failure``), or one failing test would mail once per model it
checks.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqmy_etl.config import Settings
from sqmy_etl.orchestration.dbt_failures import AttemptRecord, latest_attempt
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


def _task_label(ti: Any) -> str:
    map_index = getattr(ti, "map_index", -1)
    return ti.task_id if map_index in (None, -1) else f"{ti.task_id}[{map_index}]"


def _table(rows: Mapping[str, object]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items()
    )
    return f"<table>{cells}</table>"


def _failure_mail(context: Mapping[str, Any]) -> tuple[str, str]:
    ti = context["ti"]
    task = _task_label(ti)
    subject = f"[sqmy 告警] 任务失败：{ti.dag_id}.{task}"
    rows = {
        "DAG": ti.dag_id,
        "任务": task,
        "运行": context.get("run_id", ""),
        "尝试次数": getattr(ti, "try_number", ""),
        "错误": repr(context.get("exception")),
    }
    body = (
        f"<p>{html.escape(subject)}</p>{_table(rows)}"
        "<p>处理办法见该 DAG 的说明（Airflow 界面 → DAG → Docs）。</p>"
    )
    return subject, body


def _mail_alert(subject: str, body: str, files: Iterable[str] = ()) -> None:
    """Mail an alert to the on-call list; log instead of raising when that is impossible."""
    try:
        to = ALERT_RECIPIENTS.get_list()
        if not to:
            log.warning(
                "no alert recipients: set Variable %s or %s",
                ALERT_RECIPIENTS.variable,
                ALERT_RECIPIENTS.env,
            )
            return
        send_mail(to, subject, body, files)
        log.info("alert mailed to %d recipient(s)", len(to))
    except Exception:
        log.exception("could not mail the failure alert; the task failure stands")


def alert_on_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of every sqmy task: log the failure, then mail the on-call list."""
    subject, body = _failure_mail(context)
    log.error("%s: %r", subject, context.get("exception"))
    _mail_alert(subject, body)


def _dbt_failure_mail(context: Mapping[str, Any], record: AttemptRecord) -> tuple[str, str]:
    ti = context["ti"]
    names = [f.unique_id for f in record.failures]
    what = f"{len(names)} 个节点失败" if names else "dbt 未能运行"
    subject = f"[sqmy 告警] dbt 构建失败（{what}）：{ti.dag_id}.{_task_label(ti)}"
    rows = {
        "DAG": ti.dag_id,
        "任务": _task_label(ti),
        "运行": context.get("run_id", ""),
        "dbt build 尝试次数": record.attempt,
        "失败文件目录": record.folder,
    }
    nodes = "".join(
        f"<tr><td>{html.escape(f.unique_id)}</td><td>{html.escape(f.status)}</td>"
        f"<td><pre>{html.escape(f.message)}</pre></td>"
        f"<td>{'<br>'.join(html.escape(Path(s).name) for s in f.sql_files)}</td></tr>"
        for f in record.failures
    )
    failed = (
        "<table><tr><th>节点</th><th>状态</th><th>错误</th><th>SQL（见附件/目录）</th></tr>"
        f"{nodes}</table>"
        if nodes
        else f"<pre>{html.escape(record.error)}</pre>"
    )
    body = (
        f"<p>{html.escape(subject)}</p>{_table(rows)}{failed}"
        "<p>处理：测试（test）失败说明数据违反了检查规则，运行附件中的 SQL 查出违规行并修正数据；"
        "模型（model）报错看上表的错误和目录中的 dbt.log；然后重新触发 sqmy_transform"
        "（新运行，不要 Clear 旧任务）。已发布的数据（published/）仍是上一版。"
        " / What to do: a failed test means the data broke a rule, run the attached SQL to see "
        "the offending rows and fix the data; for a model error read the error above and dbt.log "
        "in the folder; then trigger a new sqmy_transform run (do not clear the old task). "
        "published/ still holds the previous marts.</p>"
    )
    return subject, body


def alert_dbt_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of the Cosmos producer: one mail naming every failed dbt node.

    The compiled SQL of failing tests travels as attachments (and stays under
    ``$SQMY_HOME/logs/dbt/<run_id>/``). Without a record (the task failed
    outside the producer's attempts) the generic task alert goes out instead.
    """
    record = latest_attempt(Settings.from_env(), str(context.get("run_id", "")))
    if record is None:
        alert_on_failure(context)
        return
    subject, body = _dbt_failure_mail(context, record)
    log.error("%s: %s", subject, ", ".join(f.unique_id for f in record.failures))
    tests_sql = [
        s
        for f in record.failures
        if f.resource_type == "test"
        for s in f.sql_files
        if s.endswith(".compiled.sql")
    ]
    _mail_alert(subject, body, tests_sql)


def _producer_failed(context: Mapping[str, Any]) -> bool:
    """Whether the run's dbt producer failed (then its mail already lists every failed node).

    Asked from a status task's callback through the task SDK; if Airflow cannot
    answer, assume it failed: a missed anomaly mail beats one mail per node.
    """
    ti = context["ti"]
    run_id = str(context.get("run_id", ""))
    producer = getattr(getattr(ti, "task", None), "producer_task_id", None)
    try:
        states = ti.get_task_states(dag_id=ti.dag_id, task_ids=[producer], run_ids=[run_id])
    except Exception:
        log.exception("could not read the state of %s", producer)
        return True
    return states.get(run_id, {}).get(producer) != "success"


def log_dbt_node_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of a Cosmos status task: log; mail only if dbt itself passed.

    When the producer failed, its one mail lists this node. A status task that
    fails after a successful ``dbt build`` (e.g. a node missing from a stale
    manifest) is not in any mail, so it alerts like any other task.
    """
    ti = context["ti"]
    log.error(
        "dbt node task %s.%s failed (run %s)",
        ti.dag_id,
        _task_label(ti),
        context.get("run_id", ""),
    )
    if _producer_failed(context):
        log.info("the dbt producer's alert lists every failed node of this run")
        return
    alert_on_failure(context)
