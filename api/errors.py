"""Every refusal as JSON: one `detail` sentence, a `code`, and field errors under `errors` for a 400.

Apart from api/auth.py because DRF imports the authentication classes while rest_framework.views loads.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(error, context):
    """DRF's JSON answer, with one `detail` sentence on every refusal and field errors under `errors`."""
    if isinstance(error, Http404):
        error = exceptions.NotFound(str(error) if str(error) else _("Not found."))
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied(str(error) or None)
    response = drf_exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, exceptions.Throttled):
        response.data = {
            "detail": _("Too many requests with this token; try again in %(seconds)s seconds.")
            % {"seconds": error.wait and int(error.wait + 0.999) or 1},
            "code": "throttled",
        }
    elif isinstance(error, exceptions.ValidationError):
        response.data = {
            "detail": _("Nothing was written: correct the fields named in errors."),
            "code": "invalid",
            "errors": response.data,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response


def not_found(request, *args, **kwargs):
    """Any other URL under /api/: a JSON 404, not the site's HTML page."""
    return JsonResponse(
        {"detail": _("There is no API endpoint at this address; see /api/docs/."), "code": "not_found"},
        status=status.HTTP_404_NOT_FOUND,
    )
