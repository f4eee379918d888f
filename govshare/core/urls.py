"""Project-wide pages: the home dashboard and the change log. No namespace: settings refer to "home"."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("changelog/", views.ChangeLogView.as_view(), name="changelog"),
    path("changelog/<int:pk>/", views.ChangeLogDetailView.as_view(), name="changelog_detail"),
]
