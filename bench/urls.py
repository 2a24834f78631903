"""The real URLs plus a minimal view: the ceiling the team week's throughput is compared with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def minimal_logged_in(request):
    # Context for the ceiling: what the session and user lookups alone cost every logged-in page.
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal, name="bench-minimal"),
    path("bench/minimal-logged-in", minimal_logged_in, name="bench-minimal-logged-in"),
    path("", include("reportsite.urls")),
]
