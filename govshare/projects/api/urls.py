"""Project filing API routes, mounted at /api/v1/projects/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "projects-api"

router = DefaultRouter()
router.register("projects", views.ProjectViewSet)
router.register("reviewer-departments", views.ReviewerDepartmentViewSet)

urlpatterns = router.urls

