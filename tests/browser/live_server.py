"""A real `bereikbaar serve` in a subprocess, on a fresh database, for browser tests.

The browser must talk to the product as shipped (uvicorn, Channels, the in-process workers),
not to Django's test server, so live updates are tested end to end. The database is a fresh
SQLite file in a temporary data dir, or, when DATABASE_URL points at PostgreSQL, a fresh
database on that server that is dropped afterwards.
"""

import os
import secrets
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

VENV_BIN = Path(sys.executable).parent
PASSWORD = "geheim-wachtwoord"

SETUP = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from bereikbaar.api.models import ApiToken
    from bereikbaar.conversations.models import CannedResponse
    from bereikbaar.routing.models import AgentProfile, Team
    User = get_user_model()
    team = Team.objects.create(name="Service", slug="service", is_default=True)
    for name in ("anna", "bert"):
        user = User.objects.create_user(username=name, password="{password}")
        AgentProfile.objects.create(user=user, presence="online").teams.add(team)
    CannedResponse.objects.create(
        shortcut="excuses", title="Excuses", text=" Excuses voor het wachten."
    )
    admin = User.objects.create_superuser("alice", "alice@example.nl", "{password}")
    print(ApiToken.issue(admin))
    """
).format(password=PASSWORD)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_database(env: dict[str, str]):
    """Point env at a new database: a new PostgreSQL one if DATABASE_URL is set, else SQLite."""
    url = env.get("DATABASE_URL", "")
    if not url:
        yield env
        return
    import psycopg

    name = f"bk_live_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    # the database DATABASE_URL names need not exist (the test run only uses test_<name>)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_up(base_url: str, process: subprocess.Popen, log: Path, deadline: float = 30):
    """Poll the login page; the server migrates first, so this can take a few seconds."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {deadline}s:\n{log.read_text()}")


@contextmanager
def live_env(tmp_path: Path):
    """The environment of a fresh server: its own data dir, database and SMTP port."""
    env = {
        **os.environ,
        "BEREIKBAAR_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "bereikbaar.settings",
        # its own SMTP port, so live servers never fight over (or receive) each other's mail
        "BEREIKBAAR_SMTP_PORT": str(free_port()),
    }
    env.pop("BEREIKBAAR_DEBUG", None)
    with fresh_database(env) as env:
        yield env


def run_python(code: str, env: dict, timeout: int = 180) -> str:
    """Run code in the server's environment; returns the last line it printed."""
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


@contextmanager
def serving(env: dict, tmp_path: Path, *args: str):
    """`bereikbaar serve` on a free port until the block ends; yields its base URL."""
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "bereikbaar"), "serve", "--port", str(port), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def live_server(tmp_path: Path):
    """Yields (base_url, api_token); the server runs with its intake and task workers."""
    with live_env(tmp_path) as env:
        token = run_python(SETUP, env, timeout=120)
        with serving(env, tmp_path) as base_url:
            yield base_url, token
