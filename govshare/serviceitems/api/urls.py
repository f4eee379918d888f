"""Service item API routes, mounted at /api/v1/service-items/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "serviceitems-api"

router = DefaultRouter()
router.register("items", views.ServiceItemViewSet)

urlpatterns = router.urls
