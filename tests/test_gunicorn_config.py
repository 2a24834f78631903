"""gunicorn.conf.py: the one server configuration, run by the Docker image and by the benchmark alike."""

import gc
import re
import runpy
from pathlib import Path

from bench import load
from reportsite.collector import YOUNG_THRESHOLD
from tests.settings_probe import PRODUCTION, run

ROOT = Path(__file__).resolve().parent.parent


def check_config(**env: str):
    command = ["-m", "gunicorn", "--check-config", "--config", "gunicorn.conf.py", "reportsite.wsgi"]
    return run(command, **PRODUCTION, **env)


def test_gunicorn_accepts_it_and_loads_the_app():
    result = check_config()
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_bad_worker_count_stops_gunicorn_at_start():
    result = check_config(WEB_CONCURRENCY="many")
    assert result.returncode != 0
    assert "invalid literal for int() with base 10: 'many'" in result.stderr


def test_threaded_workers_so_a_long_export_outlives_the_timeout(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "5")
    assert load.server_settings() == {"worker_class": "gthread", "workers": 3, "threads": 5}
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.delenv("GUNICORN_THREADS")
    assert load.server_settings()["threads"] == 2


def test_the_image_and_the_benchmark_run_the_same_file():
    cmd = re.search(r"^CMD (.+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1)
    assert '"--config", "gunicorn.conf.py"' in cmd
    assert load.CONFIG == ROOT / "gunicorn.conf.py"


def test_each_worker_freezes_what_start_up_loaded_and_collects_less_often(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *thresholds: calls.append(thresholds))
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](worker=None)
    assert calls == ["freeze", (YOUNG_THRESHOLD, *gc.get_threshold()[1:])]


def test_gunicorn_believes_no_client_about_proxy_headers():
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.forwarded_allow_ips == []
