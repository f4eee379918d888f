from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("reviewers/", views.ReviewerDepartmentListView.as_view(), name="reviewer_list"),
    path("reviewers/add/", views.ReviewerDepartmentAddView.as_view(), name="reviewer_add"),
    path("reviewers/<int:pk>/delete/", views.ReviewerDepartmentDeleteView.as_view(), name="reviewer_delete"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project_delete"),
    path("<int:pk>/submit/", views.ProjectSubmitView.as_view(), name="project_submit"),
    path("<int:pk>/opinion/", views.ProjectOpinionView.as_view(), name="project_opinion"),
    path("<int:pk>/decide/", views.ProjectDecideView.as_view(), name="project_decide"),
    path("<int:pk>/request-acceptance/", views.ProjectRequestAcceptanceView.as_view(),
         name="project_request_acceptance"),
    path("<int:pk>/accept/", views.ProjectAcceptView.as_view(), name="project_accept"),
    path("<int:pk>/attachments/", views.ProjectAttachView.as_view(), name="project_attach"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.AttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("<int:pk>/attachments/<int:attachment_id>/delete/", views.AttachmentDeleteView.as_view(),
         name="attachment_delete"),
]
