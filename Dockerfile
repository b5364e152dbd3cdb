# One image for every Airflow service of docker-compose.yml (api-server,
# scheduler, dag-processor, triggerer, Celery worker, init): the project's own
# locked environment (uv.lock) rather than the apache/airflow image, so the
# containers run exactly the versions the tests ran.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    SQMY_HOME=/opt/sqmy-home \
    SQMY_DBT_DIR=/opt/sqmy/dbt \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False

# Reports: a CJK font and harfbuzz-subset for weasyprint; curl for health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 curl \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv \
 && useradd --uid 50000 --gid 0 --create-home airflow

WORKDIR /opt/sqmy
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY src ./src
COPY dbt ./dbt
COPY expectations ./expectations
COPY dags /opt/airflow/dags
# The manifest is parsed with the runtime SQMY_HOME: each transform reuses dbt's
# partial-parse file only while the profile's warehouse path is the same.
RUN uv sync --frozen --no-dev \
 && python -c "from sqmy_etl.config import Settings; \
      from sqmy_etl.transform.build import build_manifest; build_manifest(Settings.from_env())" \
 && rm -rf dbt/logs \
 && mkdir -p "$SQMY_HOME" /opt/sqmy-lake /opt/sqmy-secrets /opt/airflow/logs \
 && chown -R 50000:0 "$SQMY_HOME" /opt/sqmy-lake /opt/sqmy-secrets /opt/airflow /opt/sqmy/dbt

USER 50000
WORKDIR /opt/airflow
