"""Audit pages, mounted at /audit/."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("usage/", views.UsageView.as_view(), name="usage"),
    path("entries/", views.EntryListView.as_view(), name="entry_list"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("verify/", views.VerifyNowView.as_view(), name="verify"),
    path("subjects/", views.SubjectSearchView.as_view(), name="subject_search"),
]
