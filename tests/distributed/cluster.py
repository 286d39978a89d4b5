"""The docker-compose topology built from real processes on 127.0.0.1: Postgres and Redis (Debian packages),
moto's S3 server as the object store, Airflow's api-server, scheduler, dag-processor and Celery workers.
Every process started here is stopped by `stop()`."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "ogi-distributed"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check, timeout: float = 180, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


def _psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["su", "postgres", "-c", f'psql -qAt -d {database} -c "{sql}"'], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@dataclass
class Cluster:
    home: Path
    env: dict = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    database: str = ""
    started_postgres: bool = False

    def start_process(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.home / f"{name}.log", "wb")
        process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=60)

    def airflow(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run([BIN / "airflow", *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def log(self, name: str, whole: bool = False) -> str:
        path = self.home / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text if whole else text[-4000:]

    # the services ------------------------------------------------------------------------------------------

    def start_postgres(self) -> str:
        if subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.split()[3:4] != ["online"]:
            subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)
            self.started_postgres = True
        wait_for(
            "postgres",
            lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True).returncode == 0,
            60,
        )
        self.database = f"ogi_{uuid.uuid4().hex[:8]}"
        if _psql("SELECT 1 FROM pg_roles WHERE rolname='ogi'") != "1":
            _psql("CREATE ROLE ogi LOGIN PASSWORD 'ogi'")
        _psql(f"CREATE DATABASE {self.database} OWNER ogi")
        return f"postgresql+psycopg2://ogi:ogi@127.0.0.1:5432/{self.database}"

    def start(self, workers: int = 2) -> Cluster:
        sql = self.start_postgres()
        redis_port, s3_port, api_port = free_port(), free_port(), free_port()
        self.start_process(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        self.start_process("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)])
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(self.home / "airflow"),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "8",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql,
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sql,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(16),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "OGI_DATA": f"s3://{BUCKET}/data",
            "OGI_DUCKDB": str(self.home / "ogi.duckdb"),
            "OGI_BATCH_SIZE": "2",
            "OGI_RETRY_DELAY_S": "3",
            "FSSPEC_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=self.env["FSSPEC_S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        wait_for("the S3 server", lambda: _answers(s3), 60)
        s3.create_bucket(Bucket=BUCKET)
        self.airflow("db", "migrate", timeout=600)
        self.airflow("pools", "set", "ogi_fetch", "4", "fetch tasks at once")
        self.airflow("pools", "set", "ogi_ocr", "1", "scanned reports read by OCR at once")
        self.start_process("api-server", [str(BIN / "airflow"), "api-server"])
        self.start_process("scheduler", [str(BIN / "airflow"), "scheduler"])
        self.start_process("dag-processor", [str(BIN / "airflow"), "dag-processor"])
        for number in range(1, workers + 1):
            self.start_process(
                f"worker{number}",
                [
                    str(BIN / "airflow"),
                    "celery",
                    "worker",
                    "--concurrency",
                    "1",
                    "--celery-hostname",
                    f"worker{number}@127.0.0.1",
                ],
            )
        wait_for("the api-server", lambda: _http_ok(f"http://127.0.0.1:{api_port}/api/v2/version"), 180)
        wait_for("the DAGs to be parsed", lambda: "ogi_annual_reports" in self.airflow("dags", "list"), 240, 5)
        self.airflow("dags", "unpause", "ogi_annual_reports")
        return self

    def trigger(self, run_id: str, conf: dict | None = None) -> None:
        self.airflow("dags", "trigger", "ogi_annual_reports", "--run-id", run_id, "--conf", json.dumps(conf or {}))

    def run_state(self, run_id: str) -> str | None:
        return _psql(f"SELECT state FROM dag_run WHERE run_id = '{run_id}'", self.database) or None

    def wait_run(self, run_id: str, timeout: float = 600) -> str:
        def finished() -> str | None:
            for name in ("scheduler", "api-server", "dag-processor"):
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log(name)}")
            state = self.run_state(run_id)
            return state if state in ("success", "failed") else None

        return wait_for(f"run {run_id}", finished, timeout, 5)

    def running_tasks(self, run_id: str) -> list[dict]:
        sql = (
            "SELECT task_id, map_index, hostname, state FROM task_instance "
            f"WHERE run_id = '{run_id}' AND state = 'running'"
        )
        rows = _psql(sql, self.database)
        return [
            dict(zip(("task_id", "map_index", "hostname", "state"), line.split("|")))
            for line in rows.splitlines()
            if line
        ]

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM if name not in ("redis", "s3") else signal.SIGKILL)
        if self.database:
            _psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        if self.started_postgres:
            subprocess.run(["pg_ctlcluster", "15", "main", "stop"], check=False)


def _answers(s3) -> bool:
    try:
        s3.list_buckets()
        return True
    except Exception:  # not up yet
        return False


def _http_ok(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:  # up, and answering (perhaps asking for a login)
        return exc.code < 500
    except OSError:  # not up yet
        return False


def have_tools() -> list[str]:
    return [tool for tool in ("redis-server", "pg_ctlcluster", "docker-compose") if shutil.which(tool) is None]
