from django.urls import path

from incidents.views import editing, lists

urlpatterns = [
    path("incidents/", lists.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", lists.incident_detail, name="incident-detail"),
    path(
        "teams/<slug:team>/weeks/<week:week>/incidents/new/", editing.incident_create, name="incident-create"
    ),
]
