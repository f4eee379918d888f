"""Template tags of the house style: icons, badges, navigation, forms, tables, pagination and object history.

    {% load govshare %}
    {% icon "home" %}                          an icon of static/img/icons.svg
    {% badge label "green" %}                  a badge in a ChoiceSet colour
    {% choice_badge "EntryStatusChoices" v %}  the label and colour of a value of a ChoiceSet
    {% url_or "catalog:resource_list" %}       reverse(), or "#" while the page does not exist yet
    {% render_form form %} / {% render_field form.name %}
    {% render_table table %} / {% pagination page_obj %}
    {% object_history object %}                the changes of one object, with their diffs
"""

import json
from dataclasses import dataclass, field

from django import forms, template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet
from govshare.core.models import ObjectChange
from govshare.core.tables import badge_html
from govshare.users.choices import RoleChoices

register = template.Library()


# --- Icons and badges ---------------------------------------------------------------------------------------


@register.simple_tag
def icon(name, css_class=""):
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css_class,
        static("img/icons.svg"),
        name,
    )


@register.simple_tag
def badge(label, colour="grey"):
    return badge_html(label, colour)


def _choice_sets():
    found, stack = {}, list(ChoiceSet.__subclasses__())
    while stack:
        cls = stack.pop()
        found[cls.__name__] = cls
        stack.extend(cls.__subclasses__())
    return found


@register.simple_tag
def choice_badge(choice_set_name, value):
    """A badge for a value of the ChoiceSet named e.g. "EntryStatusChoices" (its colour is declared there)."""
    if value in (None, ""):
        return format_html('<span class="text-muted">—</span>')
    choice_set = _choice_sets().get(choice_set_name)
    if choice_set is None:
        return badge_html(value, "grey")
    return badge_html(choice_set.label(value), choice_set.colour(value))


@register.simple_tag
def role_badges(user):
    order = {role: index for index, role in enumerate(RoleChoices.values)}
    roles = sorted(getattr(user, "role_set", ()), key=lambda role: order.get(role, len(order)))
    badges = [badge_html(RoleChoices.label(role), RoleChoices.colour(role)) for role in roles]
    if getattr(user, "is_superuser", False):
        badges.insert(0, badge_html(_("超级管理员"), "red"))
    if not badges:
        return format_html('<span class="text-muted">{}</span>', _("无角色"))
    return format_html_join(" ", "{}", ((badge,) for badge in badges))


@register.simple_tag
def url_or(name, *args, default="#"):
    """reverse(name, args), or the default when the URL name is not (yet) defined."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return default


@register.filter
def verbose_name(obj):
    return obj._meta.verbose_name


@register.filter
def minutes(value):
    """A timedelta as whole minutes (the lockout's cool-off time)."""
    try:
        return int(value.total_seconds() // 60)
    except AttributeError:
        return value


@register.filter
def json_value(value):
    """A value from a change record as short readable text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- Navigation ---------------------------------------------------------------------------------------------

R = RoleChoices


@dataclass
class NavItem:
    label: str
    url_name: str
    icon: str = ""
    roles: tuple = ()  # empty: everyone logged in
    url: str = ""
    active: bool = False
    disabled: bool = False


@dataclass
class NavGroup:
    label: str
    icon: str
    items: list = field(default_factory=list)
    active: bool = False


def navigation():
    """The left menu. Items a user cannot use are left out (roles); the pages still check for themselves."""
    return [
        NavItem(_("首页"), "home", "home"),
        NavGroup(
            _("资源目录"),
            "folder",
            [
                NavItem(_("目录浏览"), "catalog:resource_list", "list"),
                NavItem(_("目录检索"), "catalog:resource_search", "search"),
                NavItem(_("新建目录"), "catalog:resource_add", "plus", (R.CATALOGUER, R.DEPARTMENT_ADMIN)),
                NavItem(
                    _("审核队列"), "catalog:review_queue", "check", (R.REVIEWER, R.AUTHORITY_OFFICER, R.PLATFORM_ADMIN)
                ),
                NavItem(_("目录更新任务"), "catalog:duty_list", "clock"),
                NavItem(_("资源分类"), "catalog:classification_list", "folder"),
            ],
        ),
        NavGroup(
            _("共享交换"),
            "share",
            [
                NavItem(_("数据挂接"), "mounting:overview", "folder", (R.DATA_PROVIDER, R.DEPARTMENT_ADMIN)),
                NavItem(_("更新逾期"), "mounting:overdue", "clock", (R.AUTHORITY_OFFICER, R.PLATFORM_ADMIN)),
                NavItem(_("共享申请"), "sharing:request_list", "inbox"),
                NavItem(_("共享授权"), "sharing:grant_list", "key"),
                NavItem(_("应用系统"), "sharing:system_list", "settings"),
                NavItem(_("疑义纠错"), "objections:objection_list", "alert"),
            ],
        ),
        NavGroup(
            _("安全审计"),
            "shield",
            [
                NavItem(_("数据使用情况"), "audit:usage", "bar-chart"),
                NavItem(_("个人数据查询记录"), "audit:subject_search", "search", (R.AUDIT_ADMIN, R.AUTHORITY_OFFICER)),
                NavItem(_("审计日志"), "audit:entry_list", "list", (R.AUDIT_ADMIN, R.PLATFORM_ADMIN)),
            ],
        ),
        NavGroup(
            _("统筹治理"),
            "briefcase",
            [
                NavItem(_("信息系统清单"), "inventory:system_list", "list"),
                NavItem(_("僵尸系统"), "zombies:flag_list", "alert"),
                NavItem(_("整合清理"), "zombies:plan_list", "check"),
                NavItem(_("项目备案"), "projects:project_list", "folder"),
                NavItem(_("督查台账"), "supervision:plan_list", "clock"),
                NavItem(_("政务服务事项"), "serviceitems:item_list", "book"),
            ],
        ),
        NavGroup(
            _("组织机构"),
            "building",
            [
                NavItem(_("行政区域"), "organizations:jurisdiction_list", "map"),
                NavItem(_("政务部门"), "organizations:department_list", "building"),
                NavItem(_("我的部门"), "organizations:my_department", "briefcase"),
            ],
        ),
        NavGroup(
            _("系统管理"),
            "settings",
            [
                NavItem(_("用户"), "user_list", "users", (R.SYSTEM_ADMIN, R.PLATFORM_ADMIN, R.DEPARTMENT_ADMIN)),
                NavItem(_("角色分配"), "role_assignment_list", "shield", (R.SECURITY_ADMIN,)),
                NavItem(_("API令牌"), "token_list", "key"),
                NavItem(_("工作日历"), "workdays:calendar", "calendar"),
                NavItem(_("变更记录"), "changelog", "history", (R.AUDIT_ADMIN, R.PLATFORM_ADMIN)),
            ],
        ),
        NavItem(_("API 文档"), "api-docs", "book"),
    ]


def _allowed(user, roles):
    return user.is_superuser or not roles or user.has_role(*roles)


@register.inclusion_tag("includes/nav.html", takes_context=True)
def nav_menu(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"entries": [], "request": request}
    path = request.path
    entries, best = [], None
    for entry in navigation():
        items = entry.items if isinstance(entry, NavGroup) else [entry]
        visible = []
        for item in items:
            if not _allowed(user, item.roles):
                continue
            try:
                item.url = reverse(item.url_name)
            except NoReverseMatch:
                item.url, item.disabled = "#", True
            # The longest matching URL prefix is the current page ("/" only matches itself).
            matches = path == item.url if item.url == "/" else (not item.disabled and path.startswith(item.url))
            if matches and (best is None or len(item.url) > len(best[0].url)):
                best = (item, entry)
            visible.append(item)
        if isinstance(entry, NavGroup):
            if visible:
                entry.items = visible
                entries.append(entry)
        elif visible:
            entries.append(entry)
    if best is not None:
        best[0].active = True
        if isinstance(best[1], NavGroup):
            best[1].active = True
    return {"entries": entries, "request": request}


# --- Forms ----------------------------------------------------------------------------------------------------


def _widget_kind(bound_field):
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "choices"
    return "input"


@register.inclusion_tag("includes/form_field.html")
def render_field(bound_field, layout="stacked"):
    return {"field": bound_field, "kind": _widget_kind(bound_field), "layout": layout}


@register.inclusion_tag("includes/form_fields.html")
def render_form(form, layout="stacked"):
    return {"form": form, "layout": layout}


# --- Tables and pagination --------------------------------------------------------------------------------------


@register.inclusion_tag("includes/table.html", takes_context=True)
def render_table(context, table, htmx_target="object-list"):
    return {"table": table, "htmx_target": htmx_target, "request": context.get("request")}


def _page_window(page_obj, around=2):
    """Page numbers to show: first, last and a window around the current page, with None for gaps."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    pages, previous = [], 0
    for number in sorted(wanted):
        if number - previous > 1:
            pages.append(None)
        pages.append(number)
        previous = number
    return pages


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page_obj, htmx_target="object-list"):
    request = context["request"]

    def url(number):
        params = request.GET.copy()
        params["page"] = number
        return f"{request.path}?{params.urlencode()}"

    pages = [(number, url(number) if number else None) for number in _page_window(page_obj)]
    return {
        "page_obj": page_obj,
        "pages": pages,
        "previous_url": url(page_obj.previous_page_number()) if page_obj.has_previous() else None,
        "next_url": url(page_obj.next_page_number()) if page_obj.has_next() else None,
        "htmx_target": htmx_target,
    }


# --- Object history -----------------------------------------------------------------------------------------


@register.inclusion_tag("includes/object_history.html")
def object_history(instance, limit=20):
    """The latest changes of one object (shown to whoever may view the object), newest first, with diffs."""
    object_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    history = ObjectChange.objects.filter(object_type=object_type, object_id=instance.pk).order_by("-time", "-id")
    changes = list(history[: limit + 1])
    rows = []
    for change in changes[:limit]:
        diff = [
            (_field_label(instance, name), _field_value(instance, name, before), _field_value(instance, name, after))
            for name, (before, after) in change.diff.items()
            if name != "id"
        ]
        if change.action != ObjectChange.ACTION_UPDATE:
            # A creation or deletion has one side only: list the fields that had a value.
            diff = [row for row in diff if (row[2] if row[2] is not None else row[1]) not in (None, "")]
        rows.append({"change": change, "diff": diff})
    return {"rows": rows, "truncated": len(changes) > limit}


def _field_value(instance, name, value):
    """A stored value as shown to people: a choice by its label, a foreign key as #id."""
    if value is None:
        return None
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation:
        return f"#{value}"
    return value


def _field_label(instance, name):
    try:
        return instance._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a field removed since keeps its stored name
        return name
