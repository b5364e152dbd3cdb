"""Airflow wiring for sqmy-etl: shared DAG defaults, task adapters, alerting, setup.

The DAG files in ``dags/`` stay thin; everything they share lives here so the
DAG integrity tests, the embedded ``make demo`` runner and the deployment
agree on one definition. Nothing in this package imports pandas, DuckDB or dbt
at module level: DAG files import it at parse time.
"""
