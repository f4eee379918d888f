"""Government service items (政务服务事项) and the materials an applicant must provide for each.

A material is *replaceable by sharing* when it is linked to a catalogue resource that is published and shared
(unconditionally or on conditions): the office then obtains the data from the platform instead of asking the
applicant for it (让数据多跑路，群众少跑腿). The share of replaced materials counts REQUIRED materials only:
optional materials (非必要材料, e.g. 容缺 or "if applicable") never send an applicant back for a missing paper, so
counting them would reward listing many optional papers. An item without required materials has no share (None)
rather than 0 % or 100 %, and is left out of the department figures. A department's share is pooled, not
averaged: its replaceable required materials over all its required materials.
"""

from django.db import models
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from govshare.catalog.choices import EntryStatusChoices, ShareTypeChoices
from govshare.core.models import ChangeLoggedModel, PrimaryModel, RestrictedQuerySet
from govshare.users.choices import RoleChoices

from .choices import MaterialSourceChoices, ServiceItemTypeChoices

__all__ = [
    "SHAREABLE_TYPES",
    "RequiredMaterial",
    "ServiceItem",
    "ServiceItemQuerySet",
    "is_shareable_resource",
    "share_ratio",
]

# Share types under which a published resource can stand in for a material.
SHAREABLE_TYPES = (ShareTypeChoices.UNCONDITIONAL, ShareTypeChoices.CONDITIONAL)


def is_shareable_resource(resource) -> bool:
    """A catalogue resource that can replace a material: published and not 不予共享."""
    return (
        resource is not None
        and resource.status == EntryStatusChoices.PUBLISHED
        and resource.share_type in SHAREABLE_TYPES
    )


def share_ratio(replaced: int, required: int) -> float | None:
    """replaced / required, or None when nothing is required (no figure rather than a misleading 0 or 100 %)."""
    return replaced / required if required else None


def _replaceable(prefix=""):
    return Q(**{
        f"{prefix}replaced_by__status": EntryStatusChoices.PUBLISHED,
        f"{prefix}replaced_by__share_type__in": SHAREABLE_TYPES,
    })


class ServiceItemQuerySet(RestrictedQuerySet):
    def with_shares(self):
        """Annotate material counts and `share` (0..1, None without required materials) in the same query.

        `share_sort` is the share with None as -1, so ordering puts items without a figure last (descending) on
        every database (PostgreSQL sorts NULL first when descending, SQLite last).
        """
        required = Q(materials__is_required=True)
        replaceable = _replaceable("materials__")
        return self.annotate(
            material_count=Count("materials"),
            required_count=Count("materials", filter=required),
            replaceable_count=Count("materials", filter=replaceable),
            replaced_required_count=Count("materials", filter=required & replaceable),
        ).annotate(
            share=Cast(F("replaced_required_count"), FloatField()) / NullIf(
                Cast(F("required_count"), FloatField()), Value(0.0)
            ),
        ).annotate(share_sort=Coalesce(F("share"), Value(-1.0)))


class ServiceItem(PrimaryModel):
    """A government service item (政务服务事项) as its handling department implements it."""

    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ServiceItemTypeChoices.choices, db_index=True)
    legal_basis = models.TextField(_("设定依据"), max_length=4000)
    base_code = models.CharField(_("基本编码"), max_length=40)
    implementation_code = models.CharField(_("实施编码"), max_length=64, blank=True)
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT,
        related_name="service_items",
    )

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["department", "base_code", "id"]
        constraints = [
            # The same base item is implemented once per department (its sub-items have their own base codes).
            models.UniqueConstraint(fields=["department", "base_code"], name="serviceitem_unique_base_code_in_dept"),
            models.UniqueConstraint(
                fields=["implementation_code"], condition=~Q(implementation_code=""),
                name="serviceitem_unique_implementation_code",
            ),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def restrict_for(queryset, user, action):
        """Everyone logged in reads every item; a department admin manages its department's items."""
        if action == "view" or user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        if action in ("change", "delete") and user.department_id and user.has_role(RoleChoices.DEPARTMENT_ADMIN):
            return queryset.filter(department_id=user.department_id)
        return queryset.none()


class RequiredMaterial(ChangeLoggedModel):
    """A material (申请材料) an item requires, optionally linked to the catalogue resource that replaces it."""

    service_item = models.ForeignKey(
        ServiceItem, verbose_name=_("政务服务事项"), on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    source = models.CharField(_("材料来源"), max_length=20, choices=MaterialSourceChoices.choices)
    is_required = models.BooleanField(_("必要材料"), default=True)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    notes = models.CharField(_("备注"), max_length=500, blank=True)
    # SET_NULL: resources are withdrawn rather than deleted; should one be deleted, the material stays listed.
    replaced_by = models.ForeignKey(
        "catalog.Resource", verbose_name=_("共享替代资源"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="replaced_materials",
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["service_item", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service_item", "name"], name="requiredmaterial_unique_name_in_item"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="requiredmaterial_copies_at_least_one"),
        ]

    def __str__(self):
        return self.name

    @property
    def replaceable_by_sharing(self) -> bool:
        """Linked to a resource that is (still) published and shared; computed, so a withdrawal shows at once."""
        return self.replaced_by_id is not None and is_shareable_resource(self.replaced_by)
