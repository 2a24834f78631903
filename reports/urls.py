from django.urls import path

from reports.views import kpis

urlpatterns = [
    path("kpis/", kpis.kpi_list, name="kpi-list"),
]
