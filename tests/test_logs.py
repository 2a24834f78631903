"""The log: a request refused for the client's mistake is one line; a server error keeps its traceback."""

import io
import logging
import sys

import pytest

from reportsite.logs import ClientErrorsInOneLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the configured console handler writes (settings.LOGGING), captured."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_refused_hosts_and_bodies_log_one_line_each(client, console, settings):
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.post("/accounts/login/", {f"f{i}": "1" for i in range(10)}).status_code == 400
    assert client.post("/accounts/login/", "x", content_type="multipart/form-data").status_code == 400
    log = console.getvalue()
    assert "Invalid HTTP_HOST header: 'evil.example'" in log
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in log
    assert "Bad request (Unable to parse request body): /accounts/login/ (MultiPartParserError" in log
    assert "Traceback" not in log and 'File "' not in log
    assert len(log.strip().splitlines()) == 3, log


def _record(status):
    try:
        raise ValueError("the cause")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Failed: %s", ("/x",), exc_info)
    record.status_code = status
    return record


def test_a_server_error_keeps_its_traceback():
    record = _record(500)
    ClientErrorsInOneLine().filter(record)
    assert record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)


def test_a_client_error_keeps_the_exception_in_its_line():
    record = _record(400)
    ClientErrorsInOneLine().filter(record)
    assert record.exc_info is None
    assert logging.Formatter().format(record) == "Failed: /x (ValueError: the cause)"
