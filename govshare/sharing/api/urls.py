"""Sharing API routes, mounted at /api/v1/sharing/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "sharing-api"

router = DefaultRouter()
router.register("requests", views.ShareRequestViewSet)
router.register("grants", views.GrantViewSet)
router.register("systems", views.ConsumerSystemViewSet)

urlpatterns = router.urls
