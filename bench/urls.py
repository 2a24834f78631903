"""The real URLs plus a minimal view: the ceiling the team week's throughput is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal, name="bench-minimal"),
    path("", include("reportsite.urls")),
]
