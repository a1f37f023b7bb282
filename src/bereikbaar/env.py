"""Typed readers for configuration from the environment that fail loudly on bad values."""

import os
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(
            f"{name}={raw!r} is not a whole number; set it to e.g. {default}"
        ) from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name}={raw!r} is not a yes/no value; use 1 or 0")


def data_dir() -> Path:
    """Where the embedded default keeps its database, attachments and secrets."""
    path = Path(env_str("BEREIKBAAR_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """From the environment, else generated once and kept in the data directory."""
    if key := os.environ.get("BEREIKBAAR_SECRET_KEY"):
        return key
    path = directory / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
