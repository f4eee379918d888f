from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("resources/<int:pk>/data/", views.ResourceDataView.as_view(), name="resource_data"),
]
