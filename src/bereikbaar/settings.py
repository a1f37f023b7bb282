"""Django settings: SQLite (WAL) in BEREIKBAAR_DATA_DIR by default, PostgreSQL by DATABASE_URL."""

import os
from pathlib import Path

import dj_database_url

from bereikbaar.env import data_dir, env_bool, env_int, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("BEREIKBAAR_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in env_str("BEREIKBAAR_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("BEREIKBAAR_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "bereikbaar.contacts",
    "bereikbaar.conversations",
    "bereikbaar.stories",
    "bereikbaar.routing",
    "bereikbaar.intake",
    "bereikbaar.delivery",
    "bereikbaar.helpcenter",
    "bereikbaar.channels.api",
    "bereikbaar.channels.email",
    "bereikbaar.channels.whatsapp",
    "bereikbaar.channels.sms",
    "bereikbaar.channels.voice",
    "bereikbaar.channels.webchat",
    "bereikbaar.inbox",
    "bereikbaar.analytics",
    "bereikbaar.demo",
    "bereikbaar.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bereikbaar.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bereikbaar.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "bereikbaar.urls"
ASGI_APPLICATION = "bereikbaar.asgi.application"
WSGI_APPLICATION = "bereikbaar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "bereikbaar.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while the one writer commits; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue instead of failing mid-transaction. synchronous=FULL
        # syncs the log at every commit: a webhook's 2xx and an SMTP 250 then mean "on disk",
        # also across a power cut (NORMAL survives a crash of the process only). It costs
        # ~0.2 ms per commit on this machine (0.15 → 0.36 ms).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not shared-cache memory: concurrent tests then lock like production does.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    _main = str(DATABASES["default"]["NAME"])
    if _main and _main != ":memory:" and "mode=memory" not in _main:
        # The intake queue in a file of its own beside the main one (intake/router.py): SQLite
        # has one writer per file, and webhooks then never wait for the worker's filing.
        DATABASES["intake"] = {
            **DATABASES["default"],
            "NAME": str(Path(_main).with_suffix("")) + "-intake.sqlite3",
            "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
            "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}-intake.sqlite3")},
        }
        DATABASE_ROUTERS = ["bereikbaar.intake.router.QueueRouter"]
else:
    # Under ASGI each request runs on a fresh thread, so CONN_MAX_AGE reuses nothing: pool.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 20}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    # Shared by every process, so limits such as the callback form's 5 an hour hold across
    # a load balancer's servers rather than per process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bereikbaar",
        }
    }
else:
    # In memory, with workers in other processes forwarding to the server (realtime/hub.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "bereikbaar.realtime.hub.HubChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "outbound"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # collectstatic target; served from the finders until then
STATIC_ROOT.mkdir(exist_ok=True)
# Downloads are spooled here before they are moved into media/: on the same disk (a rename, not
# a copy), and not in /tmp, which may be a tmpfs that holds a 25 MB body in RAM after all.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies above this are refused with 413 before anything is stored.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
BEREIKBAAR_MAX_ATTACHMENT_BYTES = env_int("BEREIKBAAR_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)
BEREIKBAAR_SMTP_PORT = env_int("BEREIKBAAR_SMTP_PORT", 2525)
# SMTP sessions open at once; one more is answered 421 (try again later) and closed.
BEREIKBAAR_SMTP_MAX_CONNECTIONS = env_int("BEREIKBAAR_SMTP_MAX_CONNECTIONS", 100)
# Where the API channel posts agent replies (the customer's system); empty = nowhere yet.
BEREIKBAAR_API_CALLBACK_URL = env_str("BEREIKBAAR_API_CALLBACK_URL")
# Where the customer simulator reaches this server's own webhooks (behind a proxy); default:
# the address the simulator page was requested on.
BEREIKBAAR_SIMULATOR_URL = env_str("BEREIKBAAR_SIMULATOR_URL")
# A callback without a chosen slot counts as on time when placed within this many minutes of
# the time first promised (analytics: "callbacks made on time").
BEREIKBAAR_CALLBACK_TARGET_MINUTES = env_int("BEREIKBAAR_CALLBACK_TARGET_MINUTES", 60)
# The in-process intake worker: started by `bereikbaar serve`, off in tests (they drain it).
BEREIKBAAR_INTAKE_BATCH = env_int("BEREIKBAAR_INTAKE_BATCH", 100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # E-mail addresses and phone numbers are masked before a line is written (logscrub.py).
    "filters": {"scrub": {"()": "bereikbaar.logscrub.ScrubFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]}
    },
    "root": {"handlers": ["console"], "level": env_str("BEREIKBAAR_LOG_LEVEL", "INFO")},
    "loggers": {"django_tasks_db": {"level": "WARNING"}},
}
BEREIKBAAR_API_CALLBACK_SECRET = env_str("BEREIKBAAR_API_CALLBACK_SECRET")
# The host site's secret for signed chat visitor identities (docs/channels-webchat.md).
BEREIKBAAR_WEBCHAT_IDENTITY_SECRET = env_str("BEREIKBAAR_WEBCHAT_IDENTITY_SECRET")
# The sites that may run the chat widget, comma-separated; empty: any (channels/webchat/origins.py).
BEREIKBAAR_WEBCHAT_ORIGINS = env_str("BEREIKBAAR_WEBCHAT_ORIGINS")
# The erasure journal (contacts/erasure_log.py): keep it outside what a backup restores.
BEREIKBAAR_ERASURE_LOG = env_str("BEREIKBAAR_ERASURE_LOG")
