-- The DuckLake catalog lives in the same PostgreSQL service as Airflow's
-- metadata, in a database of its own (SQMY_LAKE_CATALOG in docker-compose.yml).
-- Run once, by the postgres image, when its data volume is first created.
CREATE DATABASE sqmy_lake OWNER airflow;
