"""Zombie cleanup API routes, mounted at /api/v1/zombies/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "zombies-api"

router = DefaultRouter()
router.register("rules", views.ZombieRuleViewSet)
router.register("flags", views.ZombieFlagViewSet)
router.register("duplicates", views.DuplicateCandidateViewSet)
router.register("plans", views.CleanupPlanViewSet)

urlpatterns = [
    path("departments/<int:pk>/systems/", views.DepartmentSystemTreeView.as_view(), name="department-systems"),
    *router.urls,
]
