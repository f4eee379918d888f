"""Audit log API routes, mounted at /api/v1/audit/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "audit-api"

router = DefaultRouter()
router.register("entries", views.AuditEntryViewSet)

urlpatterns = [path("usage/", views.AuditUsageView.as_view(), name="usage"), *router.urls]
