"""Supervision pages, mounted at /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("plans/add/", views.PlanAddView.as_view(), name="plan_add"),
    path("plans/import/", views.PlanImportView.as_view(), name="plan_import"),
    path("plans/import/<str:job>/report/", views.PlanImportReportView.as_view(), name="plan_import_report"),
    path("plans/template/", views.PlanTemplateView.as_view(), name="plan_template"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan_delete"),
    path("plans/<int:plan_pk>/tasks/add/", views.TaskEditView.as_view(), name="task_add"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/status/", views.TaskStatusView.as_view(), name="task_status"),
    path("tasks/<int:pk>/report/", views.TaskReportView.as_view(), name="task_report"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("bulletin/download.<str:fmt>", views.BulletinDownloadView.as_view(), name="bulletin_download"),
    path("monthly/", views.MonthlyView.as_view(), name="monthly"),
]
