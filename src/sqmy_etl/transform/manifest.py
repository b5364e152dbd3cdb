"""``python -m sqmy_etl.transform.manifest``: write dbt/target/manifest.json (``make manifest``).

Cosmos renders the Airflow task graph from this prebuilt manifest
(LoadMode.DBT_MANIFEST), so DAG parsing never runs dbt.
"""

from sqmy_etl.config import Settings
from sqmy_etl.transform.build import build_manifest

if __name__ == "__main__":
    print(build_manifest(Settings.from_env()))
