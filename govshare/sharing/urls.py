from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/add/", views.RequestAddView.as_view(), name="request_add"),
    path("subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/approve/", views.RequestApproveView.as_view(), name="request_approve"),
    path("requests/<int:pk>/refuse/", views.RequestRefuseView.as_view(), name="request_refuse"),
    path("requests/<int:pk>/negotiate/", views.RequestNegotiateView.as_view(), name="request_negotiate"),
    path("requests/<int:pk>/comment/", views.RequestCommentView.as_view(), name="request_comment"),
    path("requests/<int:pk>/escalate/", views.RequestEscalateView.as_view(), name="request_escalate"),
    path("requests/<int:pk>/decide/", views.RequestDecideView.as_view(), name="request_decide"),
    path("requests/<int:pk>/withdraw/", views.RequestWithdrawView.as_view(), name="request_withdraw"),
    path("requests/<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("grants/", views.GrantListView.as_view(), name="grant_list"),
    path("grants/<int:pk>/", views.GrantDetailView.as_view(), name="grant_detail"),
    path("grants/<int:pk>/edit/", views.GrantEditView.as_view(), name="grant_edit"),
    path("grants/<int:pk>/revoke/", views.GrantRevokeView.as_view(), name="grant_revoke"),
    path("systems/", views.SystemListView.as_view(), name="system_list"),
    path("systems/add/", views.SystemAddView.as_view(), name="system_add"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/reset-secret/", views.SystemStateView.as_view(operation="reset"), name="system_reset"),
    path("systems/<int:pk>/disable/", views.SystemStateView.as_view(operation="disable"), name="system_disable"),
    path("systems/<int:pk>/enable/", views.SystemStateView.as_view(operation="enable"), name="system_enable"),
]
