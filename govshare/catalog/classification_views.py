"""Pages of the resource classification (资源分类): the tree with resource counts, adding a child, renaming, deleting.

The 类 and the base and topic 项 are seeded by migration and fixed by the national guideline; platform administrators
add the 目 and 细目 below them (one per department, say). Anyone logged in reads the tree.
"""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from govshare.core.forms import FormStyleMixin
from govshare.core.views import BaseObjectView, ObjectDeleteView, ObjectEditView, user_has_role
from govshare.users.choices import RoleChoices

from .choices import VersionStatusChoices
from .models import Classification, Resource, ResourceVersion

__all__ = [
    "CHILD_SEGMENT_WIDTHS",
    "CLASSIFICATION_ADMIN_ROLES",
    "ClassificationAddView",
    "ClassificationDeleteView",
    "ClassificationEditView",
    "ClassificationForm",
    "ClassificationListView",
    "ClassificationNameForm",
    "classification_tree",
    "delete_blockers",
]

# Who may change the classification (superusers always may).
CLASSIFICATION_ADMIN_ROLES = (RoleChoices.PLATFORM_ADMIN,)

# Digits of the code segment of a new node, by its level: 项 two, 目 three, 细目 one to four (《编制指南》).
CHILD_SEGMENT_WIDTHS = {2: (2, 2), 3: (3, 3), 4: (1, 4)}
LEVEL_COLOURS = {1: "blue", 2: "teal", 3: "purple", 4: "grey"}
PENDING_VERSION_STATUSES = (VersionStatusChoices.DRAFT, VersionStatusChoices.SUBMITTED, VersionStatusChoices.RETURNED)


def _list_url(node=None):
    url = reverse("catalog:classification_list")
    return f"{url}#c-{node.full_code}" if node is not None and node.full_code else url


# --- Forms ------------------------------------------------------------------------------------------------------
# (Kept next to their pages while catalog/forms.py is being reworked; they belong there.)


class ClassificationForm(FormStyleMixin, forms.ModelForm):
    """A new child node: its parent (a 类, 项 or 目), its code segment and its name."""

    class Meta:
        model = Classification
        fields = ["parent", "segment", "name"]

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        parent.required = True
        parent.empty_label = _("请选择上级分类")
        parent.queryset = Classification.objects.filter(level__lte=3).order_by("full_code")
        # The tree as the choices, indented by level; given by the page so the nodes are read once.
        if parents is not None:
            parent.choices = [("", parent.empty_label)] + [
                (node.pk, self.parent_label(node)) for node in parents if node.level <= 3
            ]
        else:
            parent.label_from_instance = self.parent_label
        self.fields["segment"].help_text = _("仅限数字：项 2 位，目 3 位，细目 1–4 位")
        self.fields["segment"].widget.attrs.update({"inputmode": "numeric", "class": "form-control mono"})

    @staticmethod
    def parent_label(node):
        indent = "\u3000" * (node.level - 1)
        return f"{indent}{node.full_code} {node.name}（{Classification.LEVEL_LABELS[node.level]}）"

    def clean_segment(self):
        segment = self.cleaned_data["segment"].strip()
        if not (segment.isascii() and segment.isdigit()):
            raise forms.ValidationError(_("本级代码只能由数字组成"))
        return segment

    def clean(self):
        cleaned = super().clean()
        parent, segment = cleaned.get("parent"), cleaned.get("segment")
        if parent is None or not segment:
            return cleaned
        level = parent.level + 1
        low, high = CHILD_SEGMENT_WIDTHS[level]
        label = Classification.LEVEL_LABELS[level]
        if not low <= len(segment) <= high:
            message = (
                _("%(level)s的本级代码应为 %(width)d 位数字") % {"level": label, "width": low}
                if low == high
                else _("%(level)s的本级代码应为 %(low)d–%(high)d 位数字") % {"level": label, "low": low, "high": high}
            )
            self.add_error("segment", message)
            return cleaned
        full_code = parent.full_code + segment
        existing = Classification.objects.filter(full_code=full_code).first()
        if existing is not None:
            self.add_error(
                "segment",
                _("分类代码“%(code)s”已被“%(name)s”使用，请换一个本级代码")
                % {"code": full_code, "name": existing.name},
            )
        return cleaned


class ClassificationNameForm(FormStyleMixin, forms.ModelForm):
    """Renaming a node; its code is part of every resource code under it, so it never changes."""

    class Meta:
        model = Classification
        fields = ["name"]


# --- The tree -----------------------------------------------------------------------------------------------------


def classification_tree(user):
    """Every node in code order with its level label, direct and subtree resource counts and child count (one query).

    Counts are of the resources the user may see; platform administrators see them all.
    """
    visible = Resource.objects.restrict(user, "view")
    if visible.query.where:
        count = Count("resources", filter=Q(resources__in=visible.values("pk")))
    else:
        count = Count("resources")
    nodes = list(Classification.objects.annotate(resource_count=count).order_by("full_code"))
    by_pk = {node.pk: node for node in nodes}
    for node in nodes:
        node.level_label = Classification.LEVEL_LABELS.get(node.level, node.level)
        node.level_colour = LEVEL_COLOURS.get(node.level, "grey")
        node.total_count = node.resource_count
        node.child_count = 0
    # Deepest first, so each node's total is complete before it is added to its parent's.
    for node in sorted(nodes, key=lambda item: item.level, reverse=True):
        parent = by_pk.get(node.parent_id)
        if parent is not None:
            parent.total_count += node.total_count
            parent.child_count += 1
    return nodes


def delete_blockers(node):
    """Why a node cannot be deleted (its children, its resources, changes in progress that move an entry to it)."""
    reasons = []
    children = node.children.count()
    if children:
        reasons.append(_("该分类下还有 %(count)d 个下级分类，请先删除下级分类") % {"count": children})
    resources = node.resources.count()
    if resources:
        reasons.append(_("该分类下还有 %(count)d 条资源目录，不能删除") % {"count": resources})
    pending = ResourceVersion.objects.filter(
        status__in=PENDING_VERSION_STATUSES, snapshot__fields__classification=node.pk
    ).count()
    if pending:
        reasons.append(_("有 %(count)d 条编制中或审核中的目录变更使用该分类，不能删除") % {"count": pending})
    return reasons


class ClassificationPageMixin:
    """The tree page's context, shared by the list and by the add view when its form has errors."""

    queryset = Classification.objects.all()
    list_url_name = "catalog:classification_list"
    template_name = "catalog/classification_list.html"

    def tree_context(self, request, form=None):
        nodes = classification_tree(request.user)
        is_admin = user_has_role(request.user, CLASSIFICATION_ADMIN_ROLES)
        if is_admin and form is None:
            initial = {}
            parent = request.GET.get("parent", "")
            if parent.isdigit():
                initial["parent"] = int(parent)
            form = ClassificationForm(initial=initial, parents=nodes)
        resource_list_url = reverse("catalog:resource_list")
        for node in nodes:
            node.resource_url = (
                f"{resource_list_url}?classification_id={node.pk}"
                if node.level == 4
                else f"{resource_list_url}?classification={node.full_code}"
            )
        return {
            "title": _("资源分类"),
            "nodes": nodes,
            "level_counts": [
                (label, sum(1 for node in nodes if node.level == level))
                for level, label in Classification.LEVEL_LABELS.items()
            ],
            "is_admin": is_admin,
            "form": form if is_admin else None,
            "add_url": reverse("catalog:classification_add") if is_admin else None,
            "segment_widths": [
                (Classification.LEVEL_LABELS[level], low, high) for level, (low, high) in CHILD_SEGMENT_WIDTHS.items()
            ],
        }


class ClassificationListView(ClassificationPageMixin, BaseObjectView):
    """资源分类: the whole tree, indented by level, with the number of resources under each node."""

    def get(self, request):
        return render(request, self.template_name, {**self.base_context(), **self.tree_context(request)})


class ClassificationAddView(ClassificationPageMixin, ObjectEditView):
    """Add a child node from the form on the tree page; errors are shown on that page, next to the fields."""

    required_roles = CLASSIFICATION_ADMIN_ROLES
    form = ClassificationForm

    def get(self, request, *args, **kwargs):
        return redirect(_list_url())

    def render_form(self, request, instance, form):
        return render(request, self.template_name, {**self.base_context(), **self.tree_context(request, form)})

    def get_success_url(self, instance):
        return _list_url(instance)


class ClassificationEditView(ClassificationPageMixin, ObjectEditView):
    """Rename a node (its code stays: resource codes are built from it)."""

    required_roles = CLASSIFICATION_ADMIN_ROLES
    queryset = Classification.objects.select_related("parent")
    form = ClassificationNameForm
    template_name = "catalog/classification_edit.html"

    def get_return_url(self, instance=None):
        return _list_url(instance)

    def get_extra_context(self, request, instance=None):
        return {"path": instance.path() if instance is not None else []}


class ClassificationDeleteView(ClassificationPageMixin, ObjectDeleteView):
    """Delete a node that has no children, no resources and no pending change pointing at it."""

    required_roles = CLASSIFICATION_ADMIN_ROLES
    template_name = "catalog/classification_delete.html"

    def get_return_url(self, instance=None):
        return _list_url(instance.parent if instance is not None and instance.parent_id else None)

    def get_extra_context(self, request, instance=None):
        return {"blockers": delete_blockers(instance), "title": _("删除资源分类")}

    def post(self, request, *args, **kwargs):
        instance = self.get_object()
        blockers = delete_blockers(instance)
        if blockers:
            for reason in blockers:
                messages.error(request, _("不能删除“%(node)s”：%(reason)s") % {"node": instance, "reason": reason})
            return redirect(_list_url(instance))
        return super().post(request, *args, **kwargs)

