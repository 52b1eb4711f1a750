"""One settings module, read from the environment, with defaults that work on a developer's machine."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from provision_ledger.rules.outcomes import MIN_CHILDREN_FOR_A_FIGURE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str = "") -> str:
    import os

    return os.environ.get(name, default)


def envint(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}: use a whole number") from None


def envbool(name: str, default: str) -> bool:
    value = env(name, default)
    if value not in ("", "True", "False"):
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}: use 'True' or 'False'")
    return value == "True"


PRODUCTION = envbool("PRODUCTION", "False")
DEBUG = envbool("DEBUG", "False" if PRODUCTION else "True")
# Under PRODUCTION=True every setting production needs is checked at once, and each missing one named, by the
# ops.E001 system check, `provision-ledger serve` and gunicorn's start-up (ops/production.py); an empty SECRET_KEY
# also makes Django refuse anything that would sign with it.
SECRET_KEY = env("SECRET_KEY") or ("" if PRODUCTION else "insecure-development-key-never-used-in-production")
# The key of the record's hash chain (audit/sealing.py), kept outside the database: in the environment, or in a file
# readable only by the application. Without it someone who can write to the database could recompute the chain.
LEDGER_CHAIN_KEY = env("LEDGER_CHAIN_KEY")
LEDGER_CHAIN_KEY_FILE = env("LEDGER_CHAIN_KEY_FILE")
if PRODUCTION and not (LEDGER_CHAIN_KEY or LEDGER_CHAIN_KEY_FILE):
    raise ImproperlyConfigured("LEDGER_CHAIN_KEY or LEDGER_CHAIN_KEY_FILE must be set when PRODUCTION=True")
# Signed checkpoints (audit/checkpoints.py): the Ed25519 signing key's file, and the fingerprints of the public keys
# whose checkpoints `verify --checkpoints` believes (comma-separated; empty believes any validly signed checkpoint).
LEDGER_CHECKPOINT_KEY_FILE = env("LEDGER_CHECKPOINT_KEY_FILE")
LEDGER_CHECKPOINT_TRUSTED = [f for f in env("LEDGER_CHECKPOINT_TRUSTED").split(",") if f]
# A parent's private calendar link stops working this many days after it was made or last renewed.
CALENDAR_LINK_DAYS = envint("CALENDAR_LINK_DAYS", 90)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "provision_ledger.people",
    "provision_ledger.plans",
    "provision_ledger.delivery",
    "provision_ledger.audit",
    "provision_ledger.parents",
    "provision_ledger.nextsteps",
    "provision_ledger.money",
    "provision_ledger.outcomes",
    "provision_ledger.api",
    "provision_ledger.accounts",
    "provision_ledger.oversight",
    "provision_ledger.census",
    "provision_ledger.family",
    "provision_ledger.trusts",
    "provision_ledger.services",
    "provision_ledger.core",
    "provision_ledger.submissions",
    "provision_ledger.ops",
    "provision_ledger.wording",
]

MIDDLEWARE = [
    # First, so it times the whole request and every later step sees the client's address.
    "provision_ledger.ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "provision_ledger.accounts.middleware.SessionIdleMiddleware",
    "provision_ledger.accounts.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "provision_ledger.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "provision_ledger.submissions.middleware.FormKeyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "provision_ledger.urls"
WSGI_APPLICATION = "provision_ledger.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "provision_ledger" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "provision_ledger.core.context_processors.ledger_scope",
            ],
            # Every form that writes carries {% form_key %} beside its CSRF token: no template needs to load it.
            "builtins": ["provision_ledger.submissions.templatetags.form_keys"],
        },
    },
]

# SQLite by default (one school runs happily on it); PostgreSQL when DATABASE_URL says so.
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'provision-ledger.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so concurrent
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    # SQLite's own page cache is 2 MB unless told otherwise, far smaller than an authority's session indexes; with
    # 64 MB a 200,000-row import spent a third of the system time (measured; wall time barely moved). Used as needed.
    sqlite_cache_kib = envint("SQLITE_CACHE_MB", 64) * 1024
    # SQLite's busy handler is not a fair queue: with 20 writers at once on a loaded 2-core machine one of them
    # waited past 5 s (seen in CI), though the queue as a whole drained in about 3 s. 20 s stays inside
    # gunicorn's 30 s worker timeout, so a writer waits its turn rather than failing.
    sqlite_busy_ms = envint("SQLITE_BUSY_TIMEOUT_SECONDS", 20) * 1000
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={sqlite_busy_ms}; PRAGMA cache_size=-{sqlite_cache_kib};",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests run on a file too, never on Django's default in-memory database: that one is opened in SQLite's
    # shared-cache mode, where a second writer fails at once with "database table is locked" (busy_timeout does
    # not apply to shared-cache locks), and the live server hands one connection to all its threads. A file
    # database in WAL mode behaves as it does in use: writers queue on busy_timeout.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-provision-ledger.sqlite3")}
if DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    # Keep each worker's connection between requests (checked before reuse) rather than opening one per request.
    DATABASES["default"]["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the authority's big aggregates afresh on every run, which costs more than it saves
    # for statements that take well under a second (measured: about 70 ms of a 0.5 s dashboard statement).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# Each worker keeps the figures part of the child pages it served recently, keyed by everything they are drawn from
# (core/record_page.py), so a page read again before anything of the child's record changes is not worked out anew.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": envint("PAGE_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", 300)},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes checks every sign-in first: it refuses a locked-out username and address before the password is tried.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Throttling of failed sign-ins (django-axes): after AXES_FAILURE_LIMIT failures for one email address from one
# IP address, that pair is locked out for SIGN_IN_LOCKOUT_MINUTES; a successful sign-in clears the count.
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email address as "username" (Django's AuthenticationForm), whatever USERNAME_FIELD is.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "provision_ledger.accounts.throttle.sign_in_name"
AXES_RESET_ON_SUCCESS = True
# The client's address, not the reverse proxy's: see TRUSTED_PROXY_COUNT below.
AXES_CLIENT_IP_CALLABLE = "provision_ledger.ops.client.client_address"

# Behind reverse proxies: how many sit in front of the application, and the addresses they connect from. Only a
# request from one of those addresses has its X-Forwarded-For believed, and only for that many hops
# (ops/client.py). 0, the default, means none: the connecting address is the client's.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_ADDRESSES = [a.strip() for a in env("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1").split(",") if a.strip()]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Password reset emails: at most this many an hour to one email address, and from one network address.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = envint("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 3)
PASSWORD_RESETS_FROM_ONE_PLACE_PER_HOUR = envint("PASSWORD_RESETS_FROM_ONE_PLACE_PER_HOUR", 20)

# Two-factor sign-in (django-otp, TOTP): required for staff, SENCOs and LA officers, optional for parents.
OTP_TOTP_ISSUER = "Provision Ledger"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
# collectstatic writes here; a deployment keeps it outside the code (e.g. /var/lib/provision-ledger/static).
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "provision_ledger" / "static",
    # Built by `make` from the npm registry's packages; neither folder is committed.
    ("build", VAR_DIR / "build"),
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions end after SESSION_IDLE_MINUTES without a request: accounts.middleware.SessionIdleMiddleware pushes the
# end back as the person uses the site (at most once a minute, so reading a page rarely writes to the database).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # HTTPS only, and browsers told to keep to it (HSTS) for a year.
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")
    if envbool("TRUST_X_FORWARDED_PROTO", "False"):
        # Only behind a proxy that sets this header itself: it says the browser's request came over HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer or monitor polls these over plain HTTP on the private side of the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

# A strict Content Security Policy (django-csp): scripts, styles, images and fonts from this site only; no inline
# script or style, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The console is for a developer's machine only: under PRODUCTION a missing backend refuses to send (and the server
# refuses to start), so a reset or invitation link never lands in a process log.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "provision_ledger.ops.mail.NoEmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Provision Ledger <no-reply@provision-ledger.invalid>")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")

# Progress figures drawn from fewer children than this are withheld (rules/outcomes.py gives the default and why).
PROGRESS_FIGURE_MIN_CHILDREN = int(env("PROGRESS_FIGURE_MIN_CHILDREN", str(MIN_CHILDREN_FOR_A_FIGURE)))
if PROGRESS_FIGURE_MIN_CHILDREN < 1:
    raise ImproperlyConfigured("PROGRESS_FIGURE_MIN_CHILDREN must be 1 or more")

# In production one JSON object a line (ops/jsonlog.py), with a line per request from ops/middleware.py; on a
# developer's machine plain text. SQL is never logged with its parameters (they hold children's details).
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"Unexpected value LOG_FORMAT={LOG_FORMAT!r}: use 'json' or 'text'")
# Also sends Python's warnings through the JSON handler in production (ops/jsonlog.py).
LOGGING_CONFIG = "provision_ledger.ops.jsonlog.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "provision_ledger.ops.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        "provision_ledger.requests": {"level": env("REQUEST_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Records are listed for review by `provision-ledger retention` when this many years have passed since the child's
# date of birth (rules/retention.py cites the source of the default).
RETENTION_YEARS_AFTER_BIRTH = envint("RETENTION_YEARS_AFTER_BIRTH", 31)

# Open statistics: counts under this are suppressed (issue 7: configurable, by default under 5).
OPEN_STATISTICS_SUPPRESS_UNDER = int(env("OPEN_STATISTICS_SUPPRESS_UNDER", "5"))

# Error reporting (Sentry or a compatible service) only when SENTRY_DSN is set; ops/errors.py says what is sent
# (the error's type and place, the route, the user's id, the request id) and what never is (messages, values,
# request bodies, headers, cookies).
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from provision_ledger.ops import errors as _errors

    _errors.init(SENTRY_DSN, env("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "development"))

# Backups (audit/backups.py, ops/scheduled.py): encrypted with the key in BACKUP_KEY_FILE, a file outside the
# database and outside BACKUP_DIR; written owner-only to BACKUP_DIR and, if set, copied to BACKUP_COPY_DIR (another
# disk or a mounted share); kept by the rule: the newest BACKUP_KEEP_DAILY days, BACKUP_KEEP_WEEKLY weeks and
# BACKUP_KEEP_MONTHLY months, one backup each.
BACKUP_KEY_FILE = env("BACKUP_KEY_FILE")
BACKUP_DIR = Path(env("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_COPY_DIR = Path(env("BACKUP_COPY_DIR")) if env("BACKUP_COPY_DIR") else None
BACKUP_KEEP_DAILY = envint("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = envint("BACKUP_KEEP_WEEKLY", 5)
BACKUP_KEEP_MONTHLY = envint("BACKUP_KEEP_MONTHLY", 12)
# Where `run-scheduled checkpoint` writes the signed checkpoints (copy them away from this server).
CHECKPOINT_DIR = Path(env("CHECKPOINT_DIR", str(VAR_DIR / "checkpoints")))
# Reports the scheduled jobs write (the retention listing, the weekly restore test), owner-only.
REPORT_DIR = Path(env("REPORT_DIR", str(VAR_DIR / "reports")))

# Who runs this deployment, for the privacy notice, the accessibility statement and security.txt. They are the
# deployer's to fill in; until they are, the pages say plainly what is missing (ops/governance.py).
SERVICE_OPERATOR = env("SERVICE_OPERATOR")  # e.g. "Demo Borough Council": the data controller
PRIVACY_CONTACT = env("PRIVACY_CONTACT")  # the data protection officer's email address
ACCESSIBILITY_CONTACT = env("ACCESSIBILITY_CONTACT")  # where to report an accessibility problem
SECURITY_CONTACT = env("SECURITY_CONTACT")  # mailto: or https: for security reports (RFC 9116 Contact)
SECURITY_TXT_EXPIRES = env("SECURITY_TXT_EXPIRES")  # YYYY-MM-DD, under a year ahead: when to review the contact

# Common Transfer File versions read, the current specification's first (it is also the one written), and the DfE's
# XSD for it when an administrator supplies one (the file is then validated against it).
CTF_VERSIONS = tuple(v.strip() for v in env("CTF_VERSIONS", "26.0,25.0").split(",") if v.strip())
CTF_XSD = env("CTF_XSD", "")
