from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.channel_list, name="notification-channels"),
    path("notifications/new/", views.channel_create, name="notification-channel-new"),
    path("notifications/<int:pk>/", views.channel_edit, name="notification-channel"),
    path("notifications/<int:pk>/delete/", views.channel_delete, name="notification-channel-delete"),
    path("notifications/<int:pk>/test/", views.channel_test, name="notification-channel-test"),
    path("notifications/<int:pk>/preview/", views.channel_preview, name="notification-channel-preview"),
    path(
        "notifications/<int:pk>/preview/<slug:event>/email/",
        views.channel_preview_email,
        name="notification-channel-preview-email",
    ),
]
