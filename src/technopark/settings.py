"""One environment-driven settings module.

Every setting a deployment changes comes from an environment variable (a secret may come from a file
instead, ``<NAME>_FILE``). With nothing set the platform runs as the demo: SQLite under ``var/``,
mail to the console, background tasks run in-process. ``TECHNOPARK_PRODUCTION=1`` switches every
secure default on; ``manage.py check --deploy`` is then clean.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TECHNOPARK_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """Read ``name`` from the environment, or from the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("TECHNOPARK_PRODUCTION", False)
DEBUG = env_bool("TECHNOPARK_DEBUG", not PRODUCTION)


def _secret_key() -> str:
    key = env("TECHNOPARK_SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set TECHNOPARK_SECRET_KEY or TECHNOPARK_SECRET_KEY_FILE in production."
        )
    # Outside production a key is made once and kept under var/, so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("TECHNOPARK_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("TECHNOPARK_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "technopark.core.apps.AdminConfig",  # the admin spans parks: core.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks.backends.database",
    "ninja",
    "csp",
    "technopark.core",
    "technopark.accounts",
    "technopark.parks",
    "technopark.companies",
    "technopark.audit",
    "technopark.selection",
    "technopark.residency",
    "technopark.spaces",
    "technopark.engineering",
    "technopark.programmes",
    "technopark.grants",
    "technopark.network",
    "technopark.notices",
    "technopark.api",
    "technopark.demo",
]

MIDDLEWARE = [
    # /healthz and /readyz first: no HTTPS redirect, session, language or park for a probe.
    "technopark.core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "technopark.core.headers.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "technopark.accounts.middleware.ApiTokenMiddleware",
    # A signed-in person's own language (their profile) over the cookie and the browser's.
    "technopark.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "technopark.accounts.middleware.RequireStaffMfaMiddleware",
    "technopark.parks.middleware.ParkMiddleware",
]

ROOT_URLCONF = "technopark.urls"
WSGI_APPLICATION = "technopark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "technopark" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "technopark.parks.context_processors.park",
                "technopark.notices.context_processors.inbox",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'technopark.sqlite3'}"),
        conn_max_age=int(env("TECHNOPARK_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue instead of failing halfway (DESIGN §6, §7).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
# Two caches: ``default`` holds sessions and security counters (allauth's login rate limits, used
# TOTP codes), ``pages`` the declared page fragments and their version tokens (core.fragments).
# Page caching can fill its own cache as it likes: it never evicts a rate limit.
# In production give ``pages`` a Redis of its own (``TECHNOPARK_PAGE_CACHE_URL``, maxmemory-policy
# allkeys-lru) and keep REDIS_URL's server at noeviction; without it, pages use database 1 of
# REDIS_URL's server.
PAGE_CACHE_URL = env("TECHNOPARK_PAGE_CACHE_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PAGE_CACHE_URL or urlunsplit(urlsplit(REDIS_URL)._replace(path="/1")),
        },
    }
elif PRODUCTION:
    # Without Redis the workers of one machine share caches on disk: sessions and cached pages
    # must look the same from every worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Sessions live here: the default of 300 entries would cull them all day long.
            "OPTIONS": {"MAX_ENTRIES": int(env("TECHNOPARK_FILE_CACHE_ENTRIES", "10000"))},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache-pages"),
            "OPTIONS": {"MAX_ENTRIES": int(env("TECHNOPARK_FILE_CACHE_ENTRIES", "10000"))},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        },
    }
# Declared fragments are cached (tests turn it off to compare cached with uncached pages).
TECHNOPARK_PAGE_FRAGMENTS = True

TASKS = {
    "default": {
        "BACKEND": env(
            "TECHNOPARK_TASKS_BACKEND",
            "django_tasks.backends.database.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# Sessions are read from the cache and written through to the database: signing in survives a
# cache restart, and a signed-in page does not pay a query for its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "technopark.accounts.backends.AuthenticationBackend",
    # Sessions made before the backend above existed name this one; it answers them the same way.
    "django.contrib.auth.backends.ModelBackend",
]
# OWASP ASVS L2: at least 12 characters, not a common password, not like the person's own
# address or name. allauth checks these too (ACCOUNT_PASSWORD_MIN_LENGTH is unset, so it defers to
# them) on sign-up, password change and reset.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "me"  # the personal page across parks, unless a ``next`` is given
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("TECHNOPARK_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# The subject prefix is the site's name, in the reader's language (AccountAdapter, core.mail).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "technopark.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "technopark.accounts.forms.SignupForm"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Technopark"
# Staff and admins must turn on two-factor sign-in before they work; on in production, off in the demo.
TECHNOPARK_MFA_REQUIRED_FOR_STAFF = env_bool("TECHNOPARK_MFA_REQUIRED_FOR_STAFF", PRODUCTION)

EMAIL_BACKEND = env(
    "TECHNOPARK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("TECHNOPARK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("TECHNOPARK_EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("TECHNOPARK_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("TECHNOPARK_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("TECHNOPARK_EMAIL_USE_TLS", True)
# The site's address for links in mail sent without a request at hand (notices).
TECHNOPARK_SITE_URL = env("TECHNOPARK_SITE_URL", "http://localhost:8000")
# The platform's name in mail greetings, signatures and subjects ("Technopark" translated when
# empty): never the host a request came from (core.mail).
TECHNOPARK_SITE_NAME = env("TECHNOPARK_SITE_NAME", "")
DEFAULT_FROM_EMAIL = env("TECHNOPARK_DEFAULT_FROM_EMAIL", "Technopark <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("TECHNOPARK_ADMINS")]

# --- Languages, time --------------------------------------------------------------------------------
LANGUAGE_CODE = env("TECHNOPARK_LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "src" / "technopark" / "locale"]
TIME_ZONE = env("TECHNOPARK_TIME_ZONE", "Asia/Yakutsk")
USE_I18N = True
USE_TZ = True
# English dates as written outside the US, Russian ones without a doubled "г.." (core/formats).
FORMAT_MODULE_PATH = ["technopark.core.formats"]

# --- Static files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[Any] = [BASE_DIR / "src" / "technopark" / "static"]
# htmx arrives from the npm registry at install time; the pages work without it too.
_HTMX_DIST = BASE_DIR / "node_modules" / "htmx.org" / "dist"
TECHNOPARK_HTMX = (_HTMX_DIST / "htmx.min.js").exists()
if TECHNOPARK_HTMX:
    STATICFILES_DIRS.append(("htmx", _HTMX_DIST))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even when empty

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("TECHNOPARK_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("TECHNOPARK_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("TECHNOPARK_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies of ours stand in front of the application (nginx: 1). Rate limits
# (allauth's login throttling among them) read the client's address from the X-Forwarded-For
# entries those proxies appended (core.clientip); 0 ignores the header and uses REMOTE_ADDR.
# Set gunicorn's --forwarded-allow-ips to the same proxies (TECHNOPARK_FORWARDED_ALLOW_IPS in
# `make serve`).
try:
    TECHNOPARK_TRUSTED_PROXY_COUNT = int(env("TECHNOPARK_TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    raise ImproperlyConfigured(
        "TECHNOPARK_TRUSTED_PROXY_COUNT must be a whole number of proxies (0 for none)."
    ) from None
if not 0 <= TECHNOPARK_TRUSTED_PROXY_COUNT <= 10:
    raise ImproperlyConfigured("TECHNOPARK_TRUSTED_PROXY_COUNT must be between 0 and 10.")
ALLAUTH_TRUSTED_PROXY_COUNT = TECHNOPARK_TRUSTED_PROXY_COUNT
# The addresses of those proxies (comma-separated addresses or networks; the proxy on this
# machine by default). X-Forwarded-For is read only from a request whose REMOTE_ADDR is one of
# them; a client that reaches the application directly is counted by its own address. The same
# variable is gunicorn's --forwarded-allow-ips in `make serve`. "*" (any address) only when set.
TECHNOPARK_FORWARDED_ALLOW_IPS = env_list("TECHNOPARK_FORWARDED_ALLOW_IPS", "127.0.0.1")
for _proxy in TECHNOPARK_FORWARDED_ALLOW_IPS:
    try:
        if _proxy != "*":
            ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            "TECHNOPARK_FORWARDED_ALLOW_IPS must list IP addresses or networks, "
            f"separated by commas (not {_proxy!r})."
        ) from None
# Content-Security-Policy (django-csp): no script runs unless it is a file served from this host.
# The pages have no inline script and no inline style (htmx's indicator style is in site.css:
# templates/base.html turns htmx's own off, and its eval with it). A nonce is added to script-src
# only on a response whose template asked for ``request.csp_nonce`` — never inside a cached
# fragment, whose nonce would be stale for the next visitor.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}

# The request loggers write a page's path: an outside guest's demo-day link has its secret there,
# so those records are masked (core.logfilters) before any handler sees them. django.server is
# configured as Django's default one, with the filter added.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_guest_links": {"()": "technopark.core.logfilters.MaskGuestLinks"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_guest_links"]},
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_guest_links"],
        },
    },
    "loggers": {
        "django.request": {"filters": ["mask_guest_links"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_guest_links"],
        },
    },
    "root": {"handlers": ["console"], "level": env("TECHNOPARK_LOG_LEVEL", "WARNING")},
}

# --- Audit chain ------------------------------------------------------------------------------------
# Every entry is an HMAC over the one before it, under a key kept outside the database (a secret
# like SECRET_KEY: TECHNOPARK_AUDIT_KEY or TECHNOPARK_AUDIT_KEY_FILE). Entries name their key by a
# fingerprint, so the key can rotate: the old one moves to TECHNOPARK_AUDIT_RETIRED_KEYS (one per
# line, oldest first) and still verifies what it signed until a newer key has signed in that chain.
# See docs/security.md.


def _audit_key() -> str:
    key = env("TECHNOPARK_AUDIT_KEY")
    if key:
        if PRODUCTION and (len(key) < 32 or key == SECRET_KEY):
            raise ImproperlyConfigured(
                "TECHNOPARK_AUDIT_KEY must be at least 32 characters and differ from the secret key."
            )
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set TECHNOPARK_AUDIT_KEY or TECHNOPARK_AUDIT_KEY_FILE in production (the audit "
            "chain's HMAC key, kept outside the database)."
        )
    # The demo derives its audit key from the secret key under var/: convenient, and no better
    # kept than that file. Production sets a key of its own.
    return hmac.new(SECRET_KEY.encode(), b"technopark audit key (demo)", hashlib.sha256).hexdigest()


TECHNOPARK_AUDIT_KEY = _audit_key()
TECHNOPARK_AUDIT_RETIRED_KEYS = env("TECHNOPARK_AUDIT_RETIRED_KEYS").split()
# Checkpoints are signed with a key of their own, one that can be handed to whoever checks them
# (a ministry) without letting them sign entries; by default derived from the audit key.
TECHNOPARK_AUDIT_CHECKPOINT_KEY = env("TECHNOPARK_AUDIT_CHECKPOINT_KEY")
TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS = env("TECHNOPARK_AUDIT_RETIRED_CHECKPOINT_KEYS").split()
TECHNOPARK_AUDIT_CHECKPOINT_DIR = Path(
    env("TECHNOPARK_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
)
TECHNOPARK_AUDIT_CHECKPOINT_EMAILS = env_list("TECHNOPARK_AUDIT_CHECKPOINT_EMAILS")

# --- Technopark -------------------------------------------------------------------------------------
TECHNOPARK_PAGE_SIZE = 25
TECHNOPARK_INVITATION_DAYS = 14
# Personal API tokens: the lifetime offered by default and the longest one may choose.
TECHNOPARK_API_TOKEN_DAYS = int(env("TECHNOPARK_API_TOKEN_DAYS", "90"))
TECHNOPARK_API_TOKEN_MAX_DAYS = int(env("TECHNOPARK_API_TOKEN_MAX_DAYS", "365"))
# Grant reports: how many times one report may be filed, and its attachments' total size.
TECHNOPARK_GRANT_REPORT_MAX_SUBMISSIONS = int(env("TECHNOPARK_GRANT_REPORT_MAX_SUBMISSIONS", "5"))
TECHNOPARK_GRANT_REPORT_MAX_UPLOAD_BYTES = int(
    env("TECHNOPARK_GRANT_REPORT_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024))
)
NINJA_PAGINATION_PER_PAGE = 25
