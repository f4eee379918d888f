"""Supervision API routes, mounted at /api/v1/supervision/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "supervision-api"

router = DefaultRouter()
router.register("plans", views.WorkPlanViewSet)
router.register("tasks", views.WorkTaskViewSet)
router.register("reports", views.ProgressReportViewSet)

urlpatterns = [
    path("bulletin/", views.BulletinAPIView.as_view(), name="bulletin"),
    *router.urls,
]
