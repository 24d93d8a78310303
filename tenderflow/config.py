"""Settings read from the environment, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from tenderflow.paths import INSTANCE_DIR

PRODUCTION = "production"
DEMONSTRATION = "demonstration"


def _secret_key(instance_dir: Path, production: bool) -> str | None:
    """Return SECRET_KEY from the environment, or (outside production) a key kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if production:
        return None
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_url(instance_dir: Path = INSTANCE_DIR) -> str:
    """Return DATABASE_URL, defaulting to the embedded SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosted PostgreSQL often hands out postgres:// URLs; use the psycopg 3 driver.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{instance_dir / 'tenderflow.sqlite3'}"


def proxy_hops() -> int:
    """Return TENDERFLOW_PROXY_HOPS: how many proxies in front of the app to trust (default 0)."""
    value = os.environ.get("TENDERFLOW_PROXY_HOPS", "").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"TENDERFLOW_PROXY_HOPS must be a whole number of proxies, not {value!r}")
    return int(value)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"{name} must be more than 0, not {value!r}")
    return number


def mode() -> str:
    """Return the mode from TENDERFLOW_ENV: production, or the local demonstration (the default)."""
    value = os.environ.get("TENDERFLOW_ENV", "").strip().lower() or DEMONSTRATION
    if value not in {PRODUCTION, DEMONSTRATION}:
        raise ValueError(f"TENDERFLOW_ENV must be {PRODUCTION} or {DEMONSTRATION}, not {value!r}")
    return value


def load_config(
    overrides: dict[str, Any] | None = None, instance_dir: Path = INSTANCE_DIR
) -> dict[str, Any]:
    """Build the app's configuration from the environment, then apply ``overrides``."""
    overrides = overrides or {}
    env_mode = overrides.get("TENDERFLOW_ENV") or mode()
    production = env_mode == PRODUCTION
    config = {
        "TENDERFLOW_ENV": env_mode,
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_dir, production),
        "SECRET_KEY_FROM_ENVIRONMENT": bool(os.environ.get("SECRET_KEY")),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_dir),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure by default in production; the demonstration runs on plain http://127.0.0.1.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _flag("REMEMBER_COOKIE_SECURE", production),
        "SESSION_IDLE_MINUTES": _number("TENDERFLOW_SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": _number("TENDERFLOW_SESSION_MAX_HOURS", 12),
        "SIGN_IN_FAILURES_PER_ACCOUNT": int(_number("TENDERFLOW_SIGN_IN_FAILURES_PER_ACCOUNT", 5)),
        "SIGN_IN_FAILURES_PER_ADDRESS": int(_number("TENDERFLOW_SIGN_IN_FAILURES_PER_ADDRESS", 20)),
        "SIGN_IN_WINDOW_MINUTES": _number("TENDERFLOW_SIGN_IN_WINDOW_MINUTES", 15),
        "ACCOUNT_LINK_HOURS": _number("TENDERFLOW_ACCOUNT_LINK_HOURS", 72),
        # Roles that must use two-factor sign-in (comma-separated role names); production
        # always adds administrators and procurement leads.
        "TWO_FACTOR_ROLES": [
            r.strip()
            for r in os.environ.get("TENDERFLOW_TWO_FACTOR_ROLES", "").split(",")
            if r.strip()
        ],
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "UPLOAD_DIR": str(Path(os.environ.get("TENDERFLOW_UPLOAD_DIR", instance_dir / "uploads"))),
        "DOCUMENTS_DIR": str(
            Path(os.environ.get("TENDERFLOW_DOCUMENTS_DIR", instance_dir / "documents"))
        ),
        "SERVICE_NAME": "tenderflow",
        "PRODUCTION": production,
        # Proxies in front of the app whose X-Forwarded-* headers are trusted (ProxyFix).
        "PROXY_HOPS": proxy_hops(),
        # Fix "now" for demonstrations and tests (ISO date or datetime); unset means the real clock.
        "FROZEN_NOW": os.environ.get("TENDERFLOW_NOW") or None,
    }
    config.update(overrides)
    return config
