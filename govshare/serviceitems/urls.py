from django.urls import path

from . import views

app_name = "serviceitems"
urlpatterns = [
    path("", views.ServiceItemListView.as_view(), name="item_list"),
    path("add/", views.ServiceItemEditView.as_view(), name="item_add"),
    path("departments/", views.DepartmentShareView.as_view(), name="department_shares"),
    path("import/", views.ServiceItemImportView.as_view(), name="item_import"),
    path("import/<str:job>/report/", views.ServiceItemImportReportView.as_view(), name="item_import_report"),
    path("export/", views.ServiceItemExportView.as_view(), name="item_export"),
    path("template/", views.ServiceItemTemplateView.as_view(), name="item_template"),
    path("<int:pk>/", views.ServiceItemDetailView.as_view(), name="item_detail"),
    path("<int:pk>/edit/", views.ServiceItemEditView.as_view(), name="item_edit"),
    path("<int:pk>/delete/", views.ServiceItemDeleteView.as_view(), name="item_delete"),
]
