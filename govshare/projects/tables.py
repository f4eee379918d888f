"""List tables of the project filing pages (see core.tables)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import FundingChannelChoices, ProjectStatusChoices, ReviewerKindChoices
from .models import Project, ReviewerDepartment

__all__ = ["ProjectTable", "ReviewerDepartmentAdminTable", "ReviewerDepartmentTable"]


def _number(project):
    url = reverse("projects:project_detail", args=[project.pk])
    return format_html('<a class="code" href="{}">{}</a>', url, project.number)


def _name(project):
    url = reverse("projects:project_detail", args=[project.pk])
    return format_html('<a class="cell-title" href="{}">{}</a>', url, project.name)


def _compliant(project):
    if project.compliant is None:
        return EMPTY
    return badge_html(_("合规"), "green") if project.compliant else badge_html(_("不合规"), "red")


def _amount(field):
    def render(project):
        return format_html('<span class="num">{}</span>', getattr(project, field))
    return render


class ProjectTable(Table):
    """项目备案: the filings the user may see."""

    model = Project
    columns = [
        Column("number", render=_number, order_by="number", css_class="nowrap"),
        Column("name", render=_name, order_by="name"),
        Column("construction_unit", order_by="construction_unit__name"),
        Column("funding_channel", choices=FundingChannelChoices, css_class="nowrap"),
        Column("investment", render=_amount("investment"), order_by="investment", css_class="num nowrap"),
        Column("annual_om_cost", render=_amount("annual_om_cost"), order_by="annual_om_cost",
               css_class="num nowrap"),
        Column("status", choices=ProjectStatusChoices, css_class="nowrap"),
        Column("compliant", render=_compliant, order_by="compliant", css_class="nowrap"),
        Column("round", css_class="num"),
        Column("submitted_at", css_class="nowrap"),
    ]
    default_ordering = None  # newest first (the model order)
    empty_message = _("没有符合条件的项目备案")


def _delete(row):
    url = reverse("projects:reviewer_delete", args=[row.pk])
    return format_html('<a class="btn btn-light btn-sm" href="{}">{}</a>', url, _("删除"))


class ReviewerDepartmentTable(Table):
    """会审部门: who gives the development-reform and finance opinions in each jurisdiction."""

    model = ReviewerDepartment
    columns = [
        Column("kind", choices=ReviewerKindChoices, css_class="nowrap"),
        Column("department", link="organizations:department_detail", order_by="department__name"),
        Column("department.jurisdiction", label=_("所属区域"), order_by="department__jurisdiction__division_code"),
        Column("created", css_class="nowrap"),
    ]
    default_ordering = "department.jurisdiction"
    empty_message = _("尚未指定会审部门：项目提交后将直接由主管部门决定")


class ReviewerDepartmentAdminTable(ReviewerDepartmentTable):
    """The same, with a delete button on each row (platform admins)."""

    columns = [*ReviewerDepartmentTable.columns, Column("id", label=_("操作"), render=_delete, order_by=False)]
