"""A throwaway PostgreSQL server for the tests.

``running_server()`` runs ``initdb`` into a temporary folder, starts ``postgres``
on 127.0.0.1 on a free port (trust authentication, no fsync: test data only),
waits until it accepts connections and, on the way out — also after a failure —
stops it and removes the folder. PostgreSQL refuses to run as root, so when the
tests run as root the server runs as an unprivileged account (``postgres`` if it
exists, else ``nobody``); otherwise it runs as the current user.

The binaries are looked up as ``$CUSTOMER_TEST_PG_BIN``, then ``initdb`` on
``PATH``, then ``/usr/lib/postgresql/<version>/bin`` (Debian/Ubuntu),
``/usr/pgsql-<version>/bin`` (RHEL) and ``/opt/homebrew/opt/postgresql*/bin``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

#: Bootstrap superuser of the throwaway cluster.
SUPERUSER = "postgres"
#: Accounts the server may run as when the tests run as root, in order of preference.
UNPRIVILEGED_ACCOUNTS = ("postgres", "nobody")
STARTUP_TIMEOUT_S = 30.0
REQUIRED = ("initdb", "postgres")

# Test data only: durability off, so startup and every commit are fast.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "40",
    "shared_buffers": "32MB",
    "max_wal_size": "256MB",
    "log_min_messages": "warning",
    "timezone": "UTC",
}


def _version_key(path: str) -> tuple[int, ...]:
    digits = "".join(c if c.isdigit() else " " for c in path).split()
    return tuple(int(d) for d in digits)


def _complete(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in REQUIRED)


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``postgres``, or ``None`` when there is none."""
    candidates: list[Path] = []
    if override := os.environ.get("CUSTOMER_TEST_PG_BIN"):
        candidates.append(Path(override))
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).resolve().parent)  # e.g. a symlink into /usr/lib/postgresql
        candidates.append(Path(on_path).parent)
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql*/bin",
                    "/usr/local/opt/postgresql*/bin"):
        candidates.extend(Path(p) for p in sorted(glob.glob(pattern), key=_version_key, reverse=True))
    return next((c for c in candidates if _complete(c)), None)


def find_psql(bin_dir: Path | None = None) -> Path | None:
    """``psql`` next to the server binaries, else on ``PATH``."""
    if bin_dir is not None and os.access(bin_dir / "psql", os.X_OK):
        return bin_dir / "psql"
    found = shutil.which("psql")
    return Path(found) if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class _Account:
    """Who the server runs as: ``None`` fields mean "the current user"."""

    uid: int | None = None
    gid: int | None = None
    name: str | None = None

    def popen_kwargs(self) -> dict:
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _server_account() -> _Account:
    if os.geteuid() != 0:
        return _Account()
    for name in UNPRIVILEGED_ACCOUNTS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return _Account(entry.pw_uid, entry.pw_gid, name)
    raise RuntimeError(
        f"running as root and none of the accounts {UNPRIVILEGED_ACCOUNTS} exists: "
        "PostgreSQL cannot run as root"
    )


def _temp_parent(account: _Account) -> str | None:
    """A temp folder the server's account can reach (``/tmp`` if ``$TMPDIR`` is private)."""
    default = Path(tempfile.gettempdir())
    if account.uid is None:
        return None
    for folder in (default, *default.parents):
        if not os.stat(folder).st_mode & 0o001:  # others may not traverse it
            return "/tmp"
    return None


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int
    process: subprocess.Popen
    account: _Account

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the superuser on the ``postgres`` database."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        """Fast shutdown (clients disconnected), then kill if it does not end in time."""
        if self.process.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGINT, 15), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)
            try:
                self.process.wait(wait_s)
                return
            except subprocess.TimeoutExpired:
                continue


def _run_initdb(bin_dir: Path, root: Path, account: _Account) -> None:
    command = [
        str(bin_dir / "initdb"), "--pgdata", str(root / "data"), "--username", SUPERUSER,
        "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync",
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120,
                          **account.popen_kwargs())
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _start(bin_dir: Path, root: Path, account: _Account) -> PostgresServer:
    port = _free_port()
    settings = {**SERVER_SETTINGS, "port": str(port), "unix_socket_directories": str(root)}
    command = [str(bin_dir / "postgres"), "-D", str(root / "data")]
    for key, value in settings.items():
        command += ["-c", f"{key}={value}"]
    log = open(root / "server.log", "ab")  # the child writes to its own copy
    try:
        process = subprocess.Popen(command, cwd=root, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   **account.popen_kwargs())
    finally:
        log.close()
    return PostgresServer(bin_dir, root, port, process, account)


def _wait_until_ready(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"postgres exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with psycopg.connect(host="127.0.0.1", port=server.port, user=SUPERUSER,
                                 dbname="postgres", connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"postgres did not accept connections within {STARTUP_TIMEOUT_S:.0f} s:\n"
                    f"{server.log_tail()}") from None
            time.sleep(0.05)


@contextlib.contextmanager
def running_server(bin_dir: Path | None = None) -> Iterator[PostgresServer]:
    """A started server; stopped and its folder removed when the block ends, however it ends."""
    bin_dir = bin_dir or find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL binaries (initdb, postgres) not found")
    account = _server_account()
    root = Path(tempfile.mkdtemp(prefix="customer-master-pg-", dir=_temp_parent(account)))
    server: PostgresServer | None = None
    try:
        if account.uid is not None:
            os.chown(root, account.uid, account.gid)
        _run_initdb(bin_dir, root, account)
        for attempt in range(3):  # the free port may be taken between choosing and binding
            server = _start(bin_dir, root, account)
            try:
                _wait_until_ready(server)
                break
            except RuntimeError:
                server.stop()
                if attempt == 2 or "could not bind" not in server.log_tail():
                    raise
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """Drop (disconnecting its users) and re-create database ``name``; its URL, same credentials."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    quoted = engine.dialect.identifier_preparer.quote(name)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


def with_user(url: str, user: str, password: str | None) -> str:
    """The same server and database as ``url``, logged in as another role."""
    return sa.make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


def run_psql_file(url: str, sql_file: Path, variables: dict[str, str], psql: Path | None = None
                  ) -> subprocess.CompletedProcess:
    """Run ``sql_file`` with ``psql -v NAME=VALUE …`` against ``url``; raises on any error."""
    psql = psql or find_psql(find_bin_dir())
    if psql is None:
        raise RuntimeError("psql not found")
    parsed = sa.make_url(url)
    command = [str(psql), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
               "--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432),
               "--username", parsed.username or SUPERUSER, "--dbname", parsed.database or "postgres"]
    for name, value in variables.items():
        command += ["--set", f"{name}={value}"]
    command += ["--file", str(sql_file)]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"psql -f {sql_file.name} failed ({done.returncode}):\n{done.stderr}")
    return done
