"""List tables of the zombie pages (see core.tables)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import CandidateStatusChoices, FlagStatusChoices, PlanStatusChoices
from .models import CleanupPlan, DuplicateCandidate, ZombieFlag, ZombieRule
from .services import text_number

__all__ = ["CleanupPlanTable", "DuplicateCandidateTable", "ZombieFlagTable", "ZombieRuleTable"]


def _system_link(system, url):
    number = format_html(' <span class="code text-muted">{}</span>', system.number) if system.number else ""
    return format_html('<a class="cell-title" href="{}">{}</a>{}', url, system.name, number)


def _flag_system(flag):
    return _system_link(flag.system, reverse("zombies:flag_detail", args=[flag.pk]))


def _reasons(flag):
    if not flag.reasons:
        return EMPTY
    return format_html('<ul class="zombie-reasons">{}</ul>',
                       format_html_join("", "<li>{}</li>", ((text,) for text in flag.reason_texts)))


def _plan_system(plan):
    return _system_link(plan.system, reverse("zombies:plan_detail", args=[plan.pk]))


def _plan_action(plan):
    if plan.target_id:
        url = reverse("inventory:system_detail", args=[plan.target_id])
        label = _("整合至") if plan.action == "integrate" else _("由…替代")
        return format_html('{} <a href="{}">{}</a>', label, url, plan.target.name)
    return format_html("{}", plan.get_action_display())


def _deadline(plan):
    text = plan.deadline.isoformat()
    if plan.is_overdue(timezone.localdate()):
        return format_html('<span class="nowrap">{} {}</span>', text, badge_html(_("已逾期"), "red"))
    return format_html('<span class="nowrap">{}</span>', text)


def _pair(candidate):
    url = reverse("zombies:candidate_detail", args=[candidate.pk])
    return format_html(
        '<a class="cell-title" href="{}">{}</a><div class="text-muted">{}</div>'
        '<a class="cell-title" href="{}">{}</a><div class="text-muted">{}</div>',
        url, candidate.system_a.name, candidate.system_a.owner.name,
        url, candidate.system_b.name, candidate.system_b.owner.name,
    )


def _functions(candidate):
    return format_html(
        '<div class="zombie-function">{}</div><div class="zombie-function">{}</div>',
        Truncator(candidate.system_a.function).chars(80), Truncator(candidate.system_b.function).chars(80),
    )


def _scope(candidate):
    if candidate.same_department:
        return badge_html(_("部门内"), "teal")
    return badge_html(_("跨部门"), "purple")


def _score(candidate):
    return format_html('<span class="num">{}</span>', f"{candidate.score:.2f}")


class ZombieFlagTable(Table):
    """疑似僵尸系统."""

    model = ZombieFlag
    columns = [
        Column("system", render=_flag_system, order_by="system__name", css_class="col-name"),
        Column("system.owner", label=_("所属部门"), order_by="system__owner__name", css_class="col-provider"),
        Column("status", choices=FlagStatusChoices, css_class="nowrap"),
        Column("reasons", render=_reasons, order_by=False),
        Column("opened_at", css_class="nowrap"),
        Column("refreshed_at", css_class="nowrap"),
    ]
    default_ordering = "-opened_at"
    empty_message = _("没有符合条件的僵尸系统标记")


class CleanupPlanTable(Table):
    """清理计划."""

    model = CleanupPlan
    columns = [
        Column("system", render=_plan_system, order_by="system__name", css_class="col-name"),
        Column("system.owner", label=_("所属部门"), order_by="system__owner__name", css_class="col-provider"),
        Column("action", render=_plan_action, order_by="action"),
        Column("deadline", render=_deadline, order_by="deadline"),
        Column("status", choices=PlanStatusChoices, css_class="nowrap"),
        Column("progress_note", label=_("最新进展"), order_by=False),
    ]
    default_ordering = "deadline"
    empty_message = _("没有符合条件的清理计划")


class DuplicateCandidateTable(Table):
    """重复建设候选: both systems, both functions, the score."""

    model = DuplicateCandidate
    columns = [
        Column("system_a", label=_("系统"), render=_pair, order_by="system_a__name", css_class="col-name"),
        Column("function", label=_("主要功能"), render=_functions, order_by=False),
        Column("score", render=_score, order_by="score", css_class="nowrap num"),
        Column("scope", label=_("范围"), render=_scope, order_by=False, css_class="nowrap"),
        Column("status", choices=CandidateStatusChoices, css_class="nowrap"),
    ]
    default_ordering = "-score"
    empty_message = _("没有符合条件的重复建设候选")


def _rule_scope(rule):
    url = reverse("zombies:rule_edit", args=[rule.pk])
    return format_html('<a class="cell-title" href="{}">{}</a>', url, str(rule))


def _threshold(enabled, text):
    def render(rule):
        if not getattr(rule, enabled):
            return badge_html(_("已关闭"), "grey")
        return format_html("{}", text(rule))

    return render


class ZombieRuleTable(Table):
    """认定规则: each threshold, or 已关闭."""

    model = ZombieRule
    columns = [
        Column("jurisdiction", label=_("适用范围"), render=_rule_scope, order_by="jurisdiction__division_code"),
        Column("unused_months", label=_("无人使用"), order_by=False,
               render=_threshold("unused_enabled", lambda r: _("≥ %(n)d 个月") % {"n": r.unused_months})),
        Column("unmaintained_months", label=_("停止运维"), order_by=False,
               render=_threshold("unmaintained_enabled", lambda r: _("≥ %(n)d 个月") % {"n": r.unmaintained_months})),
        Column("utilisation_percent", label=_("资源利用率"), order_by=False,
               render=_threshold("utilisation_enabled", lambda r: f"< {text_number(r.utilisation_percent)}%")),
        Column("min_monthly_users", label=_("月活跃用户"), order_by=False,
               render=_threshold("users_enabled", lambda r: _("< %(n)d 人") % {"n": r.min_monthly_users})),
        Column("duplicate_similarity", label=_("功能相似度"), order_by=False,
               render=_threshold("duplicate_enabled", lambda r: f"≥ {r.duplicate_similarity:.2f}")),
        Column("no_data_enabled", label=_("无使用数据"), boolean=True, order_by=False),
    ]
    default_ordering = "jurisdiction"
    empty_message = _("尚未设置规则：使用内置默认值")
