"""Catalogue API routes, mounted at /api/v1/catalog/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "catalog-api"

router = DefaultRouter()
router.register("resources", views.ResourceViewSet)
router.register("review-queue", views.ReviewQueueViewSet, basename="review-queue")
router.register("classifications", views.ClassificationViewSet)
router.register("update-duties", views.UpdateDutyViewSet)

urlpatterns = router.urls
