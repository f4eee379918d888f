from django.urls import path

from . import views

app_name = "objections"
urlpatterns = [
    path("", views.ObjectionListView.as_view(), name="objection_list"),
    path("deadlines/", views.ObjectionDeadlineView.as_view(), name="objection_deadlines"),
    path("add/", views.ObjectionRaiseView.as_view(), name="objection_add"),
    path("fields/", views.FieldOptionsView.as_view(), name="field_options"),
    path("<int:pk>/", views.ObjectionDetailView.as_view(), name="objection_detail"),
    path("<int:pk>/start/", views.ObjectionStartView.as_view(), name="objection_start"),
    path("<int:pk>/correct/", views.ObjectionCorrectView.as_view(), name="objection_correct"),
    path("<int:pk>/reject/", views.ObjectionRejectView.as_view(), name="objection_reject"),
    path("<int:pk>/transfer/", views.ObjectionTransferView.as_view(), name="objection_transfer"),
    path("<int:pk>/rate/", views.ObjectionRateView.as_view(), name="objection_rate"),
    path("<int:pk>/attachments/", views.ObjectionAttachView.as_view(), name="objection_attach"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/", views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
