"""Settings read from the environment: strict, clear when wrong, production-safe by default."""

import pytest

from tests.settings_probe import PRODUCTION, read_settings, settings_error


def test_debug_off_without_secret_key_and_allowed_hosts_is_refused_with_both_names():
    error = settings_error()
    assert error.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "SECRET_KEY and ALLOWED_HOSTS" in error
    assert "DEBUG=true" in error


def test_debug_off_with_only_the_secret_key_names_the_missing_hosts():
    error = settings_error(SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert "set ALLOWED_HOSTS" in error and "SECRET_KEY" not in error


@pytest.mark.parametrize(
    "name", ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "TRUST_X_FORWARDED_FOR"]
)
def test_a_misspelt_boolean_stops_the_app_instead_of_falling_back(name):
    error = settings_error(**PRODUCTION, **{name: "ture"})
    assert "ImproperlyConfigured" in error
    assert f"{name} must be a boolean" in error and "'ture'" in error


@pytest.mark.parametrize("name", ["SECURE_HSTS_SECONDS", "LOGIN_THROTTLE_USER_ATTEMPTS", "EMAIL_PORT"])
def test_a_non_numeric_number_stops_the_app(name):
    error = settings_error(**PRODUCTION, **{name: "1 year"})
    assert f"{name} must be a whole number" in error


def test_debug_true_needs_nothing_else_and_uses_sqlite():
    values = read_settings(["DEBUG", "ALLOWED_HOSTS", "DATABASES"], DEBUG="true")
    assert values["DEBUG"] is True
    assert "localhost" in values["ALLOWED_HOSTS"]
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"].endswith("db.sqlite3")


def test_database_url_selects_postgresql():
    values = read_settings(
        ["DATABASES"], DEBUG="true", DATABASE_URL="postgres://rs:s3cret@db.internal:6543/reportsite"
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("reportsite", "rs", "s3cret")
    assert (database["HOST"], int(database["PORT"])) == ("db.internal", 6543)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, {"server_side_binding": True, "prepare_threshold": 2}),
        ({"DATABASE_PREPARE_THRESHOLD": "5"}, {"server_side_binding": True, "prepare_threshold": 5}),
        ({"DATABASE_PREPARED_STATEMENTS": "false"}, {}),
    ],
)
def test_postgresql_prepares_repeated_statements_unless_switched_off(env, expected):
    database = read_settings(
        ["DATABASES"], DEBUG="true", DATABASE_URL="postgres://rs@db.internal/reportsite", **env
    )["DATABASES"]["default"]
    options = database.get("OPTIONS", {})
    assert {
        name: options[name] for name in ("server_side_binding", "prepare_threshold") if name in options
    } == expected


def test_sqlite_has_no_prepared_statement_options():
    options = read_settings(["DATABASES"], DEBUG="true")["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


@pytest.mark.parametrize("value, checked", [(None, True), ("false", False), ("true", True)])
def test_connection_health_checks_are_on_unless_switched_off(value, checked):
    env = {"DATABASE_CONN_HEALTH_CHECKS": value} if value else {}
    database = read_settings(["DATABASES"], DEBUG="true", **env)["DATABASES"]["default"]
    assert database["CONN_HEALTH_CHECKS"] is checked


def test_production_defaults_are_hardened():
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
        "ALLOWED_HOSTS",
    ]
    values = read_settings(names, **PRODUCTION)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    # Trusting X-Forwarded-Proto without a proxy would let any client claim HTTPS.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://reports.example.com"]
    assert values["ALLOWED_HOSTS"] == ["reports.example.com"]


def test_behind_a_tls_terminating_proxy_the_forwarded_proto_header_is_trusted_on_request():
    values = read_settings(
        ["SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT"], **PRODUCTION, TRUST_X_FORWARDED_PROTO="true"
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True


def test_lists_are_comma_separated_and_trimmed():
    values = read_settings(
        ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"],
        **{**PRODUCTION, "ALLOWED_HOSTS": " a.example.com, b.example.com ,", "CSRF_TRUSTED_ORIGINS": ""},
    )
    assert values["ALLOWED_HOSTS"] == ["a.example.com", "b.example.com"]
    assert values["CSRF_TRUSTED_ORIGINS"] == []


def test_login_throttle_is_configurable():
    values = read_settings(
        ["LOGIN_THROTTLE_USER_ATTEMPTS", "LOGIN_THROTTLE_IP_ATTEMPTS", "LOGIN_THROTTLE_WINDOW_SECONDS"],
        DEBUG="true",
        LOGIN_THROTTLE_USER_ATTEMPTS="3",
        LOGIN_THROTTLE_IP_ATTEMPTS="50",
        LOGIN_THROTTLE_WINDOW_SECONDS="60",
    )
    assert values == {
        "LOGIN_THROTTLE_USER_ATTEMPTS": 3,
        "LOGIN_THROTTLE_IP_ATTEMPTS": 50,
        "LOGIN_THROTTLE_WINDOW_SECONDS": 60,
    }
