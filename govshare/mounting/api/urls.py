"""Mounting API routes, mounted at /api/v1/mounting/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "mounting-api"

router = DefaultRouter()
router.register("files", views.DataFileViewSet)
router.register("api-endpoints", views.ApiEndpointViewSet)
router.register("pull-sources", views.PullSourceViewSet)
router.register("timeliness", views.TimelinessViewSet, basename="timeliness")

urlpatterns = router.urls
