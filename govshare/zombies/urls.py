from django.urls import path

from . import views

app_name = "zombies"
urlpatterns = [
    path("", views.FlagListView.as_view(), name="flag_list"),
    path("detect/", views.RunDetectionView.as_view(), name="run_detection"),
    path("flags/<int:pk>/", views.FlagDetailView.as_view(), name="flag_detail"),
    path("flags/<int:pk>/confirm/", views.FlagConfirmView.as_view(), name="flag_confirm"),
    path("flags/<int:pk>/dismiss/", views.FlagDismissView.as_view(), name="flag_dismiss"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/add/", views.PlanEditView.as_view(), name="plan_add"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/progress/", views.PlanProgressView.as_view(), name="plan_progress"),
    path("plans/<int:pk>/finish/", views.PlanFinishView.as_view(), name="plan_finish"),
    path("plans/<int:pk>/cancel/", views.PlanCancelView.as_view(), name="plan_cancel"),
    path("plans/<int:pk>/evidence/", views.PlanEvidenceView.as_view(), name="plan_evidence"),
    path("duplicates/", views.CandidateListView.as_view(), name="candidate_list"),
    path("duplicates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("duplicates/<int:pk>/accept/", views.CandidateAcceptView.as_view(), name="candidate_accept"),
    path("duplicates/<int:pk>/dismiss/", views.CandidateDismissView.as_view(), name="candidate_dismiss"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/add/", views.RuleEditView.as_view(), name="rule_add"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/<int:pk>/", views.DepartmentMapView.as_view(), name="department_map"),
]
