"""Settings read from the environment, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from tenderflow.paths import INSTANCE_DIR


def _secret_key(instance_dir: Path) -> str:
    """Return SECRET_KEY from the environment, or a key kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
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


def load_config(
    overrides: dict[str, Any] | None = None, instance_dir: Path = INSTANCE_DIR
) -> dict[str, Any]:
    """Build the app's configuration from the environment, then apply ``overrides``."""
    overrides = overrides or {}
    config = {
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_dir),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_dir),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "UPLOAD_DIR": str(Path(os.environ.get("TENDERFLOW_UPLOAD_DIR", instance_dir / "uploads"))),
        "DOCUMENTS_DIR": str(
            Path(os.environ.get("TENDERFLOW_DOCUMENTS_DIR", instance_dir / "documents"))
        ),
        "SERVICE_NAME": "tenderflow",
        "PRODUCTION": os.environ.get("TENDERFLOW_ENV", "").strip().lower() == "production",
        # Proxies in front of the app whose X-Forwarded-* headers are trusted (ProxyFix).
        "PROXY_HOPS": proxy_hops(),
        # Fix "now" for demonstrations and tests (ISO date or datetime); unset means the real clock.
        "FROZEN_NOW": os.environ.get("TENDERFLOW_NOW") or None,
    }
    config.update(overrides)
    return config
