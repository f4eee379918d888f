from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction_list"),
    path("jurisdictions/add/", views.JurisdictionEditView.as_view(), name="jurisdiction_add"),
    path("jurisdictions/<int:pk>/", views.JurisdictionDetailView.as_view(), name="jurisdiction_detail"),
    path("jurisdictions/<int:pk>/edit/", views.JurisdictionEditView.as_view(), name="jurisdiction_edit"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/add/", views.DepartmentEditView.as_view(), name="department_add"),
    path("departments/mine/", views.MyDepartmentView.as_view(), name="my_department"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", views.DepartmentEditView.as_view(), name="department_edit"),
    path("departments/<int:pk>/delete/", views.DepartmentDeleteView.as_view(), name="department_delete"),
    path("offices/add/", views.OfficeEditView.as_view(), name="office_add"),
    path("offices/<int:pk>/edit/", views.OfficeEditView.as_view(), name="office_edit"),
    path("offices/<int:pk>/delete/", views.OfficeDeleteView.as_view(), name="office_delete"),
]
