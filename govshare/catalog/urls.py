from django.urls import path

from . import classification_views, views

app_name = "catalog"
urlpatterns = [
    path("", views.ResourceListView.as_view(), name="resource_list"),
    path("search/", views.ResourceSearchView.as_view(), name="resource_search"),
    path("add/", views.ResourceEditView.as_view(), name="resource_add"),
    path("offices/", views.OfficeOptionsView.as_view(), name="office_options"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("duties/", views.UpdateDutyListView.as_view(), name="duty_list"),
    path("duties/add/", views.UpdateDutyAddView.as_view(), name="duty_add"),
    path("duties/<int:pk>/complete/", views.UpdateDutyCompleteView.as_view(), name="duty_complete"),
    path("import/", views.ResourceImportView.as_view(), name="resource_import"),
    path("import/<str:job>/", views.ResourceImportStatusView.as_view(), name="resource_import_status"),
    path("import/<str:job>/report/", views.ImportReportView.as_view(), name="resource_import_report"),
    path("export/", views.ResourceExportView.as_view(), name="resource_export"),
    path("template/", views.ResourceTemplateView.as_view(), name="resource_template"),
    path("<int:pk>/", views.ResourceDetailView.as_view(), name="resource_detail"),
    path("<int:pk>/edit/", views.ResourceEditView.as_view(), name="resource_edit"),
    path("<int:pk>/submit/", views.ResourceSubmitView.as_view(), name="resource_submit"),
    path("<int:pk>/return/", views.ResourceReturnView.as_view(), name="resource_return"),
    path("<int:pk>/approve/", views.ResourceApproveView.as_view(), name="resource_approve"),
    path("<int:pk>/withdraw/", views.ResourceWithdrawView.as_view(), name="resource_withdraw"),
    path("<int:pk>/discard-change/", views.ResourceDiscardChangeView.as_view(), name="resource_discard_change"),
    path("classifications/", classification_views.ClassificationListView.as_view(), name="classification_list"),
    path("classifications/add/", classification_views.ClassificationAddView.as_view(), name="classification_add"),
    path(
        "classifications/<int:pk>/edit/", classification_views.ClassificationEditView.as_view(),
        name="classification_edit",
    ),
    path(
        "classifications/<int:pk>/delete/", classification_views.ClassificationDeleteView.as_view(),
        name="classification_delete",
    ),
]
