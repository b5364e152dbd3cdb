"""The settings operators may change at run time: Airflow Variables with env fallbacks.

Each knob is an Airflow Variable (created by ``orchestration.init``, editable in the
UI) whose default comes from an environment variable, so a docker-compose
``.env`` and the UI both work and the DAG code names each knob once.
Read only inside tasks and callbacks: a Variable read at parse time would be
a metadata round trip on every parse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Knob:
    variable: str
    env: str
    default: str

    def get(self) -> str:
        """The Variable's value, else the env var, else the default."""
        from airflow.sdk import Variable

        value = Variable.get(self.variable, default=None)
        return value if value not in (None, "") else os.environ.get(self.env, self.default)

    def get_list(self) -> list[str]:
        """A comma- or semicolon-separated value as a list (mail recipients)."""
        raw = self.get().replace(";", ",")
        return [item.strip() for item in raw.split(",") if item.strip()]


ALERT_RECIPIENTS = Knob("sqmy_alert_recipients", "SQMY_ALERT_TO", "")
# who fixes ledgers: told of rejected files and quarantined rows (empty: the alert list)
CLERK_RECIPIENTS = Knob("sqmy_clerk_recipients", "SQMY_CLERK_TO", "")
REPORT_RECIPIENTS = Knob("sqmy_report_recipients", "SQMY_REPORT_TO", "")
REPORT_FORMATS = Knob("sqmy_report_formats", "SQMY_REPORT_FORMATS", "html,pdf,xlsx")
ARCHIVE_RETENTION_DAYS = Knob("sqmy_archive_retention_days", "SQMY_ARCHIVE_RETENTION_DAYS", "365")
ARCHIVE_DELETE_LOADED = Knob("sqmy_archive_delete_loaded", "SQMY_ARCHIVE_DELETE_LOADED", "false")
# how long the SQL and logs of a failed dbt build stay under logs/dbt/<run>/
DBT_LOG_RETENTION_DAYS = Knob("sqmy_dbt_log_retention_days", "SQMY_DBT_LOG_RETENTION_DAYS", "90")

ALL = (
    ALERT_RECIPIENTS,
    CLERK_RECIPIENTS,
    REPORT_RECIPIENTS,
    REPORT_FORMATS,
    ARCHIVE_RETENTION_DAYS,
    ARCHIVE_DELETE_LOADED,
    DBT_LOG_RETENTION_DAYS,
)
