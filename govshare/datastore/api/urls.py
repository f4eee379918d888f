"""Mounted tables API routes, mounted at /api/v1/data/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "datastore-api"

router = DefaultRouter()
router.register("tables", views.DataTableViewSet)
router.register("loads", views.TableLoadViewSet)

urlpatterns = router.urls
