"""Every enumeration of mounted tables, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["LoadModeChoices", "LoadPhaseChoices", "LoadStatusChoices"]


class LoadModeChoices(ChoiceSet):
    REPLACE = "replace"
    APPEND = "append"
    UPSERT = "upsert"
    CHOICES = [
        (REPLACE, _("全量替换"), "blue"),
        (APPEND, _("追加"), "teal"),
        (UPSERT, _("按主键更新"), "purple"),
    ]


class LoadStatusChoices(ChoiceSet):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    REJECTED = "rejected"
    FAILED = "failed"
    CHOICES = [
        (QUEUED, _("排队中"), "grey"),
        (RUNNING, _("加载中"), "orange"),
        (SUCCEEDED, _("已加载"), "green"),
        (REJECTED, _("已拒绝"), "red"),
        (FAILED, _("失败"), "red"),
    ]
    FINISHED = (SUCCEEDED, REJECTED, FAILED)


class LoadPhaseChoices(ChoiceSet):
    """Where a running load is; the UI shows it beside the progress bar."""

    QUEUED = "queued"
    READING = "reading"
    VALIDATING = "validating"
    WRITING = "writing"
    INDEXING = "indexing"
    DONE = "done"
    CHOICES = [
        (QUEUED, _("等待执行"), "grey"),
        (READING, _("读取文件"), "blue"),
        (VALIDATING, _("校验数据"), "blue"),
        (WRITING, _("写入数据"), "orange"),
        (INDEXING, _("建立索引"), "orange"),
        (DONE, _("结束"), "green"),
    ]
