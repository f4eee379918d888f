"""Enumerations of the supervision ledger (督查台账), declared once: value, Chinese label, badge colour."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["DeadlineKindChoices", "TaskStateChoices", "TaskStatusChoices"]


class DeadlineKindChoices(ChoiceSet):
    """How a task's deadline (时序进度) recurs: once on a date, every year/quarter/month, or never (长期坚持)."""

    DATE = "date"
    YEARLY = "yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    ONGOING = "ongoing"
    CHOICES = [
        (DATE, _("限期完成"), "blue"),
        (YEARLY, _("每年"), "purple"),
        (QUARTERLY, _("每季度"), "purple"),
        (MONTHLY, _("每月"), "purple"),
        (ONGOING, _("长期坚持"), "teal"),
    ]
    RECURRING = (YEARLY, QUARTERLY, MONTHLY)


class TaskStatusChoices(ChoiceSet):
    """The stored progress of a task; "overdue" is not stored but computed on working days (TaskStateChoices)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CHOICES = [
        (NOT_STARTED, _("未启动"), "grey"),
        (IN_PROGRESS, _("推进中"), "blue"),
        (DONE, _("已完成"), "green"),
    ]


class TaskStateChoices(ChoiceSet):
    """What a page shows: the stored status, or 已逾期 / 即将到期 computed from the due date and working days."""

    NOT_STARTED = TaskStatusChoices.NOT_STARTED
    IN_PROGRESS = TaskStatusChoices.IN_PROGRESS
    DONE = TaskStatusChoices.DONE
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CHOICES = [
        (NOT_STARTED, _("未启动"), "grey"),
        (IN_PROGRESS, _("推进中"), "blue"),
        (DUE_SOON, _("即将到期"), "orange"),
        (OVERDUE, _("已逾期"), "red"),
        (DONE, _("已完成"), "green"),
    ]
