"""Settings for Habeas, read from the environment (see the README's configuration table)."""

import logging
from pathlib import Path

import dj_database_url

from habeas.conf import (
    SQLITE_NAME,
    ConfigurationError,
    default_data_dir,
    ensure_private_dir,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_webhooks,
    interface_languages,
    keyring,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("HABEAS_DATA_DIR") or default_data_dir(BASE_DIR)).resolve()
ensure_private_dir(DATA_DIR)

SECRET_KEY = secret_key(DATA_DIR)
# Keys that encrypt confidential fields and files (docs/architecture.md): HABEAS_KEYS or
# the key file (default DATA_DIR/keys.json, generated on first start). Never
# derived from SECRET_KEY. HABEAS_KEY_FILE is None when the keys come from HABEAS_KEYS.
HABEAS_KEYRING, HABEAS_KEY_FILE = keyring(DATA_DIR)
DEBUG = env_bool("HABEAS_DEBUG", False)
ALLOWED_HOSTS = env_list("HABEAS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("HABEAS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "simple_history",
    "habeas.core",
    "habeas.audit",
    "habeas.accounts",
    "habeas.organisation",
    "habeas.cases",
    "habeas.sources",
    "habeas.advocacy",
    "habeas.alerts",
    "habeas.evidence",
    "habeas.imports",
    "habeas.protection",
    "habeas.exports",
    "habeas.pfif",
    "habeas.api",
    "habeas.ops",
    "habeas.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "habeas.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "habeas.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: the visitor's choice (the language cookie, set by the
    # switch on every page), else Accept-Language; a signed-in user's own language
    # wins over both (UserLanguageMiddleware, after authentication).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "habeas.accounts.middleware.UserLanguageMiddleware",
    # Control characters dropped from every form's text (habeas.lib.text.plain_text).
    "habeas.core.middleware.PlainTextInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions of disabled or "logged out everywhere" accounts; holds users who
    # must set up two-factor authentication on the enrolment page until they do.
    "habeas.accounts.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "habeas.urls"
WSGI_APPLICATION = "habeas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_OPTIONS = {
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing half-way.
    # secure_delete: a deleted or overwritten value is zeroed on its page, not
    # left readable in free space (many SQLite builds default to OFF).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA secure_delete=ON;"
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA cache_size=-64000;"
    ),
}
_database_url = env_str("HABEAS_DATABASE_URL")
if _database_url:
    try:
        _database = dj_database_url.parse(
            _database_url, conn_max_age=env_int("HABEAS_DB_CONN_MAX_AGE", 60)
        )
    except ValueError as exc:
        raise ConfigurationError(f"HABEAS_DATABASE_URL is not a database URL: {exc}") from None
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database["OPTIONS"] = dict(SQLITE_OPTIONS)
        _database["CONN_MAX_AGE"] = 0
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        # Django takes a path here; dj-database-url's DBConfig (this dict's type) says str.
        "NAME": DATA_DIR / SQLITE_NAME,  # type: ignore[typeddict-item]
        "OPTIONS": dict(SQLITE_OPTIONS),
    }
DATABASES = {"default": _database}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # OWASP ASVS 4.0.3 V2.1.2: passphrases up to 128 characters are allowed, longer refused.
    {
        "NAME": "habeas.accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
]

# Accounts: two-factor login is required of administrators, and of everyone with
# HABEAS_REQUIRE_2FA=1. Lockout counts failed passwords and codes by username and
# by client address over a sliding window. An address is shared by everyone behind
# one office router (and by every visitor of an onion service), so it has its own,
# looser limit (0: no lockout by address).
HABEAS_REQUIRE_2FA = env_bool("HABEAS_REQUIRE_2FA", False)
HABEAS_LOCKOUT_ATTEMPTS = env_int("HABEAS_LOCKOUT_ATTEMPTS", 5)
HABEAS_LOCKOUT_ADDRESS_ATTEMPTS = env_int("HABEAS_LOCKOUT_ADDRESS_ATTEMPTS", 20)
# The client address is REMOTE_ADDR, unless that is one of these reverse proxies:
# then it is the last address in X-Forwarded-For that is not a trusted proxy.
HABEAS_TRUSTED_PROXIES = env_networks("HABEAS_TRUSTED_PROXIES")
HABEAS_LOCKOUT_MINUTES = env_int("HABEAS_LOCKOUT_MINUTES", 15)
# The JSON API (docs/api.md): a token lives at most this many days; requests are
# counted in one-minute windows per token, per client address (before the token is
# read), and refused tokens per client address. 0 turns a limit off.
HABEAS_API_TOKEN_MAX_DAYS = env_int("HABEAS_API_TOKEN_MAX_DAYS", 90)
HABEAS_API_RATE_PER_TOKEN = env_int("HABEAS_API_RATE_PER_TOKEN", 120)
HABEAS_API_RATE_PER_ADDRESS = env_int("HABEAS_API_RATE_PER_ADDRESS", 300)
HABEAS_API_REFUSALS_PER_ADDRESS = env_int("HABEAS_API_REFUSALS_PER_ADDRESS", 10)
# The check-in page (docs/protection.md): refused PINs counted per client address
# over 15 minutes, across every plan; past this many, that address's PINs are
# refused unchecked. Every visitor of an onion service shares one address: keep it
# loose (each plan has its own lock of 5). 0 turns it off.
HABEAS_CHECKIN_ADDRESS_FAILURES = env_int("HABEAS_CHECKIN_ADDRESS_FAILURES", 30)
# The label authenticator apps show next to the code; a neutral one is safer on a
# phone that may be searched.
HABEAS_TOTP_ISSUER = env_str("HABEAS_TOTP_ISSUER", "Habeas")

# "16 Nov 2026", "16 ноября 2026 г.": as partial dates are written (habeas/formats).
FORMAT_MODULE_PATH = ["habeas.formats"]
# The interface's catalogues (habeas/locale/<code>/LC_MESSAGES/django.po, compiled to
# .mo at install); every language with one is offered, English always.
LOCALE_PATHS = [BASE_DIR / "habeas" / "locale"]
LANGUAGES = interface_languages(LOCALE_PATHS[0])
# The organisation's language: for a browser that asks for none Habeas has, for
# e-mails to users who chose none and organisation webhooks.
LANGUAGE_CODE = env_str("HABEAS_LANGUAGE", "en")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ConfigurationError(
        f"HABEAS_LANGUAGE must be one of {', '.join(dict(LANGUAGES))} (got {LANGUAGE_CODE!r})."
    )
TIME_ZONE = env_str("HABEAS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# `habeas serve` collects (and compresses) static files; finders keep a checkout
# and the tests working without that step.
WHITENOISE_USE_FINDERS = True

# Sessions: short-lived, HTTP-only, never readable by scripts, end with the browser.
SESSION_COOKIE_AGE = env_int("HABEAS_SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The visitor's language (the switch on every page): like the session cookie, never
# read by scripts, and gone when the browser closes, so a shared computer keeps no
# trace of a visit to these pages.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = None

# Behind TLS (the production configuration) every cookie is Secure and HSTS is on.
HTTPS = env_bool("HABEAS_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("HABEAS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("HABEAS_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it browsers send `Origin: null` on form posts, which
# Django's CSRF check rightly refuses. "same-origin" still never sends an address
# (which names a case) to any other host.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The first handler drops a file as soon as it passes HABEAS_EVIDENCE_MAX_BYTES, so
# an oversized upload is never spooled to disk whole.
FILE_UPLOAD_HANDLERS = [
    "habeas.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Stored files (evidence, encrypted), which `habeas backup` saves with the database.
HABEAS_FILES_DIR = DATA_DIR / "files"
# Evidence (habeas.evidence): the largest file accepted, in bytes. Files are kept
# encrypted under DATA_DIR/files/evidence/.
HABEAS_EVIDENCE_MAX_BYTES = env_int("HABEAS_EVIDENCE_MAX_BYTES", 100 * 1024 * 1024)
# /health/ answers 503 ("low disk space") when less than this many MB are free where
# Habeas writes (the data directory, the stored files, a SQLite database).
HABEAS_MIN_FREE_MB = env_int("HABEAS_MIN_FREE_MB", 500)

# Alerts and notifications (habeas.alerts, `habeas watch`). Messages carry a case
# reference and a link to HABEAS_SITE_URL, never case content.
HABEAS_SITE_URL = env_str("HABEAS_SITE_URL", "http://127.0.0.1:8000")
# Who submits to the UN and signs letters (advocacy documents, WGEID element 6).
HABEAS_ORGANISATION = env_str("HABEAS_ORGANISATION", "")
# The domain of PFIF record ids ("<domain>/person.<id>"); empty: HABEAS_SITE_URL's host.
HABEAS_PFIF_DOMAIN = env_str("HABEAS_PFIF_DOMAIN", "")
# The largest PFIF file imported, in bytes. Person Finder's exports are a few MB; an XML
# tree costs tens of times its file in memory, so a larger file is refused unread.
HABEAS_PFIF_MAX_BYTES = env_int("HABEAS_PFIF_MAX_BYTES", 10 * 1024 * 1024)
EMAIL_BACKEND = env_str("HABEAS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("HABEAS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HABEAS_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HABEAS_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("HABEAS_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("HABEAS_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("HABEAS_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("HABEAS_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("HABEAS_EMAIL_FROM", "habeas@localhost")
HABEAS_WEBHOOKS = env_webhooks("HABEAS_WEBHOOK_URLS", "HABEAS_WEBHOOK_SECRET")
HABEAS_WEBHOOK_TIMEOUT = env_int("HABEAS_WEBHOOK_TIMEOUT", 10)
# Webhooks a protection notification may go to (docs/protection.md): partner
# organisations' and the messaging bridge that reminds a person at risk. Only these:
# a caseworker cannot make the server call an address of their choosing.
HABEAS_PROTECTION_WEBHOOKS = env_webhooks(
    "HABEAS_PROTECTION_WEBHOOK_URLS", "HABEAS_PROTECTION_WEBHOOK_SECRET"
)
# Where the watcher sends the audit log's signed head once a day (docs/operations.md,
# "Audit log"): addresses and webhooks outside the reach of whoever holds the server.
HABEAS_AUDIT_HEAD_EMAIL = env_list("HABEAS_AUDIT_HEAD_EMAIL", "")
HABEAS_AUDIT_HEAD_WEBHOOKS = env_webhooks(
    "HABEAS_AUDIT_HEAD_WEBHOOK_URLS", "HABEAS_AUDIT_HEAD_WEBHOOK_SECRET"
)
HABEAS_DELIVERY_MAX_ATTEMPTS = env_int("HABEAS_DELIVERY_MAX_ATTEMPTS", 8)
HABEAS_DELIVERY_BACKOFF_SECONDS = env_int("HABEAS_DELIVERY_BACKOFF_SECONDS", 30)
# A claim older than this is taken to be abandoned (its watcher died mid-send):
# longer than the slowest send (the timeouts above), short enough not to delay much.
HABEAS_DELIVERY_LEASE_SECONDS = env_int("HABEAS_DELIVERY_LEASE_SECONDS", 120)
# One slow or dead endpoint never holds up the others (docs/operations.md, "Delivery").
HABEAS_DELIVERY_PASS_SECONDS = env_int("HABEAS_DELIVERY_PASS_SECONDS", 20)
HABEAS_DELIVERY_BREAKER_FAILURES = env_int("HABEAS_DELIVERY_BREAKER_FAILURES", 5)
HABEAS_DELIVERY_BREAKER_SECONDS = env_int("HABEAS_DELIVERY_BREAKER_SECONDS", 60)
HABEAS_DELIVERY_SLOW_RETRY_SECONDS = env_int("HABEAS_DELIVERY_SLOW_RETRY_SECONDS", 3600)
HABEAS_DELIVERY_RETRY_DAYS = env_int("HABEAS_DELIVERY_RETRY_DAYS", 7)
HABEAS_DIGEST_HOUR = env_int("HABEAS_DIGEST_HOUR", 8)
HABEAS_WATCH_STALE_SECONDS = env_int("HABEAS_WATCH_STALE_SECONDS", 300)
HABEAS_WATCH_INTERVAL = env_int("HABEAS_WATCH_INTERVAL", 30)  # seconds between passes

# Running Habeas (habeas.ops, habeas.demo): where `habeas serve` listens, and gunicorn's
# processes and threads per process; where `habeas backup` and `habeas restore` find
# pg_dump and pg_restore ("": PATH, then the newest /usr/lib/postgresql/*/bin); the
# password `habeas demo` gives the demo user ("": a new one at each start).
HABEAS_HOST = env_str("HABEAS_HOST", "127.0.0.1")
HABEAS_PORT = env_int("HABEAS_PORT", 8000)
HABEAS_WORKERS = env_int("HABEAS_WORKERS", 2)
HABEAS_THREADS = env_int("HABEAS_THREADS", 4)
HABEAS_PG_BIN = env_str("HABEAS_PG_BIN")
HABEAS_DEMO_PASSWORD = env_str("HABEAS_DEMO_PASSWORD")

# Paths that are themselves secrets (the check-in link, /k/<token>/): cut to the
# prefix in every log record (habeas/core/logfilters.py).
HABEAS_SECRET_PATH_PREFIXES = ["/k/"]

# Logs carry ids and actions, never names, contacts or statements (docs/threat-model.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"secret_paths": {"()": "habeas.core.logfilters.RedactSecretPaths"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_paths"],
        }
    },
    "root": {"handlers": ["stderr"], "level": env_str("HABEAS_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's request logger prints the request (with POST data on errors) — keep
        # it to a line without the body.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # Libraries that read or write case content quote it in their warnings (fpdf2
        # names the characters of a name its font lacks): no record is ever made.
        **{name: {"level": logging.CRITICAL + 1} for name in ("fpdf", "fontTools", "docx", "PIL")},
    },
}
