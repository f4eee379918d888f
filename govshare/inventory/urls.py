from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.SystemListView.as_view(), name="system_list"),
    path("add/", views.SystemEditView.as_view(), name="system_add"),
    path("import/", views.AuditImportView.as_view(), name="system_import"),
    path("import/<str:job>/report/", views.AuditImportReportView.as_view(), name="system_import_report"),
    path("export/", views.SystemExportView.as_view(), name="system_export"),
    path("template/", views.AuditTemplateView.as_view(), name="system_template"),
    path("usage/import/", views.UsageImportView.as_view(), name="usage_import"),
    path("usage/template/", views.UsageTemplateView.as_view(), name="usage_template"),
    path("<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("<int:pk>/edit/", views.SystemEditView.as_view(), name="system_edit"),
    path("<int:pk>/delete/", views.SystemDeleteView.as_view(), name="system_delete"),
]
