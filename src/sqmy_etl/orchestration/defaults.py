"""What every sqmy DAG shares: owner, tags, retries, alerting, the writer pool.

Kept in one module so the DAG files, the DAG integrity test and ``orchestration.init``
name the same pool, asset and connection; a typo in one DAG would otherwise
silently create a second pool or an asset nobody consumes.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum

from sqmy_etl.orchestration.alerting import alert_on_failure

OWNER = "sqmy-data"
ALLOWED_TAGS = frozenset({"sqmy", "ingest", "transform", "dbt", "report", "maintenance"})

# DuckDB allows one read-write process per file: every task that writes the
# warehouse takes the single slot of this pool (DESIGN.md "DuckDB has one writer").
WRITER_POOL = "duckdb_writer"
RAW_ASSET_URI = "sqmy://warehouse/raw"

TZ = "Asia/Shanghai"
# Early enough that a report backfill for the first year of data (2021) lies
# inside the DAGs' lifetime; catchup stays off so unpausing never floods.
START_DATE = pendulum.datetime(2020, 1, 1, tz=TZ)

INGEST_SCHEDULE_ENV = "SQMY_INGEST_SCHEDULE"
DEFAULT_INGEST_SCHEDULE = "*/15 * * * *"


def default_args(**overrides: Any) -> dict[str, Any]:
    """Task defaults: three retries doubling from 1 min (capped at 30 min), alert on final failure.

    ``execution_timeout`` turns a hung task into a failure, so the failure
    alert doubles as the SLA alarm Airflow 3 no longer has.
    """
    args: dict[str, Any] = {
        "owner": OWNER,
        "retries": 3,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=2),
        "on_failure_callback": alert_on_failure,
    }
    args.update(overrides)
    return args


def ingest_schedule() -> str | None:
    """The ingest cron from ``SQMY_INGEST_SCHEDULE``; ``none`` means trigger-only (REST, UI).

    An env var rather than an Airflow Variable: a schedule is read at every
    DAG parse, and a Variable there would be a metadata round trip per parse.
    """
    value = os.environ.get(INGEST_SCHEDULE_ENV, DEFAULT_INGEST_SCHEDULE).strip()
    return None if value.lower() in ("", "none") else value
