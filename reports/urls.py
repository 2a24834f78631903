from django.urls import path

from reports.views import kpi_detail, kpis

urlpatterns = [
    path("kpis/", kpis.kpi_list, name="kpi-list"),
    path("kpis/<int:pk>/", kpi_detail.kpi_detail, name="kpi-detail"),
]
