"""Request bodies sent in chunks (`Transfer-Encoding: chunked`), which Django on its own reads as empty.

Django reads exactly CONTENT_LENGTH bytes of a request, and a chunked body has no length: it read none
of it. A chunked PATCH to the API answered 200 having written nothing, and a chunked form was refused
for a missing CSRF token. gunicorn has already undone the chunking and says the input ends by itself
(`wsgi.input_terminated`); `ChunkedBodies` reads the body there, before Django, and hands it on with its
length, so every limit Django applies to a body with a length (DATA_UPLOAD_MAX_MEMORY_SIZE, the number
of fields and files) applies to it too. What cannot be read this way is refused by
`RefusedBodyMiddleware`, inside Django, so the answer is the site's own 400 page with its headers.

A body that states a length past MAX_BYTES is refused the same way, unread. Django keeps no limit on
the files of a form: a multipart body of any size was written to a temporary file before any view
ran (the CSRF check reads the form, for an anonymous request too), and only then did the import's
form refuse a file over its 5 MB. No proxy stands in front of gunicorn in docker-compose.yml.
"""

from __future__ import annotations

import contextlib
import io
import tempfile

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from reportsite.middleware import API_PREFIXES

ERROR_KEY = "reportsite.chunked_body"
# A body past this is not read, chunked or of a stated length; the import's largest upload, a .zip, is
# 5 MB, and the API's largest write a few hundred KB.
MAX_BYTES = 64 * 1024 * 1024
_READ = 64 * 1024

LENGTH_REQUIRED = "length-required"
TOO_LARGE = "too-large"
MALFORMED = "malformed"


def _stated_length(environ) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        # Django reads a length it cannot parse as none.
        return 0


def _is_chunked(environ) -> bool:
    coding = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in coding and not environ.get("CONTENT_LENGTH")


class ChunkedBodies:
    """WSGI: read a chunked request body the server has de-chunked and give it to Django with its length;
    refuse any body past MAX_BYTES, unread."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if _stated_length(environ) > MAX_BYTES:
            _refuse(environ, TOO_LARGE)
            return self.application(environ, start_response)
        if not _is_chunked(environ):
            return self.application(environ, start_response)
        body = _read_chunked(environ)
        if body is None:
            return self.application(environ, start_response)
        with _closed_on_error(body):
            return _ClosingBody(self.application(environ, start_response), body)


class _ClosingBody:
    """The answer's iterable, closing the request body's temporary file when the server closes it."""

    def __init__(self, iterable, body):
        self.iterable, self.body = iterable, body

    def __iter__(self):
        return iter(self.iterable)

    def close(self):
        try:
            if hasattr(self.iterable, "close"):
                self.iterable.close()
        finally:
            self.body.close()


@contextlib.contextmanager
def _closed_on_error(body):
    try:
        yield
    except BaseException:
        body.close()
        raise


def _refuse(environ, reason: str) -> None:
    environ[ERROR_KEY] = reason
    environ["CONTENT_LENGTH"] = "0"
    environ["wsgi.input"] = io.BytesIO()


def _read_chunked(environ):
    """The body, in a temporary file that is now the request's input; None when refused."""
    # Without wsgi.input_terminated (Django's runserver), reading to the end would wait for a close
    # that a keep-alive client never sends.
    if not environ.get("wsgi.input_terminated"):
        _refuse(environ, LENGTH_REQUIRED)
        return None
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    size = 0
    try:
        while chunk := environ["wsgi.input"].read(_READ):
            size += len(chunk)
            if size > MAX_BYTES:
                body.close()
                _refuse(environ, TOO_LARGE)
                return None
            body.write(chunk)
    except (OSError, ValueError):
        # gunicorn raises IOErrors for a chunk size that is not hex, a missing CRLF, a body cut short.
        body.close()
        _refuse(environ, MALFORMED)
        return None
    body.seek(0)
    environ["wsgi.input"] = body
    environ["CONTENT_LENGTH"] = str(size)
    return body


class RefusedBodyMiddleware:
    """Answer a body ChunkedBodies did not read: 411 for a chunked one without a way to read it, else 400.

    The API answers in its JSON shape; pages raise, for the site's 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = request.META.get(ERROR_KEY)
        if reason is None:
            return self.get_response(request)
        # Before LocaleMiddleware: the reader's language is chosen here for this one message.
        with translation.override(translation.get_language_from_request(request)):
            if reason == LENGTH_REQUIRED:
                status, message = (
                    411,
                    _("This server cannot read a body sent in chunks: send a Content-Length."),
                )
            elif reason == TOO_LARGE:
                status = 400
                message = _("The request body is larger than %(limit)d bytes.") % {"limit": MAX_BYTES}
            else:
                status = 400
                message = _("The chunked request body is malformed: a chunk's size or end is wrong.")
        if request.path_info.startswith(API_PREFIXES):
            return JsonResponse({"detail": message, "code": "parse_error"}, status=status)
        if status == 411:
            return HttpResponse(message + "\n", status=411, content_type="text/plain; charset=utf-8")
        raise (RequestDataTooBig if reason == TOO_LARGE else BadRequest)(message)
