"""Domain actions on the catalogue. Each owns its transaction, checks the rules and permissions, and keeps the
search index and the version history in step. The web UI, the API, the importer and the CLI all call these."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.context import acting_as
from govshare.users.choices import RoleChoices

from .choices import EntryStatusChoices, VersionStatusChoices
from .models import Classification, CodeSequence, InfoItem, Resource, ResourceVersion, UpdateDuty
from .rules import entry_rule_errors

__all__ = [
    "ENTRY_FIELDS",
    "ITEM_FIELDS",
    "approve_entry",
    "complete_update_duty",
    "create_entry",
    "diff_snapshots",
    "discard_change",
    "entry_data",
    "entry_snapshot",
    "pending_version",
    "record_update_duty",
    "render_code",
    "return_entry",
    "submit_entry",
    "update_entry",
    "withdraw_entry",
]

# The entry's editable metadata; foreign keys are given as instances or ids under their field name.
ENTRY_FIELDS = (
    "classification", "name", "provider", "provider_office", "source_system", "abstract", "format_category",
    "format_type", "share_type", "share_condition", "share_basis", "share_mode", "open_type", "open_condition",
    "update_cycle", "related_codes", "description",
)
FOREIGN_KEYS = ("classification", "provider", "provider_office")
ITEM_FIELDS = (
    "name", "code", "data_type", "length", "description", "is_sensitive", "is_basic", "share_type",
    "share_condition", "open_type",
)
ITEM_DEFAULTS = {"code": "", "length": None, "description": "", "is_sensitive": False, "is_basic": False,
                 "share_condition": ""}


# ---------------------------------------------------------------------------------------------------------------
# Snapshots: the plain-data form of an entry, stored in versions and compared for the history diff.

def _id(value):
    return getattr(value, "pk", value)


def _normalise_fields(fields: dict) -> dict:
    data = {}
    for name in ENTRY_FIELDS:
        value = fields.get(name)
        if name in FOREIGN_KEYS:
            value = _id(value) or None
        elif name == "related_codes":
            value = [code.strip() for code in (value or []) if str(code).strip()]
        elif value is None:
            value = ""
        data[name] = value
    return data


def _normalise_items(items: list[dict]) -> list[dict]:
    normalised = []
    for item in items:
        row = {name: item.get(name, ITEM_DEFAULTS.get(name)) for name in ITEM_FIELDS}
        for name, default in ITEM_DEFAULTS.items():
            if row[name] is None and default is not None:
                row[name] = default
        row["name"] = (row["name"] or "").strip()
        normalised.append(row)
    return normalised


def entry_snapshot(resource) -> dict:
    """The entry as it stands (fields and info items) in the plain form kept in versions."""
    fields = {name: getattr(resource, f"{name}_id" if name in FOREIGN_KEYS else name) for name in ENTRY_FIELDS}
    items = [{name: getattr(item, name) for name in ITEM_FIELDS} for item in resource.items.all()]
    return {"fields": _normalise_fields(fields), "items": _normalise_items(items)}


def pending_version(resource):
    """The change in progress (being edited, in review or returned), if any."""
    return resource.versions.filter(
        status__in=[VersionStatusChoices.DRAFT, VersionStatusChoices.SUBMITTED, VersionStatusChoices.RETURNED]
    ).first()


def entry_data(resource) -> dict:
    """What an editor should see: the pending change when there is one, else the entry itself."""
    pending = pending_version(resource) if resource.status == EntryStatusChoices.PUBLISHED else None
    return pending.snapshot if pending else entry_snapshot(resource)


def diff_snapshots(before: dict | None, after: dict) -> dict:
    """Fields changed {field: (before, after)} and info items added, removed and changed (matched by name)."""
    before = before or {"fields": {}, "items": []}
    fields = {
        name: (before["fields"].get(name), after["fields"].get(name))
        for name in ENTRY_FIELDS
        if before["fields"].get(name) != after["fields"].get(name)
    }
    old_items = {item["name"]: item for item in before["items"]}
    new_items = {item["name"]: item for item in after["items"]}
    changed = {}
    for name in old_items.keys() & new_items.keys():
        delta = {
            key: (old_items[name].get(key), new_items[name].get(key))
            for key in ITEM_FIELDS
            if old_items[name].get(key) != new_items[name].get(key)
        }
        if delta:
            changed[name] = delta
    return {
        "fields": fields,
        "items_added": [name for name in new_items if name not in old_items],
        "items_removed": [name for name in old_items if name not in new_items],
        "items_changed": changed,
    }


# ---------------------------------------------------------------------------------------------------------------
# Permissions

def _is_platform_admin(user):
    return user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN)


def _require(resource, user, action, message):
    if not Resource.objects.restrict(user, action).filter(pk=resource.pk).exists():
        raise PermissionDenied(message)


def _check_provider(user, provider_id):
    if _is_platform_admin(user):
        return
    if not user.has_role(RoleChoices.CATALOGUER, RoleChoices.DEPARTMENT_ADMIN):
        raise PermissionDenied(_("只有编目员或部门管理员可以编制目录"))
    if provider_id != user.department_id:
        raise PermissionDenied(_("只能为本部门编制目录"))


# ---------------------------------------------------------------------------------------------------------------
# Validation shared by create, update and submit

def _validate(fields: dict, items: list[dict]):
    errors: dict[str, list[str]] = {}
    for required in ("classification", "name", "provider", "abstract", "format_category", "share_type",
                     "open_type", "update_cycle"):
        if fields.get(required) in (None, ""):
            errors.setdefault(required, []).append(_("此项为必填项"))
    for index, item in enumerate(items):
        for required in ("name", "data_type", "share_type", "open_type"):
            if item.get(required) in (None, ""):
                errors.setdefault(f"items.{index}.{required}", []).append(_("此项为必填项"))
    classification = None
    if fields.get("classification"):
        classification = Classification.objects.filter(pk=fields["classification"]).first()
        if classification is None:
            errors.setdefault("classification", []).append(_("资源分类不存在"))
        elif classification.level < 2:
            errors.setdefault("classification", []).append(_("请至少选择到“项”一级的分类"))
    if fields.get("provider_office") and fields.get("provider"):
        from govshare.organizations.models import Office

        if not Office.objects.filter(pk=fields["provider_office"], department_id=fields["provider"]).exists():
            errors.setdefault("provider_office", []).append(_("内设机构不属于资源提供方"))
    rule_errors = entry_rule_errors(fields, items, classification.category if classification else None)
    for key, messages in rule_errors.items():
        errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _reindex(resource_ids):
    from . import search

    search.index_resources(resource_ids)


def _write_items(resource, items: list[dict]):
    """Replace the entry's info items, keeping the rows (and their ids) of items whose name stays."""
    existing = {item.name: item for item in resource.items.all()}
    keep = set()
    to_create = []
    for position, data in enumerate(items, start=1):
        item = existing.get(data["name"])
        if item is None:
            to_create.append(InfoItem(resource=resource, position=position, **data))
            continue
        keep.add(item.pk)
        changed = item.position != position or any(getattr(item, key) != value for key, value in data.items())
        if changed:
            item.position = position
            for key, value in data.items():
                setattr(item, key, value)
            item.save()
    for item in existing.values():
        if item.pk not in keep:
            item.delete()
    InfoItem.objects.bulk_create(to_create)


def _apply_fields(resource, fields: dict):
    for name, value in fields.items():
        setattr(resource, f"{name}_id" if name in FOREIGN_KEYS else name, value)


# ---------------------------------------------------------------------------------------------------------------
# Lifecycle

@transaction.atomic
def create_entry(*, user, fields: dict, items: list[dict]) -> Resource:
    """Catalogue a new entry as a draft of the user's department."""
    fields = _normalise_fields(fields)
    items = _normalise_items(items)
    _check_provider(user, fields["provider"])
    _validate(fields, items)
    with acting_as(user):
        resource = Resource(status=EntryStatusChoices.DRAFT)
        _apply_fields(resource, fields)
        resource.save()
        InfoItem.objects.bulk_create(
            InfoItem(resource=resource, position=position, **data) for position, data in enumerate(items, start=1)
        )
        _reindex([resource.pk])
    return resource


@transaction.atomic
def update_entry(resource, *, user, fields: dict, items: list[dict], change_summary: str = "") -> Resource:
    """Edit a draft or returned entry in place; for a published entry, keep the change as a pending version."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _require(resource, user, "change", _("无权修改此目录"))
    fields = _normalise_fields(fields)
    items = _normalise_items(items)
    if fields["provider"] != resource.provider_id and not _is_platform_admin(user):
        raise PermissionDenied(_("不能更改资源提供方"))
    _validate(fields, items)
    with acting_as(user):
        if resource.status in EntryStatusChoices.EDITABLE:
            _apply_fields(resource, fields)
            resource.save()
            _write_items(resource, items)
            _reindex([resource.pk])
            return resource
        if resource.status != EntryStatusChoices.PUBLISHED:
            raise ValidationError(_("“%(status)s”状态的目录不能修改") % {"status": resource.get_status_display()})
        pending = pending_version(resource)
        if pending and pending.status == VersionStatusChoices.SUBMITTED:
            raise ValidationError(_("变更正在审核中，审核完成前不能再修改"))
        snapshot = {"fields": fields, "items": items}
        if pending is None:
            pending = ResourceVersion(resource=resource, number=_next_version_number(resource), created_by=user)
        pending.snapshot = snapshot
        pending.status = VersionStatusChoices.DRAFT
        pending.change_summary = change_summary
        pending.save()
    return resource


def _next_version_number(resource):
    return (resource.versions.aggregate(top=Max("number"))["top"] or 0) + 1


@transaction.atomic
def submit_entry(resource, *, user, change_summary: str = "") -> ResourceVersion:
    """Send a draft, a returned entry or a pending change to the competent authority for review."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _require(resource, user, "change", _("无权提交此目录"))
    now = timezone.now()
    with acting_as(user):
        if resource.status in EntryStatusChoices.EDITABLE:
            snapshot = entry_snapshot(resource)
            _validate(snapshot["fields"], snapshot["items"])
            version = pending_version(resource) or ResourceVersion(
                resource=resource, number=_next_version_number(resource), created_by=user
            )
            version.snapshot = snapshot
            resource.status = EntryStatusChoices.SUBMITTED
            resource.save(update_fields=["status", "last_updated"])
        elif resource.status == EntryStatusChoices.PUBLISHED:
            version = pending_version(resource)
            if version is None:
                raise ValidationError(_("没有待提交的变更"))
            if version.status == VersionStatusChoices.SUBMITTED:
                raise ValidationError(_("变更已提交，正在审核中"))
            _validate(version.snapshot["fields"], version.snapshot["items"])
        else:
            raise ValidationError(_("“%(status)s”状态的目录不能提交") % {"status": resource.get_status_display()})
        version.status = VersionStatusChoices.SUBMITTED
        version.submitted_at = now
        version.created_by = version.created_by or user
        if change_summary:
            version.change_summary = change_summary
        version.review_comment = ""
        version.save()
    return version


def _version_in_review(resource):
    version = pending_version(resource)
    if version is None or version.status != VersionStatusChoices.SUBMITTED:
        raise ValidationError(_("此目录没有待审核的内容"))
    return version


def _check_reviewer(resource, user, version):
    _require(resource, user, "review", _("无权审核此目录：只有本区域共享主管部门的审核员可以审核"))
    if version.created_by_id == user.pk and not user.is_superuser:
        raise PermissionDenied(_("不能审核自己提交的目录"))


@transaction.atomic
def return_entry(resource, *, user, reason: str) -> ResourceVersion:
    """Send a submitted entry or change back to its department with the reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("退回必须填写理由")]})
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    version = _version_in_review(resource)
    _check_reviewer(resource, user, version)
    with acting_as(user):
        version.status = VersionStatusChoices.RETURNED
        version.reviewed_by = user
        version.reviewed_at = timezone.now()
        version.review_comment = reason.strip()
        version.save()
        if resource.status == EntryStatusChoices.SUBMITTED:
            resource.status = EntryStatusChoices.RETURNED
            resource.save(update_fields=["status", "last_updated"])
    return version


def render_code(classification, sequence: int) -> str:
    """The rendered resource code: classification code, separator, six-digit sequence number."""
    return f"{classification.full_code}{settings.GOVSHARE_CODE_SEPARATOR}{sequence:06d}"


def _assign_code(resource):
    sequence, _created = CodeSequence.objects.select_for_update().get_or_create(
        prefix=resource.classification.full_code
    )
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    resource.code_sequence = sequence.last_value
    resource.code = render_code(resource.classification, sequence.last_value)


@transaction.atomic
def approve_entry(resource, *, user, comment: str = "") -> ResourceVersion:
    """Approve and publish: a first approval assigns the code; a change replaces the published content."""
    resource = Resource.objects.select_for_update().select_related("classification").get(pk=resource.pk)
    version = _version_in_review(resource)
    _check_reviewer(resource, user, version)
    now = timezone.now()
    with acting_as(user):
        if resource.status == EntryStatusChoices.PUBLISHED:
            fields = version.snapshot["fields"]
            _apply_fields(resource, fields)
            if resource.classification_id != fields["classification"]:
                resource.classification = Classification.objects.get(pk=fields["classification"])
            _write_items(resource, version.snapshot["items"])
        ResourceVersion.objects.filter(resource=resource, status=VersionStatusChoices.PUBLISHED).update(
            status=VersionStatusChoices.SUPERSEDED
        )
        if not resource.code:
            _assign_code(resource)
        resource.status = EntryStatusChoices.PUBLISHED
        resource.published_on = resource.published_on or timezone.localdate()
        resource.version = version.number
        resource.save()
        version.snapshot = entry_snapshot(resource)
        version.status = VersionStatusChoices.PUBLISHED
        version.reviewed_by = user
        version.reviewed_at = now
        version.review_comment = comment
        version.save()
        _reindex([resource.pk])
    return version


@transaction.atomic
def discard_change(resource, *, user):
    """Drop a pending change of a published entry that is not in review."""
    _require(resource, user, "change", _("无权修改此目录"))
    version = pending_version(resource)
    if version is None or version.status == VersionStatusChoices.SUBMITTED:
        raise ValidationError(_("没有可放弃的变更"))
    with acting_as(user):
        version.delete()


@transaction.atomic
def withdraw_entry(resource, *, user, reason: str) -> Resource:
    """Withdraw (注销) a published entry; its code stays taken and is never given again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("注销必须填写原因")]})
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _require(resource, user, "change", _("无权注销此目录"))
    if resource.status != EntryStatusChoices.PUBLISHED:
        raise ValidationError(_("只有已发布的目录可以注销"))
    with acting_as(user):
        version = pending_version(resource)
        if version is not None:
            version.delete()
        resource.status = EntryStatusChoices.WITHDRAWN
        resource.withdrawn_reason = reason.strip()
        resource.save()
        _reindex([resource.pk])
    return resource


# ---------------------------------------------------------------------------------------------------------------
# Catalogue update duty (目录更新): 15 working days after a change of law or duties

@transaction.atomic
def record_update_duty(*, user, department, kind: str, title: str, occurred_on, description: str = "") -> UpdateDuty:
    """Record a change of law or duties; the catalogue must be updated within the configured working days."""
    from govshare.workdays.services import add_working_days

    if not _is_platform_admin(user) and not (
        user.has_role(RoleChoices.DEPARTMENT_ADMIN) and user.department_id == _id(department)
    ):
        raise PermissionDenied(_("只有本部门管理员可以登记目录更新事项"))
    due = add_working_days(occurred_on, settings.GOVSHARE_CATALOG_UPDATE_DAYS)
    with acting_as(user):
        return UpdateDuty.objects.create(
            department_id=_id(department), kind=kind, title=title, occurred_on=occurred_on, due_on=due.date,
            due_is_estimate=due.estimated, recorded_by=user, description=description,
        )


@transaction.atomic
def complete_update_duty(duty, *, user, completed_on=None) -> UpdateDuty:
    """Mark the catalogue as updated for this change."""
    if not UpdateDuty.objects.restrict(user, "change").filter(pk=duty.pk).exists():
        raise PermissionDenied(_("无权办结此目录更新事项"))
    with acting_as(user):
        duty.completed_on = completed_on or timezone.localdate()
        duty.save()
    return duty
