"""Domain actions of sharing: consumer systems and their secrets, subscriptions to unconditional resources, share
requests (answer, negotiation, the competent authority's decision), grants and their revocation, deadline reminders.

Each action owns its transaction, checks the rules and permissions, writes the audit entry and notifies the people
who must act next (after commit). The web pages, the API and the Celery job call these functions.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.audit import services as audit
from govshare.audit.choices import AuditActionChoices
from govshare.catalog.choices import EntryStatusChoices, ShareTypeChoices
from govshare.core.context import acting_as
from govshare.notifications.services import notify
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from .choices import GrantBasisChoices, RequestEventChoices, RequestKindChoices, RequestStatusChoices
from .models import AccessToken, ConsumerSystem, Grant, ShareRequest, ShareRequestAttachment, ShareRequestEvent

__all__ = [
    "add_comment",
    "answer_days_for",
    "answer_due",
    "approve_request",
    "competent_authority_for",
    "create_system",
    "decide_request",
    "disable_system",
    "enable_system",
    "escalate_request",
    "refuse_request",
    "remind_deadlines",
    "reset_secret",
    "revoke_grant",
    "start_negotiation",
    "submit_request",
    "subscribe",
    "update_grant",
    "verify_secret",
    "withdraw_request",
]

R = RoleChoices
S = RequestStatusChoices
CONSUMER_ROLES = (R.DATA_CONSUMER, R.DEPARTMENT_ADMIN)
PROVIDER_ROLES = (R.DATA_PROVIDER, R.DEPARTMENT_ADMIN)
MAX_ATTACHMENTS = 10
TEXT_LIMIT = 2000


# ---------------------------------------------------------------------------------------------------------------
# Settings (all optional): the national defaults unless a place configures its own

def answer_days_for(jurisdiction) -> int:
    """Working days a provider has to answer: GOVSHARE_SHARING_ANSWER_DAYS_BY_DIVISION {division code: days} for
    the jurisdiction or the nearest one above it, else GOVSHARE_SHARING_ANSWER_DAYS (10, 国发〔2016〕51号)."""
    by_division = getattr(settings, "GOVSHARE_SHARING_ANSWER_DAYS_BY_DIVISION", {}) or {}
    node = jurisdiction
    while node is not None and by_division:
        if node.division_code in by_division:
            return int(by_division[node.division_code])
        node = node.parent
    return int(getattr(settings, "GOVSHARE_SHARING_ANSWER_DAYS", 10))


def reminder_days() -> int:
    """How many working days before the deadline the provider is reminded (GOVSHARE_SHARING_REMINDER_DAYS, 2)."""
    return int(getattr(settings, "GOVSHARE_SHARING_REMINDER_DAYS", 2))


def max_attachment_bytes() -> int:
    """The size limit of one attachment (GOVSHARE_SHARING_ATTACHMENT_MAX_BYTES, 20 MB)."""
    return int(getattr(settings, "GOVSHARE_SHARING_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def answer_due(resource, submitted):
    """(days, DueDate) the provider of `resource` must answer by, counted in working days from `submitted`."""
    from govshare.workdays.services import add_working_days

    days = answer_days_for(resource.provider.jurisdiction)
    return days, add_working_days(submitted, days)


def competent_authority_for(jurisdiction):
    """The competent authority of the jurisdiction, or of the nearest one above it that has one."""
    node = jurisdiction
    while node is not None:
        authority = Department.objects.filter(jurisdiction=node, is_competent_authority=True).first()
        if authority is not None:
            return authority
        node = node.parent
    return None


# ---------------------------------------------------------------------------------------------------------------
# Small helpers

def _id(value):
    return getattr(value, "pk", value)


def _is_platform_admin(user):
    return user.is_superuser or user.has_role(R.PLATFORM_ADMIN)


def _item_code(item):
    return item.code or item.name


def _required_text(value, field, message):
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [message]})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({field: [_("内容不能超过 %(n)d 个字") % {"n": TEXT_LIMIT}]})
    return text


def _request_link(share_request):
    return reverse("sharing:request_detail", args=[share_request.pk])


def _grant_link(grant):
    return reverse("sharing:grant_detail", args=[grant.pk])


def _pick(values, allowed, field, message):
    """The allowed objects whose ids are in `values`, in the allowed order; a foreign id is an error."""
    by_id = {item.pk: item for item in allowed}
    wanted = []
    for value in values or ():
        try:
            key = int(_id(value))
        except (TypeError, ValueError):
            raise ValidationError({field: [message]}) from None
        if key not in by_id:
            raise ValidationError({field: [message]})
        wanted.append(key)
    return [item for item in allowed if item.pk in set(wanted)]


def _check_consumer(user, consumer):
    """The user acts for the consumer department: its data consumer or department admin (or a platform admin)."""
    if _is_platform_admin(user):
        return
    if _id(consumer) != user.department_id or not user.has_role(*CONSUMER_ROLES):
        raise PermissionDenied(_("只有本部门的数据使用方或部门管理员可以为本部门申请数据"))


def _check_system(system, consumer):
    if system is None:
        return None
    system = ConsumerSystem.objects.filter(pk=_id(system)).first()
    if system is None or system.department_id != _id(consumer):
        raise ValidationError({"system": [_("应用系统不属于使用部门")]})
    if not system.is_active:
        raise ValidationError({"system": [_("应用系统已停用")]})
    return system


def _require_request(share_request, user, action, message):
    if not ShareRequest.objects.restrict(user, action).filter(pk=share_request.pk).exists():
        raise PermissionDenied(message)


def _lock(share_request) -> ShareRequest:
    return (
        ShareRequest.objects.select_for_update(of=("self",))
        .select_related("resource__provider__jurisdiction", "consumer", "grant")
        .get(pk=share_request.pk)
    )


def _check_move(share_request, target):
    if not S.can_move(share_request.status, target):
        raise ValidationError(
            _("申请当前为“%(status)s”，不能转为“%(target)s”")
            % {"status": S.label(share_request.status), "target": S.label(target)}
        )


def _event(share_request, action, user, body=""):
    return ShareRequestEvent.objects.create(
        request=share_request, action=action, actor=user, department_id=getattr(user, "department_id", None),
        body=body,
    )


def _notify_consumer(share_request, subject, body="", key=""):
    notify(subject=subject, body=body, link=_request_link(share_request), key=key,
           users=[share_request.requested_by], departments=[share_request.consumer_id], roles=CONSUMER_ROLES)


def _notify_provider(share_request, subject, body="", key=""):
    notify(subject=subject, body=body, link=_request_link(share_request), key=key,
           departments=[share_request.resource.provider_id], roles=PROVIDER_ROLES)


def _notify_authority(share_request, subject, body="", key=""):
    authority = competent_authority_for(share_request.resource.provider.jurisdiction)
    if authority is not None:
        notify(subject=subject, body=body, link=_request_link(share_request), key=key,
               departments=[authority.pk], roles=(R.AUTHORITY_OFFICER,))


# ---------------------------------------------------------------------------------------------------------------
# Consumer systems (应用系统) and their secrets

def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_system_admin(user, department_id):
    if _is_platform_admin(user):
        return
    if not user.has_role(R.DEPARTMENT_ADMIN) or user.department_id != department_id:
        raise PermissionDenied(_("只有本部门管理员可以管理本部门的应用系统"))


@transaction.atomic
def create_system(department, *, user, name, description="") -> tuple[ConsumerSystem, str]:
    """Register a system of the department; returns it with its secret, which is shown once and stored hashed."""
    _check_system_admin(user, _id(department))
    name = _required_text(name, "name", _("请填写系统名称"))[:200]
    if ConsumerSystem.objects.filter(department_id=_id(department), name=name).exists():
        raise ValidationError({"name": [_("本部门已有同名的应用系统")]})
    secret = secrets.token_urlsafe(32)
    with acting_as(user):
        system = ConsumerSystem.objects.create(
            department_id=_id(department), name=name, description=(description or "")[:500],
            app_key="gs" + secrets.token_hex(16), secret_hash=_hash_secret(secret),
        )
    return system, secret


@transaction.atomic
def reset_secret(system, *, user) -> str:
    """Issue a new secret (the old one stops working, and so do the tokens obtained with it); shown once."""
    system = ConsumerSystem.objects.select_for_update().get(pk=system.pk)
    _check_system_admin(user, system.department_id)
    secret = secrets.token_urlsafe(32)
    with acting_as(user):
        system.secret_hash = _hash_secret(secret)
        system.save(update_fields=["secret_hash", "last_updated"])
        AccessToken.objects.filter(system=system, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return secret


@transaction.atomic
def disable_system(system, *, user) -> ConsumerSystem:
    """Stop a system: its secret and tokens are refused from now on."""
    system = ConsumerSystem.objects.select_for_update().get(pk=system.pk)
    _check_system_admin(user, system.department_id)
    with acting_as(user):
        system.is_active = False
        system.save(update_fields=["is_active", "last_updated"])
        AccessToken.objects.filter(system=system, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return system


@transaction.atomic
def enable_system(system, *, user) -> ConsumerSystem:
    """Put a disabled system back in service (with its current secret)."""
    system = ConsumerSystem.objects.select_for_update().get(pk=system.pk)
    _check_system_admin(user, system.department_id)
    with acting_as(user):
        system.is_active = True
        system.save(update_fields=["is_active", "last_updated"])
    return system


_DUMMY_HASH = _hash_secret("not a secret")


def verify_secret(app_key, secret):
    """The active system whose app key and secret these are, else None (compared in constant time)."""
    if not app_key or not secret:
        return None
    system = ConsumerSystem.objects.filter(app_key=str(app_key)).select_related("department").first()
    expected = system.secret_hash if system is not None else _DUMMY_HASH
    matches = hmac.compare_digest(expected, _hash_secret(str(secret)))
    if system is None or not matches or not system.is_active:
        return None
    return system


# ---------------------------------------------------------------------------------------------------------------
# Grants

def _grant_default(field):
    return Grant._meta.get_field(field).default


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _validate_limits(rate_limit, daily_quota):
    errors = {}
    for field, value in (("rate_limit", rate_limit), ("daily_quota", daily_quota)):
        if value is not None and (not isinstance(value, int) or value < 1):
            errors[field] = [_("必须是正整数")]
    if errors:
        raise ValidationError(errors)


def _audit_grant(grant, user, items, purpose=""):
    audit.append(
        user=user, action=AuditActionChoices.GRANT, resource=grant.resource, items=[_item_code(i) for i in items],
        purpose=purpose,
        detail={"grant": grant.pk, "basis": grant.basis, "consumer": grant.consumer_id, "system": grant.system_id,
                "valid_until": grant.valid_until.isoformat() if grant.valid_until else None},
    )


def _issue_grant(share_request, *, user, basis, items, clear_items=(), valid_until=None, rate_limit=None,
                 daily_quota=None) -> Grant:
    """The grant an approval or a decision gives; it replaces the grant an earlier answer on the request gave."""
    sensitive = [item for item in items if item.is_sensitive]
    clear = _pick(clear_items, sensitive, "clear_items", _("明文信息项只能从已同意的敏感信息项中选择"))
    now = timezone.now()
    valid_from = max(now, _start_of(share_request.period_start))
    if valid_until is None:
        valid_until = _start_of(share_request.period_end + datetime.timedelta(days=1))
    if valid_until <= max(now, valid_from):
        raise ValidationError({"valid_until": [_("失效时间必须晚于生效时间和当前时间")]})
    _validate_limits(rate_limit, daily_quota)
    previous = share_request.grant
    if previous is not None and previous.revoked_at is None:
        _revoke(previous, user=user, reason=_("已由对同一申请的新决定替代"))
    grant = Grant.objects.create(
        resource=share_request.resource, consumer=share_request.consumer, system=share_request.system, basis=basis,
        purpose=share_request.purpose, valid_from=valid_from, valid_until=valid_until,
        rate_limit=rate_limit or _grant_default("rate_limit"), daily_quota=daily_quota or _grant_default("daily_quota"),
        granted_by=user,
    )
    grant.items.set(items)
    grant.clear_items.set(clear)
    share_request.grant = grant
    _audit_grant(grant, user, items, share_request.purpose)
    return grant


@transaction.atomic
def subscribe(resource, consumer, *, user, system=None, items=None) -> Grant:
    """Obtain an unconditional resource at once (无条件共享): a grant of its unconditional items (or some of them).

    Subscribing again with the same system updates the items of the grant in force instead of adding another.
    """
    _check_consumer(user, consumer)
    if resource.status != EntryStatusChoices.PUBLISHED:
        raise ValidationError({"resource": [_("只能订阅已发布的资源")]})
    if resource.share_type != ShareTypeChoices.UNCONDITIONAL:
        raise ValidationError({"resource": [_("该资源不是无条件共享资源，请提交共享申请")]})
    system = _check_system(system, consumer)
    unconditional = [item for item in resource.items.all() if item.share_type == ShareTypeChoices.UNCONDITIONAL]
    if items is None:
        chosen = unconditional
    else:
        chosen = _pick(items, unconditional, "items", _("只能订阅该资源的无条件共享信息项，其余信息项须提交共享申请"))
    if not chosen:
        raise ValidationError({"items": [_("请至少选择一个无条件共享的信息项")]})
    existing = (
        Grant.objects.active()
        .filter(resource=resource, consumer_id=_id(consumer), system=system, basis=GrantBasisChoices.SUBSCRIPTION)
        .first()
    )
    with acting_as(user):
        if existing is not None:
            grant = existing
            grant.items.set(chosen)
        else:
            grant = Grant.objects.create(
                resource=resource, consumer_id=_id(consumer), system=system, basis=GrantBasisChoices.SUBSCRIPTION,
                granted_by=user,
            )
            grant.items.set(chosen)
    _audit_grant(grant, user, chosen)
    consumer_name = Department.objects.filter(pk=_id(consumer)).values_list("name", flat=True).first()
    notify(subject=_("%(consumer)s订阅了资源“%(resource)s”") % {"consumer": consumer_name, "resource": resource.name},
           link=_grant_link(grant), departments=[resource.provider_id], roles=PROVIDER_ROLES)
    return grant


def _revoke(grant, *, user, reason):
    with acting_as(user):
        grant.revoked_at = timezone.now()
        grant.revoked_by = user
        grant.revoke_reason = reason[:500]
        grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "last_updated"])
        for share_request in grant.share_requests.all():
            _event(share_request, RequestEventChoices.GRANT_REVOKED, user, reason)
    audit.append(
        user=user, action=AuditActionChoices.REVOKE, resource=grant.resource,
        items=[_item_code(item) for item in grant.items.all()], purpose=grant.purpose,
        detail={"grant": grant.pk, "consumer": grant.consumer_id, "reason": reason},
    )


@transaction.atomic
def revoke_grant(grant, *, user, reason) -> Grant:
    """Stop a grant at once, with the reason (the provider, or the competent authority of its jurisdiction)."""
    reason = _required_text(reason, "reason", _("撤销授权必须说明原因"))
    if not Grant.objects.restrict(user, "change").filter(pk=grant.pk).exists():
        raise PermissionDenied(_("只有资源提供部门或共享主管部门可以撤销授权"))
    grant = Grant.objects.select_for_update(of=("self",)).select_related("resource").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("该授权已撤销"))
    _revoke(grant, user=user, reason=reason)
    notify(subject=_("资源“%(resource)s”的共享授权已被撤销") % {"resource": grant.resource.name}, body=reason,
           link=_grant_link(grant), departments=[grant.consumer_id], roles=CONSUMER_ROLES)
    return grant


@transaction.atomic
def update_grant(grant, *, user, valid_until=None, rate_limit=None, daily_quota=None) -> Grant:
    """Change a grant's validity and limits (the provider, or the authority); a revoked grant stays revoked."""
    if not Grant.objects.restrict(user, "change").filter(pk=grant.pk).exists():
        raise PermissionDenied(_("只有资源提供部门或共享主管部门可以修改授权"))
    grant = Grant.objects.select_for_update(of=("self",)).get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("已撤销的授权不能修改"))
    _validate_limits(rate_limit, daily_quota)
    if valid_until is not None and valid_until <= grant.valid_from:
        raise ValidationError({"valid_until": [_("失效时间必须晚于生效时间")]})
    with acting_as(user):
        grant.valid_until = valid_until
        grant.rate_limit = rate_limit or grant.rate_limit
        grant.daily_quota = daily_quota or grant.daily_quota
        grant.save()
    return grant


# ---------------------------------------------------------------------------------------------------------------
# Share requests

def _validate_attachments(attachments):
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [_("附件不能超过 %(n)d 个") % {"n": MAX_ATTACHMENTS}]})
    limit = max_attachment_bytes()
    for upload in attachments:
        if upload.size > limit:
            raise ValidationError({"attachments": [
                _("附件“%(name)s”超过 %(mb)s MB 的大小限制") % {"name": upload.name, "mb": round(limit / 1048576, 1)}
            ]})
        if upload.size == 0:
            raise ValidationError({"attachments": [_("附件“%(name)s”是空文件") % {"name": upload.name}]})


@transaction.atomic
def submit_request(resource, consumer, *, user, items, purpose, legal_basis, period_start, period_end,
                   use_scenario="", system=None, attachments=()) -> ShareRequest:
    """Apply for a resource: to its provider when it is shared on conditions (answered within the working-day
    deadline), to the competent authority when it is not shared."""
    _check_consumer(user, consumer)
    if resource.status != EntryStatusChoices.PUBLISHED:
        raise ValidationError({"resource": [_("只能申请已发布的资源")]})
    if resource.share_type == ShareTypeChoices.UNCONDITIONAL:
        raise ValidationError({"resource": [_("无条件共享的资源无需申请，可直接订阅")]})
    if resource.provider_id == _id(consumer):
        raise ValidationError({"resource": [_("本部门提供的资源无需申请")]})
    kind = RequestKindChoices.AUTHORITY if resource.share_type == ShareTypeChoices.NOT_SHARED else (
        RequestKindChoices.PROVIDER
    )
    errors = {}
    for field, value, message in (
        ("purpose", purpose, _("请填写使用用途")),
        ("legal_basis", legal_basis, _("请填写申请依据（法律法规或履职需要）")),
    ):
        try:
            _required_text(value, field, message)
        except ValidationError as error:
            errors.update(error.message_dict)
    today = timezone.localdate()
    if period_start is None:
        errors["period_start"] = [_("请填写使用开始日期")]
    if period_end is None:
        errors["period_end"] = [_("请填写使用截止日期")]
    elif period_start is not None and period_end < period_start:
        errors["period_end"] = [_("使用截止日期不能早于开始日期")]
    elif period_end < today:
        errors["period_end"] = [_("使用截止日期不能早于今天")]
    all_items = list(resource.items.all())
    chosen = []
    try:
        chosen = _pick(items, all_items, "items", _("信息项不属于该资源"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if not chosen and "items" not in errors:
        errors["items"] = [_("请至少选择一个信息项")]
    if kind == RequestKindChoices.PROVIDER:
        refused = [item.name for item in chosen if item.share_type == ShareTypeChoices.NOT_SHARED]
        if refused:
            errors["items"] = [_("信息项“%(names)s”不予共享，不能向提供部门申请，只能向共享主管部门申请协调")
                               % {"names": "、".join(refused)}]
    try:
        _validate_attachments(list(attachments))
        system = _check_system(system, consumer)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if kind == RequestKindChoices.AUTHORITY and competent_authority_for(resource.provider.jurisdiction) is None:
        raise ValidationError(_("资源提供部门所在区域尚未设置共享主管部门，暂不能申请协调"))

    now = timezone.now()
    with acting_as(user):
        share_request = ShareRequest(
            kind=kind, resource=resource, consumer_id=_id(consumer), system=system, requested_by=user,
            purpose=purpose.strip(), legal_basis=legal_basis.strip(), use_scenario=(use_scenario or "").strip(),
            period_start=period_start, period_end=period_end, submitted_at=now,
        )
        if kind == RequestKindChoices.PROVIDER:
            days, due = answer_due(resource, now)
            share_request.status = S.SUBMITTED
            share_request.answer_days, share_request.due_on, share_request.due_is_estimate = (
                days, due.date, due.estimated
            )
        else:
            share_request.status = S.ESCALATED
            share_request.escalated_at = now
            share_request.escalation_reason = share_request.purpose
        share_request.save()
        share_request.items.set(chosen)
        _event(share_request, RequestEventChoices.SUBMITTED, user)
        for upload in attachments:
            ShareRequestAttachment.objects.create(
                request=share_request, file=upload, name=upload.name[:200], size=upload.size,
                content_type=(getattr(upload, "content_type", "") or "")[:100], uploaded_by=user,
            )
    audit.append(
        user=user, action=AuditActionChoices.REQUEST, resource=resource, items=[_item_code(i) for i in chosen],
        purpose=share_request.purpose, detail={"request": share_request.pk, "kind": kind, "step": "submit"},
    )
    subject = _("%(consumer)s申请共享“%(resource)s”") % {"consumer": share_request.consumer.name,
                                                        "resource": resource.name}
    if kind == RequestKindChoices.PROVIDER:
        _notify_provider(share_request, subject, _("请在 %(due)s 前答复") % {"due": share_request.due_on})
    else:
        _notify_authority(share_request, subject, _("该资源不予共享，使用部门申请主管部门协调"))
    return share_request


def _decision_detail(share_request, decision, **extra):
    return {"request": share_request.pk, "decision": decision, **extra}


@transaction.atomic
def approve_request(share_request, *, user, items=None, clear_items=(), valid_until=None, rate_limit=None,
                    daily_quota=None, comment="") -> Grant:
    """The provider agrees to all requested items, or to some of them (then it says why not the rest)."""
    share_request = _lock(share_request)
    _require_request(share_request, user, "answer", _("只有资源提供部门的数据提供方或部门管理员可以答复申请"))
    requested = list(share_request.items.all())
    chosen = requested if items is None else _pick(items, requested, "items", _("只能在申请的信息项范围内同意"))
    if not chosen:
        raise ValidationError({"items": [_("请至少同意一个信息项；全部不同意请选择拒绝并说明理由")]})
    partial = len(chosen) < len(requested)
    target = S.PARTIALLY_APPROVED if partial else S.APPROVED
    _check_move(share_request, target)
    comment = (comment or "").strip()
    if partial and not comment:
        raise ValidationError({"comment": [_("部分同意时必须说明其余信息项不予共享的理由")]})
    with acting_as(user):
        grant = _issue_grant(share_request, user=user, basis=GrantBasisChoices.REQUEST, items=chosen,
                             clear_items=clear_items, valid_until=valid_until, rate_limit=rate_limit,
                             daily_quota=daily_quota)
        share_request.status = target
        share_request.answered_by = user
        share_request.answered_at = timezone.now()
        share_request.answer = comment
        share_request.save()
        _event(share_request, RequestEventChoices.PARTIALLY_APPROVED if partial else RequestEventChoices.APPROVED,
               user, comment)
    refused = [_item_code(item) for item in requested if item not in chosen]
    audit.append(
        user=user, action=AuditActionChoices.DECISION, resource=share_request.resource,
        items=[_item_code(i) for i in chosen], purpose=share_request.purpose,
        detail=_decision_detail(share_request, target, grant=grant.pk, refused_items=refused),
    )
    _notify_consumer(share_request, _("共享申请已%(answer)s：%(resource)s") % {
        "answer": S.label(target), "resource": share_request.resource.name}, comment)
    return grant


@transaction.atomic
def refuse_request(share_request, *, user, reason) -> ShareRequest:
    """The provider refuses, with the reasons (required); the consumer may then negotiate or escalate."""
    reason = _required_text(reason, "reason", _("拒绝共享必须说明理由"))
    share_request = _lock(share_request)
    _require_request(share_request, user, "answer", _("只有资源提供部门的数据提供方或部门管理员可以答复申请"))
    _check_move(share_request, S.REFUSED)
    with acting_as(user):
        share_request.status = S.REFUSED
        share_request.answered_by = user
        share_request.answered_at = timezone.now()
        share_request.answer = reason
        share_request.save()
        _event(share_request, RequestEventChoices.REFUSED, user, reason)
    audit.append(
        user=user, action=AuditActionChoices.DECISION, resource=share_request.resource,
        items=[_item_code(i) for i in share_request.items.all()], purpose=share_request.purpose,
        detail=_decision_detail(share_request, S.REFUSED, reason=reason),
    )
    _notify_consumer(share_request, _("共享申请被拒绝：%(resource)s") % {"resource": share_request.resource.name},
                     _("%(reason)s（可发起协商或提请共享主管部门协调）") % {"reason": reason})
    return share_request


@transaction.atomic
def start_negotiation(share_request, *, user, message) -> ShareRequest:
    """The consumer disputes a refusal and asks the provider to negotiate (协商)."""
    message = _required_text(message, "message", _("请填写协商说明"))
    share_request = _lock(share_request)
    _require_request(share_request, user, "submit", _("只有申请部门的数据使用方或部门管理员可以发起协商"))
    _check_move(share_request, S.NEGOTIATING)
    with acting_as(user):
        share_request.status = S.NEGOTIATING
        share_request.save()
        _event(share_request, RequestEventChoices.NEGOTIATION, user, message)
    _notify_provider(share_request, _("%(consumer)s就“%(resource)s”的申请请求协商") % {
        "consumer": share_request.consumer.name, "resource": share_request.resource.name}, message)
    return share_request


def _participant_side(share_request, user):
    """"consumer", "provider" or "authority": the side the user speaks for on this request, else None."""
    if user.department_id == share_request.consumer_id:
        return "consumer"
    if user.department_id == share_request.resource.provider_id:
        return "provider"
    if ShareRequest.objects.restrict(user, "decide").filter(pk=share_request.pk).exists():
        return "authority"
    return None


@transaction.atomic
def add_comment(share_request, *, user, body) -> ShareRequestEvent:
    """A message on the request's thread, from the consumer, the provider or the authority, while it is open."""
    body = _required_text(body, "body", _("请填写留言内容"))
    share_request = _lock(share_request)
    side = _participant_side(share_request, user)
    if side is None:
        raise PermissionDenied(_("只有申请部门、提供部门和共享主管部门可以留言"))
    if share_request.status not in S.OPEN:
        raise ValidationError(_("申请已办结，不能再留言"))
    event = _event(share_request, RequestEventChoices.COMMENT, user, body)
    subject = _("“%(resource)s”的共享申请有新留言") % {"resource": share_request.resource.name}
    if side != "consumer":
        _notify_consumer(share_request, subject, body)
    if side != "provider":
        _notify_provider(share_request, subject, body)
    if share_request.status == S.ESCALATED and side != "authority":
        _notify_authority(share_request, subject, body)
    return event


@transaction.atomic
def escalate_request(share_request, *, user, reason) -> ShareRequest:
    """Take a refused or disputed request to the competent authority of the provider's jurisdiction, whose
    decision binds; either department may do so."""
    reason = _required_text(reason, "reason", _("请说明提请协调的事由"))
    share_request = _lock(share_request)
    consumer_side = ShareRequest.objects.restrict(user, "submit").filter(pk=share_request.pk).exists()
    provider_side = ShareRequest.objects.restrict(user, "answer").filter(pk=share_request.pk).exists()
    if not (consumer_side or provider_side):
        raise PermissionDenied(_("只有申请部门或提供部门可以提请共享主管部门协调"))
    _check_move(share_request, S.ESCALATED)
    if competent_authority_for(share_request.resource.provider.jurisdiction) is None:
        raise ValidationError(_("资源提供部门所在区域尚未设置共享主管部门"))
    with acting_as(user):
        share_request.status = S.ESCALATED
        share_request.escalated_at = timezone.now()
        share_request.escalation_reason = reason
        share_request.save()
        _event(share_request, RequestEventChoices.ESCALATED, user, reason)
    audit.append(
        user=user, action=AuditActionChoices.REQUEST, resource=share_request.resource,
        items=[_item_code(i) for i in share_request.items.all()], purpose=share_request.purpose,
        detail={"request": share_request.pk, "step": "escalate", "reason": reason},
    )
    subject = _("“%(resource)s”的共享申请提请主管部门协调") % {"resource": share_request.resource.name}
    _notify_authority(share_request, subject, reason)
    _notify_consumer(share_request, subject, reason)
    _notify_provider(share_request, subject, reason)
    return share_request


@transaction.atomic
def decide_request(share_request, *, user, grant: bool, reason, items=None, clear_items=(), valid_until=None,
                   rate_limit=None, daily_quota=None) -> Grant | None:
    """The competent authority decides, with reasons: share (a grant with basis "authority", any items of the
    resource) or a final refusal. The decision binds both departments."""
    reason = _required_text(reason, "reason", _("主管部门的决定必须说明理由"))
    share_request = _lock(share_request)
    _require_request(share_request, user, "decide",
                     _("只有资源提供部门所在区域共享主管部门的工作人员可以作出决定"))
    target = S.AUTHORITY_GRANTED if grant else S.AUTHORITY_REFUSED
    _check_move(share_request, target)
    issued = None
    chosen = list(share_request.items.all())
    with acting_as(user):
        if grant:
            if items is not None:
                chosen = _pick(items, list(share_request.resource.items.all()), "items", _("信息项不属于该资源"))
            if not chosen:
                raise ValidationError({"items": [_("请至少选择一个信息项")]})
            issued = _issue_grant(share_request, user=user, basis=GrantBasisChoices.AUTHORITY, items=chosen,
                                  clear_items=clear_items, valid_until=valid_until, rate_limit=rate_limit,
                                  daily_quota=daily_quota)
        share_request.status = target
        share_request.decided_by = user
        share_request.decided_at = timezone.now()
        share_request.decision = reason
        share_request.save()
        _event(share_request, RequestEventChoices.AUTHORITY_GRANTED if grant else RequestEventChoices.AUTHORITY_REFUSED,
               user, reason)
    audit.append(
        user=user, action=AuditActionChoices.DECISION, resource=share_request.resource,
        items=[_item_code(i) for i in chosen], purpose=share_request.purpose,
        detail=_decision_detail(share_request, target, reason=reason, grant=issued.pk if issued else None),
    )
    subject = _("主管部门已就“%(resource)s”的共享申请作出决定：%(decision)s") % {
        "resource": share_request.resource.name, "decision": S.label(target)}
    _notify_consumer(share_request, subject, reason)
    _notify_provider(share_request, subject, reason)
    return issued


@transaction.atomic
def withdraw_request(share_request, *, user) -> ShareRequest:
    """The consumer withdraws a request nobody has settled yet."""
    share_request = _lock(share_request)
    _require_request(share_request, user, "submit", _("只有申请部门的数据使用方或部门管理员可以撤回申请"))
    _check_move(share_request, S.WITHDRAWN)
    with acting_as(user):
        share_request.status = S.WITHDRAWN
        share_request.save()
        _event(share_request, RequestEventChoices.WITHDRAWN, user)
    audit.append(
        user=user, action=AuditActionChoices.REQUEST, resource=share_request.resource,
        items=[_item_code(i) for i in share_request.items.all()], purpose=share_request.purpose,
        detail={"request": share_request.pk, "step": "withdraw"},
    )
    return share_request


# ---------------------------------------------------------------------------------------------------------------
# Deadlines (the hourly job)

def remind_deadlines(*, today=None) -> dict:
    """Remind providers of requests due within the reminder days, and report overdue ones to them and to the
    competent authority. Each message has a key, so running this every hour sends it once."""
    from govshare.workdays.services import WorkCalendar

    today = today or timezone.localdate()
    calendar = WorkCalendar()
    lead = reminder_days()
    reminded = overdue = 0
    pending = ShareRequest.objects.filter(status=S.SUBMITTED, due_on__isnull=False).select_related(
        "resource__provider__jurisdiction", "consumer"
    )
    for share_request in pending:
        names = {"consumer": share_request.consumer.name, "resource": share_request.resource.name,
                 "due": share_request.due_on.isoformat()}
        if today > share_request.due_on:
            subject = _("共享申请已逾期未答复：%(consumer)s申请“%(resource)s”（期限 %(due)s）") % names
            key = f"sharing:request:{share_request.pk}:overdue"
            _notify_provider(share_request, subject, key=key)
            _notify_authority(share_request, subject, _("提供部门未在期限内答复，请督办"), key=key)
            overdue += 1
        elif calendar.working_days_between(today, share_request.due_on) <= lead:
            subject = _("共享申请即将到期：%(consumer)s申请“%(resource)s”，请在 %(due)s 前答复") % names
            _notify_provider(share_request, subject, key=f"sharing:request:{share_request.pk}:reminder")
            reminded += 1
    return {"reminded": reminded, "overdue": overdue}
