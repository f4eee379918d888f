"""Pages of zombie cleanup: the flag list (HTMX filters, the authority's "run detection" button) and a flag's page
with its decision forms; cleanup plans (list, set/change, page with progress, evidence and finish); duplicate pairs;
the thresholds; and the "one big system" map of each department.

Views stay thin: permissions come from `restrict()`, rules and transactions from `services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.core.attachments import download_response
from govshare.core.views import BaseObjectView, ObjectListView, safe_return_url, user_has_role
from govshare.inventory.models import InformationSystem
from govshare.users.choices import RoleChoices

from . import services
from .choices import CandidateStatusChoices, FlagStatusChoices, PlanStatusChoices
from .filtersets import (
    CleanupPlanFilterSet,
    DuplicateCandidateFilterSet,
    ZombieFlagFilterSet,
    ZombieRuleFilterSet,
)
from .forms import (
    AcceptCandidateForm,
    CancelPlanForm,
    DecisionForm,
    FinishPlanForm,
    PlanForm,
    ProgressForm,
    RuleForm,
    apply_service_errors,
)
from .models import CleanupPlan, DuplicateCandidate, ZombieFlag, ZombieRule, authority_jurisdiction_ids
from .tables import CleanupPlanTable, DuplicateCandidateTable, ZombieFlagTable, ZombieRuleTable

__all__ = [
    "CandidateAcceptView",
    "CandidateDetailView",
    "CandidateDismissView",
    "CandidateListView",
    "DepartmentListView",
    "DepartmentMapView",
    "FlagConfirmView",
    "FlagDetailView",
    "FlagDismissView",
    "FlagListView",
    "PlanCancelView",
    "PlanDetailView",
    "PlanEditView",
    "PlanEvidenceView",
    "PlanFinishView",
    "PlanListView",
    "PlanProgressView",
    "RuleEditView",
    "RuleListView",
    "RunDetectionView",
]

R = RoleChoices
DECIDER_ROLES = (R.AUTHORITY_OFFICER, R.PLATFORM_ADMIN)
MAP_ROLES = (R.DEPARTMENT_ADMIN, R.AUTHORITY_OFFICER, R.PLATFORM_ADMIN, R.AUDIT_ADMIN)


def _may_decide(user) -> bool:
    return user.is_superuser or user.has_role(R.PLATFORM_ADMIN) or bool(authority_jurisdiction_ids(user))


def _nav_links(request):
    return {
        "may_decide": _may_decide(request.user),
        "may_map": user_has_role(request.user, MAP_ROLES),
    }


# ---------------------------------------------------------------------------------------------------------------
# Flags


class FlagListView(ObjectListView):
    """疑似僵尸系统: the flags of the systems the user may see; the authority runs detection from here."""

    queryset = ZombieFlag.objects.select_related("system__owner")
    filterset = ZombieFlagFilterSet
    table = ZombieFlagTable
    template_name = "zombies/flag_list.html"
    list_url_name = "zombies:flag_list"
    title = gettext_lazy("僵尸系统")
    search_placeholder = gettext_lazy("系统名称、清单编号或部门")

    def get_extra_context(self, request, instance=None):
        counts = dict(
            self.get_queryset().order_by().values_list("status").annotate(n=Count("pk"))
        )
        return {
            **_nav_links(request),
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in FlagStatusChoices.choices],
        }


class RunDetectionView(BaseObjectView):
    """运行检测 (POST): the rules applied now to the systems the authority decides on; owners of new flags are told."""

    queryset = ZombieFlag.objects.all()
    required_roles = DECIDER_ROLES
    http_method_names = ["post"]

    def post(self, request):
        try:
            flags = services.run_detection(user=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            new = sum(1 for flag in flags if getattr(flag, "opened_now", False))
            messages.success(request, _("检测完成：%(total)d 个系统有认定理由，其中新标记 %(new)d 个") % {
                "total": len(flags), "new": new})
        return redirect("zombies:flag_list")


class FlagDetailView(BaseObjectView):
    """One flag: the system, the reasons (rule, figure, threshold), the decision, the earlier flags and plans."""

    queryset = ZombieFlag.objects.select_related("system__owner", "decided_by")
    template_name = "zombies/flag_detail.html"
    list_url_name = "zombies:flag_list"

    def get(self, request, pk):
        flag = self.get_object()
        can_decide = self.can("decide", flag)
        system = flag.system
        active_plan = CleanupPlan.objects.filter(system=system, status__in=PlanStatusChoices.ACTIVE).first()
        context = {
            **self.base_context(flag),
            "title": system.name,
            "flag": flag,
            "system": system,
            "can_confirm": can_decide and flag.status == FlagStatusChoices.OPEN,
            "can_dismiss": can_decide and flag.is_active and active_plan is None,
            "can_plan": can_decide and flag.is_active and active_plan is None and system.status in
            services.RUNNING,
            "active_plan": active_plan,
            "confirm_form": DecisionForm(auto_id="confirm_%s"),
            "dismiss_form": DecisionForm(auto_id="dismiss_%s"),
            "other_flags": ZombieFlag.objects.filter(system=system).exclude(pk=flag.pk).order_by("-opened_at"),
            "plans": CleanupPlan.objects.filter(system=system).select_related("target").order_by("-created"),
        }
        return render(request, self.template_name, context)


class _ActionView(BaseObjectView):
    """Base of the workflow buttons: find the object the user may see, call the service, report, go back."""

    http_method_names = ["post"]
    form_class = DecisionForm
    detail_url_name = None

    def get_form(self, instance):
        return self.form_class(self.request.POST, self.request.FILES)

    def post(self, request, pk):
        instance = self.get_object()
        form = self.get_form(instance)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back(instance)
        try:
            message = self.perform(instance, request.user, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for text in getattr(error, "messages", [str(error)]):
                messages.error(request, text)
        else:
            messages.success(request, message)
        return self.back(instance)

    def back(self, instance):
        return redirect(safe_return_url(self.request, reverse(self.detail_url_name, args=[instance.pk])))

    def perform(self, instance, user, data):
        raise NotImplementedError


class FlagConfirmView(_ActionView):
    queryset = ZombieFlag.objects.all()
    detail_url_name = "zombies:flag_detail"

    def perform(self, flag, user, data):
        services.confirm_flag(flag, user=user, note=data["note"])
        return _("已确认为僵尸系统")


class FlagDismissView(_ActionView):
    queryset = ZombieFlag.objects.all()
    detail_url_name = "zombies:flag_detail"

    def perform(self, flag, user, data):
        services.dismiss_flag(flag, user=user, note=data["note"])
        return _("已排除该标记")


# ---------------------------------------------------------------------------------------------------------------
# Cleanup plans


class PlanListView(ObjectListView):
    """整合清理: the cleanup plans, the nearest deadline first."""

    queryset = CleanupPlan.objects.select_related("system__owner", "target")
    filterset = CleanupPlanFilterSet
    table = CleanupPlanTable
    template_name = "zombies/plan_list.html"
    list_url_name = "zombies:plan_list"
    title = gettext_lazy("整合清理")
    search_placeholder = gettext_lazy("系统名称、清单编号或部门")
    add_url_name = "zombies:plan_add"
    add_roles = DECIDER_ROLES

    def get_extra_context(self, request, instance=None):
        return _nav_links(request)


class PlanEditView(BaseObjectView):
    """Set a plan (?system=<id>, from a flag) or change an unfinished one: the competent authority only."""

    queryset = CleanupPlan.objects.select_related("system__owner", "target")
    template_name = "generic/object_edit.html"
    list_url_name = "zombies:plan_list"
    required_roles = DECIDER_ROLES

    def plan(self):
        if "pk" not in self.kwargs:
            return None
        plan = get_object_or_404(self.restrict(self.queryset.all(), "decide"), pk=self.kwargs["pk"])
        if not plan.is_active:
            raise PermissionDenied(_("“%(status)s”的计划不能再调整") % {"status": plan.get_status_display()})
        return plan

    def preset_system(self):
        value = self.request.GET.get("system", "")
        if not value.isdigit():
            return None
        return get_object_or_404(InformationSystem.objects.restrict(self.request.user, "view"), pk=value)

    def render_form(self, form, plan):
        context = {
            **self.base_context(plan),
            "form": form,
            "is_new": plan is None,
            "object": plan,
            "title": _("制定清理计划") if plan is None else _("调整清理计划：%(system)s") % {"system": plan.system},
            "cancel_url": safe_return_url(
                self.request, reverse("zombies:plan_detail", args=[plan.pk]) if plan else reverse("zombies:plan_list")
            ),
            "return_url": self.request.GET.get("return_url", ""),
        }
        return render(self.request, self.template_name, context)

    def form(self, plan, data=None):
        system = plan.system if plan else self.preset_system()
        initial = {}
        if plan is not None:
            initial = {"action": plan.action, "target": plan.target_id, "deadline": plan.deadline,
                       "instructions": plan.instructions}
        return PlanForm(data, user=self.request.user, system=system, initial=initial)

    def get(self, request, pk=None):
        plan = self.plan()
        return self.render_form(self.form(plan), plan)

    def post(self, request, pk=None):
        plan = self.plan()
        form = self.form(plan, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            values = {"action": data["action"], "target": data["target"], "deadline": data["deadline"],
                      "instructions": data["instructions"]}
            try:
                if plan is None:
                    plan = services.create_plan(data["system"], user=request.user, **values)
                else:
                    plan = services.update_plan(plan, user=request.user, **values)
            except ValidationError as error:
                apply_service_errors(error, form)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已保存清理计划：%(system)s %(action)s") % {
                    "system": plan.system.name, "action": plan.action_text})
                return redirect("zombies:plan_detail", plan.pk)
        return self.render_form(form, plan)


class PlanDetailView(BaseObjectView):
    """One plan: what, by when, the timeline of progress, the evidence, and the forms of whoever acts next."""

    queryset = CleanupPlan.objects.select_related("system__owner", "target__owner", "created_by", "completed_by",
                                                  "flag")
    template_name = "zombies/plan_detail.html"
    list_url_name = "zombies:plan_list"

    def get(self, request, pk):
        plan = self.get_object()
        can_decide = self.can("decide", plan) and plan.is_active
        can_report = self.can("report", plan) and plan.is_active
        context = {
            **self.base_context(plan),
            "title": plan.system.name,
            "plan": plan,
            "overdue": plan.is_overdue(timezone.localdate()),
            "events": plan.events.select_related("user", "department"),
            "can_decide": can_decide,
            "can_report": can_report,
            "progress_form": ProgressForm(),
            "finish_form": FinishPlanForm(),
            "cancel_form": CancelPlanForm(),
        }
        return render(request, self.template_name, context)


class PlanProgressView(_ActionView):
    queryset = CleanupPlan.objects.all()
    form_class = ProgressForm
    detail_url_name = "zombies:plan_detail"

    def perform(self, plan, user, data):
        services.report_progress(plan, user=user, text=data["text"], evidence_file=data["evidence_file"])
        return _("已报告进展")


class PlanFinishView(_ActionView):
    queryset = CleanupPlan.objects.all()
    form_class = FinishPlanForm
    detail_url_name = "zombies:plan_detail"

    def perform(self, plan, user, data):
        plan = services.finish_plan(plan, user=user, evidence_text=data["evidence_text"],
                                    evidence_file=data["evidence_file"])
        return _("清理已完成：%(system)s %(status)s") % {
            "system": plan.system.name, "status": plan.system.get_status_display()}


class PlanCancelView(_ActionView):
    queryset = CleanupPlan.objects.all()
    form_class = CancelPlanForm
    detail_url_name = "zombies:plan_detail"

    def perform(self, plan, user, data):
        services.cancel_plan(plan, user=user, reason=data["reason"])
        return _("已撤销清理计划")


class PlanEvidenceView(BaseObjectView):
    """The evidence file, to whoever may see the plan; always as a download."""

    queryset = CleanupPlan.objects.all()

    def get(self, request, pk):
        plan = self.get_object()
        if not plan.evidence_file:
            raise Http404
        return download_response(plan.evidence_file, plan.evidence_name or "evidence")


# ---------------------------------------------------------------------------------------------------------------
# Duplicate pairs


class CandidateListView(ObjectListView):
    """重复建设候选: pairs of running systems whose functions overlap, with both function texts and the score."""

    queryset = DuplicateCandidate.objects.select_related("system_a__owner", "system_b__owner")
    filterset = DuplicateCandidateFilterSet
    table = DuplicateCandidateTable
    template_name = "zombies/candidate_list.html"
    list_url_name = "zombies:candidate_list"
    title = gettext_lazy("重复建设候选")
    search_placeholder = gettext_lazy("系统名称或部门")

    def get_extra_context(self, request, instance=None):
        return _nav_links(request)


class CandidateDetailView(BaseObjectView):
    queryset = DuplicateCandidate.objects.select_related("system_a__owner", "system_b__owner", "decided_by",
                                                         "plan")
    template_name = "zombies/candidate_detail.html"
    list_url_name = "zombies:candidate_list"

    def get(self, request, pk):
        candidate = self.get_object()
        can_decide = self.can("decide", candidate) and candidate.status == CandidateStatusChoices.PROPOSED
        context = {
            **self.base_context(candidate),
            "title": str(candidate),
            "candidate": candidate,
            "can_decide": can_decide,
            "accept_form": AcceptCandidateForm(candidate=candidate) if can_decide else None,
            "dismiss_form": DecisionForm(auto_id="dismiss_%s"),
        }
        return render(request, self.template_name, context)


class CandidateAcceptView(_ActionView):
    queryset = DuplicateCandidate.objects.select_related("system_a", "system_b")
    form_class = AcceptCandidateForm
    detail_url_name = "zombies:candidate_detail"

    def get_form(self, candidate):
        return AcceptCandidateForm(self.request.POST, candidate=candidate)

    def perform(self, candidate, user, data):
        plan = services.accept_candidate(candidate, user=user, keep=data["keep"], deadline=data["deadline"],
                                         note=data["note"])
        return _("已采纳：%(action)s") % {"action": f"{plan.system.name} {plan.action_text}"}


class CandidateDismissView(_ActionView):
    queryset = DuplicateCandidate.objects.all()
    detail_url_name = "zombies:candidate_detail"

    def perform(self, candidate, user, data):
        services.dismiss_candidate(candidate, user=user, note=data["note"])
        return _("已排除该候选")


# ---------------------------------------------------------------------------------------------------------------
# Thresholds


class RuleListView(ObjectListView):
    """认定规则: the platform default and the rows of jurisdictions."""

    queryset = ZombieRule.objects.select_related("jurisdiction")
    filterset = ZombieRuleFilterSet
    table = ZombieRuleTable
    template_name = "zombies/rule_list.html"
    list_url_name = "zombies:rule_list"
    title = gettext_lazy("僵尸系统认定规则")
    add_url_name = "zombies:rule_add"
    add_roles = DECIDER_ROLES

    def get_extra_context(self, request, instance=None):
        return {**_nav_links(request), "builtin": ZombieRule()}


class RuleEditView(BaseObjectView):
    """Add a rule row (platform default or a jurisdiction) or change one."""

    queryset = ZombieRule.objects.select_related("jurisdiction")
    template_name = "generic/object_edit.html"
    list_url_name = "zombies:rule_list"
    required_roles = DECIDER_ROLES

    def rule(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.restrict(self.queryset.all(), "change"), pk=self.kwargs["pk"])

    def render_form(self, form, rule):
        context = {
            **self.base_context(rule),
            "form": form,
            "is_new": rule is None,
            "object": rule,
            "title": _("新建认定规则") if rule is None else _("认定规则：%(scope)s") % {"scope": rule},
            "cancel_url": reverse("zombies:rule_list"),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk=None):
        rule = self.rule()
        return self.render_form(RuleForm(user=request.user, rule=rule or ZombieRule()), rule)

    def post(self, request, pk=None):
        rule = self.rule()
        form = RuleForm(request.POST, user=request.user, rule=rule)
        if form.is_valid():
            try:
                if rule is None:
                    saved = services.save_rule(user=request.user, jurisdiction=form.cleaned_data["jurisdiction"],
                                               **form.rule_values())
                else:
                    saved = services.save_rule(rule, user=request.user, **form.rule_values())
            except ValidationError as error:
                apply_service_errors(error, form)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已保存认定规则：%(scope)s") % {"scope": saved})
                return redirect("zombies:rule_list")
        return self.render_form(form, rule)


# ---------------------------------------------------------------------------------------------------------------
# "One big system" per department


class DepartmentListView(BaseObjectView):
    """部门系统整合: each department's systems, connected, flagged and under cleanup; a department admin goes
    straight to its own map."""

    queryset = ZombieFlag.objects.all()
    required_roles = MAP_ROLES
    template_name = "zombies/department_list.html"

    def get(self, request):
        departments = services.visible_departments(request.user)
        if not _may_decide(request.user) and not request.user.has_role(R.AUDIT_ADMIN):
            own = departments.first()
            if own is not None:
                return redirect("zombies:department_map", own.pk)
        q = request.GET.get("q", "").strip()
        if q:
            departments = departments.filter(name__icontains=q)
        context = {
            **_nav_links(request),
            "title": _("部门系统整合"),
            "departments": services.department_overview(departments),
            "q": q,
        }
        return render(request, self.template_name, context)


class DepartmentMapView(BaseObjectView):
    """One department as "one big system": its systems as a tree by integration, with status, connection, flags
    and plans."""

    queryset = ZombieFlag.objects.all()
    required_roles = MAP_ROLES
    template_name = "zombies/department_map.html"

    def get(self, request, pk):
        department = get_object_or_404(services.visible_departments(request.user).select_related("jurisdiction"),
                                       pk=pk)
        tree = services.system_tree(department)
        own = [node for node in _walk(tree) if node["system"].owner_id == department.pk]
        running = [node for node in own if node["system"].status in services.RUNNING]
        context = {
            **_nav_links(request),
            "title": _("%(department)s：系统整合全景") % {"department": department.name},
            "department": department,
            "tree": tree,
            "today": timezone.localdate(),
            "stats": {
                "systems": len(own),
                "running": len(running),
                "connected": sum(1 for node in running if node["system"].connected_to_platform),
                "flagged": sum(1 for node in own if node["flag"] is not None),
                "plans": sum(1 for node in own if node["plan"] is not None),
            },
            "list_url": reverse("zombies:department_list"),
        }
        return render(request, self.template_name, context)


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])

