"""Every enumeration of zombie-system cleanup, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = [
    "CandidateStatusChoices",
    "CleanupActionChoices",
    "FlagStatusChoices",
    "PlanStatusChoices",
    "PlanStepChoices",
    "ZombieReasonChoices",
]


class ZombieReasonChoices(ChoiceSet):
    """The rules a system can break; a flag lists one reason per rule broken."""

    UNUSED = "unused"
    UNMAINTAINED = "unmaintained"
    LOW_UTILISATION = "low_utilisation"
    FEW_USERS = "few_users"
    DUPLICATE = "duplicate"
    NO_DATA = "no_data"
    CHOICES = [
        (UNUSED, _("长期无人使用"), "red"),
        (UNMAINTAINED, _("长期停止运维"), "orange"),
        (LOW_UTILISATION, _("资源利用率低"), "yellow"),
        (FEW_USERS, _("用户数少"), "orange"),
        (DUPLICATE, _("功能重复"), "purple"),
        (NO_DATA, _("无使用数据"), "grey"),
    ]


class FlagStatusChoices(ChoiceSet):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"
    CHOICES = [
        (OPEN, _("待确认"), "orange"),
        (CONFIRMED, _("已确认"), "red"),
        (DISMISSED, _("已排除"), "grey"),
        (RESOLVED, _("已消除"), "green"),
    ]
    # A system with a flag in one of these is a zombie (is_zombie); at most one such flag per system.
    ACTIVE = (OPEN, CONFIRMED)


class CandidateStatusChoices(ChoiceSet):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    OBSOLETE = "obsolete"
    CHOICES = [
        (PROPOSED, _("待处理"), "orange"),
        (ACCEPTED, _("已采纳"), "green"),
        (DISMISSED, _("已排除"), "grey"),
        (OBSOLETE, _("已失效"), "dark"),
    ]


class CleanupActionChoices(ChoiceSet):
    SHUT_DOWN = "shut_down"
    INTEGRATE = "integrate"
    REPLACE = "replace"
    CHOICES = [
        (SHUT_DOWN, _("关停"), "dark"),
        (INTEGRATE, _("整合至"), "blue"),
        (REPLACE, _("由…替代"), "purple"),
    ]
    # Actions that name the system taking over.
    WITH_TARGET = (INTEGRATE, REPLACE)


class PlanStatusChoices(ChoiceSet):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    CHOICES = [
        (PLANNED, _("已计划"), "blue"),
        (IN_PROGRESS, _("进行中"), "orange"),
        (DONE, _("已完成"), "green"),
        (CANCELLED, _("已撤销"), "grey"),
    ]
    # At most one plan per system in one of these.
    ACTIVE = (PLANNED, IN_PROGRESS)


class PlanStepChoices(ChoiceSet):
    """Steps on a cleanup plan's timeline."""

    CREATED = "created"
    CHANGED = "changed"
    PROGRESS = "progress"
    DONE = "done"
    CANCELLED = "cancelled"
    CHOICES = [
        (CREATED, _("制定计划"), "blue"),
        (CHANGED, _("调整计划"), "purple"),
        (PROGRESS, _("报告进展"), "orange"),
        (DONE, _("完成清理"), "green"),
        (CANCELLED, _("撤销计划"), "grey"),
    ]
