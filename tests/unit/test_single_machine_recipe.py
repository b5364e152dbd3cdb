"""README "Airflow on one machine" is the code's recipe word for word, and listens on loopback."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.orchestration.embedded import single_machine_commands, single_machine_env
from tests.unit.test_compose import airflow_option_exists

ROOT = Path(__file__).resolve().parents[2]
SITE_INPUTS = {  # what each site chooses for itself -> the function's parameter
    "SQMY_HOME": "sqmy_home",
    "AIRFLOW_HOME": "airflow_home",
    "AIRFLOW__CORE__DAGS_FOLDER": "dags_folder",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "sql_alchemy_conn",
    "AIRFLOW__CORE__FERNET_KEY": "fernet_key",
    "AIRFLOW__API_AUTH__JWT_SECRET": "jwt_secret",
}


def recipe_section() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("### Airflow on one machine")
    return readme[start : readme.index("\n### ", start + 1)]


def recipe_block() -> tuple[dict[str, str], list[list[str]]]:
    """The exports and the long-running `airflow … &` commands of the recipe's shell block."""
    (block,) = re.findall(r"```bash\n(.*?)```", recipe_section(), re.DOTALL)
    env: dict[str, str] = {}
    commands: list[list[str]] = []
    for line in block.splitlines():
        if line.startswith("export "):
            key, value = line.removeprefix("export ").split("=", 1)
            env[key] = value.strip('"')
        elif line.startswith("airflow ") and line.endswith("&"):
            commands.append(shlex.split(line.removesuffix("&")))
    return env, commands


@pytest.fixture(scope="module")
def recipe() -> tuple[dict[str, str], list[list[str]]]:
    return recipe_block()


def api_port(commands: list[list[str]]) -> int:
    (server,) = [c for c in commands if c[1] == "api-server"]
    return int(server[server.index("--port") + 1])


def test_the_readme_exports_exactly_what_single_machine_env_returns(recipe: Any) -> None:
    """Given the README's own paths and secrets, the function gives the README's exports."""
    env, commands = recipe
    inputs = {param: env[key] for key, param in SITE_INPUTS.items()}
    assert env == single_machine_env(**inputs, api_port=api_port(commands))
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg://")


def test_the_readme_starts_exactly_the_processes_of_single_machine_commands(recipe: Any) -> None:
    """api-server, scheduler, dag-processor and triggerer, with the same flags, in that order."""
    _, commands = recipe
    assert commands == single_machine_commands(api_port(commands))
    assert [c[1] for c in commands] == ["api-server", "scheduler", "dag-processor", "triggerer"]


def test_every_exported_setting_is_explained_and_real(recipe: Any) -> None:
    """Each variable has a row in the README's table; each AIRFLOW__ one is an Airflow option."""
    env, _ = recipe
    explained = set(re.findall(r"^\| `(\w+)` \|", recipe_section(), re.MULTILINE))
    assert set(env) <= explained
    assert [k for k in env if k.startswith("AIRFLOW__") and not airflow_option_exists(k)] == []


def test_no_process_listens_beyond_loopback(recipe: Any, airflow_env: dict[str, str]) -> None:
    """Airflow's own CLI parser reads the commands: the api-server on 127.0.0.1, no log servers;
    the health check host is 127.0.0.1 and the executor's tasks call the api-server on loopback."""
    from airflow.cli.cli_parser import get_parser

    env, commands = recipe
    parser = get_parser()
    parsed = {c[1]: parser.parse_args(c[1:]) for c in commands}
    assert parsed["api-server"].host == "127.0.0.1"
    assert parsed["scheduler"].skip_serve_logs is True
    assert parsed["triggerer"].skip_serve_logs is True
    assert env["AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith("http://127.0.0.1:")


def test_airflow_still_has_no_address_setting_for_its_log_servers(
    airflow_env: dict[str, str],
) -> None:
    """Why the recipe skips the log servers: [logging] has their ports but no host to bind.

    If an Airflow upgrade adds one, this fails: bind them to 127.0.0.1 instead.
    """
    from airflow.configuration import conf

    options = conf.configuration_description["logging"]["options"]
    assert {"worker_log_server_port", "trigger_log_server_port"} <= set(options)
    assert [name for name in options if "log_server" in name and "port" not in name] == []


def test_the_recipe_check_sees_a_drifted_readme(recipe: Any) -> None:
    """A README that said CeleryExecutor, or started the scheduler with its log server, differs."""
    env, commands = recipe
    inputs = {param: env[key] for key, param in SITE_INPUTS.items()}
    assert {**env, "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor"} != single_machine_env(**inputs)
    drifted = [["airflow", "scheduler"] if c[1] == "scheduler" else c for c in commands]
    assert drifted != single_machine_commands(api_port(commands))
