from django.urls import path

from . import views

app_name = "mounting"
urlpatterns = [
    path("", views.MountOverviewView.as_view(), name="overview"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("resources/<int:pk>/", views.ResourceMountView.as_view(), name="resource"),
    path("resources/<int:pk>/table/", views.TableUploadView.as_view(), name="table_upload"),
    path("resources/<int:pk>/files/", views.DataFileUploadView.as_view(), name="file_upload"),
    path("resources/<int:pk>/api/", views.ApiEndpointSaveView.as_view(), name="api_save"),
    path("resources/<int:pk>/api/delete/", views.ApiEndpointDeleteView.as_view(), name="api_delete"),
    path("resources/<int:pk>/pull/", views.PullSourceSaveView.as_view(), name="pull_save"),
    path("resources/<int:pk>/pull/run/", views.PullSourceRunView.as_view(), name="pull_run"),
    path("resources/<int:pk>/pull/delete/", views.PullSourceDeleteView.as_view(), name="pull_delete"),
    path("loads/<int:pk>/progress/", views.LoadProgressView.as_view(), name="load_progress"),
    path("loads/<int:pk>/report/", views.LoadReportView.as_view(), name="load_report"),
    path("files/<int:pk>/download/", views.DataFileDownloadView.as_view(), name="file_download"),
    path("files/<int:pk>/delete/", views.DataFileDeleteView.as_view(), name="file_delete"),
]
