"""Jurisdictions, government departments and their internal offices."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.core.models import PrimaryModel
from govshare.core.validators import validate_credit_code, validate_division_code

from .choices import JurisdictionLevelChoices

__all__ = ["Department", "Jurisdiction", "Office"]


class Jurisdiction(PrimaryModel):
    """A level of government (province, city, county) identified by its GB/T 2260 division code."""

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=JurisdictionLevelChoices.choices)
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[validate_division_code]
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["division_code"]

    def __str__(self):
        return self.name

    @property
    def competent_authority(self):
        return self.departments.filter(is_competent_authority=True).first()

    def descendant_ids(self):
        """This jurisdiction and every one below it (a reviewer of a city also sees its counties)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Jurisdiction.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class Department(PrimaryModel):
    """A government department (政务部门), identified by its unified social credit code."""

    name = models.CharField(_("部门名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="departments"
    )
    is_competent_authority = models.BooleanField(_("共享主管部门"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("政务部门")
        verbose_name_plural = _("政务部门")
        ordering = ["jurisdiction__division_code", "name"]
        constraints = [
            # Each jurisdiction has exactly one competent authority for sharing.
            models.UniqueConstraint(
                fields=["jurisdiction"],
                condition=Q(is_competent_authority=True),
                name="department_one_competent_authority_per_jurisdiction",
                violation_error_message=_("每个行政区域只能有一个共享主管部门"),
            ),
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="department_unique_name_in_jurisdiction"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = self.credit_code.strip().upper()
        super().save(*args, **kwargs)

    @staticmethod
    def restrict_for(queryset, user, action):
        if action == "view":
            return queryset
        from govshare.users.choices import RoleChoices

        if user.has_role(*RoleChoices.ORGANIZATION_ADMINS):
            return queryset
        if user.has_role(RoleChoices.DEPARTMENT_ADMIN) and user.department_id:
            return queryset.filter(pk=user.department_id)
        return queryset.none()


class Office(PrimaryModel):
    """An internal office (内设机构) of a department, e.g. 户籍管理处."""

    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.CASCADE, related_name="offices"
    )
    name = models.CharField(_("处室名称"), max_length=100)

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["department", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="office_unique_name_in_department")]

    def __str__(self):
        return f"{self.department.name} / {self.name}"

    @staticmethod
    def restrict_for(queryset, user, action):
        """Everyone sees offices; an office is changed by whoever may change its department."""
        if action == "view":
            return queryset
        return queryset.filter(department__in=Department.objects.restrict(user, "change"))
