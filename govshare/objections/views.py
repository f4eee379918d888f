"""Objection pages: the list (HTMX filters), open objections and their deadlines for the competent authority, the
detail with its timeline and action forms, the raise form, the workflow actions and evidence downloads.

Views stay thin: permissions come from `restrict()`, rules and transactions from `services`."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.catalog.models import InfoItem, Resource
from govshare.core import views as core_views
from govshare.core.views import BaseObjectView, ObjectListView, safe_return_url, user_has_role
from govshare.users.choices import RoleChoices
from govshare.workdays.services import working_days_between

from . import services
from .choices import ObjectionKindChoices, ObjectionStatusChoices, ObjectionStepChoices
from .filtersets import ObjectionFilterSet
from .forms import (
    AttachmentsForm,
    CorrectForm,
    ObjectionForm,
    RateForm,
    RejectForm,
    StartForm,
    TransferForm,
    apply_service_errors,
)
from .models import CONSUMER_ROLES, Objection, ObjectionAttachment
from .tables import ObjectionDeadlineTable, ObjectionTable, deadline_html

__all__ = [
    "AttachmentDownloadView",
    "FieldOptionsView",
    "ObjectionActionView",
    "ObjectionAttachView",
    "ObjectionCorrectView",
    "ObjectionDeadlineView",
    "ObjectionDetailView",
    "ObjectionListView",
    "ObjectionRaiseView",
    "ObjectionRateView",
    "ObjectionRejectView",
    "ObjectionStartView",
    "ObjectionTransferView",
]

R = RoleChoices
AUTHORITY_ROLES = (R.AUTHORITY_OFFICER, R.PLATFORM_ADMIN)
LIST_QUERYSET = Objection.objects.select_related("resource", "consumer", "provider", "handler")


class ObjectionListView(ObjectListView):
    """疑义纠错: the objections the user's department raised, received, or oversees."""

    queryset = LIST_QUERYSET
    filterset = ObjectionFilterSet
    table = ObjectionTable
    template_name = "objections/objection_list.html"
    title = gettext_lazy("疑义纠错")
    list_url_name = "objections:objection_list"
    add_url_name = "objections:objection_add"
    add_roles = CONSUMER_ROLES

    def get_extra_context(self, request, instance=None):
        return {
            "status_choices": ObjectionStatusChoices.choices,
            "kind_choices": ObjectionKindChoices.choices,
            "selected": {name: request.GET.get(name, "") for name in ("status", "kind", "resource_id", "overdue")},
            "answer_days": settings.GOVSHARE_OBJECTION_ANSWER_DAYS,
            "show_deadlines_link": user_has_role(request.user, AUTHORITY_ROLES),
        }


class ObjectionDeadlineView(ObjectionListView):
    """未办结疑义及期限: every open objection in the authority's jurisdiction, the nearest deadline first."""

    required_roles = AUTHORITY_ROLES
    table = ObjectionDeadlineTable
    title = gettext_lazy("未办结疑义及期限")
    list_url_name = "objections:objection_deadlines"
    add_url_name = None

    def get_queryset(self):
        return super().get_queryset().filter(status__in=ObjectionStatusChoices.OPEN)


class ObjectionDetailView(BaseObjectView):
    """One objection: what is disputed, the answer, the timeline, the evidence, and the forms of the next steps."""

    queryset = LIST_QUERYSET.select_related("field", "raised_by", "answered_by")
    template_name = "objections/objection_detail.html"
    list_url_name = "objections:objection_list"

    def get(self, request, *args, **kwargs):
        objection = self.get_object()
        can_answer = self.can("answer", objection)
        can_rate = self.can("rate", objection)
        status = objection.status
        actions = {
            "start": can_answer and status in (ObjectionStatusChoices.SUBMITTED, ObjectionStatusChoices.TRANSFERRED),
            "answer": can_answer and status == ObjectionStatusChoices.VERIFYING,
            "rate": can_rate and status in ObjectionStatusChoices.ANSWERED,
            "attach": can_rate and status in ObjectionStatusChoices.OPEN,
        }
        if objection.is_open:
            objection.days_left = working_days_between(timezone.localdate(), objection.deadline)
        context = {
            **self.base_context(objection),
            "object": objection,
            "objection": objection,
            "title": objection.number,
            "deadline_html": deadline_html(objection),
            "events": objection.events.select_related("user", "department", "to_department"),
            "transfers": objection.events.filter(step=ObjectionStepChoices.TRANSFERRED).select_related(
                "department", "to_department"
            ),
            "attachments": objection.attachments.all(),
            "actions": actions,
            "start_form": StartForm(),
            "correct_form": CorrectForm(),
            "reject_form": RejectForm(),
            "transfer_form": TransferForm(objection=objection) if actions["answer"] else None,
            "rate_form": RateForm(initial={
                "business_continues": objection.business_continues, "business_note": objection.business_note,
            }),
            "attach_form": AttachmentsForm(),
        }
        return render(request, self.template_name, context)


class ObjectionRaiseView(BaseObjectView):
    """提出疑义: from a resource's page (?resource=<id>) or choosing the resource here."""

    required_roles = CONSUMER_ROLES
    queryset = Objection.objects.all()
    template_name = "objections/objection_raise.html"
    list_url_name = "objections:objection_list"

    def resource(self):
        value = self.request.GET.get("resource", "")
        if not value.isdigit():
            return None
        return Resource.objects.restrict(self.request.user, "view").filter(pk=value).first()

    def render_form(self, form, resource):
        context = {
            **self.base_context(),
            "form": form,
            "resource": resource,
            "title": _("提出疑义"),
            "cancel_url": safe_return_url(
                self.request, reverse("catalog:resource_detail", args=[resource.pk]) if resource
                else reverse("objections:objection_list"),
            ),
            "answer_days": settings.GOVSHARE_OBJECTION_ANSWER_DAYS,
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        resource = self.resource()
        return self.render_form(ObjectionForm(user=request.user, resource=resource), resource)

    def post(self, request):
        resource = self.resource()
        form = ObjectionForm(request.POST, request.FILES, user=request.user, resource=resource)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = services.raise_objection(
                    user=request.user, resource=data["resource"], kind=data["kind"],
                    description=data["description"], record_key=data["record_key"], field=data["field"],
                    business_continues=data["business_continues"], business_note=data["business_note"],
                    attachments=data["attachments"],
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("已提交疑义 %(number)s，提供部门须在 %(deadline)s 前答复") % {
                    "number": objection.number, "deadline": objection.deadline.isoformat(),
                })
                return redirect("objections:objection_detail", objection.pk)
        return self.render_form(form, resource)


class FieldOptionsView(BaseObjectView):
    """The <option>s of a resource's info items, for the raise form's item select (HTMX)."""

    queryset = Objection.objects.all()

    def get(self, request):
        value = request.GET.get("resource", "")
        items = InfoItem.objects.none()
        if value.isdigit():
            visible = Resource.objects.restrict(request.user, "view").filter(pk=value)
            items = InfoItem.objects.filter(resource__in=visible).order_by("position", "id")
        return render(request, "objections/includes/field_options.html", {"items": items})


class ObjectionActionView(BaseObjectView):
    """Base of the workflow buttons: find the objection the user may see, call the service, report, go back."""

    queryset = Objection.objects.all()
    http_method_names = ["post"]
    form_class = None

    def get_form(self, objection):
        return self.form_class(self.request.POST, self.request.FILES)

    def post(self, request, pk):
        objection = self.get_object()
        form = self.get_form(objection)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back(objection)
        try:
            message = self.perform(objection, request.user, form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return self.back(objection)

    def back(self, objection):
        return redirect(safe_return_url(self.request, reverse("objections:objection_detail", args=[objection.pk])))

    def perform(self, objection, user, data):
        raise NotImplementedError


class ObjectionStartView(ObjectionActionView):
    form_class = StartForm

    def perform(self, objection, user, data):
        services.start_verification(objection, user=user, note=data["note"])
        return _("已开始核查")


class ObjectionCorrectView(ObjectionActionView):
    form_class = CorrectForm

    def perform(self, objection, user, data):
        services.correct(objection, user=user, correction_note=data["correction_note"], response=data["response"])
        return _("已答复：已更正")


class ObjectionRejectView(ObjectionActionView):
    form_class = RejectForm

    def perform(self, objection, user, data):
        services.reject(objection, user=user, reasons=data["reasons"])
        return _("已答复：不予更正")


class ObjectionTransferView(ObjectionActionView):
    form_class = TransferForm

    def get_form(self, objection):
        return TransferForm(self.request.POST, objection=objection)

    def perform(self, objection, user, data):
        objection = services.transfer(objection, user=user, department=data["department"], reason=data["reason"])
        return _("已转办至%(department)s，期限重新计算至 %(deadline)s") % {
            "department": objection.handler.name, "deadline": objection.deadline.isoformat(),
        }


class ObjectionRateView(ObjectionActionView):
    form_class = RateForm

    def perform(self, objection, user, data):
        services.rate(
            objection, user=user, rating=data["rating"], comment=data["comment"],
            business_continues=data["business_continues"], business_note=data["business_note"],
        )
        return _("已评价，疑义办结")


class ObjectionAttachView(ObjectionActionView):
    form_class = AttachmentsForm

    def perform(self, objection, user, data):
        added = services.add_attachments(objection, user=user, files=data["attachments"])
        return _("已补充 %(n)d 个佐证材料") % {"n": len(added)}


class AttachmentDownloadView(core_views.AttachmentDownloadView):
    """An evidence file, to whoever may see its objection; always as a download (never rendered inline)."""

    queryset = ObjectionAttachment.objects.all()
    parent_field = "objection_id"
