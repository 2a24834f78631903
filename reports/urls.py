from django.urls import path

from reports.views import kpi_aliases, kpis

urlpatterns = [
    path("kpis/", kpis.kpi_list, name="kpi-list"),
    path("kpis/<int:pk>/aliases/", kpi_aliases.kpi_aliases, name="kpi-aliases"),
]
