"""Users API routes, mounted at /api/v1/users/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "users-api"

router = DefaultRouter()
router.register("users", views.UserViewSet)
router.register("tokens", views.APITokenViewSet)

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
