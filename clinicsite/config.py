"""Configuration classes, read from the environment.

`CLINICSITE_ENV` picks the class (`production` when unset, so a deployment that forgets
to configure itself fails loudly instead of running with development settings).
Every variable is documented in `.env.example`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"

# Keys that must never protect a production session: the development default and the
# placeholders people copy from examples.
DEV_SECRET_KEY = "dev-insecure-secret-key"
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# Where `make run` serves the demo; development emails link here whatever Host a request claims.
DEV_SITE_URL = "http://127.0.0.1:8000"
KNOWN_WEAK_SECRETS = frozenset(
    {"", "dev", DEV_SECRET_KEY, "change-me", "changeme", "secret", "replace-me"}
)


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a number, got {raw!r}") from exc


def _env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"{name} must be true or false, got {raw!r}")


def _is_origin(url: str) -> bool:
    """scheme://host[:port] and nothing else: a CSP source must not carry a path or spaces."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not (parts.path or parts.query or parts.fragment)
        and not any(c.isspace() or c in ";,'" for c in url)
    )


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_PATH / 'clinicsite.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Let operators paste the URLs hosting providers print (postgres://...)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_in_memory_sqlite(url: str) -> bool:
    if not url.startswith("sqlite"):
        return False
    path = url.split("://", 1)[1] if "://" in url else ""
    return path in {"", "/", "/:memory:"} or "mode=memory" in path


class Config:
    """Settings shared by every environment, read from `environ` when instantiated."""

    ENV_NAME = "base"
    TESTING = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Forms are small; views that take uploads raise it for themselves (uploads.accepts_uploads).
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_HEADERS_ENABLED = True
    default_secure_cookies = False
    local_calendars = False  # http:// calendar addresses and local hosts (see below)

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.SECRET_KEY = env.get("SECRET_KEY", "")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("DATABASE_URL", ""))
        # Connections per worker process (PostgreSQL); each gunicorn thread needs one.
        self.DATABASE_POOL_SIZE = _env_int(env, "DATABASE_POOL_SIZE", 5)
        # Absolute base of every link the site makes (canonical links, sitemap, JSON-LD,
        # emails, Stripe's return addresses), such as https://www.example.com. Never taken
        # from the request: a forged Host header must not reach an email or Stripe.
        self.SITE_URL = env.get("SITE_URL", "").strip().rstrip("/")
        self.SESSION_COOKIE_SECURE = _env_bool(
            env, "SESSION_COOKIE_SECURE", self.default_secure_cookies
        )
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # Strict-Transport-Security max-age in seconds; 0 leaves the header off.
        self.HSTS_SECONDS = _env_int(env, "HSTS_SECONDS", 0)
        # How many proxies in front of the app set each X-Forwarded-* header; 0 trusts none.
        self.PROXY_FIX_X_FOR = _env_int(env, "PROXY_FIX_X_FOR", 0)
        self.PROXY_FIX_X_PROTO = _env_int(env, "PROXY_FIX_X_PROTO", 0)
        self.PROXY_FIX_X_HOST = _env_int(env, "PROXY_FIX_X_HOST", 0)
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "") or "memory://"
        self.RATELIMIT_ENABLED = _env_bool(env, "RATELIMIT_ENABLED", True)
        # Where public pages are cached for visitors without a session: redis://... shared
        # by every worker and host, or "memory://" (each worker its own; also correct, as
        # keys carry the content versions: clinicsite/pagecache/).
        self.PAGE_CACHE_URL = env.get("PAGE_CACHE_URL", "") or "memory://"
        # Off: every page is rendered (measuring what a render costs; finding a stale page).
        self.PAGE_CACHE_ENABLED = _env_bool(env, "PAGE_CACHE_ENABLED", True)
        self.MAIL_FROM = env.get("MAIL_FROM", "") or "Clinic <bookings@example.com>"
        self.STAFF_NOTIFY_EMAIL = env.get("STAFF_NOTIFY_EMAIL", "")
        # Newsletter issues are queued at most this many emails per `flask newsletter
        # send-due` run (cron: every minute), the rate a mail provider sees them at.
        self.NEWSLETTER_BATCH_SIZE = _env_int(env, "NEWSLETTER_BATCH_SIZE", 200)
        # Clients' national phone numbers are read in the clinic's country (its settings);
        # this region only when the settings have none.
        self.DEFAULT_PHONE_REGION = (env.get("DEFAULT_PHONE_REGION", "") or "US").strip().upper()
        # Uploaded files (post covers, the newsletter guide).
        self.UPLOAD_DIR = env.get("UPLOAD_DIR", "") or str(INSTANCE_PATH / "uploads")
        # Outbox delivery: "smtp", or "files" to write .eml files into MAIL_FILE_DIR.
        self.MAIL_BACKEND = env.get("MAIL_BACKEND", "") or "smtp"
        self.MAIL_FILE_DIR = env.get("MAIL_FILE_DIR", "") or str(INSTANCE_PATH / "outbox")
        self.SMTP_HOST = env.get("SMTP_HOST", "") or "localhost"
        self.SMTP_PORT = _env_int(env, "SMTP_PORT", 25)
        self.SMTP_USERNAME = env.get("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = _env_bool(env, "SMTP_STARTTLS", False)
        self.SMTP_SSL = _env_bool(env, "SMTP_SSL", False)
        self.SMTP_TIMEOUT = _env_int(env, "SMTP_TIMEOUT", 20)

        # Payments: "stripe", or "fake" (a local stand-in for demos; refused in production).
        self.PAYMENT_GATEWAY = (env.get("PAYMENT_GATEWAY", "") or "stripe").strip().lower()
        self.STRIPE_SECRET_KEY = env.get("STRIPE_SECRET_KEY", "")
        self.STRIPE_WEBHOOK_SECRET = env.get("STRIPE_WEBHOOK_SECRET", "")
        # Only for tests against a local stub of Stripe's API; empty means Stripe itself.
        self.STRIPE_API_BASE = env.get("STRIPE_API_BASE", "")
        # The origin of Stripe's hosted checkout, the one other origin forms may lead to
        # (the Content-Security-Policy's form-action). Tests point it at a local stand-in.
        self.STRIPE_CHECKOUT_ORIGIN = (
            env.get("STRIPE_CHECKOUT_ORIGIN", "").strip().rstrip("/") or STRIPE_CHECKOUT_ORIGIN
        )

        # Websites allowed to show the booking widget (/embed/book/) in a frame: exact
        # origins, separated by spaces or commas (the CSP's frame-ancestors). Empty: none.
        self.EMBED_ORIGINS = [
            o.strip().rstrip("/") for o in env.get("EMBED_ORIGINS", "").replace(",", " ").split()
        ]

        # Text messages: "off", "fake" (.txt files beside the .eml ones, for demos) or
        # "twilio". TWILIO_API_BASE only points the SDK at a local stub in tests.
        self.SMS_BACKEND = (env.get("SMS_BACKEND", "") or "off").strip().lower()
        self.TWILIO_ACCOUNT_SID = env.get("TWILIO_ACCOUNT_SID", "")
        self.TWILIO_AUTH_TOKEN = env.get("TWILIO_AUTH_TOKEN", "")
        self.TWILIO_FROM = env.get("TWILIO_FROM", "")
        self.TWILIO_API_BASE = env.get("TWILIO_API_BASE", "")

        # Therapists' own calendars (`flask calendars sync`): seconds to connect, per read
        # and for the whole download, and the largest file read. Addresses must be https
        # on public hosts; development and tests allow http and local servers.
        self.CALENDAR_CONNECT_TIMEOUT = _env_float(env, "CALENDAR_CONNECT_TIMEOUT", 5)
        self.CALENDAR_READ_TIMEOUT = _env_float(env, "CALENDAR_READ_TIMEOUT", 10)
        self.CALENDAR_TOTAL_TIMEOUT = _env_float(env, "CALENDAR_TOTAL_TIMEOUT", 30)
        self.CALENDAR_MAX_BYTES = _env_int(env, "CALENDAR_MAX_BYTES", 2 * 1024 * 1024)
        self.CALENDAR_ALLOW_HTTP = _env_bool(env, "CALENDAR_ALLOW_HTTP", self.local_calendars)
        self.CALENDAR_ALLOW_PRIVATE_HOSTS = self.CALENDAR_ALLOW_HTTP

    def validate(self) -> None:
        """Raise RuntimeError when these settings cannot run safely."""
        if self.SMS_BACKEND not in ("off", "fake", "twilio"):
            raise RuntimeError(f"SMS_BACKEND must be off, fake or twilio, not {self.SMS_BACKEND!r}")
        if self.PAYMENT_GATEWAY not in ("stripe", "fake"):
            raise RuntimeError(
                f"PAYMENT_GATEWAY must be stripe or fake, not {self.PAYMENT_GATEWAY!r}"
            )
        if self.MAIL_BACKEND not in ("smtp", "files"):
            raise RuntimeError(f"MAIL_BACKEND must be smtp or files, not {self.MAIL_BACKEND!r}")
        if not self.SITE_URL.startswith(("https://", "http://")):
            raise RuntimeError(
                "SITE_URL must be set to the site's address, such as https://www.example.com "
                "(every link in emails and Stripe's return addresses is built on it)"
            )
        for origin in self.EMBED_ORIGINS:
            if not _is_origin(origin):
                raise RuntimeError(
                    "EMBED_ORIGINS must list origins such as https://www.example.com, "
                    f"got {origin!r}"
                )
        if not _is_origin(self.STRIPE_CHECKOUT_ORIGIN):
            raise RuntimeError(
                "STRIPE_CHECKOUT_ORIGIN must be an origin such as https://checkout.stripe.com, "
                f"got {self.STRIPE_CHECKOUT_ORIGIN!r}"
            )


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    local_calendars = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        # A fixed key keeps demo sessions valid across gunicorn workers and restarts;
        # the production configuration refuses it.
        self.SECRET_KEY = self.SECRET_KEY or DEV_SECRET_KEY
        self.SQLALCHEMY_DATABASE_URI = self.SQLALCHEMY_DATABASE_URI or _sqlite_default()
        env = os.environ if environ is None else environ
        port = env.get("PORT", "").strip()
        self.SITE_URL = self.SITE_URL or (
            f"http://127.0.0.1:{port}" if port.isdigit() else DEV_SITE_URL
        )
        # The demo runs without Stripe or a mail server unless told otherwise.
        self.PAYMENT_GATEWAY = (env.get("PAYMENT_GATEWAY", "") or "fake").strip().lower()
        self.MAIL_BACKEND = env.get("MAIL_BACKEND", "") or "files"
        self.SMS_BACKEND = (env.get("SMS_BACKEND", "") or "fake").strip().lower()


class TestingConfig(Config):
    __test__ = False  # not a pytest test class despite the name
    ENV_NAME = "testing"
    TESTING = True
    local_calendars = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__({} if environ is None else environ)
        self.SECRET_KEY = "testing-secret-key-not-for-production-use"
        self.SQLALCHEMY_DATABASE_URI = self.SQLALCHEMY_DATABASE_URI or "sqlite://"
        # The host Flask's test client uses, so links in emails open in its requests.
        self.SITE_URL = self.SITE_URL or "http://localhost"
        env = {} if environ is None else environ
        self.PAYMENT_GATEWAY = (env.get("PAYMENT_GATEWAY", "") or "fake").strip().lower()
        self.MAIL_BACKEND = env.get("MAIL_BACKEND", "") or "files"


class ProductionConfig(Config):
    ENV_NAME = "production"
    default_secure_cookies = True

    def validate(self) -> None:
        super().validate()
        problems = []
        if self.SECRET_KEY in KNOWN_WEAK_SECRETS or len(self.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be a random value of at least 32 characters")
        if not self.SQLALCHEMY_DATABASE_URI:
            problems.append("DATABASE_URL must be set")
        elif is_in_memory_sqlite(self.SQLALCHEMY_DATABASE_URI):
            problems.append("DATABASE_URL must not be an in-memory database")
        if self.PAYMENT_GATEWAY != "stripe":
            problems.append("PAYMENT_GATEWAY must be stripe (the fake gateway is for demos)")
        if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
            problems.append(
                "RATELIMIT_STORAGE_URI must name a shared store such as redis://host:6379/0 "
                "(in memory, each worker keeps its own count and the limits multiply)"
            )
        if not self.STRIPE_SECRET_KEY or not self.STRIPE_WEBHOOK_SECRET:
            problems.append("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set")
        if self.CALENDAR_ALLOW_HTTP:
            problems.append("CALENDAR_ALLOW_HTTP must be off (calendar addresses are https)")
        if self.SMS_BACKEND == "fake":
            problems.append("SMS_BACKEND must be twilio or off (the fake one is for demos)")
        if self.SMS_BACKEND == "twilio" and not (
            self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN and self.TWILIO_FROM
        ):
            problems.append("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    name = env.get("CLINICSITE_ENV", "").strip().lower() or "production"
    try:
        return CONFIGS[name](env)
    except KeyError:
        raise RuntimeError(
            f"CLINICSITE_ENV must be one of {', '.join(CONFIGS)}, got {name!r}"
        ) from None
