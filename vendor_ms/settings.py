"""Settings, read from the environment in exactly one place.

Every other module receives a `Settings` (or asks `get_settings()`); nothing else reads
`os.environ` for configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///vendor-ms.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Largest request body accepted; 100,000 daily records as JSON are ~35 MB.
    max_body_bytes: int = 64 * 1024 * 1024
    # Write requests per token and minute; 0 disables the limit.
    write_rate_limit_per_minute: int = 600
    # Size of the PostgreSQL connection pool used by the HTTP server.
    pg_pool_max_size: int = 10
    # Where `vendor-ms report` and the demo write PDFs unless told otherwise.
    reports_out_dir: Path = Path("reports/out")
    # For demos and tests: the time the clock reads when the process starts; it ticks from there.
    now: datetime | None = None
    # Web sessions and CSRF cookies are marked Secure (sent over HTTPS only; browsers treat
    # http://127.0.0.1 and localhost as secure too). Set VENDOR_MS_SECURE_COOKIES=0 to serve the
    # web app over plain HTTP on another host name.
    secure_cookies: bool = True
    # The key that signs CSRF tokens; unset: created once and kept in the database.
    secret_key: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


def _instant(name: str) -> datetime | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise SystemExit(f"{name} must be an ISO 8601 time with an offset, e.g. 2027-01-02T09:00:00+08:00; got {raw!r}")
    return value


def load_settings(**overrides: object) -> Settings:
    """Read settings from `VENDOR_MS_*` environment variables; keyword overrides win."""
    defaults = Settings()
    values: dict[str, object] = {
        "database_url": os.environ.get("VENDOR_MS_DATABASE_URL") or DEFAULT_DATABASE_URL,
        "max_body_bytes": _int("VENDOR_MS_MAX_BODY_BYTES", defaults.max_body_bytes),
        "write_rate_limit_per_minute": _int(
            "VENDOR_MS_WRITE_RATE_LIMIT_PER_MINUTE", defaults.write_rate_limit_per_minute
        ),
        "pg_pool_max_size": _int("VENDOR_MS_PG_POOL_MAX_SIZE", defaults.pg_pool_max_size),
        "reports_out_dir": Path(os.environ.get("VENDOR_MS_REPORTS_OUT_DIR") or defaults.reports_out_dir),
        "now": _instant("VENDOR_MS_NOW"),
        "secure_cookies": os.environ.get("VENDOR_MS_SECURE_COOKIES", "1") not in ("0", "false", "no"),
        "secret_key": os.environ.get("VENDOR_MS_SECRET_KEY") or None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
