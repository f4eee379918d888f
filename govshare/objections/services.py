"""Domain actions on objections (疑义/纠错). Each owns its transaction, checks the rules and who may act, keeps the
timeline, writes the audit entry and notifies the departments that must act next (after commit).

    raise_objection      consumer (data_consumer / department_admin) → submitted, deadline starts
    start_verification   handling department (data_provider / department_admin): submitted / transferred → verifying
    correct / reject     handling department: verifying → corrected / rejected (reasons required)
    transfer             handling department: verifying → transferred to another department; the deadline restarts
    rate                 consumer: corrected / rejected → closed, with a 1–5 rating
    check_deadlines      the hourly job: reminders before the deadline, overdue flags to the competent authority
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.audit import services as audit
from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import InfoItem, Resource
from govshare.catalog.semantics import ItemKind, item_kind
from govshare.core.attachments import check_uploads, store_uploads
from govshare.core.context import acting_as
from govshare.core.validators import credit_code_error, id_number_error
from govshare.notifications.services import notify
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices
from govshare.workdays.services import add_working_days

from .choices import ObjectionKindChoices, ObjectionStatusChoices, ObjectionStepChoices
from .models import (
    CONSUMER_ROLES,
    PROVIDER_ROLES,
    Objection,
    ObjectionAttachment,
    ObjectionEvent,
    ObjectionSequence,
)

__all__ = [
    "MAX_ATTACHMENTS",
    "add_attachments",
    "check_deadlines",
    "competent_authority",
    "correct",
    "key_item",
    "raise_objection",
    "rate",
    "reject",
    "start_verification",
    "transfer",
    "validate_record_key",
]

S = ObjectionStatusChoices
STEP = ObjectionStepChoices
MAX_ATTACHMENTS = 10


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _id(value):
    return getattr(value, "pk", value)


def _has_role(user, roles) -> bool:
    return user.is_superuser or user.has_role(*roles)


def _link(objection) -> str:
    return reverse("objections:objection_detail", args=[objection.pk])


def _lock(objection) -> Objection:
    """The objection re-read under a row lock, so two answers cannot both pass the status check."""
    return Objection.objects.select_for_update().get(pk=_id(objection))


def _require(objection, user, action, message):
    if not Objection.objects.restrict(user, action).filter(pk=objection.pk).exists():
        raise PermissionDenied(message)


def _require_status(objection, allowed, message):
    if objection.status not in allowed:
        raise ValidationError(message % {"status": objection.get_status_display()})


def _event(objection, step, *, user=None, text="", to_department=None, department=None) -> ObjectionEvent:
    if department is None and user is not None:
        department = getattr(user, "department", None)
    return ObjectionEvent.objects.create(
        objection=objection, step=step, user=user, department=department, to_department=to_department, text=text,
        deadline=objection.deadline,
    )


def _audit(objection, step, user=None):
    audit.append(user=user, action="other", resource=objection.resource,
                 detail={"objection": objection.number, "step": step})


def _next_number(now) -> str:
    """YY-<year>-<6-digit serial>, the serial restarting each year and never reused."""
    year = timezone.localtime(now).year
    sequence, _created = ObjectionSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"YY-{year}-{sequence.last_value:06d}"


def _deadline(start):
    return add_working_days(start, settings.GOVSHARE_OBJECTION_ANSWER_DAYS)


def competent_authority(department) -> Department | None:
    """The competent authority (共享主管部门) of the department's jurisdiction, or of the nearest one above it."""
    jurisdiction = department.jurisdiction
    while jurisdiction is not None:
        authority = jurisdiction.competent_authority
        if authority is not None:
            return authority
        jurisdiction = jurisdiction.parent
    return None


# ---------------------------------------------------------------------------------------------------------------
# The disputed record


def key_item(resource) -> InfoItem | None:
    """The item that identifies a record: the mounted table's key, else the first ID-number or credit-code item."""
    # A resource without a mounted table raises RelatedObjectDoesNotExist, an AttributeError: getattr's default.
    data_table = getattr(resource, "data_table", None)
    if data_table is not None and data_table.key_item_id:
        return data_table.key_item
    for item in resource.items.all():
        if item_kind(item.name, item.code) in (ItemKind.ID_NUMBER, ItemKind.CREDIT_CODE):
            return item
    return None


def validate_record_key(resource, record_key: str) -> str:
    """The record key, trimmed (and upper-cased for national codes); refused when the key item is an ID number or a
    credit code and the value is not a valid one."""
    record_key = (record_key or "").strip()
    if not record_key:
        return ""
    item = key_item(resource)
    kind = item_kind(item.name, item.code) if item is not None else None
    if kind == ItemKind.ID_NUMBER:
        record_key = record_key.upper()
        error = id_number_error(record_key)
    elif kind == ItemKind.CREDIT_CODE:
        record_key = record_key.upper()
        error = credit_code_error(record_key)
    else:
        error = None
    if error:
        raise ValidationError({"record_key": [_("%(item)s：%(error)s") % {"item": item.name, "error": error}]})
    return record_key


def _check_attachments(files, existing=0):
    """Refuse the whole upload when any file is too big or there are too many: nothing is stored then."""
    return check_uploads(
        files, max_bytes=settings.GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES, max_count=MAX_ATTACHMENTS,
        existing=existing, too_many=_("佐证材料最多%(n)d个"),
    )


def _store_attachments(objection, files, user):
    store_uploads(ObjectionAttachment, files, objection=objection, uploaded_by=user)


# ---------------------------------------------------------------------------------------------------------------
# The workflow


@transaction.atomic
def raise_objection(
    *,
    user,
    resource,
    kind: str,
    description: str,
    record_key: str = "",
    field=None,
    business_continues: bool = False,
    business_note: str = "",
    attachments=(),
) -> Objection:
    """A consumer department disputes a published resource (optionally one record and one item of it)."""
    if not _has_role(user, CONSUMER_ROLES):
        raise PermissionDenied(_("只有数据使用方或部门管理员可以提出疑义"))
    if not user.department_id:
        raise PermissionDenied(_("您的账号未归属任何部门，不能提出疑义"))
    resource = Resource.objects.restrict(user, "view").filter(pk=_id(resource)).select_related("provider").first()
    if resource is None:
        raise ValidationError({"resource": [_("资源不存在或您无权查看")]})
    errors = {}
    if resource.status != EntryStatusChoices.PUBLISHED:
        errors["resource"] = [_("只能对已发布的资源提出疑义")]
    elif resource.provider_id == user.department_id:
        errors["resource"] = [_("不能对本部门提供的资源提出疑义，请直接更正")]
    if kind not in ObjectionKindChoices.values:
        errors["kind"] = [_("请选择疑义类型")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("请描述疑义的内容")]
    if field is not None and not resource.items.filter(pk=_id(field)).exists():
        errors["field"] = [_("信息项不属于该资源")]
    try:
        record_key = validate_record_key(resource, record_key)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        files = _check_attachments(attachments)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with acting_as(user):
        objection = Objection(
            number=_next_number(now), kind=kind, resource=resource, record_key=record_key,
            field_id=_id(field), description=description, raised_by=user, consumer_id=user.department_id,
            provider_id=resource.provider_id, handler_id=resource.provider_id, status=S.SUBMITTED, received_at=now,
            business_continues=bool(business_continues), business_note=(business_note or "").strip(),
        )
        objection.set_deadline(_deadline(now))
        objection.save()
        _store_attachments(objection, files, user)
        _event(objection, STEP.RAISED, user=user, text=description)
        _audit(objection, STEP.RAISED, user)
    notify(
        subject=_("收到数据疑义 %(number)s：%(resource)s") % {"number": objection.number, "resource": resource.name},
        body=_("请在 %(deadline)s 前核查并答复。") % {"deadline": objection.deadline.isoformat()},
        link=_link(objection), key=f"objection:{objection.pk}:raised",
        departments=[resource.provider_id], roles=PROVIDER_ROLES,
    )
    return objection


@transaction.atomic
def add_attachments(objection, *, user, files) -> list[ObjectionAttachment]:
    """More evidence from the consumer while the objection is open."""
    objection = _lock(objection)
    _require(objection, user, "rate", _("只有提出部门可以补充佐证材料"))
    _require_status(objection, S.OPEN, _("“%(status)s”状态的疑义不能再补充材料"))
    files = _check_attachments(files, existing=objection.attachments.count())
    before = set(objection.attachments.values_list("pk", flat=True))
    with acting_as(user):
        _store_attachments(objection, files, user)
    return list(objection.attachments.exclude(pk__in=before))


@transaction.atomic
def start_verification(objection, *, user, note: str = "") -> Objection:
    """The handling department accepts the objection and starts checking its data (校核)."""
    objection = _lock(objection)
    _require(objection, user, "answer", _("只有承办部门的数据提供方或部门管理员可以核查此疑义"))
    _require_status(objection, (S.SUBMITTED, S.TRANSFERRED), _("“%(status)s”状态的疑义不能开始核查"))
    with acting_as(user):
        objection.status = S.VERIFYING
        objection.save()
        _event(objection, STEP.VERIFYING, user=user, text=(note or "").strip())
        _audit(objection, STEP.VERIFYING, user)
    notify(
        subject=_("疑义 %(number)s 已开始核查") % {"number": objection.number},
        link=_link(objection), key=f"objection:{objection.pk}:verifying:{objection.handler_id}",
        users=[objection.raised_by],
    )
    return objection


def _notify_answer(objection, subject):
    notify(
        subject=subject, body=_("请查看答复并评价办理结果。"), link=_link(objection),
        key=f"objection:{objection.pk}:answered", users=[objection.raised_by],
        departments=[objection.consumer_id], roles=CONSUMER_ROLES,
    )


@transaction.atomic
def correct(objection, *, user, correction_note: str, response: str = "") -> Objection:
    """The data (or entry) was wrong and has been corrected: say what was changed."""
    correction_note = (correction_note or "").strip()
    if not correction_note:
        raise ValidationError({"correction_note": [_("请说明更正的内容")]})
    objection = _lock(objection)
    _require(objection, user, "answer", _("只有承办部门的数据提供方或部门管理员可以答复此疑义"))
    _require_status(objection, (S.VERIFYING,), _("“%(status)s”状态的疑义不能答复，请先开始核查"))
    with acting_as(user):
        objection.status = S.CORRECTED
        objection.correction_note = correction_note
        objection.response = (response or "").strip()
        objection.answered_at = timezone.now()
        objection.answered_by = user
        objection.save()
        _event(objection, STEP.CORRECTED, user=user, text=correction_note)
        _audit(objection, STEP.CORRECTED, user)
    _notify_answer(objection, _("疑义 %(number)s 已更正") % {"number": objection.number})
    return objection


@transaction.atomic
def reject(objection, *, user, reasons: str) -> Objection:
    """The data is right as it stands: the refusal must give reasons."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": [_("不予更正必须说明理由")]})
    objection = _lock(objection)
    _require(objection, user, "answer", _("只有承办部门的数据提供方或部门管理员可以答复此疑义"))
    _require_status(objection, (S.VERIFYING,), _("“%(status)s”状态的疑义不能答复，请先开始核查"))
    with acting_as(user):
        objection.status = S.REJECTED
        objection.response = reasons
        objection.answered_at = timezone.now()
        objection.answered_by = user
        objection.save()
        _event(objection, STEP.REJECTED, user=user, text=reasons)
        _audit(objection, STEP.REJECTED, user)
    _notify_answer(objection, _("疑义 %(number)s 不予更正") % {"number": objection.number})
    return objection


@transaction.atomic
def transfer(objection, *, user, department, reason: str) -> Objection:
    """Pass the objection to the department that holds the data; it must answer, within a new deadline."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("转办必须说明理由")]
    target = Department.objects.filter(pk=_id(department)).first() if department else None
    if target is None:
        errors["department"] = [_("请选择转办的部门")]
    if errors:
        raise ValidationError(errors)
    objection = _lock(objection)
    _require(objection, user, "answer", _("只有承办部门的数据提供方或部门管理员可以转办此疑义"))
    _require_status(objection, (S.VERIFYING,), _("“%(status)s”状态的疑义不能转办，请先开始核查"))
    if target.pk == objection.handler_id:
        raise ValidationError({"department": [_("不能转办给本部门")]})
    if target.pk == objection.consumer_id:
        raise ValidationError({"department": [_("不能转办给提出疑义的部门")]})
    now = timezone.now()
    with acting_as(user):
        objection.status = S.TRANSFERRED
        objection.handler = target
        objection.received_at = now
        objection.set_deadline(_deadline(now))
        objection.overdue_at = None
        objection.save()
        _event(objection, STEP.TRANSFERRED, user=user, text=reason, to_department=target)
        _audit(objection, STEP.TRANSFERRED, user)
    notify(
        subject=_("转办数据疑义 %(number)s：%(resource)s") % {
            "number": objection.number, "resource": objection.resource.name,
        },
        body=_("%(from)s转来，理由：%(reason)s。请在 %(deadline)s 前核查并答复。") % {
            "from": user.department.name if user.department_id else "", "reason": reason,
            "deadline": objection.deadline.isoformat(),
        },
        link=_link(objection), key=f"objection:{objection.pk}:transferred:{target.pk}",
        departments=[target.pk], roles=PROVIDER_ROLES,
    )
    notify(
        subject=_("疑义 %(number)s 已转办至%(department)s") % {"number": objection.number, "department": target.name},
        link=_link(objection), key=f"objection:{objection.pk}:transferred:{target.pk}:consumer",
        users=[objection.raised_by],
    )
    return objection


@transaction.atomic
def rate(
    objection, *, user, rating, comment: str = "", business_continues: bool | None = None,
    business_note: str | None = None,
) -> Objection:
    """The consumer rates the outcome (1–5) once it is answered; this closes the objection."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("评价应为1到5分")]})
    objection = _lock(objection)
    _require(objection, user, "rate", _("只有提出疑义的部门可以评价"))
    _require_status(objection, S.ANSWERED, _("“%(status)s”状态的疑义不能评价，须在答复后评价"))
    now = timezone.now()
    with acting_as(user):
        objection.status = S.CLOSED
        objection.rating = rating
        objection.rating_comment = (comment or "").strip()
        objection.rated_at = now
        objection.closed_at = now
        if business_continues is not None:
            objection.business_continues = bool(business_continues)
        if business_note is not None:
            objection.business_note = business_note.strip()
        objection.save()
        _event(objection, STEP.RATED, user=user, text=f"{rating}/5 {objection.rating_comment}".strip())
        _audit(objection, STEP.RATED, user)
    notify(
        subject=_("疑义 %(number)s 已评价办结（%(rating)d分）") % {"number": objection.number, "rating": rating},
        link=_link(objection), key=f"objection:{objection.pk}:rated",
        users=[objection.answered_by], departments=[objection.handler_id], roles=(RoleChoices.DEPARTMENT_ADMIN,),
    )
    return objection


# ---------------------------------------------------------------------------------------------------------------
# Deadlines (the hourly job)


def check_deadlines(*, today=None) -> dict:
    """Remind handling departments whose deadline is near, and flag overdue objections to the competent authority.

    Idempotent: a reminder is sent once per handling department and deadline, an objection is flagged overdue once
    per deadline (a transfer restarts both), and every notification carries a key.
    """
    today = today or timezone.localdate()
    remind_until = add_working_days(today, settings.GOVSHARE_OBJECTION_REMIND_DAYS).date
    reminded = flagged = 0
    due_soon = Objection.objects.filter(status__in=S.OPEN, deadline__gte=today, deadline__lte=remind_until)
    for objection in due_soon.select_related("handler"):
        if _remind(objection):
            reminded += 1
    overdue = Objection.objects.filter(status__in=S.OPEN, deadline__lt=today, overdue_at__isnull=True)
    for objection in overdue.select_related("handler__jurisdiction", "resource"):
        if _flag_overdue(objection.pk, today):
            flagged += 1
    return {"reminded": reminded, "overdue": flagged}


@transaction.atomic
def _remind(objection) -> bool:
    already = ObjectionEvent.objects.filter(
        objection=objection, step=STEP.REMINDED, department_id=objection.handler_id, deadline=objection.deadline
    ).exists()
    if already:
        return False
    _event(objection, STEP.REMINDED, department=objection.handler)
    notify(
        subject=_("疑义 %(number)s 将于 %(deadline)s 到期") % {
            "number": objection.number, "deadline": objection.deadline.isoformat(),
        },
        body=_("请在期限前完成核查并答复。"), link=_link(objection),
        key=f"objection:{objection.pk}:remind:{objection.handler_id}:{objection.deadline.isoformat()}",
        departments=[objection.handler_id], roles=PROVIDER_ROLES,
    )
    return True


@transaction.atomic
def _flag_overdue(pk, today) -> bool:
    objection = Objection.objects.select_for_update().select_related("handler__jurisdiction", "resource").get(pk=pk)
    if objection.overdue_at is not None or not objection.is_overdue(today):
        return False
    objection.overdue_at = timezone.now()
    objection.save(update_fields=["overdue_at", "last_updated"])
    _event(objection, STEP.OVERDUE, department=objection.handler)
    _audit(objection, STEP.OVERDUE)
    key = f"objection:{objection.pk}:overdue:{objection.handler_id}:{objection.deadline.isoformat()}"
    subject = _("疑义 %(number)s 已逾期未答复（承办部门：%(department)s，期限 %(deadline)s）") % {
        "number": objection.number, "department": objection.handler.name,
        "deadline": objection.deadline.isoformat(),
    }
    authority = competent_authority(objection.handler)
    if authority is not None:
        notify(subject=subject, link=_link(objection), key=key, departments=[authority.pk],
               roles=(RoleChoices.AUTHORITY_OFFICER,))
    notify(subject=subject, link=_link(objection), key=key, departments=[objection.handler_id], roles=PROVIDER_ROLES)
    return True
