"""`manage.py check --deploy` with a production environment reports nothing; weakened setups are caught."""

import pytest

from tests.settings_probe import PRODUCTION, run

CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def test_production_environment_passes_the_deploy_check_with_no_issues():
    result = run(CHECK, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""


def test_tls_terminating_proxy_setup_passes_too():
    result = run(CHECK, **PRODUCTION, TRUST_X_FORWARDED_PROTO="true", TRUST_X_FORWARDED_FOR="true")
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "check_id"),
    [
        ({"SECRET_KEY": "short"}, "security.W009"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": "false"}, "security.W012"),
        ({"CSRF_COOKIE_SECURE": "false"}, "security.W016"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"CSRF_TRUSTED_ORIGINS": "reports.example.com"}, "4_0.E001"),
    ],
    ids=["weak-key", "no-ssl-redirect", "insecure-session", "insecure-csrf", "no-hsts", "origin-no-scheme"],
)
def test_weakened_settings_fail_the_deploy_check(env, check_id):
    result = run(CHECK, **{**PRODUCTION, **env})
    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout
