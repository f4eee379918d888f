"""Form helpers shared by every app: CSS classes on widgets, so templates render any form the same way."""

from django import forms

__all__ = ["FormStyleMixin", "widget_css_class"]


def widget_css_class(widget):
    """The CSS class the house style gives a widget."""
    if isinstance(widget, (forms.CheckboxInput,)):
        return "form-check-input"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "form-choices"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


class FormStyleMixin:
    """Give every widget its house CSS class and mark required fields (for the red asterisk)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = widget_css_class(widget)
            existing = widget.attrs.get("class", "")
            if css not in existing.split():
                widget.attrs["class"] = f"{existing} {css}".strip()
            # Native pickers need ISO values whatever the locale's display format.
            if isinstance(widget, forms.DateTimeInput):
                widget.input_type = "datetime-local"
                widget.format = "%Y-%m-%dT%H:%M"
            elif isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
