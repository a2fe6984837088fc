"""One frozen settings object, read once from the environment and the instance folder."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from portal.domain.keys import CodeKeyring


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the setting and fits on one line."""


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    secret_key: str
    # Kept apart from secret_key: the code secret protects stored answers, so rotating the
    # Flask secret (sessions, CSRF) must not make every stored record unreadable.
    code_secret: bytes
    database_url: str
    redis_url: str | None = None
    production: bool = False
    quick_exit_url: str = "https://www.google.com/"
    visit_minutes: int = 60
    staff_idle_minutes: int = 30
    code_days: int = 30
    # The audit log is kept this long, then `portal purge` removes it.
    audit_days: int = 365
    tablet_idle_seconds: int = 300
    tablet_warning_seconds: int = 60
    redeem_limit: str = "30 per hour"
    login_limit: str = "10 per 15 minutes"
    # Failed sign-ins overall: past this circuit breaker each visit gets one failed try (a visit
    # that has not failed is always heard, so a correct sign-in is never refused by it).
    login_limit_global: str = "1000 per hour"
    client_code_limit: str = "10 per hour"  # look-ups of a code by one visit (delete my answers)
    client_code_limit_global: str = "1000 per hour"  # misses overall: the same kind of breaker
    second_factor_limit: str = "5 per 15 minutes"  # wrong second-factor codes per account
    submit_limit: str = "10 per hour"  # records made by one visit (and its later visits)
    tablet_submit_limit: str = "120 per hour"  # records made on one shared tablet
    accessibility_contact: str = "saavutettavuus@example.invalid"
    canonical_base: str = "https://portal.example.invalid"
    questionnaire_path: Path | None = None
    services_path: Path | None = None  # the service directory (default: Vantaa and Kerava)
    # Cost of the code key derivation (scrypt n = 2**kdf_log2n): 13 measured ~22-28 ms here
    # (tests/bench/bench_codes.py); tests lower it.
    kdf_log2n: int = 13
    testing: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def code_keyring(self) -> CodeKeyring:
        """The holder of the code secret and cost (create_app makes it once, for every request)."""
        return CodeKeyring(self.code_secret, self.kdf_log2n)


def _instance_secret(instance_path: Path, name: str, nbytes: int) -> str:
    """Read a generated secret from the instance folder, or make it (mode 0600) on first start."""
    path = instance_path / name
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _limit(env: Mapping[str, str], name: str, default: str) -> str:
    from portal.rate_limits import parse_limit

    raw = env.get(name) or default
    try:
        parse_limit(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a rate limit such as '30 per hour', not {raw!r}") from None
    return raw


def load_settings(instance_path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from PORTAL_* variables; fill in safe defaults for a newcomer."""
    env = os.environ if env is None else env
    instance_path = Path(instance_path)
    secret_key = env.get("PORTAL_SECRET_KEY") or _instance_secret(instance_path, "secret_key", 32)
    code_secret_hex = env.get("PORTAL_CODE_SECRET") or _instance_secret(
        instance_path, "code_secret", 32
    )
    try:
        code_secret = bytes.fromhex(code_secret_hex)
    except ValueError:
        raise ConfigError("PORTAL_CODE_SECRET must be hexadecimal (64 characters)") from None
    if len(code_secret) < 16:
        raise ConfigError("PORTAL_CODE_SECRET must hold at least 16 bytes (32 hex characters)")
    database_url = env.get("PORTAL_DATABASE_URL") or f"sqlite:///{instance_path / 'portal.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    if not database_url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError("PORTAL_DATABASE_URL must be a sqlite:/// or postgresql:// URL")
    redis_url = env.get("PORTAL_REDIS_URL") or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("PORTAL_REDIS_URL must start with redis://, rediss:// or unix://")
    quick_exit = env.get("PORTAL_QUICK_EXIT_URL") or Settings.quick_exit_url
    if not quick_exit.startswith("https://"):
        raise ConfigError("PORTAL_QUICK_EXIT_URL must be an https:// address")
    qpath = env.get("PORTAL_QUESTIONNAIRE")
    spath = env.get("PORTAL_SERVICES")
    return Settings(
        instance_path=instance_path,
        secret_key=secret_key,
        code_secret=code_secret,
        database_url=database_url,
        redis_url=redis_url,
        production=_bool(env, "PORTAL_PRODUCTION", False),
        quick_exit_url=quick_exit,
        visit_minutes=_int(env, "PORTAL_VISIT_MINUTES", 60, 5, 24 * 60),
        staff_idle_minutes=_int(env, "PORTAL_STAFF_IDLE_MINUTES", 30, 5, 12 * 60),
        code_days=_int(env, "PORTAL_CODE_DAYS", 30, 1, 366),
        audit_days=_int(env, "PORTAL_AUDIT_DAYS", 365, 30, 3660),
        tablet_idle_seconds=_int(env, "PORTAL_TABLET_IDLE_SECONDS", 300, 30, 3600),
        tablet_warning_seconds=_int(env, "PORTAL_TABLET_WARNING_SECONDS", 60, 10, 600),
        redeem_limit=_limit(env, "PORTAL_REDEEM_LIMIT", "30 per hour"),
        login_limit=_limit(env, "PORTAL_LOGIN_LIMIT", "10 per 15 minutes"),
        login_limit_global=_limit(env, "PORTAL_LOGIN_LIMIT_GLOBAL", Settings.login_limit_global),
        client_code_limit=_limit(env, "PORTAL_CLIENT_CODE_LIMIT", Settings.client_code_limit),
        client_code_limit_global=_limit(
            env, "PORTAL_CLIENT_CODE_LIMIT_GLOBAL", Settings.client_code_limit_global
        ),
        submit_limit=_limit(env, "PORTAL_SUBMIT_LIMIT", Settings.submit_limit),
        second_factor_limit=_limit(
            env, "PORTAL_SECOND_FACTOR_LIMIT", Settings.second_factor_limit
        ),
        tablet_submit_limit=_limit(env, "PORTAL_TABLET_SUBMIT_LIMIT", Settings.tablet_submit_limit),
        accessibility_contact=env.get("PORTAL_ACCESSIBILITY_CONTACT")
        or Settings.accessibility_contact,
        canonical_base=(env.get("PORTAL_CANONICAL_BASE") or Settings.canonical_base).rstrip("/"),
        questionnaire_path=Path(qpath) if qpath else None,
        services_path=Path(spath) if spath else None,
        kdf_log2n=_int(env, "PORTAL_KDF_LOG2N", 13, 10, 20),
    )
