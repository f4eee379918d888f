"""Audit log API routes, mounted at /api/v1/audit/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "audit-api"

router = DefaultRouter()
router.register("entries", views.AuditEntryViewSet)

urlpatterns = router.urls
