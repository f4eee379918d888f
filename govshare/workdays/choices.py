"""Enumerations of the working-day calendar, declared once."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["CalendarSourceChoices", "DayKindChoices", "DayStatusSourceChoices"]


class CalendarSourceChoices(ChoiceSet):
    """Where a row of the calendar table came from."""

    PACKAGE = "package"
    MANUAL = "manual"
    IMPORT = "import"
    CHOICES = [
        (PACKAGE, _("节假日数据包"), "blue"),
        (MANUAL, _("手工录入"), "orange"),
        (IMPORT, _("文件导入"), "green"),
    ]


class DayStatusSourceChoices(ChoiceSet):
    """Which layer answered a day-status question: the table, the package, or the weekend-only fallback."""

    TABLE = "table"
    PACKAGE = "package"
    WEEKEND_FALLBACK = "weekend-fallback"
    CHOICES = [
        (TABLE, _("工作日历表"), "green"),
        (PACKAGE, _("节假日数据包"), "blue"),
        (WEEKEND_FALLBACK, _("按周末估算"), "orange"),
    ]


class DayKindChoices(ChoiceSet):
    """The 类型 column of an imported calendar file."""

    REST = "rest"
    WORKING = "working"
    CHOICES = [
        (REST, _("休息日"), "red"),
        (WORKING, _("工作日"), "green"),
    ]
    # Spellings accepted in the 类型 column: what offices actually write. The Chinese labels are repeated because
    # the labels above are translated under a non-Chinese UI language, while files are written in Chinese.
    SYNONYMS = {
        REST: ("休息日", "节假日", "假日", "法定节假日", "放假", "休", "holiday", "off"),
        WORKING: ("工作日", "调休上班", "上班", "补班", "班", "workday", "working day", "work"),
    }

    @classmethod
    def parse(cls, text):
        """The kind named by a cell's text (any label, value or synonym, case-insensitive); None when unknown."""
        folded = str(text or "").strip().casefold()
        for value, label, *_rest in cls.CHOICES:
            if folded in (value, str(label).casefold(), *(s.casefold() for s in cls.SYNONYMS.get(value, ()))):
                return value
        return None
