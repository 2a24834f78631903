"""Bodies sent with `Transfer-Encoding: chunked` are read, or refused with a reason; never dropped unread.

Django reads CONTENT_LENGTH bytes of a request and a chunked body has none: before reportsite.request_body
a chunked PATCH answered 200 having written nothing. The test client always sends a length, so these
tests call the WSGI application the server runs (reportsite.wsgi's wrapper around Django's handler) with
the input gunicorn hands over: already de-chunked, ending by itself, or raising on a malformed chunk.
tests/security/test_server_raw.py sends the same bodies to a real gunicorn.
"""

from __future__ import annotations

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from api.models import ApiToken
from incidents.models import Incident
from reportsite import request_body
from reportsite.request_body import ChunkedBodies
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


class GunicornInput:
    """wsgi.input as gunicorn gives a chunked body: the chunks' data, then b"" (or an IOError)."""

    def __init__(self, data: bytes, error: OSError | None = None):
        self.stream, self.error = io.BytesIO(data), error

    def read(self, size=-1):
        data = self.stream.read(size)
        if not data and self.error:
            raise self.error
        return data


@pytest.fixture
def app():
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield ChunkedBodies(WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(app, method, path, body, *, terminated=True, error=None, **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "HTTP_HOST": "localhost",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": GunicornInput(body, error),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    if "HTTP_CONTENT_TYPE" in environ:
        environ["CONTENT_TYPE"] = environ.pop("HTTP_CONTENT_TYPE")
    if terminated:
        environ["wsgi.input_terminated"] = True
    return answer_of(app, environ)


def answer_of(app, environ) -> dict:
    """The application's status, headers and body for this environ, closed as a server closes it."""
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    result = app(environ, start_response)
    try:
        answer["body"] = b"".join(result)
    finally:
        result.close()
    return answer


@pytest.fixture
def token(lead):
    return ApiToken.issue(lead, "test", scope=ApiToken.Scope.WRITE)[1]


def test_a_chunked_api_write_is_written(app, team, token):
    incident = make_incident(team, title="before")
    answer = call(
        app,
        "PATCH",
        f"/api/v1/incidents/{incident.pk}/",
        json.dumps({"title": "sent in chunks"}).encode(),
        content_type="application/json",
        authorization=f"Bearer {token}",
    )
    assert answer["status"] == 200, answer["body"]
    incident.refresh_from_db()
    assert incident.title == "sent in chunks"


def test_a_chunked_login_form_is_read(app, lead):
    secret = "a" * 32  # an unmasked CSRF secret is accepted as the form's token
    answer = call(
        app,
        "POST",
        "/accounts/login/",
        f"csrfmiddlewaretoken={secret}&username=lead&password=pw-lead".encode(),
        content_type="application/x-www-form-urlencoded",
        cookie=f"csrftoken={secret}",
    )
    assert answer["status"] == 302, answer["body"][:500]


def test_a_malformed_chunk_is_a_400_that_says_so_and_writes_nothing(app, team, token, settings):
    settings.DEBUG = False
    incident = make_incident(team, title="before")
    for path, kind in ((f"/api/v1/incidents/{incident.pk}/", "json"), ("/accounts/login/", "page")):
        answer = call(
            app,
            "PATCH" if kind == "json" else "POST",
            path,
            b'{"title": "half',
            error=OSError("Invalid chunk size"),
            content_type="application/json",
            authorization=f"Bearer {token}",
        )
        assert answer["status"] == 400
        assert "X-Frame-Options" in answer["headers"] and "Content-Security-Policy" in answer["headers"]
        if kind == "json":
            assert "malformed" in json.loads(answer["body"])["detail"]
        else:
            assert b"Bad request" in answer["body"]
    incident.refresh_from_db()
    assert incident.title == "before"


def test_a_chunked_body_past_the_limit_is_refused_unread(app, monkeypatch, team, token):
    monkeypatch.setattr(request_body, "MAX_BYTES", 1000)
    answer = call(
        app,
        "POST",
        "/api/v1/incidents/",
        b'{"title": "' + b"x" * 5000 + b'"}',
        content_type="application/json",
        authorization=f"Bearer {token}",
    )
    assert answer["status"] == 400
    assert "larger than 1000 bytes" in json.loads(answer["body"])["detail"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("language", "said"), [("en", "Content-Length"), ("zh-Hans", "分块")])
def test_a_server_that_cannot_end_the_input_answers_411_in_the_readers_language(app, token, language, said):
    answer = call(
        app,
        "POST",
        "/api/v1/incidents/",
        b"{}",
        terminated=False,
        content_type="application/json",
        authorization=f"Bearer {token}",
        accept_language=language,
    )
    assert answer["status"] == 411
    assert said in json.loads(answer["body"])["detail"]


# ---------------------------------------------------------------- a stated length past the limit


class UnreadInput:
    """wsgi.input of a body that must not be read: a request that reads it fails the test."""

    def read(self, *args):
        raise AssertionError("The body past the limit was read.")

    readline = read


def call_with_length(app, method, path, length, body=None, **headers):
    """A request as any client sends it, with its length; `body` None: a body nothing may read."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "HTTP_HOST": "localhost",
        "CONTENT_LENGTH": str(length),
        "CONTENT_TYPE": headers.pop("content_type"),
        "wsgi.input": UnreadInput() if body is None else io.BytesIO(body),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    return answer_of(app, environ)


def test_a_form_past_the_limit_is_refused_unread(app, monkeypatch, team, caplog):
    # An anonymous upload: the CSRF check would have read the form, and written its file to disk.
    monkeypatch.setattr(request_body, "MAX_BYTES", 1000)
    answer = call_with_length(
        app, "POST", f"/teams/{team.slug}/import/", 10**10, content_type="multipart/form-data; boundary=x"
    )
    # The site's 400 page, as for a chunked body past the limit; the reason goes to the security log.
    assert answer["status"] == 400
    assert "Nothing was saved." in answer["body"].decode()
    assert "The request body is larger than 1000 bytes." in caplog.text


def test_an_api_write_past_the_limit_is_refused_unread(app, monkeypatch, team, token):
    monkeypatch.setattr(request_body, "MAX_BYTES", 1000)
    answer = call_with_length(
        app,
        "POST",
        "/api/v1/incidents/",
        1001,
        content_type="application/json",
        authorization=f"Bearer {token}",
    )
    assert answer["status"] == 400
    assert "larger than 1000 bytes" in json.loads(answer["body"])["detail"]
    assert not Incident.objects.exists()


def test_a_body_at_the_limit_is_read(app, monkeypatch, team, token):
    incident = make_incident(team, title="before")
    body = json.dumps({"title": "at the limit"}).encode()
    monkeypatch.setattr(request_body, "MAX_BYTES", len(body))
    answer = call_with_length(
        app,
        "PATCH",
        f"/api/v1/incidents/{incident.pk}/",
        len(body),
        body,
        content_type="application/json",
        authorization=f"Bearer {token}",
    )
    assert answer["status"] == 200, answer["body"]
    incident.refresh_from_db()
    assert incident.title == "at the limit"
