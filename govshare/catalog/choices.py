"""Every enumeration of the catalogue, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = [
    "DataTypeChoices",
    "DutyChangeKindChoices",
    "EntryStatusChoices",
    "FormatCategoryChoices",
    "OpenTypeChoices",
    "ResourceCategoryChoices",
    "ShareModeChoices",
    "ShareTypeChoices",
    "UpdateCycleChoices",
    "VersionStatusChoices",
]


class ResourceCategoryChoices(ChoiceSet):
    """The 类 of the classification: the first digit of every resource code."""

    BASE = "1"
    TOPIC = "2"
    DEPARTMENT = "3"
    CHOICES = [
        (BASE, _("基础信息资源"), "blue"),
        (TOPIC, _("主题信息资源"), "purple"),
        (DEPARTMENT, _("部门信息资源"), "teal"),
    ]


class EntryStatusChoices(ChoiceSet):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    CHOICES = [
        (DRAFT, _("编目中"), "grey"),
        (SUBMITTED, _("待审核"), "orange"),
        (RETURNED, _("已退回"), "red"),
        (PUBLISHED, _("已发布"), "green"),
        (WITHDRAWN, _("已注销"), "dark"),
    ]
    EDITABLE = (DRAFT, RETURNED)


class VersionStatusChoices(ChoiceSet):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    CHOICES = [
        (DRAFT, _("修改中"), "grey"),
        (SUBMITTED, _("待审核"), "orange"),
        (RETURNED, _("已退回"), "red"),
        (PUBLISHED, _("现行版本"), "green"),
        (SUPERSEDED, _("历史版本"), "dark"),
    ]


class ShareTypeChoices(ChoiceSet):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NOT_SHARED = "not_shared"
    CHOICES = [
        (UNCONDITIONAL, _("无条件共享"), "green"),
        (CONDITIONAL, _("有条件共享"), "orange"),
        (NOT_SHARED, _("不予共享"), "red"),
    ]
    # Higher means more open; an info item may never be more open than its resource.
    OPENNESS = {NOT_SHARED: 0, CONDITIONAL: 1, UNCONDITIONAL: 2}


class OpenTypeChoices(ChoiceSet):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NOT_OPEN = "not_open"
    CHOICES = [
        (UNCONDITIONAL, _("无条件开放"), "green"),
        (CONDITIONAL, _("有条件开放"), "orange"),
        (NOT_OPEN, _("不予开放"), "grey"),
    ]
    OPENNESS = {NOT_OPEN: 0, CONDITIONAL: 1, UNCONDITIONAL: 2}


class ShareModeChoices(ChoiceSet):
    TABLE = "table"
    FILE = "file"
    API = "api"
    EMAIL = "email"
    MEDIUM = "medium"
    CHOICES = [
        (TABLE, _("共享平台-库表"), "blue"),
        (FILE, _("共享平台-文件"), "teal"),
        (API, _("共享平台-接口"), "purple"),
        (EMAIL, _("电子邮件"), "grey"),
        (MEDIUM, _("介质交换"), "grey"),
    ]


class FormatCategoryChoices(ChoiceSet):
    DOCUMENT = "document"
    SPREADSHEET = "spreadsheet"
    DATABASE = "database"
    IMAGE = "image"
    STREAMING = "streaming"
    SELF_DESCRIBING = "self_describing"
    SERVICE = "service"
    OTHER = "other"
    CHOICES = [
        (DOCUMENT, _("电子文件"), "grey"),
        (SPREADSHEET, _("电子表格"), "green"),
        (DATABASE, _("数据库"), "blue"),
        (IMAGE, _("图形图像"), "purple"),
        (STREAMING, _("流媒体"), "pink"),
        (SELF_DESCRIBING, _("自描述格式"), "teal"),
        (SERVICE, _("服务接口"), "orange"),
        (OTHER, _("其他"), "grey"),
    ]
    # The usual format types of each category (the guideline's examples); free text is allowed as well.
    TYPES = {
        DOCUMENT: ["OFD", "pdf", "docx", "doc", "wps", "txt"],
        SPREADSHEET: ["xlsx", "xls", "et", "csv"],
        DATABASE: ["Dm", "KingbaseES", "GaussDB", "Oracle", "MySQL", "PostgreSQL", "SQL Server"],
        IMAGE: ["jpg", "png", "tif", "gif", "bmp"],
        STREAMING: ["mp4", "flv", "avi", "mp3"],
        SELF_DESCRIBING: ["XML", "JSON"],
        SERVICE: ["RESTful", "WebService", "OpenAPI"],
        OTHER: [],
    }


class UpdateCycleChoices(ChoiceSet):
    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    IRREGULAR = "irregular"
    OTHER = "other"
    CHOICES = [
        (REALTIME, _("实时"), "red"),
        (DAILY, _("每日"), "orange"),
        (WEEKLY, _("每周"), "yellow"),
        (MONTHLY, _("每月"), "green"),
        (QUARTERLY, _("每季度"), "teal"),
        (HALF_YEARLY, _("每半年"), "blue"),
        (YEARLY, _("每年"), "purple"),
        (IRREGULAR, _("不定期"), "grey"),
        (OTHER, _("其他"), "grey"),
    ]


class DataTypeChoices(ChoiceSet):
    """The guideline's info item data types, by their one-letter codes."""

    CHAR = "C"
    NUMERIC = "N"
    CURRENCY = "Y"
    DATE = "D"
    DATETIME = "T"
    LOGICAL = "L"
    MEMO = "M"
    GENERAL = "G"
    DOUBLE = "B"
    INTEGER = "I"
    FLOAT = "F"
    CHOICES = [
        (CHAR, _("字符型 C"), "blue"),
        (NUMERIC, _("数值型 N"), "green"),
        (CURRENCY, _("货币型 Y"), "green"),
        (DATE, _("日期型 D"), "purple"),
        (DATETIME, _("日期时间型 T"), "purple"),
        (LOGICAL, _("逻辑型 L"), "orange"),
        (MEMO, _("备注型 M"), "grey"),
        (GENERAL, _("通用型 G"), "grey"),
        (DOUBLE, _("双精度型 B"), "green"),
        (INTEGER, _("整型 I"), "green"),
        (FLOAT, _("浮点型 F"), "green"),
    ]


class DutyChangeKindChoices(ChoiceSet):
    LAW = "law"
    DUTY = "duty"
    CHOICES = [(LAW, _("法律法规变化"), "blue"), (DUTY, _("部门职能变化"), "purple")]
