from django.urls import path

from okrs import views

urlpatterns = [
    path("okrs/", views.okr_list, name="okr-list"),
]
