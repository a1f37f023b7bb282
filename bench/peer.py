"""The peer: django-helpdesk 2.6.1 set up as research/perf.md section 1 describes.

DRF TokenAuthentication, HELPDESK_TEAMS_MODE_ENABLED=False, locmem email, DEBUG=False, SQLite
WAL + synchronous=NORMAL + IMMEDIATE transactions, CONN_MAX_AGE=600, served by
`gunicorn hdproj.wsgi -w 2` (sync workers). Its own venv lives in bench/.peer/ (gitignored).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cpu import Meter, Share
from load import Result, run
from ours import free_port, wait_for_port

HERE = Path(__file__).resolve().parent
PEER = HERE / ".peer"
VENV = PEER / "venv"
PY = VENV / "bin" / "python"
REQUIREMENTS = ["django-helpdesk==2.6.1", "gunicorn", "django>=5.2,<5.3"]

SETTINGS = """
from pathlib import Path
import os

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproj.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "hdproj.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["HDPROJ_DB"],
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@voorbeeld.nl"
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
LOGIN_URL = "/login/"
"""

URLS = """
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
"""

WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")
application = get_wsgi_application()
"""

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from helpdesk.models import Queue
from rest_framework.authtoken.models import Token
User = get_user_model()
q = Queue.objects.create(title="Klantenservice", slug="ks", email_address="ks@voorbeeld.nl")
u = User.objects.create_superuser("staf", "staf@voorbeeld.nl", "bench-staf-wachtwoord")
t = Token.objects.create(user=u)
print(json.dumps({"queue": q.pk, "token": t.key}))
"""


def ensure_installed() -> str:
    """'' when ready, else why the peer cannot be measured."""
    if PY.exists():
        check = subprocess.run(
            [str(PY), "-c", "import helpdesk, gunicorn, rest_framework"], capture_output=True
        )
        if check.returncode == 0:
            return ""
        shutil.rmtree(VENV)
    print(
        "  peer: creating bench/.peer/venv and installing django-helpdesk 2.6.1 …",
        file=sys.stderr,
        flush=True,
    )
    PEER.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(["python3", "-m", "venv", str(VENV)], capture_output=True, text=True)
    if made.returncode != 0:
        return f"python3 -m venv failed: {made.stderr.strip()[-300:]}"
    pip = subprocess.run(
        [str(PY), "-m", "pip", "install", "-q", *REQUIREMENTS],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if pip.returncode != 0:
        lines = [line for line in pip.stderr.splitlines() if "ignored" not in line]
        shutil.rmtree(VENV, ignore_errors=True)
        return "pip install failed: " + " ".join(lines[-3:])[-300:]
    return ""


def version() -> str:
    out = subprocess.run(
        [
            str(PY),
            "-c",
            "import importlib.metadata as m; print(' '.join(f'{p} {m.version(p)}' for p in "
            "['django-helpdesk', 'Django', 'djangorestframework', 'gunicorn']))",
        ],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _project(root: Path) -> None:
    pkg = root / "hdproj"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(SETTINGS)
    (pkg / "urls.py").write_text(URLS)
    (pkg / "wsgi.py").write_text(WSGI)
    (root / "manage.py").write_text(
        "import os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hdproj.settings')\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(sys.argv)\n"
    )


def _manage(root: Path, env: dict, *args: str) -> str:
    out = subprocess.run(
        [str(PY), "manage.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        raise RuntimeError(f"peer manage.py {args[0]} failed:\n{out.stderr[-2000:]}")
    return out.stdout


def bodies_for(workload, queue: int) -> list[bytes]:
    out = []
    for customer, text in workload:
        title = text.split("\n\n")[1][:80]
        body = {
            "queue": queue,
            "title": title,
            "description": text,
            "submitter_email": customer.email,
            "priority": 3,
        }
        out.append(json.dumps(body, ensure_ascii=False).encode())
    return out


def measure(workload, concurrency: int, rate: float | None = None) -> tuple[Result, Share]:
    root = Path(tempfile.mkdtemp(prefix=f"peer-c{concurrency}-", dir=HERE / ".work"))
    _project(root)
    env = dict(os.environ)
    for key in [k for k in env if k.startswith(("DJANGO_", "BEREIKBAAR_", "VIRTUAL_ENV"))]:
        env.pop(key)
    env["HDPROJ_DB"] = str(root / "db.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "hdproj.settings"
    _manage(root, env, "migrate", "--verbosity", "0")
    ids = json.loads(_manage(root, env, "shell", "-c", SETUP).strip().splitlines()[-1])
    port = free_port()
    log = open(root / "gunicorn.log", "wb")
    proc = subprocess.Popen(
        [str(VENV / "bin" / "gunicorn"), "hdproj.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    finished = False
    try:
        wait_for_port(port, proc)
        time.sleep(1.0)  # both workers booted, not only the arbiter's socket
        meter = Meter(proc.pid)
        meter.start()
        result = run(
            "peer",
            port,
            "/api/tickets/",
            {"Content-Type": "application/json", "Authorization": f"Token {ids['token']}"},
            bodies_for(workload, ids["queue"]),
            concurrency,
            expect=201,
            rate=rate,
        )
        share = meter.stop()
        finished = True
        return result, share
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        if finished and not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(root, ignore_errors=True)
