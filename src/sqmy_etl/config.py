"""One place for every setting: paths under SQMY_HOME, caps, keys.

Everything reads ``Settings.from_env()`` so the CLI, tests and Airflow tasks
agree on where things live without passing paths around.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# SQMY_WAREHOUSE: the embedded DuckDB file (one writer) or DuckLake (many writers, CONTRACT §7)
ENGINES = ("duckdb", "ducklake")
_PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout's root when running from it (src/sqmy_etl/config.py); tests and
# scripts use it. What the package reads at run time goes through shipped_dir.
PROJECT_ROOT = _PACKAGE_DIR.parents[1]
# Where the wheel carries dbt/, expectations/ and dags/ (pyproject.toml, wheel sources)
SHIPPED = "_project"


def shipped_dir(name: str) -> Path:
    """A folder of the project the package reads at run time: ``dbt``, ``expectations``, ``dags``.

    Running from the checkout (``uv sync`` installs it editable), the
    checkout's own folder, so an edit counts at once and the layout is the one
    the Makefile and the docs name. From an installed wheel there is no
    checkout: the copy shipped inside the package. Nothing writes there
    (dbt's target and logs go under SQMY_HOME), so it may be read-only.
    """
    if _PACKAGE_DIR.parent.name == "src" and (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / name
    return Path(str(resources.files("sqmy_etl").joinpath(SHIPPED, name)))


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Limits:
    """Caps that keep hostile files from hanging or exhausting the machine."""

    max_file_bytes: int = 2 * 1024**3
    max_zip_members: int = 1000
    max_zip_member_bytes: int = 100 * 1024**2
    max_zip_total_bytes: int = 200 * 1024**2
    max_zip_ratio: int = 100
    max_sheet_cells: int = 20_000_000
    max_field_bytes: int = 1024**2
    parse_timeout_s: int = 300
    parse_memory_bytes: int = 4 * 1024**3

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_file_bytes=_int_env("SQMY_MAX_FILE_BYTES", cls.max_file_bytes),
            max_sheet_cells=_int_env("SQMY_MAX_SHEET_CELLS", cls.max_sheet_cells),
            max_field_bytes=_int_env("SQMY_MAX_FIELD_BYTES", cls.max_field_bytes),
            parse_timeout_s=_int_env("SQMY_PARSE_TIMEOUT_S", cls.parse_timeout_s),
            parse_memory_bytes=_int_env("SQMY_PARSE_MEMORY_BYTES", cls.parse_memory_bytes),
        )


@dataclass(frozen=True)
class Settings:
    """Resolved configuration; paths are absolute so dbt and Airflow agree."""

    home: Path
    dbt_dir: Path
    pii_key_file: Path
    limits: Limits
    writer_wait_s: int = 600
    engine: str = "duckdb"
    lake_catalog: str = ""
    lake_data_dir: Path | None = None
    # `--as-of DATE`: the marts as published then, instead of published/marts.duckdb
    published_override: Path | None = None

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(os.environ.get("SQMY_HOME", "sqmy-home")).resolve()
        dbt_dir = Path(os.environ.get("SQMY_DBT_DIR", shipped_dir("dbt"))).resolve()
        key_file = Path(os.environ.get("SQMY_PII_KEY_FILE", home / "secrets" / "pii.key")).resolve()
        engine = os.environ.get("SQMY_WAREHOUSE", "").strip().lower() or "duckdb"
        if engine not in ENGINES:
            raise ValueError(
                f"SQMY_WAREHOUSE={engine!r} 无效：请设为 duckdb 或 ducklake"
                f" / SQMY_WAREHOUSE must be duckdb or ducklake"
            )
        catalog = os.environ.get("SQMY_LAKE_CATALOG", "").strip()
        if engine == "ducklake" and not catalog:
            raise ValueError(
                "SQMY_WAREHOUSE=ducklake 需要 SQMY_LAKE_CATALOG（PostgreSQL 连接串，如"
                " host=127.0.0.1 dbname=sqmy_lake user=postgres）"
                " / SQMY_WAREHOUSE=ducklake needs SQMY_LAKE_CATALOG"
            )
        lake_data = os.environ.get("SQMY_LAKE_DATA")
        return cls(
            home=home,
            dbt_dir=dbt_dir,
            pii_key_file=key_file,
            limits=Limits.from_env(),
            writer_wait_s=_int_env("SQMY_WRITER_WAIT_S", 600),
            engine=engine,
            lake_catalog=catalog,
            lake_data_dir=Path(lake_data).resolve() if lake_data else None,
        )

    @property
    def is_lake(self) -> bool:
        """DuckLake (catalog in PostgreSQL, shared data files) rather than the embedded file."""
        return self.engine == "ducklake"

    @property
    def lake_data(self) -> Path:
        """Where DuckLake writes its Parquet data files: a folder every worker shares."""
        return self.lake_data_dir or self.home / "lake"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def rejected(self) -> Path:
        return self.home / "rejected"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse" / "sqmy.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def published(self) -> Path:
        return self.published_override or self.published_dir / "marts.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.published_dir / "parquet"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    def ensure_dirs(self) -> None:
        """Create the on-disk layout of CONTRACT.md §3 (idempotent)."""
        for path in (
            self.landing,
            self.archive,
            self.rejected,
            self.warehouse.parent,
            self.published_dir,
            self.reports,
            self.logs,
        ):
            path.mkdir(parents=True, exist_ok=True)


def today_shanghai() -> date:
    """The ingest day, in Asia/Shanghai; ``SQMY_TODAY`` pins it for reproducible runs."""
    pinned = os.environ.get("SQMY_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(SHANGHAI).date()
