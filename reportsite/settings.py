"""Settings for reportsite, one module driven by the environment.

SQLite in the project folder is the zero-setup default; DATABASE_URL selects PostgreSQL.
"""

import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from reportsite.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-debug"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    missing = [
        name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "With DEBUG off, set " + " and ".join(missing) + " in the environment "
            "(or set DEBUG=true for local development)."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "reportsite.admin_site.AdminConfig",  # Django's admin, see reportsite/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_filters",
    "django_tables2",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Bottom to top; tests/test_layering.py keeps imports running downward only.
    "ops",
    "reports",
    "okrs",
    "incidents",
    "pages",
    "documents",
    "notifications",
    "api",
    "bench",
]

MIDDLEWARE = [
    # The headers first, outside everything that can refuse a request: a Host refused by the HTTPS
    # redirect (SecurityMiddleware), a method refused, a static file, a body that fails to parse and
    # every error page carry the Content-Security-Policy, X-Frame-Options and the rest too.
    "reportsite.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "reportsite.middleware.HttpMethodsMiddleware",
    # Before anything reads a body: a chunked one reportsite.wsgi could not read is refused here.
    "reportsite.request_body.RefusedBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "reportsite.urls"
WSGI_APPLICATION = "reportsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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
# Django's form renderer with its plain widget templates written in Python (common/widgets.py).
FORM_RENDERER = "common.widgets.WidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # On by default: after a database restart the next request reconnects instead of failing.
        # It costs one round trip per request (about 5% of the team week's throughput on PostgreSQL).
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite: IMMEDIATE takes the write lock at BEGIN, so two transactions never
    # both read and then deadlock upgrading (an instant "database is locked", a 500); they queue for
    # up to `timeout` seconds instead. WAL lets pages read while a save is writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env_int("SQLITE_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # PostgreSQL plans every statement it is sent, and a page's joins and the change log's union took
    # longer to plan than to run: a tenth of the team week (bench/FINDINGS.md §12b). With the values
    # bound on the server, psycopg prepares a statement the connection has run `prepare_threshold`
    # times and the server reuses its plan. Off behind a pooler in transaction mode (PgBouncer before
    # 1.21), which cannot keep a connection's prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": env_int("DATABASE_PREPARE_THRESHOLD", 2)}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Rendered dashboards (ops/page_cache.py) are cached in each server process. Their keys carry the data
# version from the database, so processes never have to agree on anything; 0 seconds turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    # ~500 pages of 20-100 KB each at most per process; the least recently used go first.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 500)},
    },
    # The overview's team parts (pages/overview.py): per team, week and language a part (~7 KB, the card
    # and the candidates' sort keys), and the rows shown, as HTML (~1 KB each, ~95 a page), so ~0.3 MB
    # per week and language for 30 teams; 20,000 entries hold ~150 of those per process, the least
    # recently used going first. Behind each process's memory they are kept in the database
    # (ops/fragment_store.py), shared by every process and kept across restarts, swept when not written
    # for FRAGMENT_KEEP_DAYS. Keys name the data they were built from: nothing expires by time.
    "fragments": {
        "BACKEND": "ops.fragment_store.KeptFragmentCache",
        "LOCATION": "fragments",
        "OPTIONS": {
            "MAX_ENTRIES": env_int("FRAGMENT_CACHE_MAX_ENTRIES", 20000),
            "KEEP_DAYS": env_int("FRAGMENT_KEEP_DAYS", 14),
        },
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes and WhiteNoise serves from (tests/security/test_server_raw.py uses its own).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "reportsite@localhost")

# Production hardening; each can be relaxed from the environment behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", default=False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The HSTS preload list is a one-way, domain-wide commitment made by submitting the domain, not by a
# setting; leave it to the operator (SECURE_HSTS_PRELOAD=true) instead of warning on every deploy check.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only, never
# inline, so injected markup can neither run nor restyle a page. Forms post only back to the app.
# CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only, to try a change
# of the policy on a staging copy; production enforces it.
csp_policy = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Lower case: django-csp's check refuses any setting named CSP_* as one of its old-style settings.
csp_report_only = env_bool("CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = None if csp_report_only else csp_policy
CONTENT_SECURITY_POLICY_REPORT_ONLY = csp_policy if csp_report_only else None
# Browser features the app never uses, turned off for it and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation",
        "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    )
)  # fmt: skip
SESSION_ENGINE = "reportsite.sessions"
AUTHENTICATION_BACKENDS = ["reportsite.backends.ModelBackendWithPlainUserLookup"]

# Login throttling (ops.throttle): failed logins counted per username and per client address over a
# sliding window. The per-address limit is higher because an office behind one NAT address shares it.
LOGIN_THROTTLE_USER_ATTEMPTS = env_int("LOGIN_THROTTLE_USER_ATTEMPTS", 5)
LOGIN_THROTTLE_IP_ATTEMPTS = env_int("LOGIN_THROTTLE_IP_ATTEMPTS", 20)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
# Only behind a proxy that sets X-Forwarded-For; otherwise clients could pick their own address.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", default=False)

# Notifications (notifications/, README "Notifications"): the schedule, in NOTIFY_TIME_ZONE, and delivery.
SITE_URL = env_str("SITE_URL").rstrip("/")
NOTIFY_TIME_ZONE = env_str("NOTIFY_TIME_ZONE") or TIME_ZONE
NOTIFY_DIGEST_WEEKDAY = env_int("NOTIFY_DIGEST_WEEKDAY", 1)
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 9)
NOTIFY_REMINDER_WEEKDAY = env_int("NOTIFY_REMINDER_WEEKDAY", 5)
NOTIFY_REMINDER_HOUR = env_int("NOTIFY_REMINDER_HOUR", 15)
NOTIFY_REMIND_LEADS = env_bool("NOTIFY_REMIND_LEADS", default=True)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60)
NOTIFY_RETRY_MAX_SECONDS = env_int("NOTIFY_RETRY_MAX_SECONDS", 3600)
NOTIFY_HTTP_TIMEOUT_SECONDS = env_int("NOTIFY_HTTP_TIMEOUT_SECONDS", 10)
NOTIFY_CHANNEL_INTERVAL_SECONDS = env_int("NOTIFY_CHANNEL_INTERVAL_SECONDS", 3)
NOTIFY_POLL_SECONDS = env_int("NOTIFY_POLL_SECONDS", 5)
# Webhooks carry credentials in their URL: plain HTTP only for local development.
NOTIFY_ALLOW_HTTP = env_bool("NOTIFY_ALLOW_HTTP", default=DEBUG)
# A lead's channel must not make the server fetch its own network (notifications/addresses.py).
NOTIFY_ALLOW_PRIVATE_ADDRESSES = env_bool("NOTIFY_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
for _name, _low, _high in (
    ("NOTIFY_DIGEST_WEEKDAY", 1, 7),
    ("NOTIFY_REMINDER_WEEKDAY", 1, 7),
    ("NOTIFY_DIGEST_HOUR", 0, 23),
    ("NOTIFY_REMINDER_HOUR", 0, 23),
    ("NOTIFY_MAX_ATTEMPTS", 1, 50),
):
    if not _low <= globals()[_name] <= _high:
        raise ImproperlyConfigured(f"{_name} must be from {_low} to {_high}, got {globals()[_name]}.")
try:
    zoneinfo.ZoneInfo(NOTIFY_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"NOTIFY_TIME_ZONE: unknown time zone {NOTIFY_TIME_ZONE!r}.") from None
# The API (api/): personal bearer tokens, or the browser session for the docs page; JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    # Counted per server process (the default cache is in memory): N processes allow up to N times this.
    "DEFAULT_THROTTLE_RATES": {"api": env_str("API_THROTTLE_RATE", "600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "reportsite API",
    "DESCRIPTION": "Weekly KPIs, OKR progress and incidents, in and out. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs page's script and styles come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button: an interactive element nested in
    # another, which screen readers cannot reach (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 4xx refused for the client's mistake logs one line, not a traceback (reportsite/logs.py).
    "filters": {"client_errors_in_one_line": {"()": "reportsite.logs.ClientErrorsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
