"""Every enumeration of the mounting app, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["MountKindChoices", "PullModeChoices", "PullStatusChoices", "TimelinessChoices"]


class PullModeChoices(ChoiceSet):
    """How a scheduled pull selects rows and loads them."""

    FULL = "full"
    INCREMENTAL_KEY = "incremental_key"
    INCREMENTAL_TIMESTAMP = "incremental_timestamp"
    CHOICES = [
        (FULL, _("全量（替换）"), "blue"),
        (INCREMENTAL_KEY, _("增量（按主键列，更新）"), "purple"),
        (INCREMENTAL_TIMESTAMP, _("增量（按时间戳列）"), "teal"),
    ]


class PullStatusChoices(ChoiceSet):
    NEVER = "never"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CHOICES = [
        (NEVER, _("未运行"), "grey"),
        (RUNNING, _("运行中"), "orange"),
        (SUCCEEDED, _("成功"), "green"),
        (FAILED, _("失败"), "red"),
    ]


class TimelinessChoices(ChoiceSet):
    """Whether a resource's data was updated as often as its update cycle (更新周期) promises."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"
    CHOICES = [
        (ON_TIME, _("按时更新"), "green"),
        (DUE_SOON, _("即将到期"), "orange"),
        (OVERDUE, _("更新逾期"), "red"),
        (NOT_APPLICABLE, _("不定期"), "grey"),
    ]


class MountKindChoices(ChoiceSet):
    """What is mounted behind a resource (a filter of the overview)."""

    TABLE = "table"
    FILE = "file"
    API = "api"
    PULL = "pull"
    NONE = "none"
    CHOICES = [
        (TABLE, _("库表"), "blue"),
        (FILE, _("文件"), "teal"),
        (API, _("接口"), "purple"),
        (PULL, _("定时抽取"), "orange"),
        (NONE, _("未挂接"), "grey"),
    ]
