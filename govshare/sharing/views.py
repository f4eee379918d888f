"""Sharing pages: share requests (lists, the form, the detail with its timeline and the decision forms), grants and
consumer systems. Views stay thin: permissions come from `restrict()`, rules and transactions from `services`."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.catalog.choices import EntryStatusChoices, ShareTypeChoices
from govshare.catalog.models import Resource
from govshare.core.attachments import download_response
from govshare.core.views import BaseObjectView, ObjectListView, restrict, safe_return_url
from govshare.users.choices import RoleChoices

from . import services
from .choices import RequestKindChoices, RequestStatusChoices
from .filtersets import BOXES, ConsumerSystemFilterSet, GrantFilterSet, ShareRequestFilterSet, default_box
from .forms import (
    ApproveForm,
    DecideForm,
    GrantEditForm,
    MessageForm,
    ReasonForm,
    ShareRequestForm,
    SystemForm,
    apply_service_errors,
    end_of_day,
)
from .models import ConsumerSystem, Grant, ShareRequest, ShareRequestAttachment
from .tables import ConsumerSystemTable, GrantTable, ShareRequestTable, due_html, grant_state_html

__all__ = [
    "AttachmentDownloadView",
    "GrantDetailView",
    "GrantEditView",
    "GrantListView",
    "GrantRevokeView",
    "RequestActionView",
    "RequestAddView",
    "RequestDetailView",
    "RequestListView",
    "SubscribeView",
    "SystemAddView",
    "SystemDetailView",
    "SystemListView",
    "SystemStateView",
]

R = RoleChoices
S = RequestStatusChoices
CONSUMER_ROLES = (R.DATA_CONSUMER, R.DEPARTMENT_ADMIN, R.PLATFORM_ADMIN)
SYSTEM_ADMIN_ROLES = (R.DEPARTMENT_ADMIN, R.PLATFORM_ADMIN)


# ---------------------------------------------------------------------------------------------------------------
# Share requests

class RequestListView(ObjectListView):
    """共享申请: my department's applications, those waiting for my answer, those before the authority."""

    queryset = ShareRequest.objects.select_related("resource__provider", "consumer")
    filterset = ShareRequestFilterSet
    table = ShareRequestTable
    template_name = "sharing/request_list.html"
    list_url_name = "sharing:request_list"
    title = gettext_lazy("共享申请")
    search_placeholder = gettext_lazy("资源名称、代码、使用部门或用途")

    def get(self, request, *args, **kwargs):
        if not request.GET.get("box"):
            request.GET = request.GET.copy()
            request.GET["box"] = default_box(request.user)
        return super().get(request, *args, **kwargs)

    def get_extra_context(self, request, instance=None):
        current = request.GET.get("box")
        return {
            "box": current,
            "boxes": [
                {"value": value, "label": label, "active": value == current,
                 "url": f"{request.path}?{urlencode({'box': value})}"}
                for value, label in BOXES
            ],
        }


def _published_resource(request, resource_id):
    try:
        resource_id = int(resource_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        Resource.objects.restrict(request.user, "view").filter(status=EntryStatusChoices.PUBLISHED)
        .select_related("provider"),
        pk=resource_id,
    )


class RequestAddView(BaseObjectView):
    """Apply for a resource (?resource=<id>); an unconditional one is offered for subscription instead."""

    queryset = ShareRequest.objects.all()
    required_roles = CONSUMER_ROLES
    template_name = "sharing/request_form.html"

    def render_form(self, request, resource, form, status=200):
        kind = RequestKindChoices.AUTHORITY if resource.share_type == ShareTypeChoices.NOT_SHARED else (
            RequestKindChoices.PROVIDER
        )
        context = {
            "title": _("申请共享：%(name)s") % {"name": resource.name},
            "resource": resource,
            "form": form,
            "kind": kind,
            "subscribe": resource.share_type == ShareTypeChoices.UNCONDITIONAL,
            "answer_days": services.answer_days_for(resource.provider.jurisdiction),
            "systems": ConsumerSystem.objects.filter(department_id=request.user.department_id, is_active=True),
            "max_mb": round(services.max_attachment_bytes() / 1048576, 1),
            "list_url": reverse("sharing:request_list"),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        resource = _published_resource(request, request.GET.get("resource"))
        return self.render_form(request, resource, ShareRequestForm(resource=resource, user=request.user))

    def post(self, request):
        resource = _published_resource(request, request.GET.get("resource") or request.POST.get("resource"))
        form = ShareRequestForm(request.POST, request.FILES, resource=resource, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                share_request = services.submit_request(
                    resource, request.user.department, user=request.user, system=data["system"],
                    items=list(data["items"]), purpose=data["purpose"], legal_basis=data["legal_basis"],
                    use_scenario=data["use_scenario"], period_start=data["period_start"],
                    period_end=data["period_end"], attachments=data["attachments"],
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                if share_request.kind == RequestKindChoices.AUTHORITY:
                    messages.success(request, _("申请已提交共享主管部门协调"))
                else:
                    messages.success(request, _("申请已提交，提供部门应在 %(due)s 前答复") % {
                        "due": share_request.due_on.isoformat()})
                return redirect("sharing:request_detail", share_request.pk)
        return self.render_form(request, resource, form, status=400)


class SubscribeView(BaseObjectView):
    """POST resource=<id> [system] [items]: subscribe the user's department to an unconditional resource."""

    queryset = Grant.objects.all()
    required_roles = CONSUMER_ROLES
    http_method_names = ["post"]

    def post(self, request):
        resource = _published_resource(request, request.POST.get("resource"))
        items = request.POST.getlist("items") or None
        try:
            grant = services.subscribe(resource, request.user.department, user=request.user,
                                       system=request.POST.get("system") or None, items=items)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            fallback = reverse("catalog:resource_detail", args=[resource.pk])
            return redirect(safe_return_url(request, fallback))
        messages.success(request, _("订阅成功，已获得“%(name)s”的共享授权") % {"name": resource.name})
        return redirect("sharing:grant_detail", grant.pk)


def _can(model, user, action, instance):
    return restrict(model._default_manager.all(), user, action).filter(pk=instance.pk).exists()


class RequestDetailView(BaseObjectView):
    """One request: what was asked, the deadline, the timeline with the negotiation thread, and the forms of the
    steps the user may take now."""

    queryset = ShareRequest.objects.select_related(
        "resource__provider__jurisdiction", "consumer", "system", "requested_by", "answered_by", "decided_by",
        "grant",
    )
    template_name = "sharing/request_detail.html"
    list_url_name = "sharing:request_list"

    def actions(self, share_request):
        user = self.request.user
        status = share_request.status
        consumer = _can(ShareRequest, user, "submit", share_request)
        provider = _can(ShareRequest, user, "answer", share_request)
        authority = _can(ShareRequest, user, "decide", share_request)
        participant = user.department_id in (share_request.consumer_id, share_request.resource.provider_id)
        return {
            "answer": provider and status in S.PROVIDER_OPEN,
            "negotiate": consumer and S.can_move(status, S.NEGOTIATING),
            "escalate": (consumer or provider) and S.can_move(status, S.ESCALATED),
            "decide": authority and status == S.ESCALATED,
            "withdraw": consumer and S.can_move(status, S.WITHDRAWN),
            "comment": (participant or authority) and status in S.OPEN,
        }

    def get(self, request, pk):
        share_request = self.get_object()
        actions = self.actions(share_request)
        context = {
            **self.base_context(share_request),
            "object": share_request,
            "req": share_request,
            "title": share_request.resource.name,
            "items": list(share_request.items.all()),
            "attachments": list(share_request.attachments.all()),
            "events": list(share_request.events.select_related("actor", "department")),
            "due": due_html(share_request),
            "actions": actions,
            "any_action": any(actions.values()),
            "authority": services.competent_authority_for(share_request.resource.provider.jurisdiction),
        }
        if share_request.grant_id:
            context["grant_state"] = grant_state_html(share_request.grant)
        if actions["answer"]:
            context["approve_form"] = ApproveForm(share_request=share_request)
        if actions["decide"]:
            context["decide_form"] = DecideForm(share_request=share_request)
        return render(request, self.template_name, context)


class RequestActionView(BaseObjectView):
    """Base of the step buttons (POST): validate the form, call the service, report, go back to the request."""

    queryset = ShareRequest.objects.select_related("resource")
    http_method_names = ["post"]
    form_class = ReasonForm
    success_message = ""

    def get_form(self, share_request):
        return self.form_class(self.request.POST)

    def post(self, request, pk):
        share_request = self.get_object()
        form = self.get_form(share_request) if self.form_class else None
        if form is not None and not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}：{error}" if label else error)
            return self.back(share_request)
        try:
            self.perform(share_request, request.user, form)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, self.success_message)
        return self.back(share_request)

    def back(self, share_request):
        return redirect("sharing:request_detail", share_request.pk)

    def perform(self, share_request, user, form):
        raise NotImplementedError


class RequestApproveView(RequestActionView):
    form_class = ApproveForm
    success_message = gettext_lazy("已同意，授权已生效")

    def get_form(self, share_request):
        return ApproveForm(self.request.POST, share_request=share_request)

    def perform(self, share_request, user, form):
        data = form.cleaned_data
        services.approve_request(share_request, user=user, items=list(data["items"]),
                                 clear_items=list(data["clear_items"]), comment=data["comment"], **form.terms())


class RequestRefuseView(RequestActionView):
    success_message = gettext_lazy("已拒绝，申请部门将看到拒绝理由")

    def perform(self, share_request, user, form):
        services.refuse_request(share_request, user=user, reason=form.cleaned_data["reason"])


class RequestNegotiateView(RequestActionView):
    form_class = MessageForm
    success_message = gettext_lazy("已发起协商，提供部门将收到通知")

    def perform(self, share_request, user, form):
        services.start_negotiation(share_request, user=user, message=form.cleaned_data["body"])


class RequestCommentView(RequestActionView):
    form_class = MessageForm
    success_message = gettext_lazy("留言已发送")

    def perform(self, share_request, user, form):
        services.add_comment(share_request, user=user, body=form.cleaned_data["body"])


class RequestEscalateView(RequestActionView):
    success_message = gettext_lazy("已提请共享主管部门协调")

    def perform(self, share_request, user, form):
        services.escalate_request(share_request, user=user, reason=form.cleaned_data["reason"])


class RequestDecideView(RequestActionView):
    form_class = DecideForm
    success_message = gettext_lazy("已作出决定，双方部门将收到通知")

    def get_form(self, share_request):
        return DecideForm(self.request.POST, share_request=share_request)

    def perform(self, share_request, user, form):
        data = form.cleaned_data
        services.decide_request(
            share_request, user=user, grant=data["decision"] == "grant", reason=data["reason"],
            items=list(data["items"]) or None, clear_items=list(data["clear_items"]), **form.terms(),
        )


class RequestWithdrawView(RequestActionView):
    form_class = None
    success_message = gettext_lazy("申请已撤回")

    def perform(self, share_request, user, form):
        services.withdraw_request(share_request, user=user)


class AttachmentDownloadView(BaseObjectView):
    """An attachment, to whoever may see its request."""

    queryset = ShareRequestAttachment.objects.all()

    def get(self, request, pk, attachment_pk):
        share_request = get_object_or_404(ShareRequest.objects.restrict(request.user, "view"), pk=pk)
        attachment = get_object_or_404(share_request.attachments, pk=attachment_pk)
        return download_response(attachment.file, attachment.name)


# ---------------------------------------------------------------------------------------------------------------
# Grants

class GrantListView(ObjectListView):
    """共享授权: what my department received and what it gave."""

    queryset = Grant.objects.select_related("resource", "consumer", "system")
    filterset = GrantFilterSet
    table = GrantTable
    list_url_name = "sharing:grant_list"
    title = gettext_lazy("共享授权")
    search_placeholder = gettext_lazy("资源名称、代码或使用部门")


class GrantDetailView(BaseObjectView):
    """One grant: the items (masked or clear), validity and limits, the request it came from; revoke and edit."""

    queryset = Grant.objects.select_related("resource__provider", "consumer", "system", "granted_by", "revoked_by")
    template_name = "sharing/grant_detail.html"
    list_url_name = "sharing:grant_list"

    def get(self, request, pk):
        grant = self.get_object()
        clear = set(grant.clear_items.values_list("pk", flat=True))
        items = [(item, item.pk in clear) for item in grant.items.all()]
        can_change = self.can("change", grant) and grant.revoked_at is None
        context = {
            **self.base_context(grant),
            "object": grant,
            "grant": grant,
            "title": _("授权：%(name)s") % {"name": grant.resource.name},
            "items": items,
            "state": grant_state_html(grant),
            "requests": list(grant.share_requests.all()),
            "can_change": can_change,
            # Signed-in users of the consumer department use a department-wide grant on the data page.
            "can_use": grant.is_active() and grant.system_id is None
            and grant.consumer_id == request.user.department_id,
            "revoke_form": ReasonForm() if can_change else None,
        }
        return render(request, self.template_name, context)


class GrantRevokeView(BaseObjectView):
    """Revoke a grant (POST, reason required): the data plane refuses it from this moment."""

    queryset = Grant.objects.all()
    http_method_names = ["post"]

    def post(self, request, pk):
        grant = self.get_object()
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("撤销授权必须说明原因"))
            return redirect("sharing:grant_detail", grant.pk)
        try:
            services.revoke_grant(grant, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("授权已撤销，立即停止数据调用"))
        return redirect("sharing:grant_detail", grant.pk)


class GrantEditView(BaseObjectView):
    """Adjust a grant's validity and limits (the provider or the authority)."""

    queryset = Grant.objects.select_related("resource")
    action = "change"
    template_name = "generic/object_edit.html"
    detail_url_name = "sharing:grant_detail"
    list_url_name = "sharing:grant_list"

    def render_form(self, request, grant, form, status=200):
        context = {
            **self.base_context(grant), "object": grant, "form": form, "is_new": False,
            "title": _("修改授权：%(name)s") % {"name": grant.resource.name},
            "cancel_url": reverse("sharing:grant_detail", args=[grant.pk]),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        grant = self.get_object()
        valid_until = None
        if grant.valid_until is not None:
            valid_until = timezone.localdate(grant.valid_until - datetime.timedelta(seconds=1))
        form = GrantEditForm(initial={"valid_until": valid_until, "rate_limit": grant.rate_limit,
                                      "daily_quota": grant.daily_quota})
        return self.render_form(request, grant, form)

    def post(self, request, pk):
        grant = self.get_object()
        form = GrantEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_grant(grant, user=request.user, valid_until=end_of_day(data["valid_until"]),
                                      rate_limit=data["rate_limit"], daily_quota=data["daily_quota"])
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("授权已修改"))
                return redirect("sharing:grant_detail", grant.pk)
        return self.render_form(request, grant, form, status=400)


# ---------------------------------------------------------------------------------------------------------------
# Consumer systems

class SystemListView(ObjectListView):
    """应用系统 of the user's department (all of them for platform admins and auditors)."""

    queryset = ConsumerSystem.objects.select_related("department")
    filterset = ConsumerSystemFilterSet
    table = ConsumerSystemTable
    list_url_name = "sharing:system_list"
    add_url_name = "sharing:system_add"
    add_roles = SYSTEM_ADMIN_ROLES
    title = gettext_lazy("应用系统")
    search_placeholder = gettext_lazy("系统名称或应用标识")


def _secret_page(request, system, secret, heading):
    response = render(request, "sharing/system_secret.html", {
        "title": heading, "system": system, "secret": secret, "list_url": reverse("sharing:system_list"),
    })
    # The page carries a secret: never cache it.
    add_never_cache_headers(response)
    return response


class SystemAddView(BaseObjectView):
    """Register a system of the user's department; the secret is shown once, on the page that follows."""

    queryset = ConsumerSystem.objects.all()
    required_roles = SYSTEM_ADMIN_ROLES
    template_name = "generic/object_edit.html"
    list_url_name = "sharing:system_list"

    def render_form(self, request, form, status=200):
        context = {**self.base_context(), "form": form, "is_new": True, "title": _("新建应用系统"),
                   "cancel_url": reverse("sharing:system_list")}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(request, SystemForm())

    def post(self, request):
        form = SystemForm(request.POST)
        if form.is_valid():
            if not request.user.department_id:
                form.add_error(None, _("您的账号未分配部门，不能登记应用系统"))
            else:
                try:
                    system, secret = services.create_system(
                        request.user.department, user=request.user, name=form.cleaned_data["name"],
                        description=form.cleaned_data["description"],
                    )
                except ValidationError as error:
                    apply_service_errors(error, form)
                else:
                    return _secret_page(request, system, secret, _("应用系统已创建"))
        return self.render_form(request, form, status=400)


class SystemDetailView(BaseObjectView):
    """One system: its app key, state and grants; reset the secret, disable or enable."""

    queryset = ConsumerSystem.objects.select_related("department")
    template_name = "sharing/system_detail.html"
    list_url_name = "sharing:system_list"

    def get(self, request, pk):
        system = self.get_object()
        context = {
            **self.base_context(system), "object": system, "system": system, "title": system.name,
            "can_change": self.can("change", system),
            "grants": list(system.grants.select_related("resource").order_by("-created")[:50]),
        }
        return render(request, self.template_name, context)


class SystemStateView(BaseObjectView):
    """POST: reset the secret (shown once), disable or enable the system."""

    queryset = ConsumerSystem.objects.all()
    http_method_names = ["post"]
    operation = None

    def post(self, request, pk):
        system = self.get_object()
        if not self.can("change", system):
            raise PermissionDenied(_("只有本部门管理员可以管理应用系统"))
        if self.operation == "reset":
            secret = services.reset_secret(system, user=request.user)
            return _secret_page(request, system, secret, _("密钥已重置"))
        if self.operation == "disable":
            services.disable_system(system, user=request.user)
            messages.success(request, _("应用系统已停用，其密钥和令牌立即失效"))
        else:
            services.enable_system(system, user=request.user)
            messages.success(request, _("应用系统已启用"))
        return redirect("sharing:system_detail", system.pk)
