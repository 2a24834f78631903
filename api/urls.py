"""The API under /api/v1/, its OpenAPI schema and docs, and the token page."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import pages
from api.errors import not_found
from api.views import reads, writes

router = SimpleRouter()
router.register("teams", reads.TeamViewSet, basename="team")
router.register("weeks", reads.WeekViewSet, basename="week")
router.register("kpis", reads.KPIViewSet, basename="kpi")
router.register("kpi-values", reads.KPIValueViewSet, basename="kpi-value")
router.register("objectives", reads.ObjectiveViewSet, basename="objective")
router.register("key-results", reads.KeyResultViewSet, basename="key-result")
router.register("key-result-updates", reads.KeyResultUpdateViewSet, basename="key-result-update")
router.register("incidents", writes.IncidentViewSet, basename="incident")

WEEK = "teams/<slug:team>/weeks/<week:week>/"

v1 = [
    path(WEEK, reads.TeamWeekView.as_view(), name="team-week"),
    path(f"{WEEK}kpi-values/", writes.KPIValuesView.as_view(), name="team-week-kpi-values"),
    path(f"{WEEK}kpi-values/<int:kpi>/", writes.KPIValueView.as_view(), name="team-week-kpi-value"),
    path(
        f"{WEEK}key-results/<int:key_result>/",
        writes.KeyResultUpdateView.as_view(),
        name="team-week-key-result",
    ),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include((v1, "api"), namespace="api")),
    # The schema answers tokens and sessions (401 without); the docs page is a page: login first.
    path("api/schema/", SpectacularJSONAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from its own URL: no inline script under the site's CSP.
    # Swagger UI's stylesheet draws its icons as data: images, the one thing this page adds to the policy.
    path(
        "api/docs/",
        login_required(
            csp_update({"img-src": ["data:"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
        ),
        name="api-docs",
    ),
    path("api/tokens/", pages.token_list, name="api-tokens"),
    path("api/tokens/<int:pk>/revoke/", pages.token_revoke, name="api-token-revoke"),
    # Anything else under /api/ answers in JSON too.
    re_path(r"^api/", not_found),
]
