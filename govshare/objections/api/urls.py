"""Objections API routes, mounted at /api/v1/objections/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "objections-api"

router = DefaultRouter()
router.register("objections", views.ObjectionViewSet)

urlpatterns = router.urls
