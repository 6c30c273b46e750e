"""Every environment variable the project reads, in one place.

Production refuses to start without the variables it needs (see production.py);
development and tests run on embedded defaults (SQLite, console email).
"""

import os
from pathlib import Path
from typing import overload

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


class ImproperlyConfiguredEnv(RuntimeError):
    pass


@overload
def env_str(name: str, default: str, *, required: bool = False) -> str: ...
@overload
def env_str(name: str, default: None = None, *, required: bool = False) -> str | None: ...


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value in (None, ""):
        if required:
            raise ImproperlyConfiguredEnv(f"Set the environment variable {name}: production will not start without it.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfiguredEnv(f"Set {name} to a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(default_sqlite: Path) -> dict:
    """DATABASE_URL when set (PostgreSQL in production and in CI's second run), else SQLite."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")))
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}}


def env_dict(name: str) -> dict[str, str]:
    """`name=value,name=value` (for example GOV.UK Notify template ids by email name)."""
    pairs = (item.split("=", 1) for item in env_list(name) if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs if key.strip() and value.strip()}
