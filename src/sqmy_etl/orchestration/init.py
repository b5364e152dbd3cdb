"""Create the pool, connection and Variables the sqmy DAGs need, by code.

Run once after ``airflow db migrate`` (``make airflow-init``, the compose
``airflow-init`` service, the integration test, the embedded demo):
``python -m sqmy_etl.orchestration.init``. Idempotent: the pool is
forced to one slot; the connection and Variables are created only when
absent, so values edited in the UI survive a re-run.
"""

from __future__ import annotations

import os

from sqmy_etl.orchestration import knobs
from sqmy_etl.orchestration.alerting import SMTP_CONN_ID
from sqmy_etl.orchestration.defaults import WRITER_POOL

SMTP_URI_ENV = "SQMY_SMTP_URI"
# A local relay without TLS; production sets SQMY_SMTP_URI (or AIRFLOW_CONN_SQMY_SMTP).
DEFAULT_SMTP_URI = (
    "smtp://localhost:25?disable_ssl=true&disable_tls=true&from_email=sqmy-etl%40localhost"
)


def init_airflow() -> list[str]:
    """Bring the metadata DB to what the DAGs expect; returns what changed."""
    from airflow.models.connection import Connection
    from airflow.models.pool import Pool
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session

    done: list[str] = []
    with create_session() as session:
        Pool.create_or_update_pool(
            WRITER_POOL,
            slots=1,
            description="DuckDB has one writer: every warehouse-writing task takes this slot",
            include_deferred=False,
            session=session,
        )
        done.append(f"pool {WRITER_POOL}=1")
        if not session.query(Connection).filter(Connection.conn_id == SMTP_CONN_ID).first():
            uri = os.environ.get(SMTP_URI_ENV) or DEFAULT_SMTP_URI
            session.add(Connection(conn_id=SMTP_CONN_ID, uri=uri))
            done.append(f"connection {SMTP_CONN_ID}")
        existing = {v.key for v in session.query(Variable).all()}
        for knob in knobs.ALL:
            if knob.variable not in existing:
                value = os.environ.get(knob.env) or knob.default
                session.add(Variable(key=knob.variable, val=value))
                done.append(f"variable {knob.variable}")
    return done


if __name__ == "__main__":
    for line in init_airflow():
        print(line)
