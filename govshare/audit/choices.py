"""Every enumeration of the audit log, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["AuditActionChoices", "AuditResultChoices"]


class AuditActionChoices(ChoiceSet):
    """What was done: data accesses (query ... proxy) and the steps of a share request (request ... revoke)."""

    QUERY = "query"
    LOOKUP = "lookup"
    VERIFY = "verify"
    DOWNLOAD = "download"
    SYNC = "sync"
    PROXY = "proxy"
    REQUEST = "request"
    DECISION = "decision"
    GRANT = "grant"
    REVOKE = "revoke"
    OTHER = "other"
    CHOICES = [
        (QUERY, _("查询"), "blue"),
        (LOOKUP, _("查找"), "blue"),
        (VERIFY, _("核验"), "cyan"),
        (DOWNLOAD, _("下载"), "indigo"),
        (SYNC, _("同步"), "indigo"),
        (PROXY, _("接口代理"), "purple"),
        (REQUEST, _("共享申请"), "orange"),
        (DECISION, _("审批决定"), "orange"),
        (GRANT, _("授权"), "green"),
        (REVOKE, _("撤销授权"), "red"),
        (OTHER, _("其他"), "gray"),
    ]


class AuditResultChoices(ChoiceSet):
    SUCCESS = "success"
    DENIED = "denied"
    ERROR = "error"
    CHOICES = [
        (SUCCESS, _("成功"), "green"),
        (DENIED, _("拒绝"), "orange"),
        (ERROR, _("错误"), "red"),
    ]
