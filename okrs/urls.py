from django.urls import path

from okrs import views

urlpatterns = [
    path("okrs/", views.okr_list, name="okr-list"),
    path("okrs/quarters/<quarter:quarter>/", views.okr_quarter, name="okr-quarter"),
]
