"""docker-compose.yml is checked without Docker: structure, paths and every setting it names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
}
REQUIRED_SERVICES = AIRFLOW_SERVICES | {"postgres", "redis"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    return dict(env) if isinstance(env, dict) else dict(e.split("=", 1) for e in env)


def project_reads(name: str) -> bool:
    """Whether some project source (src/, dags/, dbt/) mentions the env var by name."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for folder in ("src", "dags", "dbt"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".yml", ".sql"} and pattern.search(path.read_text("utf-8")):
                return True
    return False


def airflow_option_exists(env_name: str) -> bool:
    """Whether AIRFLOW__SECTION__KEY names a real Airflow (or provider / Cosmos) option."""
    from airflow.configuration import conf

    section, key = env_name.removeprefix("AIRFLOW__").lower().split("__", 1)
    if section == "cosmos":
        cosmos_settings = (Path(__import__("cosmos").__file__).parent / "settings.py").read_text()
        return f'"{key}"' in cosmos_settings
    # The description covers core and provider options, with or without a default.
    return key in conf.configuration_description.get(section, {}).get("options", {})


def test_required_services_share_one_image_and_have_health_checks(compose: dict[str, Any]) -> None:
    """Postgres, Redis and every Airflow service are there; long-running ones are health-checked."""
    services = compose["services"]
    assert set(services) >= REQUIRED_SERVICES
    assert {services[s]["image"] for s in AIRFLOW_SERVICES} == {"sqmy-etl-airflow:latest"}
    assert {services[s]["build"] for s in AIRFLOW_SERVICES} == {"."}
    for name in REQUIRED_SERVICES - {"airflow-init"}:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_airflow_runs_celery_on_postgres_and_redis(compose: dict[str, Any]) -> None:
    """The common env selects CeleryExecutor, the postgres service and the redis broker."""
    env = env_of(compose["services"]["airflow-scheduler"])
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
    assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "true"


def test_sqmy_home_is_a_named_volume(compose: dict[str, Any]) -> None:
    """SQMY_HOME lives on a volume every Airflow service mounts at the path the env names."""
    assert "sqmy-home" in compose["volumes"]
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert f"sqmy-home:{env_of(service)['SQMY_HOME']}" in service["volumes"]


def test_init_creates_the_pools_connections_and_variables(compose: dict[str, Any]) -> None:
    """airflow-init migrates the DB and runs the project's init module, which exists."""
    command = " ".join(compose["services"]["airflow-init"]["command"])
    assert "airflow db migrate" in command
    module = re.search(r"python -m ([\w.]+)", command).group(1)
    assert (ROOT / "src" / (module.replace(".", "/") + ".py")).is_file()


def test_every_host_path_it_names_exists(compose: dict[str, Any]) -> None:
    """Build contexts, bind-mount sources and the Dockerfile's COPY sources are in the repo."""
    named_volumes = set(compose["volumes"])
    for name, service in compose["services"].items():
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source not in named_volumes:
                assert (ROOT / source).exists(), f"{name}: {source}"
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source


def test_every_setting_it_names_is_read_by_someone(compose: dict[str, Any]) -> None:
    """Each SQMY_* var is read by the project; each AIRFLOW__* var is a real config option."""
    names = {k for s in compose["services"].values() for k in env_of(s)}
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    names |= set(re.findall(r"\b((?:SQMY|AIRFLOW)_\w+)=", dockerfile))
    unknown = [n for n in sorted(names) if n.startswith("SQMY_") and not project_reads(n)]
    unknown += [
        n for n in sorted(names) if n.startswith("AIRFLOW__") and not airflow_option_exists(n)
    ]
    assert unknown == []


def test_the_setting_checks_can_fail() -> None:
    """A made-up SQMY_ var and a misspelt Airflow option are both reported."""
    assert not project_reads("SQMY_NO_SUCH_SETTING")
    assert not airflow_option_exists("AIRFLOW__CORE__EXECUTER")
    assert not airflow_option_exists("AIRFLOW__COSMOS__ENABLE_TELEMETRI")


LOG_AND_HEALTH_PORTS = {"8793", "8794", "8974"}  # worker/scheduler logs, triggerer logs, health


def published(compose: dict[str, Any]) -> dict[str, list[str]]:
    """Each service's published ports, as written (``host_ip:host:container`` or shorter)."""
    return {
        name: [str(p) for p in service.get("ports", [])]
        for name, service in compose["services"].items()
        if service.get("ports")
    }


def exposed_beyond_loopback(ports: dict[str, list[str]]) -> list[str]:
    """Published ports a log server or health check uses, or bound to all host interfaces."""
    bad = []
    for name, specs in ports.items():
        for spec in specs:
            parts = spec.split(":")
            if parts[-1].split("/")[0] in LOG_AND_HEALTH_PORTS or parts[0] != "127.0.0.1":
                bad.append(f"{name}: {spec}")
    return bad


def test_only_the_api_server_is_published_and_on_loopback(compose: dict[str, Any]) -> None:
    """The UI is on the host's 127.0.0.1:8080; log servers and health checks are not published."""
    ports = published(compose)
    assert ports == {"airflow-apiserver": ["127.0.0.1:8080:8080"]}
    assert exposed_beyond_loopback(ports) == []


def test_the_port_check_sees_a_published_log_server() -> None:
    """A published 8793 and an API port open on every interface are both reported."""
    ports = {"airflow-worker": ["127.0.0.1:8793:8793"], "airflow-apiserver": ["8080:8080"]}
    assert exposed_beyond_loopback(ports) == [
        "airflow-worker: 127.0.0.1:8793:8793",
        "airflow-apiserver: 8080:8080",
    ]
