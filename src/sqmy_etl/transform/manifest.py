"""Where the dbt manifest Cosmos renders from lives; ``python -m`` builds it (``make manifest``).

Cosmos renders the Airflow task graph from this prebuilt manifest
(LoadMode.DBT_MANIFEST), so DAG parsing does not run dbt. In the checkout (or a
copy of the project) it is ``dbt/target/manifest.json``, built ahead by
``make manifest``. The project shipped inside an installed wheel comes
without ``target/`` and may be read-only: there the manifest lives under
SQMY_HOME, in a folder named after the project's files (a reinstall gets a
new one), and the first DAG parse that finds none builds it (``dbt parse``,
seconds, once).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.transform.build import build_manifest

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _project_key(dbt_dir: Path) -> str:
    """A short digest of the project's file names, sizes and times: changes on every reinstall."""
    digest = hashlib.sha256()
    for path in sorted(dbt_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(
                f"{path.relative_to(dbt_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()[:12]


def _shipped(settings: Settings) -> bool:
    """The project is the copy inside the installed package, not a checkout or a copy of it."""
    return settings.dbt_dir.is_relative_to(_PACKAGE_DIR)


def manifest_dir(settings: Settings) -> Path:
    """``dbt/target`` of a project outside the package; under SQMY_HOME for the wheel's copy."""
    if not _shipped(settings):
        return settings.dbt_dir / "target"
    return settings.home / "dbt" / "manifest" / _project_key(settings.dbt_dir)


def ensure_manifest(settings: Settings) -> Path:
    """The manifest's path; for the wheel's project, built first when there is none yet.

    Built in a folder beside the final one and renamed into place, so two
    processes parsing the DAG at once never read a half-written manifest; the
    loser of that race drops its copy. Outside the package a missing manifest
    stays missing: ``make manifest`` builds it, and the DAG says so.
    """
    folder = manifest_dir(settings)
    manifest = folder / "manifest.json"
    if manifest.is_file() or not _shipped(settings):
        return manifest
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".building-"))
    try:
        build_manifest(settings, building)
        with contextlib.suppress(OSError):  # another process renamed its build first
            building.rename(folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return manifest


if __name__ == "__main__":
    settings = Settings.from_env()
    print(build_manifest(settings, manifest_dir(settings)))
