"""Project filing pages: the list (HTMX filters), the detail with its compliance checklist, review rounds and
timeline, the filing form, the workflow actions (submit, opinion, decision, acceptance), documents, and the reviewer
departments kept by platform admins.

Views stay thin: permissions come from `restrict()`, rules and transactions from `services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.core import views as core_views
from govshare.core.views import (
    BaseObjectView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    restrict,
    safe_return_url,
    user_has_role,
)
from govshare.users.choices import RoleChoices

from . import services
from .choices import (
    CheckResultChoices,
    FundingChannelChoices,
    ProjectStatusChoices,
    ReviewerKindChoices,
)
from .filtersets import COMPLIANT_CHOICES, ProjectFilterSet, ReviewerDepartmentFilterSet
from .forms import (
    AcceptanceRequestForm,
    AcceptanceReviewForm,
    AttachmentsForm,
    DecisionForm,
    OpinionForm,
    ProjectForm,
    ReviewerDepartmentForm,
    apply_service_errors,
)
from .models import FILING_ROLES, Project, ProjectAttachment, ReviewerDepartment
from .tables import ProjectTable, ReviewerDepartmentAdminTable, ReviewerDepartmentTable

__all__ = [
    "AttachmentDeleteView",
    "AttachmentDownloadView",
    "ProjectAcceptView",
    "ProjectActionView",
    "ProjectAttachView",
    "ProjectDecideView",
    "ProjectDeleteView",
    "ProjectDetailView",
    "ProjectEditView",
    "ProjectListView",
    "ProjectOpinionView",
    "ProjectRequestAcceptanceView",
    "ProjectSubmitView",
    "ReviewerDepartmentAddView",
    "ReviewerDepartmentDeleteView",
    "ReviewerDepartmentListView",
]

S = ProjectStatusChoices
ADD_ROLES = (*FILING_ROLES, RoleChoices.PLATFORM_ADMIN)
LIST_QUERYSET = Project.objects.select_related("construction_unit")


class ProjectListView(ObjectListView):
    """项目备案: the department's own filings, those of the authority's jurisdiction, those sent to a reviewer."""

    queryset = LIST_QUERYSET
    filterset = ProjectFilterSet
    table = ProjectTable
    template_name = "projects/project_list.html"
    title = gettext_lazy("项目备案")
    list_url_name = "projects:project_list"
    add_url_name = "projects:project_add"
    add_roles = ADD_ROLES

    def get_extra_context(self, request, instance=None):
        return {
            "status_choices": ProjectStatusChoices.choices,
            "funding_choices": FundingChannelChoices.choices,
            "compliant_choices": COMPLIANT_CHOICES,
            "selected": {name: request.GET.get(name, "") for name in ("status", "funding_channel", "compliant",
                                                                       "todo")},
            "show_reviewers_link": user_has_role(request.user, (RoleChoices.PLATFORM_ADMIN,)),
        }


class ProjectDetailView(BaseObjectView):
    """One filing: its content, the compliance checklist (live, and as stored at each submission), the review
    rounds with the opinions and decisions, the acceptance check, the timeline, the documents and the next forms."""

    queryset = LIST_QUERYSET.select_related("created_by", "construction_unit__jurisdiction")
    template_name = "projects/project_detail.html"
    list_url_name = "projects:project_list"

    def get(self, request, *args, **kwargs):
        project = self.get_object()
        user = request.user
        can_change = self.can("change", project)
        can_decide = self.can("decide", project)
        status = project.status
        opinion = services.open_opinion_for(project, user) if self.can("opine", project) else None
        checklist = services.compliance_checklist(project)
        actions = {
            "edit": can_change and status in S.EDITABLE,
            "delete": can_change and status == S.DRAFT and not project.round,
            "submit": can_change and status in S.EDITABLE,
            "opinion": opinion is not None,
            "decide": can_decide and status == S.REVIEWED,
            "request_acceptance": can_change and status in S.ACCEPTANCE_REQUESTABLE,
            "review_acceptance": can_decide and status == S.ACCEPTANCE_REQUESTED,
            "attach": can_change and status in S.EDITABLE,
        }
        show_acceptance = status in (S.APPROVED, S.ACCEPTANCE_REQUESTED, S.ACCEPTANCE_REFUSED, S.ACCEPTED)
        reviews = list(project.reviews.select_related("submitted_by", "decided_by").prefetch_related(
            "opinions__department", "opinions__given_by"
        ))
        context = {
            **self.base_context(project),
            "object": project,
            "project": project,
            "title": project.name,
            "checklist": checklist,
            "failing": services.failing_items(checklist),
            "reviews": reviews,
            "current_review": reviews[0] if reviews and reviews[0].round == project.round else None,
            "acceptance": services.acceptance_check(project) if show_acceptance else None,
            "resources": project.planned_resources.select_related("provider").order_by("name"),
            "systems": project.systems.select_related("owner").order_by("name"),
            "events": project.events.select_related("user", "department"),
            "attachments": project.attachments.all(),
            "reviewer_rows": self.reviewer_rows(project),
            "pending_opinion": opinion,
            "actions": actions,
            "result_choices": CheckResultChoices,
            "opinion_form": OpinionForm(),
            "decision_form": DecisionForm(),
            "acceptance_request_form": AcceptanceRequestForm(),
            "acceptance_review_form": AcceptanceReviewForm(),
            "attach_form": AttachmentsForm(),
        }
        return render(request, self.template_name, context)


    @staticmethod
    def reviewer_rows(project):
        """(kind label, department or None) for each kind: the reviewer departments of the project's jurisdiction."""
        found = services.reviewer_departments(project.construction_unit)
        return [(label, found.get(value)) for value, label, _colour in ReviewerKindChoices.CHOICES]


class ProjectEditView(BaseObjectView):
    """填报 / 修改项目备案: a new filing (no pk) or a draft or refused one (the services check the status)."""

    queryset = Project.objects.all()
    template_name = "projects/project_form.html"
    list_url_name = "projects:project_list"
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if "pk" not in kwargs and request.user.is_authenticated and not user_has_role(request.user, ADD_ROLES):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("只有部门管理员可以填报项目备案"))
        return super().dispatch(request, *args, **kwargs)

    def instance(self):
        return self.get_object() if "pk" in self.kwargs else None

    def render_form(self, form, project):
        context = {
            **self.base_context(project),
            "form": form,
            "object": project,
            "is_new": project is None,
            "title": _("填报项目备案") if project is None else _("修改：%(name)s") % {"name": project.name},
            "cancel_url": reverse("projects:project_detail", args=[project.pk]) if project
            else reverse("projects:project_list"),
            "catalog_add_url": reverse("catalog:resource_add"),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        project = self.instance()
        if project is not None and not project.is_editable:
            messages.error(request, _("“%(status)s”状态的项目不能修改") % {"status": project.get_status_display()})
            return redirect("projects:project_detail", project.pk)
        return self.render_form(ProjectForm(user=request.user, project=project), project)

    def post(self, request, *args, **kwargs):
        project = self.instance()
        form = ProjectForm(request.POST, request.FILES, user=request.user, project=project)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if project is None:
                    saved = services.create_project(
                        user=request.user, fields=form.service_fields(), planned_resources=data["planned_resources"],
                        systems=data["systems"], attachments=data["attachments"],
                    )
                else:
                    saved = services.update_project(
                        project, user=request.user, fields=form.service_fields(),
                        planned_resources=data["planned_resources"], systems=data["systems"],
                        attachments=data["attachments"],
                    )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("已保存项目备案 %(number)s") % {"number": saved.number})
                return redirect("projects:project_detail", saved.pk)
        return self.render_form(form, project)


class ProjectDeleteView(BaseObjectView):
    """Delete a draft that was never submitted."""

    queryset = Project.objects.all()
    template_name = "generic/object_delete.html"
    list_url_name = "projects:project_list"
    action = "change"

    def get(self, request, pk):
        project = self.get_object()
        return render(request, self.template_name, {
            **self.base_context(project), "object": project, "title": _("删除：%(name)s") % {"name": project.name},
            "cancel_url": reverse("projects:project_detail", args=[project.pk]),
        })

    def post(self, request, pk):
        project = self.get_object()
        try:
            services.delete_project(project, user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("projects:project_detail", project.pk)
        messages.success(request, _("已删除项目备案“%(name)s”") % {"name": project.name})
        return redirect("projects:project_list")


class ProjectActionView(BaseObjectView):
    """Base of the workflow buttons: find the project the user may see, call the service, report, go back."""

    queryset = Project.objects.all()
    http_method_names = ["post"]
    form_class = None

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES) if self.form_class else None

    def post(self, request, pk):
        project = self.get_object()
        form = self.get_form()
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back(project)
        try:
            message = self.perform(project, request.user, form.cleaned_data if form is not None else {})
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return self.back(project)

    def back(self, project):
        return redirect(safe_return_url(self.request, reverse("projects:project_detail", args=[project.pk])))

    def perform(self, project, user, data):
        raise NotImplementedError


class ProjectSubmitView(ProjectActionView):
    def perform(self, project, user, data):
        project = services.submit_project(project, user=user)
        if project.compliant:
            return _("已提交第 %(round)d 轮审查") % {"round": project.round}
        return _("已提交第 %(round)d 轮审查；合规检查有不符合项，主管部门将不予批准") % {"round": project.round}


class ProjectOpinionView(ProjectActionView):
    form_class = OpinionForm

    def perform(self, project, user, data):
        services.give_opinion(project, user=user, opinion=data["opinion"], text=data["text"])
        return _("已出具会审意见")


class ProjectDecideView(ProjectActionView):
    form_class = DecisionForm

    def perform(self, project, user, data):
        review = services.decide_project(project, user=user, decision=data["decision"], reason=data["reason"])
        return _("已批准") if review.decision == "approved" else _("已不予批准")


class ProjectRequestAcceptanceView(ProjectActionView):
    form_class = AcceptanceRequestForm

    def perform(self, project, user, data):
        services.request_acceptance(project, user=user, note=data["note"])
        return _("已申请验收")


class ProjectAcceptView(ProjectActionView):
    form_class = AcceptanceReviewForm

    def perform(self, project, user, data):
        project = services.review_acceptance(project, user=user, comment=data["comment"])
        if project.status == S.ACCEPTED:
            return _("验收通过")
        return _("验收未通过：%(missing)s") % {"missing": project.events.last().text}


class ProjectAttachView(ProjectActionView):
    form_class = AttachmentsForm

    def perform(self, project, user, data):
        added = services.add_attachments(project, user=user, files=data["attachments"])
        return _("已上传 %(n)d 个附件") % {"n": len(added)}


class AttachmentDownloadView(core_views.AttachmentDownloadView):
    """A project document, to whoever may see the project; always as a download (never rendered inline)."""

    queryset = ProjectAttachment.objects.all()
    parent_field = "project_id"


class AttachmentDeleteView(BaseObjectView):
    """Remove a document from a filing that can still be edited."""

    queryset = ProjectAttachment.objects.all()
    http_method_names = ["post"]

    def post(self, request, pk, attachment_id):
        attachment = get_object_or_404(
            restrict(ProjectAttachment.objects.all(), request.user, "view"), pk=attachment_id, project_id=pk
        )
        try:
            services.remove_attachment(attachment, user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("已删除附件“%(name)s”") % {"name": attachment.name})
        return redirect("projects:project_detail", pk)


# ---------------------------------------------------------------------------------------------------------------
# Reviewer departments (platform admins)

ADMIN_ROLES = (RoleChoices.PLATFORM_ADMIN,)


class ReviewerDepartmentListView(ObjectListView):
    """会审部门: the development-reform and finance departments of each jurisdiction."""

    queryset = ReviewerDepartment.objects.select_related("department__jurisdiction")
    filterset = ReviewerDepartmentFilterSet
    table = ReviewerDepartmentTable
    template_name = "projects/reviewer_list.html"
    title = gettext_lazy("会审部门")
    list_url_name = "projects:reviewer_list"
    add_url_name = "projects:reviewer_add"
    add_roles = ADMIN_ROLES

    def get(self, request, *args, **kwargs):
        # Platform admins get the table with a delete button on each row.
        if user_has_role(request.user, ADMIN_ROLES):
            self.table = ReviewerDepartmentAdminTable
        return super().get(request, *args, **kwargs)


class ReviewerDepartmentAddView(ObjectEditView):
    queryset = ReviewerDepartment.objects.all()
    form = ReviewerDepartmentForm
    required_roles = ADMIN_ROLES
    list_url_name = "projects:reviewer_list"
    title = gettext_lazy("指定会审部门")

    def get_return_url(self, instance=None):
        return reverse("projects:reviewer_list")


class ReviewerDepartmentDeleteView(ObjectDeleteView):
    queryset = ReviewerDepartment.objects.all()
    required_roles = ADMIN_ROLES
    list_url_name = "projects:reviewer_list"

    def get_return_url(self, instance=None):
        return reverse("projects:reviewer_list")
