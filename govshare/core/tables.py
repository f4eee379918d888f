"""A small table helper for list pages: columns declared once, cells rendered in Python, sorting by whitelist.

    class DepartmentTable(Table):
        model = Department
        columns = [
            Column("name", link="organizations:department_detail"),
            Column("jurisdiction", link="organizations:jurisdiction_detail", order_by="jurisdiction__division_code"),
            Column("is_competent_authority", boolean=True),
        ]
        default_ordering = "name"

Only columns with an `order_by` (a field by default) can be sorted on, so `?sort=` never reaches the ORM unchecked.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import ObjectChange

__all__ = ["Column", "ObjectChangeTable", "Table", "badge_html"]

EMPTY = SafeString('<span class="text-muted">—</span>')


def badge_html(label, colour="grey"):
    """A coloured badge; colours are the ChoiceSet colour names."""
    return format_html('<span class="badge badge-{}">{}</span>', colour or "grey", label)


class Column:
    """One column of a table.

    name      attribute path on the row ("jurisdiction.name" or "jurisdiction__name" both work)
    label     header; defaults to the model field's verbose_name
    link      URL name reversed with the pk of the cell's object (the related object when the value is one)
    choices   a ChoiceSet: the value is shown as a badge with the choice's label and colour
    boolean   show 是/否 badges
    order_by  ORM ordering for this column; defaults to the field itself; False makes the column unsortable
    render    callable(row) returning the cell's HTML (escape with format_html), for anything special
    """

    def __init__(
        self,
        name,
        label=None,
        *,
        link=None,
        choices=None,
        boolean=False,
        order_by=None,
        render=None,
        css_class="",
    ):
        self.name = name
        self.path = name.replace("__", ".").split(".")
        self.label = label
        self.link = link
        self.choices = choices
        self.boolean = boolean
        self.order_by = order_by
        self.render_func = render
        self.css_class = css_class

    def bind(self, model):
        """Fill in the label and ordering from the model's field, when not given."""
        field = _model_field(model, self.path) if model is not None else None
        if self.label is None:
            self.label = capfirst(field.verbose_name) if field is not None else self.name
        if self.order_by is None:
            self.order_by = "__".join(self.path) if field is not None and field.concrete else False
        return self

    def value(self, row):
        value = row
        for part in self.path:
            if value is None:
                return None
            value = getattr(value, part)
            if callable(value) and not isinstance(value, models.Model):
                value = value()
        return value

    def render(self, row):
        if self.render_func is not None:
            return self.render_func(row)
        value = self.value(row)
        if self.boolean:
            return badge_html(_("是"), "green") if value else badge_html(_("否"), "grey")
        if value is None or value == "":
            return EMPTY
        if self.choices is not None:
            return badge_html(self.choices.label(value), self.choices.colour(value))
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            text = formats.date_format(local, "Y-m-d H:i")
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        else:
            text = str(value)
        if self.link:
            target = value if isinstance(value, models.Model) else row
            try:
                url = reverse(self.link, args=[target.pk])
            except NoReverseMatch:
                return format_html("{}", text)
            return format_html('<a href="{}">{}</a>', url, text)
        return format_html("{}", text)


def _model_field(model, path):
    field = None
    for part in path:
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


class Table:
    """Columns for a list page. Instantiate with the rows of one page; the template iterates `headers` and `rows`."""

    model = None
    columns: list[Column] = []
    default_ordering: str | None = None
    empty_message = _("暂无数据")

    def __init__(self, data, *, request=None, ordering=None):
        self.data = data
        self.request = request
        self.ordering = ordering
        self.bound_columns = [_copy(column).bind(self.model) for column in self.columns]

    @classmethod
    def orderings(cls):
        """The sort keys a request may ask for, mapped to ORM ordering."""
        keys = {}
        for column in cls.columns:
            bound = _copy(column).bind(cls.model)
            if bound.order_by:
                keys[bound.name] = bound.order_by
        return keys

    @classmethod
    def clean_ordering(cls, value):
        """The requested sort key if whitelisted (e.g. "-name"), else the default; never raw user input."""
        value = (value or "").strip()
        allowed = cls.orderings()
        if value.lstrip("-") in allowed:
            return value
        return cls.default_ordering

    @classmethod
    def order_queryset(cls, queryset, ordering):
        if not ordering:
            return queryset
        descending = ordering.startswith("-")
        expressions = cls.orderings().get(ordering.lstrip("-"))
        if not expressions:
            return queryset
        if isinstance(expressions, str):
            expressions = [expressions]
        return queryset.order_by(*[("-" + e if descending else e) for e in expressions], "pk")

    @property
    def headers(self):
        current = (self.ordering or "").lstrip("-")
        descending = (self.ordering or "").startswith("-")
        headers = []
        for column in self.bound_columns:
            header = {"label": column.label, "css_class": column.css_class, "url": None, "direction": None}
            if column.order_by and self.request is not None:
                params = self.request.GET.copy()
                params.pop("page", None)
                if column.name == current:
                    header["direction"] = "desc" if descending else "asc"
                    params["sort"] = column.name if descending else "-" + column.name
                else:
                    params["sort"] = column.name
                header["url"] = f"{self.request.path}?{params.urlencode()}"
            headers.append(header)
        return headers

    @property
    def rows(self):
        for row in self.data:
            yield [(column.css_class, column.render(row)) for column in self.bound_columns]

    def __len__(self):
        return len(self.data)


def _copy(column):
    clone = object.__new__(Column)
    clone.__dict__.update(column.__dict__)
    return clone


# --- Tables of the core app -----------------------------------------------------------------------------------

ACTION_COLOURS = {"create": "green", "update": "blue", "delete": "red"}


def _action_badge(change):
    return badge_html(change.get_action_display(), ACTION_COLOURS.get(change.action, "grey"))


def _object_type(change):
    model = change.object_type.model_class()
    return format_html("{}", model._meta.verbose_name if model else change.object_type.model)


def _request_id(change):
    if not change.request_id:
        return EMPTY
    return format_html('<code class="text-muted" title="{}">{}</code>', change.request_id, str(change.request_id)[:8])


class ObjectChangeTable(Table):
    """The change log."""

    model = ObjectChange

    columns = [
        Column("time", link="changelog_detail"),
        Column("user_name"),
        Column("action", render=_action_badge, order_by="action"),
        Column("object_type", _("对象类型"), render=_object_type, order_by=False),
        Column("object_repr"),
        Column("request_id", render=_request_id, order_by=False),
    ]
    default_ordering = "-time"
