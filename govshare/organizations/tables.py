"""Tables of the organization lists."""

from django.utils.translation import gettext_lazy as _

from govshare.core.tables import Column, Table

from .choices import JurisdictionLevelChoices
from .models import Department, Jurisdiction

__all__ = ["DepartmentTable", "JurisdictionTable"]


class JurisdictionTable(Table):
    model = Jurisdiction
    columns = [
        Column("division_code", css_class="mono"),
        Column("name", link="organizations:jurisdiction_detail"),
        Column("level", choices=JurisdictionLevelChoices),
        Column("parent", link="organizations:jurisdiction_detail", order_by="parent__division_code"),
        Column("department_count", _("部门数"), order_by="department_count", css_class="num"),
    ]
    default_ordering = "division_code"


class DepartmentTable(Table):
    model = Department
    columns = [
        Column("name", link="organizations:department_detail"),
        Column("short_name"),
        Column("credit_code", css_class="mono"),
        Column(
            "jurisdiction", link="organizations:jurisdiction_detail", order_by=("jurisdiction__division_code", "name")
        ),
        Column("jurisdiction.level", _("层级"), choices=JurisdictionLevelChoices, order_by="jurisdiction__level"),
        Column("is_competent_authority", boolean=True),
        Column("published_count", _("已发布目录"), order_by="published_count", css_class="num"),
    ]
    default_ordering = "jurisdiction"
