"""Choices declared once: value, Chinese label and badge colour, used by models, forms, filters, API and badges."""

from django.utils.functional import classproperty

__all__ = ["ChoiceSet"]


class ChoiceSet:
    """Subclass and set CHOICES = [(value, label, colour), ...]; use .choices for model fields."""

    CHOICES: list[tuple[str, str, str]] = []

    @classproperty
    def choices(cls):
        return [(value, label) for value, label, *_rest in cls.CHOICES]

    @classproperty
    def values(cls):
        return [value for value, *_rest in cls.CHOICES]

    @classmethod
    def label(cls, value):
        for choice_value, label, *_rest in cls.CHOICES:
            if choice_value == value:
                return label
        return value

    @classmethod
    def colour(cls, value):
        for choice_value, _label, *rest in cls.CHOICES:
            if choice_value == value:
                return rest[0] if rest else "grey"
        return "grey"

    @classmethod
    def value_for_label(cls, label):
        """The value whose label (Chinese or English, or the value itself) matches; None when none does."""
        text = str(label).strip()
        for value, choice_label, *_rest in cls.CHOICES:
            if text in (value, str(choice_label)):
                return value
        return None
