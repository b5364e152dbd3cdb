"""A throwaway Airflow deployment on the host's PostgreSQL and Redis, run as processes.

The same topology as docker-compose.yml (api-server, scheduler, dag-processor,
triggerer, Celery worker) without Docker: metadata in a fresh PostgreSQL
database, the broker on a Redis db number nobody uses. ``stop()`` leaves no
process, database or Redis key behind (STACK-NOTES "without Docker").
``executor="LocalExecutor"`` runs the one-machine topology instead: the
scheduler starts each task itself, no worker and no broker.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

PG_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PR_SET_CHILD_SUBREAPER = 36
# The commands python-svc machines start these services with (env/machines/python-svc.md).
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)
TERMINAL_RUN_STATES = {"success", "failed"}
FINAL_TASK_STATES = {"success", "failed", "upstream_failed", "skipped"}
CELERY = "CeleryExecutor"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_ok() -> bool:
    import psycopg

    try:
        psycopg.connect(PG_DSN, connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


def _redis_ok() -> bool:
    import redis

    try:
        return bool(redis.Redis(REDIS_HOST, REDIS_PORT, socket_timeout=3).ping())
    except redis.RedisError:
        return False


def ensure_services() -> None:
    """Start PostgreSQL / Redis with the machine's own commands if down; else fail loudly."""
    for name, ok, start in (
        ("PostgreSQL", _postgres_ok, START_POSTGRES),
        ("Redis", _redis_ok, START_REDIS),
    ):
        if ok():
            continue
        subprocess.run(["bash", "-c", start], capture_output=True, timeout=60, check=False)
        for _ in range(30):
            if ok():
                break
            time.sleep(1)
        else:
            raise RuntimeError(f"{name} is not reachable on 127.0.0.1 and could not be started")


def _free_redis_db() -> int:
    """An empty Redis db number (1–15): the broker's keys cannot mix with anyone else's."""
    import redis

    for db in range(15, 0, -1):
        if redis.Redis(REDIS_HOST, REDIS_PORT, db=db).dbsize() == 0:
            return db
    raise RuntimeError("no empty Redis database number left")


@dataclass
class Deployment:
    base: Path
    dags_folder: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    executor: str = CELERY
    # True: the README's one-machine recipe exactly (one_machine_env / one_machine_services)
    recipe: bool = False
    db_name: str = field(default_factory=lambda: f"sqmy_it_{secrets.token_hex(4)}")
    redis_db: int = 0
    api_port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        ensure_services()
        # Orphans of our processes re-parent to us, so stop() can always find them.
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self._create_database()
        if self.executor == CELERY:
            self.redis_db = _free_redis_db()
        self.api_port = free_port()
        self.env = one_machine_env(self) if self.recipe else self._environment()
        self._run_once(["airflow", "db", "migrate"], timeout=240)
        self._run_once([sys.executable, "-m", "sqmy_etl.orchestration.init"], timeout=120)
        services = one_machine_services(self) if self.recipe else self._services()
        for name, args in services:
            log = (self.base / f"{name}.log").open("wb")
            self.procs[name] = subprocess.Popen(
                ["airflow", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_healthy(timeout=180)

    def stop(self) -> None:
        """Fail unfinished runs, stop each process group, reap stragglers, drop DB + Redis keys."""
        try:
            if self.api_port and "api-server" in self.procs:
                self._fail_unfinished_runs()
        finally:
            for name in ("worker", "scheduler", "triggerer", "dag-processor", "api-server"):
                proc = self.procs.get(name)
                if proc is not None and proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            # unfinished runs were just failed: nothing to wait for beyond a clean exit
            deadline = time.monotonic() + 10
            for proc in self.procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            self._kill_leftovers()
            self._drop_database()
            if self.redis_db:
                import redis

                redis.Redis(REDIS_HOST, REDIS_PORT, db=self.redis_db).flushdb()

    def leftovers(self) -> list[psutil.Process]:
        """Live processes of this deployment's sessions (should be none after stop())."""
        sessions = {p.pid for p in self.procs.values()}
        found = []
        for child in psutil.Process().children(recursive=True):
            try:
                if os.getsid(child.pid) in sessions and child.status() != psutil.STATUS_ZOMBIE:
                    found.append(child)
            except (ProcessLookupError, psutil.NoSuchProcess):
                continue
        return found

    def database_exists(self) -> bool:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True) as con:
            row = con.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.db_name,)
            ).fetchone()
        return row is not None

    def redis_keys(self) -> int:
        """Keys left in the broker's Redis db (0 when there is no broker)."""
        if not self.redis_db:
            return 0
        import redis

        return redis.Redis(REDIS_HOST, REDIS_PORT, db=self.redis_db).dbsize()

    # --- REST -----------------------------------------------------------------------

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call /api/v2 (all users are admins in this throwaway deployment)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.api_port}/api/v2{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def wait_for_dag(self, dag_id: str, timeout: float) -> None:
        """Until the dag-processor has parsed and serialised ``dag_id``."""
        self._poll(lambda: self._get_or_none(f"/dags/{dag_id}"), timeout, f"DAG {dag_id} parsed")

    def unpause(self, dag_id: str) -> None:
        self.api("PATCH", f"/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str) -> str:
        return self.api("POST", f"/dags/{dag_id}/dagRuns", {"logical_date": None})["dag_run_id"]

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return self.api("GET", f"/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]

    def wait_for_run(
        self, dag_id: str, timeout: float, run_id: str | None = None
    ) -> dict[str, Any]:
        """The run ``run_id`` (else the first run of the DAG) once it is success or failed."""

        def finished() -> dict[str, Any] | None:
            for run in self.runs(dag_id):
                if run_id in (None, run["dag_run_id"]) and run["state"] in TERMINAL_RUN_STATES:
                    return run
            return None

        return self._poll(finished, timeout, f"{dag_id} run {run_id or ''} finished")

    def first_run(self, dag_id: str, timeout: float) -> dict[str, Any]:
        """The first run of ``dag_id`` once it exists (e.g. one an asset event started)."""
        return self._poll(lambda: next(iter(self.runs(dag_id)), None), timeout, f"{dag_id} run")

    def wait_for_tasks(
        self, dag_id: str, run_id: str, task_ids: tuple[str, ...], timeout: float
    ) -> dict[tuple[str, int], str]:
        """The run's task states once every one of ``task_ids`` has a final state."""

        def settled() -> dict[tuple[str, int], str] | None:
            states = self.task_states(dag_id, run_id)
            final = all(states.get((t, -1)) in FINAL_TASK_STATES for t in task_ids)
            return states if final else None

        return self._poll(settled, timeout, f"{', '.join(task_ids)} settled in {run_id}")

    def end_run(self, dag_id: str, run_id: str, attempts: int = 5) -> None:
        """Mark a run failed: its unfinished tasks stop and the next run may start.

        The api-server answers 500 when its update collides with the scheduler
        changing the same run's task instances (a database lock conflict), so
        a 5xx is tried again a few times; a run that ended meanwhile is left as is.
        """
        for attempt in range(attempts):
            try:
                self.api("PATCH", f"/dags/{dag_id}/dagRuns/{run_id}", {"state": "failed"})
                return
            except urllib.error.HTTPError as exc:
                if exc.code < 500 or attempt == attempts - 1:
                    raise
            run = self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}")
            if run["state"] in TERMINAL_RUN_STATES:
                return
            time.sleep(2)

    def task_states(self, dag_id: str, run_id: str) -> dict[tuple[str, int], str]:
        states: dict[tuple[str, int], str] = {}
        offset = 0
        while True:
            page = self.api(
                "GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100&offset={offset}"
            )
            for ti in page["task_instances"]:
                states[ti["task_id"], ti["map_index"]] = ti["state"]
            offset += len(page["task_instances"])
            if not page["task_instances"] or offset >= page["total_entries"]:
                return states

    # --- internals ------------------------------------------------------------------

    def _services(self) -> list[tuple[str, list[str]]]:
        services = [
            ("api-server", ["api-server", "--host", "127.0.0.1", "--port", str(self.api_port)]),
            ("scheduler", ["scheduler"]),
            ("dag-processor", ["dag-processor"]),
            ("triggerer", ["triggerer"]),
        ]
        if self.executor == CELERY:
            worker = ["celery", "worker", "--celery-hostname", f"it-{self.db_name}@%h"]
            services.append(("worker", [*worker, "--without-gossip", "--without-mingle"]))
        return services

    def _environment(self) -> dict[str, str]:
        home = self.base / "airflow-home"
        home.mkdir(parents=True, exist_ok=True)
        from cryptography.fernet import Fernet

        pg = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.db_name}"
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__EXECUTOR": self.executor,
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": pg,
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "AIRFLOW__COSMOS__CACHE_DIR": str(self.base / "cosmos-cache"),
        }
        if self.executor == CELERY:
            env |= {
                "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}",
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{pg}",
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
                "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "3600",
            }
        env.update(self.extra_env)
        return env

    def _run_once(self, args: list[str], timeout: float) -> None:
        out = subprocess.run(args, env=self.env, capture_output=True, timeout=timeout, check=False)
        if out.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed:\n{out.stdout[-3000:]!r}\n{out.stderr[-3000:]!r}"
            )

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{self.db_name}"')

    def _drop_database(self) -> None:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def _get_or_none(self, path: str) -> Any:
        try:
            return self.api("GET", path)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def _health(self) -> bool:
        try:
            health = self.api("GET", "/monitor/health")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
        return all(health.get(p, {}).get("status") == "healthy" for p in parts)

    def _wait_healthy(self, timeout: float) -> None:
        self._poll(self._health, timeout, "all Airflow components healthy")

    def _poll(self, probe: Any, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}; see {self.base}/{name}.log"
                    )
            result = probe()
            if result:
                return result
            time.sleep(1)
        raise TimeoutError(f"waited {timeout:.0f}s for: {what}")

    def _fail_unfinished_runs(self) -> None:
        """A running task ignores SIGTERM in its own group: fail its run so the worker lets go."""
        try:
            dags = self.api("GET", "/dags?limit=100")["dags"]
            for dag in dags:
                for run in self.runs(dag["dag_id"]):
                    if run["state"] not in TERMINAL_RUN_STATES:
                        self.end_run(dag["dag_id"], run["dag_run_id"])
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # api-server already gone: the SIGKILL backstop below still applies

    def _kill_leftovers(self) -> None:
        """SIGKILL what survived SIGTERM, then reap it (as subreaper, orphans are our children)."""
        stragglers = self.leftovers()
        for proc in stragglers:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                continue
        psutil.wait_procs(stragglers, timeout=10)


# --- the README's "Airflow on one machine" recipe (Deployment(recipe=True)) -------------


def one_machine_env(deployment: Deployment) -> dict[str, str]:
    """The README recipe's environment (``single_machine_env``) for this deployment.

    Only the site inputs are the deployment's own (folders, database, port,
    fresh secrets); every other documented setting is taken as is. On top come
    what only a throwaway test needs: all users admins, fast DAG re-parsing, a
    private Cosmos cache. ``extra_env`` (SQMY_HOME, test knobs) goes last.
    """
    from cryptography.fernet import Fernet

    from sqmy_etl.orchestration.embedded import single_machine_env

    home = deployment.base / "airflow-home"
    home.mkdir(parents=True, exist_ok=True)
    recipe = single_machine_env(
        sqmy_home=deployment.extra_env.get("SQMY_HOME", os.environ.get("SQMY_HOME", "")),
        airflow_home=str(home),
        dags_folder=str(deployment.dags_folder),
        sql_alchemy_conn=f"postgresql+psycopg://postgres@127.0.0.1:5432/{deployment.db_name}",
        fernet_key=Fernet.generate_key().decode(),
        jwt_secret=secrets.token_hex(32),
        api_port=deployment.api_port,
    )
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        **recipe,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__COSMOS__CACHE_DIR": str(deployment.base / "cosmos-cache"),
        **deployment.extra_env,
    }


def one_machine_services(deployment: Deployment) -> list[tuple[str, list[str]]]:
    """The recipe's processes as ``(name, args after "airflow")``, for ``Deployment.start``."""
    from sqmy_etl.orchestration.embedded import single_machine_commands

    return [(command[1], command[1:]) for command in single_machine_commands(deployment.api_port)]
