"""Inventory API routes, mounted at /api/v1/inventory/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "inventory-api"

router = DefaultRouter()
router.register("systems", views.InformationSystemViewSet)

urlpatterns = router.urls
