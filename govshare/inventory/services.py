"""Domain actions on the information system inventory. Each owns its transaction and checks the rules and the
permissions; the web pages, the API, the Excel/CSV importers and the CLI all call these."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.context import acting_as, current_request_id, current_user
from govshare.core.models import ObjectChange
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from .choices import SystemStatusChoices, UsageSourceChoices
from .models import InformationSystem, SystemUsage

__all__ = [
    "SYSTEM_FIELDS",
    "USAGE_FIELDS",
    "can_record_usage",
    "create_system",
    "manageable_departments",
    "month_start",
    "record_usage",
    "system_rule_errors",
    "update_system",
    "usage_chart",
]

# The fields of a system that users edit (the audit list's columns); foreign keys as instances or ids.
SYSTEM_FIELDS = (
    "number", "name", "function", "scope_of_use", "frequency_of_use", "approving_department", "approval_date",
    "funding_source", "annual_om_cost", "construction_unit", "network", "deployment", "protection_level",
    "protection_filing_number", "owner", "owner_office", "status", "integrated_into", "replaced_by",
    "connected_to_platform", "description",
)
FOREIGN_KEYS = ("owner", "owner_office", "integrated_into", "replaced_by")
USAGE_FIELDS = (
    "monthly_active_users", "visits", "last_used_on", "last_maintained_on", "resource_utilisation",
)


# ---------------------------------------------------------------------------------------------------------------
# Permissions


def manageable_departments(user):
    """The departments whose systems this user may add, change and import (platform admins: all)."""
    if not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return Department.objects.all()
    if user.department_id and user.has_role(RoleChoices.AUTHORITY_OFFICER):
        jurisdiction_ids = user.department.jurisdiction.descendant_ids()
        return Department.objects.filter(jurisdiction_id__in=jurisdiction_ids) | Department.objects.filter(
            pk=user.department_id
        )
    if user.department_id and user.has_role(RoleChoices.DEPARTMENT_ADMIN):
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


def _check_department(user, owner):
    if not manageable_departments(user).filter(pk=_id(owner)).exists():
        raise PermissionDenied(_("您不能管理该部门的信息系统"))


def can_record_usage(user, system) -> bool:
    """Usage figures come from the system's own department (any of its users, e.g. the system's service account)
    or from a platform administrator."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return True
    return bool(user.department_id) and user.department_id == system.owner_id


# ---------------------------------------------------------------------------------------------------------------
# Systems


def _id(value):
    return getattr(value, "pk", value)


def system_rule_errors(values: dict, *, instance=None) -> dict:
    """The inventory's rules on one system's values, as {field: message}; empty when the values are valid.

    The same check runs on the form, the API and every row of an import.
    """
    errors = {}
    level = values.get("protection_level")
    if level is not None and level != "" and not 1 <= int(level) <= 5:
        errors["protection_level"] = _("等保级别应为1至5级，实际为%(level)s") % {"level": level}
    cost = values.get("annual_om_cost")
    if cost is not None and cost != "" and Decimal(cost) < 0:
        errors["annual_om_cost"] = _("年运维费用不能为负数")
    status = values.get("status")
    if status == SystemStatusChoices.INTEGRATED and not values.get("integrated_into"):
        errors["integrated_into"] = _("状态为“已整合”时须填写整合至哪个系统")
    if status == SystemStatusChoices.REPLACED and not values.get("replaced_by"):
        errors["replaced_by"] = _("状态为“已替代”时须填写替代系统")
    own_pk = getattr(instance, "pk", None)
    for name in ("integrated_into", "replaced_by"):
        target = values.get(name)
        if own_pk is not None and target is not None and _id(target) == own_pk:
            errors[name] = _("不能指向系统本身")
    office = values.get("owner_office")
    owner = values.get("owner")
    if office is not None and owner is not None and getattr(office, "department_id", None) not in (None, _id(owner)):
        errors["owner_office"] = _("使用处室不属于所属部门")
    return errors


def _clean_values(fields: dict) -> dict:
    values = {}
    for name, value in fields.items():
        if name not in SYSTEM_FIELDS:
            raise ValueError(f"unknown system field {name}")
        if isinstance(value, str):
            value = value.strip()
        values[name] = value
    return values


def _check(values, instance):
    errors = system_rule_errors(values, instance=instance)
    if errors:
        raise ValidationError(errors)
    owner, name = _id(values.get("owner")), values.get("name")
    clash = InformationSystem.objects.filter(owner_id=owner, name=name)
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"name": [_("本部门已有名为“%(name)s”的信息系统") % {"name": name}]})


def _source_codes(system) -> list[str]:
    return sorted(code for code in system.source_resources.values_list("code", flat=True) if code)


def _set_sources(system, resources, *, user):
    """Set the system's source resources; the change is logged, since the save signal does not see many-to-many.
    Returns whether they changed."""
    before = _source_codes(system) if system.pk else []
    system.source_resources.set(resources)
    after = _source_codes(system)
    if before != after:
        acting_user = current_user() or user
        ObjectChange.objects.create(
            user=acting_user if getattr(acting_user, "pk", None) else None,
            user_name=getattr(acting_user, "username", "") or "",
            request_id=current_request_id(),
            action=ObjectChange.ACTION_UPDATE,
            object_type=ContentType.objects.get_for_model(InformationSystem),
            object_id=system.pk,
            object_repr=str(system)[:200],
            prechange_data={"source_resources": before},
            postchange_data={"source_resources": after},
        )
    return before != after


def create_system(*, user, source_resources=None, **fields) -> InformationSystem:
    """Register a system of a department the user manages; `source_resources` are catalogue Resources."""
    values = _clean_values(fields)
    values.setdefault("status", SystemStatusChoices.IN_USE)
    _check_department(user, values.get("owner"))
    with transaction.atomic(), acting_as(user, current_request_id()):
        _check(values, None)
        system = InformationSystem(**{f"{k}_id" if k in FOREIGN_KEYS and not hasattr(v, "pk") else k: v
                                      for k, v in values.items()})
        system.full_clean(exclude=["source_resources"], validate_unique=False, validate_constraints=False)
        system.save()
        if source_resources:
            _set_sources(system, source_resources, user=user)
    return system


def update_system(system, *, user, source_resources=None, **fields) -> InformationSystem:
    """Change a system; moving it to another department needs the right to manage both. `source_resources=None`
    leaves them as they are."""
    values = _clean_values(fields)
    _check_department(user, system.owner_id)
    if "owner" in values and _id(values["owner"]) != system.owner_id:
        _check_department(user, values["owner"])
    with transaction.atomic(), acting_as(user, current_request_id()):
        for name, value in values.items():
            if name in FOREIGN_KEYS and not hasattr(value, "pk"):
                setattr(system, f"{name}_id", value)
            else:
                setattr(system, name, value)
        current = {name: getattr(system, name) for name in SYSTEM_FIELDS}
        _check(current, system)
        system.full_clean(exclude=["source_resources"], validate_unique=False, validate_constraints=False)
        system.save()
        if source_resources is not None:
            _set_sources(system, source_resources, user=user)
    return system


# ---------------------------------------------------------------------------------------------------------------
# Usage


def month_start(value) -> datetime.date:
    """The first day of the month of a date, or of a "YYYY-MM" / "YYYY-MM-DD" / "YYYY年M月" text."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    if text.endswith("月"):
        text = text[:-1].replace("年", "-")
    parts = text.split("-")
    try:
        if len(parts) in (2, 3) and len(parts[0]) == 4:
            month = datetime.date(int(parts[0]), int(parts[1]), 1)
            if len(parts) == 3:
                datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))  # a real day, or ValueError
            return month
    except ValueError:
        pass
    raise ValidationError({"month": [_("月份格式应为 YYYY-MM，实际为“%(value)s”") % {"value": str(value)[:20]}]})


def usage_rule_errors(month, figures: dict, *, today=None) -> dict:
    """Rules on one month's figures as {field: message}: no future month, no negative counts, 0–100 %."""
    today = today or timezone.localdate()
    errors = {}
    if month > today.replace(day=1):
        errors["month"] = _("不能填报未来月份的使用情况")
    for name in ("monthly_active_users", "visits"):
        value = figures.get(name)
        if value is not None and value < 0:
            errors[name] = _("不能为负数")
    rate = figures.get("resource_utilisation")
    if rate is not None and not Decimal(0) <= Decimal(rate) <= Decimal(100):
        errors["resource_utilisation"] = _("资源利用率应在0到100之间")
    for name in ("last_used_on", "last_maintained_on"):
        value = figures.get(name)
        if value is not None and value > today:
            errors[name] = _("日期不能晚于今天")
    return errors


def record_usage(system, *, user, month, source=UsageSourceChoices.MANUAL, **figures) -> SystemUsage:
    """Record (or replace) one month's usage of a system. Figures left out keep their stored value."""
    unknown = set(figures) - set(USAGE_FIELDS)
    if unknown:
        raise ValueError(f"unknown usage fields {sorted(unknown)}")
    if not can_record_usage(user, system):
        raise PermissionDenied(_("只有系统所属部门的用户或平台管理员可以报送使用情况"))
    month = month_start(month)
    errors = usage_rule_errors(month, figures)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        usage, _created = SystemUsage.objects.select_for_update().get_or_create(
            system=system, month=month, defaults={"source": source, **figures}
        )
        if not _created:
            for name, value in figures.items():
                setattr(usage, name, value)
            usage.source = source
            usage.save()
    return usage


def last_months(count=12, *, today=None) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, ending with the current month."""
    month = (today or timezone.localdate()).replace(day=1)
    months = []
    for _index in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def usage_chart(system, *, months=12, today=None, usages=None) -> dict:
    """The figures of the SVG bar chart on a system's page: one bar pair (active users, visits) per month.

    Bars are scaled to each series' maximum; the template draws them with presentation attributes only.
    """
    window = last_months(months, today=today)
    if usages is None:
        usages = SystemUsage.objects.filter(system=system, month__gte=window[0])
    by_month = {usage.month: usage for usage in usages}
    width, height, top, bottom, left = 720, 220, 20, 40, 8
    slot = (width - left * 2) / len(window)
    bar = max(slot / 2 - 4, 2)
    plot = height - top - bottom
    series = {
        name: [getattr(by_month.get(month), name, None) for month in window]
        for name in ("monthly_active_users", "visits")
    }
    peaks = {name: max([value or 0 for value in values] or [0]) for name, values in series.items()}
    bars = []
    for index, month in enumerate(window):
        x = left + index * slot + 2
        entry = {"month": month, "label": f"{month:%y-%m}", "label_x": round(x + slot / 2 - 2, 1), "bars": []}
        for offset, name in enumerate(("monthly_active_users", "visits")):
            value = series[name][index]
            peak = peaks[name] or 1
            bar_height = round(plot * (value or 0) / peak, 1)
            entry["bars"].append({
                "series": name, "value": value, "x": round(x + offset * (bar + 2), 1), "width": round(bar, 1),
                "y": round(top + plot - bar_height, 1), "height": bar_height,
            })
        bars.append(entry)
    return {
        "width": width, "height": height, "baseline": top + plot, "label_y": height - bottom + 16,
        "months": bars, "peaks": peaks, "has_data": any(value for values in series.values() for value in values
                                                        if value),
    }
