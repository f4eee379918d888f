"""Password policy beyond Django's: at least three of four character classes (等保 level 3 practice)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["CharacterClassValidator"]


class CharacterClassValidator:
    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for pattern in self.CLASSES if re.search(pattern, password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_character_classes")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、特殊字符中的至少%(n)d类。") % {"n": self.min_classes}
