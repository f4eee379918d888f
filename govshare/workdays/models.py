"""The working-day calendar table: days that differ from the ordinary week, and the years loaded in full.

Statutory holidays and make-up working days come from the `chinesecalendar` package for the years it covers; this
table overrides it (corrections entered by an administrator) and supplies the years it does not cover.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govshare.core.models import ChangeLoggedModel

from .choices import CalendarSourceChoices

__all__ = ["CalendarDay", "CalendarYear"]


def _restrict_to_platform_admin(queryset, user, action):
    """Anyone logged in reads the calendar; only platform administrators change it."""
    if action == "view":
        return queryset
    from govshare.users.choices import RoleChoices

    return queryset if user.has_role(RoleChoices.PLATFORM_ADMIN) else queryset.none()


class CalendarDay(ChangeLoggedModel):
    """One day whose status is set by the table: a holiday (休息日) or a make-up working day (调休上班).

    A row overrides the package for its date; days without a row follow the package or, failing that, the week.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"), default=False)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("例如：春节、春节调休上班"))
    source = models.CharField(
        _("来源"), max_length=16, choices=CalendarSourceChoices.choices, default=CalendarSourceChoices.MANUAL
    )

    restrict_for = staticmethod(_restrict_to_platform_admin)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        ordering = ["date"]

    def __str__(self):
        kind = _("工作日") if self.is_working_day else _("休息日")
        return f"{self.date:%Y-%m-%d} {self.name or kind}（{kind}）"


class CalendarYear(ChangeLoggedModel):
    """A year whose holidays and make-up days are all in the table, so its other days follow the ordinary week.

    Without this mark, a year the package does not cover is estimated from weekends alone.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=CalendarSourceChoices.choices, default=CalendarSourceChoices.MANUAL
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("载入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True, help_text=_("例如：依据的国务院办公厅通知"))

    restrict_for = staticmethod(_restrict_to_platform_admin)

    class Meta:
        verbose_name = _("已载入年份")
        verbose_name_plural = _("已载入年份")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)
