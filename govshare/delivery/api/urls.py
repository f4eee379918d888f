"""Data plane routes, mounted at /api/v1/exchange/ (docs/exchange.md, "The data plane API")."""

from django.urls import path

from . import views

app_name = "delivery-api"
urlpatterns = [
    path("token", views.token, name="token"),
    path("resources/<int:resource_id>/records", views.records, name="records"),
    path("resources/<int:resource_id>/lookup", views.lookup, name="lookup"),
    path("resources/<int:resource_id>/verify", views.verify, name="verify"),
    path("resources/<int:resource_id>/download", views.download, name="download"),
    path("resources/<int:resource_id>/changes", views.changes, name="changes"),
    path("resources/<int:resource_id>/files", views.file_list, name="files"),
    path("resources/<int:resource_id>/files/<int:file_id>", views.file_download, name="file"),
    path("resources/<int:resource_id>/proxy/", views.proxy, name="proxy_root"),
    path("resources/<int:resource_id>/proxy/<path:path>", views.proxy, name="proxy"),
]
