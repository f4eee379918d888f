"""API root and status, mounted at /api/v1/."""

from django.urls import path

from . import views

app_name = "core-api"

urlpatterns = [
    path("", views.APIRootView.as_view(), name="root"),
    path("status/", views.StatusView.as_view(), name="status"),
]
