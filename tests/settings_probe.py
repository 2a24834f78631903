"""Runs Django's settings or management commands in a fresh interpreter with a chosen environment.

Settings are read once per process at import time, so only a subprocess sees a different environment.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k3y-for-tests-only-" + "x9Qz" * 12,
    "ALLOWED_HOSTS": "reports.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://reports.example.com",
}

_PROBE = """
import json, django
from django.conf import settings
django.setup()
names = {names!r}
print("SETTINGS=" + json.dumps({{name: getattr(settings, name) for name in names}}, default=str))
"""


def clean_env(**env: str) -> dict[str, str]:
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "SYSTEMROOT") if key in os.environ}
    base["DJANGO_SETTINGS_MODULE"] = "reportsite.settings"
    base.update(env)
    return base


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(names: list[str], **env: str) -> dict:
    """The named settings as the app would see them, or raises AssertionError with the child's stderr."""
    result = run(["-c", _PROBE.format(names=names)], **env)
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS="))
    return json.loads(line.removeprefix("SETTINGS="))


def settings_error(**env: str) -> str:
    """The last line of stderr of a settings import that must fail."""
    result = run(["-c", "import django; django.setup()"], **env)
    assert result.returncode != 0, "settings loaded although they should have been refused"
    return result.stderr.strip().splitlines()[-1]
