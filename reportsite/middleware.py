"""Site-wide answers to what an outside scan probes: HTTP methods, browser features, caching.

Django's SecurityMiddleware sends HSTS, nosniff and the referrer policy, django-csp the
Content-Security-Policy; these cover the rest, once for every view, the admin's included.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import translation
from rest_framework.exceptions import MethodNotAllowed

# The app reads with GET (HEAD along with it) and writes with POST; nothing answers PUT, PATCH, DELETE,
# TRACE or OPTIONS, and a view that did (the admin's change form treats any non-POST as a GET) would
# only echo a form to a probe. Views narrow this further with require_safe (GET and HEAD) / require_POST.
ALLOWED_METHODS = ("GET", "HEAD", "POST")
# The JSON API's endpoints (Django REST framework) also take PUT, PATCH and DELETE where they serve them;
# each view names its methods and answers any other with a JSON 405 and its own Allow header. TRACE and
# OPTIONS serve nothing there either (no CORS preflight: the API is for servers and scripts).
API_PREFIXES = ("/api/v1/", "/api/schema/")
API_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class HttpMethodsMiddleware:
    """Refuse, with 405 and an Allow header, every method no view of the app serves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith(API_PREFIXES)
        allowed = API_METHODS if api else ALLOWED_METHODS
        if request.method not in allowed:
            if api:
                # In the API's own shape (api/errors.py), as its views refuse the methods they do not serve,
                # in the reader's language (LocaleMiddleware comes after this one).
                with translation.override(translation.get_language_from_request(request)):
                    detail = str(MethodNotAllowed(request.method).detail)
                response = JsonResponse({"detail": detail, "code": "method_not_allowed"}, status=405)
                response["Allow"] = ", ".join(allowed)
                return response
            return HttpResponseNotAllowed(allowed)
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Permissions-Policy on every response; `no-store, private` on everything a logged-in user gets.

    A logged-in page or export holds the department's figures: no shared proxy may keep it, and
    neither may the browser's disk cache after logout. The server-side page cache
    (ops/page_cache.py) is unaffected; it never relied on HTTP caching.

    Outermost, it also gives SecurityMiddleware's own headers to the answers that middleware never
    finished: a request it refuses itself (a Host not in ALLOWED_HOSTS, met by the HTTPS redirect) comes
    back as Django's 400 without passing its process_response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            response.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            policy = settings.SECURE_REFERRER_POLICY
            response.setdefault("Referrer-Policy", policy if isinstance(policy, str) else ",".join(policy))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            response.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
