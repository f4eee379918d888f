"""Organizations API routes, mounted at /api/v1/organizations/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "organizations-api"

router = DefaultRouter()
router.register("jurisdictions", views.JurisdictionViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("offices", views.OfficeViewSet)

urlpatterns = router.urls
