"""Domain actions on service items. Each owns its transaction and checks the rules and the permission; the web
pages, the API, the Excel importer and the demo loader all call these.

Rules (`item_errors`): the required fields; 基本编码 and 实施编码 of digits and capital letters; one item per base code
in a department; an implementation code used once on the platform; material names unique within the item, copies
at least 1; a material may only be linked to a catalogue resource that is published and shared (not 不予共享).
Errors are keyed by field, and by `materials.<index>.<field>` for a material, so forms and the importer can put
each message next to its cell.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.core.context import acting_as, current_request_id
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from .choices import MaterialSourceChoices, ServiceItemTypeChoices
from .models import SHAREABLE_TYPES, RequiredMaterial, ServiceItem, share_ratio

__all__ = [
    "ITEM_FIELDS",
    "MANAGER_ROLES",
    "MATERIAL_FIELDS",
    "DepartmentShare",
    "can_manage_department",
    "create_item",
    "delete_item",
    "department_shares",
    "item_data",
    "item_errors",
    "link_material",
    "managed_departments",
    "material_share",
    "replacement_error",
    "update_item",
]

ITEM_FIELDS = ("name", "item_type", "legal_basis", "base_code", "implementation_code", "department", "description")
MATERIAL_FIELDS = ("name", "source", "is_required", "copies", "notes", "replaced_by")
MATERIAL_DEFAULTS = {"is_required": True, "copies": 1, "notes": "", "replaced_by": None}
MANAGER_ROLES = (RoleChoices.DEPARTMENT_ADMIN, RoleChoices.PLATFORM_ADMIN)
MAX_COPIES = 99

BASE_CODE = re.compile(r"^[0-9A-Z]{4,40}$")
IMPLEMENTATION_CODE = re.compile(r"^[0-9A-Z]{4,64}$")
LENGTHS = {"name": 200, "legal_basis": 4000, "description": 500}
MATERIAL_LENGTHS = {"name": 200, "notes": 500}


# ---------------------------------------------------------------------------------------------------------------
# Plain data

def _id(value):
    return getattr(value, "pk", value)


def _text(value):
    return "" if value is None else str(value).strip()


def normalise_fields(fields: dict) -> dict:
    """The item's fields with the department as an id, text trimmed and codes in capitals."""
    data = {}
    for name in ITEM_FIELDS:
        value = fields.get(name)
        if name == "department":
            value = _id(value) or None
        else:
            value = _text(value)
            if name in ("base_code", "implementation_code"):
                value = value.upper()
        data[name] = value
    return data


def normalise_materials(materials: list[dict]) -> list[dict]:
    rows = []
    for material in materials:
        row = {name: material.get(name, MATERIAL_DEFAULTS.get(name)) for name in MATERIAL_FIELDS}
        row["name"] = _text(row["name"])
        row["notes"] = _text(row["notes"])
        row["source"] = _text(row["source"])
        row["is_required"] = bool(row["is_required"]) if row["is_required"] is not None else True
        row["copies"] = 1 if row["copies"] in (None, "") else row["copies"]
        row["replaced_by"] = _id(row["replaced_by"]) or None
        rows.append(row)
    return rows


def item_data(item) -> dict:
    """The item as plain data: what an edit form or a PATCH starts from."""
    fields = normalise_fields({name: getattr(item, f"{name}_id" if name == "department" else name)
                               for name in ITEM_FIELDS})
    materials = [
        {name: getattr(material, f"{name}_id" if name == "replaced_by" else name) for name in MATERIAL_FIELDS}
        for material in item.materials.all()
    ]
    return {"fields": fields, "materials": materials}


# ---------------------------------------------------------------------------------------------------------------
# Shares

def material_share(materials) -> float | None:
    """The share of an item from its loaded materials; the same rule as ServiceItemQuerySet.with_shares()."""
    required = [material for material in materials if material.is_required]
    return share_ratio(sum(1 for material in required if material.replaceable_by_sharing), len(required))


@dataclass
class DepartmentShare:
    """One department's figures: its items, required materials, those replaceable by sharing, and the share."""

    department_id: int
    name: str
    items: int
    required: int
    replaced: int

    @property
    def share(self) -> float | None:
        return share_ratio(self.replaced, self.required)


def department_shares(queryset) -> list[DepartmentShare]:
    """Per department of the items in `queryset`, in one query; highest share first, departments without
    required materials last."""
    required = Q(materials__is_required=True)
    replaceable = Q(
        materials__replaced_by__status=EntryStatusChoices.PUBLISHED,
        materials__replaced_by__share_type__in=SHAREABLE_TYPES,
    )
    if queryset.query.annotations:
        # An annotated (with_shares) or filtered-by-share queryset: group its items afresh, by id.
        queryset = ServiceItem.objects.filter(pk__in=queryset.values("pk"))
    rows = (
        queryset.order_by()
        .values("department", "department__name")
        .annotate(
            item_count=Count("pk", distinct=True),
            required_count=Count("materials", filter=required),
            replaced_count=Count("materials", filter=required & replaceable),
        )
    )
    shares = [
        DepartmentShare(row["department"], row["department__name"], row["item_count"], row["required_count"],
                        row["replaced_count"])
        for row in rows
    ]
    shares.sort(key=lambda row: (row.share is None, -(row.share or 0), -row.required, row.name))
    return shares


# ---------------------------------------------------------------------------------------------------------------
# Permissions

def _is_platform_admin(user):
    return user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN)


def managed_departments(user):
    """The departments whose items the user may manage."""
    if _is_platform_admin(user):
        return Department.objects.all()
    if user.department_id and user.has_role(RoleChoices.DEPARTMENT_ADMIN):
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


def can_manage_department(user, department_id) -> bool:
    if _is_platform_admin(user):
        return True
    return bool(department_id) and user.has_role(RoleChoices.DEPARTMENT_ADMIN) and user.department_id == department_id


def _check_department(user, department_id):
    if not (_is_platform_admin(user) or user.has_role(RoleChoices.DEPARTMENT_ADMIN)):
        raise PermissionDenied(_("只有部门管理员或平台管理员可以管理政务服务事项"))
    if department_id and not can_manage_department(user, department_id):
        raise PermissionDenied(_("只能管理本部门的政务服务事项"))


def _require_change(item, user):
    if not ServiceItem.objects.restrict(user, "change").filter(pk=item.pk).exists():
        raise PermissionDenied(_("无权修改此政务服务事项：只能管理本部门的事项"))


# ---------------------------------------------------------------------------------------------------------------
# Rules

def replacement_error(resource) -> str | None:
    """Why this catalogue resource cannot replace a material, or None when it can."""
    if resource is None:
        return _("资源目录不存在")
    if resource.status != EntryStatusChoices.PUBLISHED:
        return _("只能关联已发布的资源目录（该资源为“%(status)s”）") % {"status": resource.get_status_display()}
    if resource.share_type not in SHAREABLE_TYPES:
        return _("资源“%(name)s”为不予共享，不能替代申请材料") % {"name": resource.name}
    return None


def item_errors(fields: dict, materials: list[dict], *, instance=None) -> dict[str, list[str]]:
    """Every rule broken by these (normalised) fields and materials, as {key: [messages]}; empty when valid."""
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    for name in ("name", "item_type", "legal_basis", "base_code", "department"):
        if fields.get(name) in (None, ""):
            add(name, _("此项为必填项"))
    for name, limit in LENGTHS.items():
        if len(fields.get(name) or "") > limit:
            add(name, _("不能超过%(max)d个字符") % {"max": limit})
    if fields.get("item_type") and fields["item_type"] not in ServiceItemTypeChoices.values:
        add("item_type", _("“%(value)s”不是有效的事项类型") % {"value": fields["item_type"]})
    base_code, implementation_code = fields.get("base_code"), fields.get("implementation_code")
    if base_code and not BASE_CODE.match(base_code):
        add("base_code", _("基本编码应由4至40位数字或大写字母组成"))
    if implementation_code and not IMPLEMENTATION_CODE.match(implementation_code):
        add("implementation_code", _("实施编码应由4至64位数字或大写字母组成"))
    department_id = fields.get("department")
    if department_id and not Department.objects.filter(pk=department_id).exists():
        add("department", _("实施部门不存在"))
    others = ServiceItem.objects.exclude(pk=instance.pk) if instance is not None and instance.pk else (
        ServiceItem.objects.all()
    )
    if base_code and department_id and "base_code" not in errors:
        clash = others.filter(department_id=department_id, base_code=base_code).first()
        if clash is not None:
            add("base_code", _("本部门已有基本编码为 %(code)s 的事项“%(name)s”") % {"code": base_code,
                                                                           "name": clash.name})
    if implementation_code and "implementation_code" not in errors:
        clash = others.filter(implementation_code=implementation_code).first()
        if clash is not None:
            add("implementation_code", _("实施编码已被事项“%(name)s”使用") % {"name": clash.name})

    resource_ids = {material["replaced_by"] for material in materials if material.get("replaced_by")}
    resources = Resource.objects.in_bulk(resource_ids) if resource_ids else {}
    seen = {}
    for index, material in enumerate(materials):
        prefix = f"materials.{index}."
        name = material.get("name")
        if not name:
            add(prefix + "name", _("此项为必填项"))
        elif name in seen:
            add(prefix + "name", _("材料名称与第%(row)d项重复") % {"row": seen[name] + 1})
        else:
            seen[name] = index
        for key, limit in MATERIAL_LENGTHS.items():
            if len(material.get(key) or "") > limit:
                add(prefix + key, _("不能超过%(max)d个字符") % {"max": limit})
        if not material.get("source"):
            add(prefix + "source", _("此项为必填项"))
        elif material["source"] not in MaterialSourceChoices.values:
            add(prefix + "source", _("“%(value)s”不是有效的材料来源") % {"value": material["source"]})
        copies = material.get("copies")
        if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= MAX_COPIES:
            add(prefix + "copies", _("份数应为1至%(max)d的整数") % {"max": MAX_COPIES})
        if material.get("replaced_by"):
            message = replacement_error(resources.get(material["replaced_by"]))
            if message:
                add(prefix + "replaced_by", message)
    return errors


def _validate(fields, materials, instance=None):
    errors = item_errors(fields, materials, instance=instance)
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------------------------
# Actions

def _write_materials(item, materials: list[dict]):
    """Replace the item's materials, keeping the rows (and their ids and history) of materials whose name stays."""
    existing = {material.name: material for material in item.materials.all()}
    keep = set()
    for position, data in enumerate(materials, start=1):
        values = {**data, "replaced_by_id": data["replaced_by"]}
        del values["replaced_by"]
        material = existing.get(data["name"])
        if material is None:
            RequiredMaterial.objects.create(service_item=item, position=position, **values)
            continue
        keep.add(material.pk)
        if material.position != position or any(getattr(material, key) != value for key, value in values.items()):
            material.position = position
            for key, value in values.items():
                setattr(material, key, value)
            material.save()
    for material in existing.values():
        if material.pk not in keep:
            material.delete()


def _apply_fields(item, fields):
    for name, value in fields.items():
        setattr(item, "department_id" if name == "department" else name, value)


@transaction.atomic
def create_item(*, user, fields: dict, materials: list[dict]) -> ServiceItem:
    """Register a service item of a department the user manages, with its materials."""
    fields = normalise_fields(fields)
    materials = normalise_materials(materials)
    _check_department(user, fields["department"])
    _validate(fields, materials)
    with acting_as(user, current_request_id()):
        item = ServiceItem()
        _apply_fields(item, fields)
        item.save()
        _write_materials(item, materials)
    return item


@transaction.atomic
def update_item(item, *, user, fields: dict, materials: list[dict]) -> ServiceItem:
    """Edit an item and replace its list of materials; moving it to another department needs to manage both."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    _require_change(item, user)
    fields = normalise_fields(fields)
    materials = normalise_materials(materials)
    if fields["department"] != item.department_id:
        _check_department(user, fields["department"])
    _validate(fields, materials, instance=item)
    with acting_as(user, current_request_id()):
        _apply_fields(item, fields)
        item.save()
        _write_materials(item, materials)
    return item


@transaction.atomic
def delete_item(item, *, user):
    """Delete an item and its materials."""
    _require_change(item, user)
    with acting_as(user, current_request_id()):
        item.delete()


@transaction.atomic
def link_material(material, resource, *, user) -> RequiredMaterial:
    """Link one material to the catalogue resource that replaces it (None removes the link)."""
    _require_change(material.service_item, user)
    if resource is not None:
        message = replacement_error(resource)
        if message:
            raise ValidationError({"replaced_by": [message]})
    with acting_as(user, current_request_id()):
        material.replaced_by = resource
        material.save()
    return material
