"""Calendar API routes, mounted at /api/v1/calendar/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "workdays-api"

router = DefaultRouter()
router.register("days", views.CalendarDayViewSet)
router.register("years", views.CalendarYearViewSet)

urlpatterns = [
    path("due/", views.DueDateView.as_view(), name="due"),
    *router.urls,
]
