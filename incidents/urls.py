from django.urls import path

from incidents import views

urlpatterns = [
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path(
        "teams/<slug:team>/weeks/<week:week>/incidents/new/",
        views.incident_create,
        name="incident-create",
    ),
]
