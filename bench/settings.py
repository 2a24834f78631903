"""Settings for the benchmark: production behaviour (DEBUG off) on a bench database, plus /bench/minimal.

The database comes from DATABASE_URL as usual; bench.run points it at bench/tmp/*.sqlite3 or at a
rs_bench_* PostgreSQL database. Only what a plain-HTTP, local benchmark needs is relaxed here.
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from reportsite.settings import *  # noqa: E402,F403

# DEBUG off whatever the Makefile exports: with DEBUG on every query is logged and templates keep
# debug information, which is not what production pays.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
# The API's throttle stays on (its cache lookup is part of every request) but never refuses the bench.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "1000000/minute"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The manifest storage needs collectstatic first; the bench measures pages, not static files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}

# WhiteNoise warns once per process when STATIC_ROOT was never collected; the bench serves no static files.
warnings.filterwarnings("ignore", message="No directory at")
