"""The built wheel runs on its own: ``sqmy demo`` from a fresh virtualenv, far from the checkout.

``uv build`` makes the wheel; a new virtualenv outside the checkout gets it
with the dependency versions of ``uv.lock``; ``sqmy demo`` then runs from a
working directory outside the checkout, without PYTHONPATH, so only the
installed package and the dbt project, suites and DAG files shipped inside it
can be read. The headline figures are the 2021 calibration targets
(docs: /work/shared/DOMAIN.md; 320 issues and the 21.1 % rate are 43 / 204 as
the demo prints it). The installed dbt project must come out of the run
byte for byte as it went in: dbt writes only under SQMY_HOME, so
site-packages may be read-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
# The 2021 headline as `sqmy demo` prints it: row label → value (counted by hand, DOMAIN.md)
HEADLINE = {
    "收到社情民意信息（篇）": "1005",
    "编发（期）": "320",
    "其中民生类（期）": "204",
    "民生类得到批示（期）": "43",
    "民生类批示率": "21.1%",
}
# Variables that would point the installed package back at the checkout or another home
LEAKY_ENV = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")


def _uv() -> str:
    uv = shutil.which("uv")
    assert uv, "uv is not on PATH: the Makefile installs it (`make venv`)"
    return uv


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command; on failure the assertion shows its output."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (
        f"{args[:3]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def _tree(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` → SHA-256 of a file's bytes, or ``dir``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def _printed_headline(stdout: str) -> dict[str, str]:
    """The demo's headline table, row label → value, as printed."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│|]", line) if c.strip()]
        if len(cells) == 2 and cells[0] in HEADLINE:
            rows[cells[0]] = cells[1]
    return rows


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtualenv outside the checkout holding the built wheel and the locked dependencies."""
    base = tmp_path_factory.mktemp("wheel-install")
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_ENV}
    # the uv cache and the venv share a filesystem: hard links instead of copying ~1 GB
    env |= {"UV_LINK_MODE": "hardlink", "UV_PYTHON_DOWNLOADS": "never"}
    uv = _uv()
    dist = base / "dist"
    _run([uv, "build", "--wheel", "--out-dir", str(dist), str(ROOT)], ROOT, env)
    (wheel,) = dist.glob("sqmy_etl-*.whl")
    requirements = base / "requirements.txt"
    export = [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project"]
    _run([*export, "--output-file", str(requirements)], ROOT, env)
    venv = base / "venv"
    _run([uv, "venv", "--python", "3.11", str(venv)], base, env)
    python = str(venv / "bin" / "python")
    _run([uv, "pip", "install", "--python", python, "-r", str(requirements), str(wheel)], base, env)
    return venv, env


def test_wheel_runs_the_demo_outside_the_checkout(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    venv, env = installed
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in env.items() if not k.startswith("SQMY_")}
    env |= {
        "SQMY_HOME": str(work / "home"),
        "SQMY_PII_KEY_FILE": str(tmp_path / "keys" / "pii.key"),
    }
    where = "import sqmy_etl.config as c; print(c.__file__); print(c.Settings.from_env().dbt_dir)"
    module, dbt_dir = _run([str(venv / "bin" / "python"), "-c", where], work, env).split()
    assert Path(module).is_relative_to(venv), f"sqmy_etl imported from {module}, not the wheel"
    dbt_dir_path = Path(dbt_dir)
    assert dbt_dir_path.is_relative_to(venv) and (dbt_dir_path / "dbt_project.yml").is_file()
    assert not (dbt_dir_path / "target").exists(), "the wheel must not ship dbt/target"
    before = _tree(dbt_dir_path)

    stdout = _run([str(venv / "bin" / "sqmy"), "demo"], work, env)

    assert _printed_headline(stdout) == HEADLINE, stdout
    assert _tree(dbt_dir_path) == before, "the run wrote into the installed dbt project"
    run = json.loads((work / "home" / "dbt" / "target" / "run_results.json").read_text("utf-8"))
    assert Path(run["args"]["project_dir"]) == dbt_dir_path, "dbt built another project"
