"""Domain actions of zombie-system cleanup. Each owns its transaction, checks the rules and who may act (see
models.py), writes the history with the acting user and notifies after commit.

    detect / run_detection   apply the thresholds to running systems: open, refresh or resolve flags; propose
                             duplicate pairs (run_detection also notifies the owners of new flags)
    confirm_flag / dismiss_flag                 the competent authority's decision on a flag (dismissal needs a note)
    accept_candidate / dismiss_candidate        a duplicate pair → an "integrate into" plan, or not a duplicate
    create_plan / update_plan / cancel_plan     the authority sets the cleanup of a system
    report_progress / finish_plan               the owner department reports, then finishes with evidence
    is_zombie / similar_systems / system_tree   read-only helpers other apps and pages call

Rules of detection (documented here because they are choices, not facts):
* Only running systems (SystemStatusChoices.RUNNING) are evaluated; flags of systems that stopped running are
  resolved. A figure exactly at a "months" or "similarity" threshold counts (≥); "under" thresholds (utilisation,
  users) are strict (<): a system at exactly 5 % or 10 users is not flagged.
* Unused months run from the last sign of use: the latest `last_used_on`, or the end of the latest month with
  monthly_active_users > 0. A system that only ever reported 0 users is unused since its first reported month.
* No usage data at all: the reason "无使用数据" once the system has been registered on the platform for at least the
  unused-months threshold (a newly imported audit list is not flagged wholesale); switchable per rule row.
* A dismissed flag is not reopened for the same reasons. It is reopened (as a new flag, the dismissed one kept)
  when a rule it did not list is broken, when a figure gets worse — lower utilisation, fewer users, a higher
  similarity — or when 6 months have passed since the dismissal. Months without use or maintenance only grow with
  time, and that growth is what the authority already judged, so they alone never reopen a dismissed flag.
* An open flag whose system breaks no rule any more is resolved; a confirmed flag stays confirmed (the authority
  decided) until its plan is done or it is dismissed.
* A duplicate pair the authority dismissed does not count as a "function duplicated" reason any more.
"""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.attachments import check_uploads, upload_name
from govshare.core.context import acting_as, current_request_id
from govshare.inventory.choices import SystemStatusChoices
from govshare.inventory.models import InformationSystem, SystemUsage
from govshare.notifications.services import notify
from govshare.organizations.models import Department, Jurisdiction
from govshare.users.choices import RoleChoices

from .choices import (
    CandidateStatusChoices,
    CleanupActionChoices,
    FlagStatusChoices,
    PlanStatusChoices,
    PlanStepChoices,
    ZombieReasonChoices,
)
from .models import (
    CleanupPlan,
    CleanupPlanEvent,
    DuplicateCandidate,
    ZombieFlag,
    ZombieRule,
    authority_jurisdiction_ids,
    system_scope,
)
from .similarity import SimilarityIndex

__all__ = [
    "DISMISSAL_QUIET_MONTHS",
    "MAX_EVIDENCE_BYTES",
    "RULE_FIELDS",
    "accept_candidate",
    "add_months",
    "cancel_plan",
    "confirm_flag",
    "create_plan",
    "department_overview",
    "detect",
    "dismiss_candidate",
    "dismiss_flag",
    "evaluate",
    "finish_plan",
    "is_zombie",
    "months_between",
    "notify_new_flags",
    "report_progress",
    "rule_for",
    "run_detection",
    "save_rule",
    "similar_systems",
    "system_tree",
    "text_number",
    "update_plan",
    "visible_departments",
]

FLAG = FlagStatusChoices
PLAN = PlanStatusChoices
REASON = ZombieReasonChoices
ACTION = CleanupActionChoices
RUNNING = SystemStatusChoices.RUNNING

# How long a dismissal keeps the same reasons quiet.
DISMISSAL_QUIET_MONTHS = 6
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
RULE_FIELDS = (
    "unused_enabled", "unused_months", "unmaintained_enabled", "unmaintained_months", "utilisation_enabled",
    "utilisation_percent", "users_enabled", "min_monthly_users", "duplicate_enabled", "duplicate_similarity",
    "no_data_enabled",
)


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _id(value):
    return getattr(value, "pk", value)


def _has_role(user, *roles) -> bool:
    return user.is_superuser or user.has_role(*roles)


def _number(value):
    """A figure for JSON and for text: ints stay ints, decimals become floats without trailing zeros."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def text_number(value) -> str:
    """A figure as short text: 5, 4.99 (not 5.00)."""
    value = _number(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from `start` to `end` (0 when `end` is not later)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _flag_link(flag) -> str:
    return reverse("zombies:flag_detail", args=[flag.pk])


def _plan_link(plan) -> str:
    return reverse("zombies:plan_detail", args=[plan.pk])


def _require(model, instance, user, action, message):
    if not model.objects.restrict(user, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(message)


def _require_system(system, user, action, message):
    condition = system_scope(user, action, prefix="")
    queryset = InformationSystem.objects.filter(pk=system.pk)
    if condition is not None and not queryset.filter(condition).exists():
        raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------------------------
# Rules


class _RuleBook:
    """Every rule row, read once, and the row that applies to each jurisdiction (its own, the nearest above, or the
    platform default, or the built-in defaults when no row exists)."""

    def __init__(self):
        rows = list(ZombieRule.objects.all())
        self.by_jurisdiction = {row.jurisdiction_id: row for row in rows}
        self.parents = dict(Jurisdiction.objects.values_list("pk", "parent_id"))
        self.default = self.by_jurisdiction.get(None) or ZombieRule()
        self.cache = {}

    def for_jurisdiction(self, jurisdiction_id):
        if jurisdiction_id not in self.cache:
            rule, node, seen = None, jurisdiction_id, set()
            while node is not None and node not in seen:
                seen.add(node)
                rule = self.by_jurisdiction.get(node)
                if rule is not None:
                    break
                node = self.parents.get(node)
            self.cache[jurisdiction_id] = rule or self.default
        return self.cache[jurisdiction_id]

    @property
    def rules(self):
        return [*self.by_jurisdiction.values(), self.default]


def rule_for(system) -> ZombieRule:
    """The thresholds that apply to a system (possibly an unsaved row with the built-in defaults)."""
    return _RuleBook().for_jurisdiction(system.owner.jurisdiction_id)


def _rule_errors(values) -> dict:
    errors = {}
    for name in ("unused_months", "unmaintained_months"):
        value = values.get(name)
        if value is None or int(value) < 1 or int(value) > 120:
            errors[name] = _("月数应在1到120之间")
    percent = values.get("utilisation_percent")
    if percent is None or not Decimal(0) <= Decimal(str(percent)) <= Decimal(100):
        errors["utilisation_percent"] = _("资源利用率阈值应在0到100之间")
    users = values.get("min_monthly_users")
    if users is None or int(users) < 0:
        errors["min_monthly_users"] = _("月活跃用户数阈值不能为负数")
    similarity = values.get("duplicate_similarity")
    if similarity is None or not Decimal("0") < Decimal(str(similarity)) <= Decimal(1):
        errors["duplicate_similarity"] = _("相似度阈值应大于0且不超过1")
    return errors


@transaction.atomic
def save_rule(rule=None, *, user, jurisdiction=None, **values) -> ZombieRule:
    """Create the rule row of a jurisdiction (None: the platform default) or change an existing row. Platform
    admins may set any row; authority officers those of their jurisdictions."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown rule fields {sorted(unknown)}")
    if rule is None:
        jurisdiction_id = _id(jurisdiction)
        if not _has_role(user, RoleChoices.PLATFORM_ADMIN):
            allowed = authority_jurisdiction_ids(user) or []
            if jurisdiction_id is None or jurisdiction_id not in allowed:
                raise PermissionDenied(_("您不能设置该行政区域的认定规则"))
        if ZombieRule.objects.filter(jurisdiction_id=jurisdiction_id).exists():
            raise ValidationError({"jurisdiction": [_("该行政区域已有认定规则，请直接修改")]})
        rule = ZombieRule(jurisdiction_id=jurisdiction_id)
    else:
        rule = ZombieRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
        _require(ZombieRule, rule, user, "change", _("您不能修改该认定规则"))
    for name, value in values.items():
        setattr(rule, name, value)
    errors = _rule_errors({name: getattr(rule, name) for name in RULE_FIELDS})
    if errors:
        raise ValidationError(errors)
    with acting_as(user, current_request_id()):
        rule.save()
    return rule


# ---------------------------------------------------------------------------------------------------------------
# Evaluating one system


def _reason(rule, figure, threshold, text, **extra) -> dict:
    return {"rule": rule, "label": str(REASON.label(rule)), "figure": _number(figure),
            "threshold": _number(threshold), "text": str(text), **extra}


def _unused_reason(usages, rule, today):
    last_use = None
    for usage in usages:
        if usage.last_used_on and (last_use is None or usage.last_used_on > last_use):
            last_use = usage.last_used_on
        if usage.monthly_active_users and (last_use is None or _month_end(usage.month) > last_use):
            last_use = _month_end(usage.month)
    if last_use is None:
        zero_months = [usage.month for usage in usages if usage.monthly_active_users == 0]
        if not zero_months:
            return None  # nothing says whether it is used
        last_use = min(zero_months)
    months = months_between(last_use, today)
    if months < rule.unused_months:
        return None
    text = _("已连续 %(months)d 个月无人使用（阈值 %(threshold)d 个月）") % {
        "months": months, "threshold": rule.unused_months}
    return _reason(REASON.UNUSED, months, rule.unused_months, text, since=last_use.isoformat())


def _unmaintained_reason(usages, rule, today):
    dates = [usage.last_maintained_on for usage in usages if usage.last_maintained_on]
    if not dates:
        return None
    last = max(dates)
    months = months_between(last, today)
    if months < rule.unmaintained_months:
        return None
    text = _("已 %(months)d 个月未运维（阈值 %(threshold)d 个月）") % {
        "months": months, "threshold": rule.unmaintained_months}
    return _reason(REASON.UNMAINTAINED, months, rule.unmaintained_months, text, since=last.isoformat())


def _latest(usages, field):
    """The latest month that reports `field`, and the figure."""
    for usage in sorted(usages, key=lambda u: u.month, reverse=True):
        value = getattr(usage, field)
        if value is not None:
            return usage.month, value
    return None, None


def _utilisation_reason(usages, rule):
    month, value = _latest(usages, "resource_utilisation")
    if month is None or not value < rule.utilisation_percent:
        return None
    text = _("%(month)s 资源利用率 %(figure)s%%（低于阈值 %(threshold)s%%）") % {
        "month": f"{month:%Y-%m}", "figure": text_number(value), "threshold": text_number(rule.utilisation_percent)}
    return _reason(REASON.LOW_UTILISATION, value, rule.utilisation_percent, text, month=f"{month:%Y-%m}")


def _users_reason(usages, rule):
    month, value = _latest(usages, "monthly_active_users")
    if month is None or not value < rule.min_monthly_users:
        return None
    text = _("%(month)s 月活跃用户 %(figure)d 人（低于阈值 %(threshold)d 人）") % {
        "month": f"{month:%Y-%m}", "figure": value, "threshold": rule.min_monthly_users}
    return _reason(REASON.FEW_USERS, value, rule.min_monthly_users, text, month=f"{month:%Y-%m}")


def _duplicate_reason(match, rule):
    if match is None:
        return None
    other, score = match
    if Decimal(str(score)) < rule.duplicate_similarity:
        return None
    text = _("功能与“%(name)s”（%(department)s）相似度 %(figure).2f（阈值 %(threshold).2f）") % {
        "name": other.name, "department": other.owner.name, "figure": score,
        "threshold": float(rule.duplicate_similarity)}
    return _reason(REASON.DUPLICATE, score, rule.duplicate_similarity, text, system_id=other.pk,
                   system_name=other.name)


def _no_data_reason(system, rule, today):
    registered = timezone.localtime(system.created).date() if system.created else today
    months = months_between(registered, today)
    if months < rule.unused_months:
        return None
    text = _("无使用数据（登记已 %(months)d 个月，从未报送使用情况）") % {"months": months}
    return _reason(REASON.NO_DATA, months, rule.unused_months, text)


def evaluate(system, usages, rule, *, today, best_match=None) -> list[dict]:
    """The reasons a running system is a zombie candidate under `rule`, from its usage rows; `best_match` is the
    most similar other running system as (system, score), or None."""
    reasons = []
    if usages:
        if rule.unused_enabled:
            reasons.append(_unused_reason(usages, rule, today))
        if rule.unmaintained_enabled:
            reasons.append(_unmaintained_reason(usages, rule, today))
        if rule.utilisation_enabled:
            reasons.append(_utilisation_reason(usages, rule))
        if rule.users_enabled:
            reasons.append(_users_reason(usages, rule))
    elif rule.no_data_enabled:
        reasons.append(_no_data_reason(system, rule, today))
    if rule.duplicate_enabled:
        reasons.append(_duplicate_reason(best_match, rule))
    return [reason for reason in reasons if reason is not None]


# Which way is worse for the figures that can get worse (see the module docstring).
_LOWER_IS_WORSE = (REASON.LOW_UTILISATION, REASON.FEW_USERS)
_HIGHER_IS_WORSE = (REASON.DUPLICATE,)


def _reopens(dismissed: ZombieFlag, reasons: list[dict], today) -> bool:
    """Whether the reasons found now justify a new flag after the authority dismissed `dismissed`."""
    decided = timezone.localtime(dismissed.decided_at).date() if dismissed.decided_at else today
    if today >= add_months(decided, DISMISSAL_QUIET_MONTHS):
        return True
    before = {reason["rule"]: reason for reason in dismissed.reasons or ()}
    for reason in reasons:
        previous = before.get(reason["rule"])
        if previous is None:
            return True
        if reason["rule"] in _LOWER_IS_WORSE and reason["figure"] < previous["figure"]:
            return True
        if reason["rule"] in _HIGHER_IS_WORSE and reason["figure"] > previous["figure"]:
            return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# Similarity


def _running_systems():
    return InformationSystem.objects.filter(status__in=RUNNING).select_related("owner")


def _exclude_ids(exclude) -> set:
    if exclude is None:
        return set()
    if isinstance(exclude, (InformationSystem, int)):
        return {_id(exclude)}
    return {_id(item) for item in exclude}


def similar_systems(text, *, exclude=None, threshold=None) -> list[tuple]:
    """Running systems whose function overlaps `text`, as (system, score 0–1) best first; `exclude` is a system, an
    id or several. The threshold defaults to the platform default rule's duplicate similarity (0.8)."""
    if threshold is None:
        threshold = _RuleBook().default.duplicate_similarity
    index = SimilarityIndex(_running_systems())
    return index.matches(text, threshold=float(threshold), exclude_ids=_exclude_ids(exclude))


def _dismissed_pairs() -> set:
    return set(
        DuplicateCandidate.objects.filter(status=CandidateStatusChoices.DISMISSED).values_list("system_a_id",
                                                                                                 "system_b_id")
    )


# ---------------------------------------------------------------------------------------------------------------
# Detection


def _scope(systems):
    running = _running_systems()
    if systems is None:
        return running, None
    if isinstance(systems, QuerySet):
        ids = set(systems.values_list("pk", flat=True))
    else:
        ids = {_id(system) for system in systems}
    return running.filter(pk__in=ids), ids


def detect(*, systems=None, today=None, user=None) -> list[ZombieFlag]:
    """Apply the rules to the running systems (all, or `systems`): open a flag for a new zombie candidate, refresh
    the reasons of an open or confirmed flag, resolve an open flag whose system breaks no rule any more and the
    flags of systems that stopped running; propose duplicate pairs for integration. Returns the flags opened or
    refreshed; the ones opened now have `opened_now = True`."""
    today = today or timezone.localdate()
    now = timezone.now()
    scope, requested_ids = _scope(systems)
    scope = list(scope)
    scope_ids = {system.pk for system in scope}
    book = _RuleBook()

    usage_by_system = {}
    for usage in SystemUsage.objects.filter(system_id__in=scope_ids).order_by("month"):
        usage_by_system.setdefault(usage.system_id, []).append(usage)

    # Duplicates: every pair involving a system in scope at the lowest similarity any enabled rule asks for.
    pairs = []
    enabled = [rule.duplicate_similarity for rule in book.rules if rule.duplicate_enabled]
    if enabled and scope:
        index = SimilarityIndex(_running_systems())
        pairs = index.pairs(threshold=float(min(enabled)), among=scope_ids)
    dismissed_pairs = _dismissed_pairs()
    best = {}
    for first, second, score in pairs:
        if (first.pk, second.pk) in dismissed_pairs:
            continue
        for system, other in ((first, second), (second, first)):
            if system.pk in scope_ids and (system.pk not in best or score > best[system.pk][1]):
                best[system.pk] = (other, score)

    active = {flag.system_id: flag for flag in ZombieFlag.objects.filter(system_id__in=scope_ids,
                                                                         status__in=FLAG.ACTIVE)}
    last_dismissed = {}
    for flag in ZombieFlag.objects.filter(system_id__in=scope_ids, status=FLAG.DISMISSED).order_by("decided_at",
                                                                                                     "pk"):
        last_dismissed[flag.system_id] = flag

    results = []
    with transaction.atomic(), acting_as(user, current_request_id()):
        for system in scope:
            rule = book.for_jurisdiction(system.owner.jurisdiction_id)
            reasons = evaluate(system, usage_by_system.get(system.pk, []), rule, today=today,
                               best_match=best.get(system.pk))
            flag = active.get(system.pk)
            if flag is not None:
                if reasons:
                    flag.reasons = reasons
                    flag.refreshed_at = now
                    flag.save(update_fields=["reasons", "refreshed_at", "last_updated"])
                    flag.opened_now = False
                    results.append(flag)
                elif flag.status == FLAG.OPEN:
                    flag.status = FLAG.RESOLVED
                    flag.resolved_at = now
                    flag.refreshed_at = now
                    flag.note = _("复查时已不满足任何认定规则")
                    flag.save()
                else:
                    flag.refreshed_at = now
                    flag.save(update_fields=["refreshed_at"])
                continue
            if not reasons:
                continue
            dismissed = last_dismissed.get(system.pk)
            if dismissed is not None and not _reopens(dismissed, reasons, today):
                continue
            flag = ZombieFlag.objects.create(system=system, reasons=reasons, opened_at=now, refreshed_at=now)
            flag.opened_now = True
            results.append(flag)

        _resolve_stopped(requested_ids, now)
        _propose(pairs, book, dismissed_pairs, now)
    return results


def _resolve_stopped(requested_ids, now):
    """Flags of systems that no longer run are history: resolved (their plan, if any, is done)."""
    stale = ZombieFlag.objects.filter(status__in=FLAG.ACTIVE).exclude(system__status__in=RUNNING)
    if requested_ids is not None:
        stale = stale.filter(system_id__in=requested_ids)
    for flag in stale:
        flag.status = FLAG.RESOLVED
        flag.resolved_at = now
        flag.note = flag.note or _("系统已不再运行")
        flag.save()
    obsolete = DuplicateCandidate.objects.filter(status=CandidateStatusChoices.PROPOSED).filter(
        ~Q(system_a__status__in=RUNNING) | ~Q(system_b__status__in=RUNNING)
    )
    for candidate in obsolete:
        candidate.status = CandidateStatusChoices.OBSOLETE
        candidate.save()


def _propose(pairs, book, dismissed_pairs, now):
    """Record the pairs that reach the duplicate threshold of either system's rule; dismissed pairs stay dismissed,
    proposed ones get the current score."""
    existing = {}
    if pairs:
        ids = {first.pk for first, _second, _score in pairs}
        for candidate in DuplicateCandidate.objects.filter(system_a_id__in=ids):
            existing[(candidate.system_a_id, candidate.system_b_id)] = candidate
    for first, second, score in pairs:
        key = (first.pk, second.pk)
        if key in dismissed_pairs:
            continue
        reaches = False
        for system in (first, second):
            rule = book.for_jurisdiction(system.owner.jurisdiction_id)
            if rule.duplicate_enabled and Decimal(str(score)) >= rule.duplicate_similarity:
                reaches = True
        candidate = existing.get(key)
        if candidate is None:
            if reaches:
                DuplicateCandidate.objects.create(system_a=first, system_b=second, score=Decimal(str(score)),
                                                  proposed_at=now)
        elif candidate.status in (CandidateStatusChoices.PROPOSED, CandidateStatusChoices.OBSOLETE) and reaches:
            candidate.score = Decimal(str(score))
            candidate.status = CandidateStatusChoices.PROPOSED
            candidate.save()


def notify_new_flags(flags):
    """Tell each owner department's admins about its systems flagged now (once per flag)."""
    for flag in flags:
        if not getattr(flag, "opened_now", False):
            continue
        notify(
            subject=_("信息系统“%(name)s”被标记为疑似僵尸系统") % {"name": flag.system.name},
            body="\n".join(flag.reason_texts),
            link=_flag_link(flag),
            key=f"zombie-flag:{flag.pk}",
            departments=[flag.system.owner_id],
            roles=[RoleChoices.DEPARTMENT_ADMIN],
        )


def run_detection(*, user=None, systems=None, today=None) -> list[ZombieFlag]:
    """Detection as the daily job and the authority's button run it: within what `user` may decide on (everything
    when no user), then the owners of new flags are notified."""
    if user is not None:
        condition = system_scope(user, "decide", prefix="")
        if condition is not None and not authority_jurisdiction_ids(user):
            raise PermissionDenied(_("只有共享主管部门工作人员或平台管理员可以运行僵尸系统检测"))
        if condition is not None:
            allowed = InformationSystem.objects.filter(condition)
            systems = allowed if systems is None else allowed.filter(pk__in=[_id(s) for s in systems])
    flags = detect(systems=systems, today=today, user=user)
    notify_new_flags(flags)
    return flags


def is_zombie(system) -> bool:
    """The system has an open or confirmed zombie flag."""
    return ZombieFlag.objects.filter(system_id=_id(system), status__in=FLAG.ACTIVE).exists()


# ---------------------------------------------------------------------------------------------------------------
# Decisions on flags


def _lock_flag(flag) -> ZombieFlag:
    return ZombieFlag.objects.select_for_update(of=("self",)).select_related("system__owner").get(pk=_id(flag))


@transaction.atomic
def confirm_flag(flag, *, user, note="") -> ZombieFlag:
    """The competent authority confirms an open flag: the system is a zombie and needs a cleanup plan."""
    flag = _lock_flag(flag)
    _require(ZombieFlag, flag, user, "decide", _("只有共享主管部门可以确认僵尸系统标记"))
    if flag.status != FLAG.OPEN:
        raise ValidationError(_("“%(status)s”的标记不能确认") % {"status": flag.get_status_display()})
    with acting_as(user, current_request_id()):
        flag.status = FLAG.CONFIRMED
        flag.decided_at = timezone.now()
        flag.decided_by = user
        flag.note = (note or "").strip()
        flag.save()
    notify(
        subject=_("信息系统“%(name)s”已被确认为僵尸系统") % {"name": flag.system.name},
        body=flag.note, link=_flag_link(flag), key=f"zombie-flag:{flag.pk}:confirmed",
        departments=[flag.system.owner_id], roles=[RoleChoices.DEPARTMENT_ADMIN],
    )
    return flag


@transaction.atomic
def dismiss_flag(flag, *, user, note) -> ZombieFlag:
    """The competent authority dismisses an open or confirmed flag, saying why (required)."""
    flag = _lock_flag(flag)
    _require(ZombieFlag, flag, user, "decide", _("只有共享主管部门可以排除僵尸系统标记"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("排除标记须填写理由")]})
    if flag.status not in FLAG.ACTIVE:
        raise ValidationError(_("“%(status)s”的标记不能排除") % {"status": flag.get_status_display()})
    if CleanupPlan.objects.filter(system_id=flag.system_id, status__in=PLAN.ACTIVE).exists():
        raise ValidationError(_("该系统有未完成的清理计划，请先撤销计划再排除标记"))
    with acting_as(user, current_request_id()):
        flag.status = FLAG.DISMISSED
        flag.decided_at = timezone.now()
        flag.decided_by = user
        flag.note = note
        flag.save()
    return flag


# ---------------------------------------------------------------------------------------------------------------
# Duplicate pairs


def _lock_candidate(candidate) -> DuplicateCandidate:
    return DuplicateCandidate.objects.select_for_update(of=("self",)).select_related("system_a", "system_b").get(
        pk=_id(candidate))


@transaction.atomic
def accept_candidate(candidate, *, user, keep, deadline, note="", today=None) -> CleanupPlan:
    """Accept a duplicate pair: the other system is to be integrated into `keep` (one of the pair) by the
    deadline. Returns the new cleanup plan."""
    candidate = _lock_candidate(candidate)
    _require(DuplicateCandidate, candidate, user, "decide", _("只有共享主管部门可以处理重复建设候选"))
    if candidate.status != CandidateStatusChoices.PROPOSED:
        raise ValidationError(_("“%(status)s”的候选不能再处理") % {"status": candidate.get_status_display()})
    keep_id = _id(keep)
    if keep_id not in (candidate.system_a_id, candidate.system_b_id):
        raise ValidationError({"keep": [_("保留的系统须是这两个系统之一")]})
    keep, other = ((candidate.system_a, candidate.system_b) if keep_id == candidate.system_a_id
                   else (candidate.system_b, candidate.system_a))
    plan = create_plan(other, user=user, action=ACTION.INTEGRATE, target=keep, deadline=deadline,
                       instructions=note, today=today)
    with acting_as(user, current_request_id()):
        candidate.status = CandidateStatusChoices.ACCEPTED
        candidate.decided_at = timezone.now()
        candidate.decided_by = user
        candidate.note = (note or "").strip()
        candidate.plan = plan
        candidate.save()
    return plan


@transaction.atomic
def dismiss_candidate(candidate, *, user, note) -> DuplicateCandidate:
    """Not a duplicate (or integration not wanted): the pair is not proposed again, and stops counting as a
    "function duplicated" reason."""
    candidate = _lock_candidate(candidate)
    _require(DuplicateCandidate, candidate, user, "decide", _("只有共享主管部门可以处理重复建设候选"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("排除候选须填写理由")]})
    if candidate.status != CandidateStatusChoices.PROPOSED:
        raise ValidationError(_("“%(status)s”的候选不能再处理") % {"status": candidate.get_status_display()})
    with acting_as(user, current_request_id()):
        candidate.status = CandidateStatusChoices.DISMISSED
        candidate.decided_at = timezone.now()
        candidate.decided_by = user
        candidate.note = note
        candidate.save()
    return candidate


# ---------------------------------------------------------------------------------------------------------------
# Cleanup plans


def _plan_errors(system, action, target, deadline, *, plan=None, today) -> dict:
    errors = {}
    if action not in ACTION.values:
        errors["action"] = _("请选择清理方式：关停、整合至或由…替代")
    if system.status not in RUNNING:
        errors["system"] = _("系统已是“%(status)s”状态，无需再制定清理计划") % {"status": system.get_status_display()}
    if action in ACTION.WITH_TARGET:
        if target is None:
            errors["target"] = _("“%(action)s”须指定目标系统") % {"action": ACTION.label(action)}
        elif target.pk == system.pk:
            errors["target"] = _("目标系统不能是该系统本身")
        elif target.status not in RUNNING:
            errors["target"] = _("目标系统“%(name)s”已是“%(status)s”状态，须选择在运行的系统") % {
                "name": target.name, "status": target.get_status_display()}
        elif CleanupPlan.objects.filter(system=target, target=system, status__in=PLAN.ACTIVE).exists():
            errors["target"] = _("目标系统已计划整合至或由该系统替代，不能互相整合")
    elif action == ACTION.SHUT_DOWN and target is not None:
        errors["target"] = _("关停无需指定目标系统")
    if deadline is None:
        errors["deadline"] = _("请填写完成期限")
    elif (plan is None or deadline != plan.deadline) and deadline < today:
        errors["deadline"] = _("完成期限不能早于今天")
    active = CleanupPlan.objects.filter(system=system, status__in=PLAN.ACTIVE)
    if plan is not None:
        active = active.exclude(pk=plan.pk)
    if active.exists():
        errors["system"] = _("该系统已有未完成的清理计划")
    return errors


def _event(plan, step, *, user=None, text=""):
    return CleanupPlanEvent.objects.create(plan=plan, step=step, user=user,
                                           department=getattr(user, "department", None), text=(text or "").strip())


def _target(target):
    if target is None or isinstance(target, InformationSystem):
        return target
    return InformationSystem.objects.filter(pk=target).first()


@transaction.atomic
def create_plan(system, *, user, action, deadline, target=None, instructions="", today=None) -> CleanupPlan:
    """The competent authority sets how a running system is cleaned up and by when. Planning an integration marks
    the system "待整合"."""
    today = today or timezone.localdate()
    system = InformationSystem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=_id(system))
    _require_system(system, user, "decide", _("只有共享主管部门可以制定清理计划"))
    target = _target(target)
    errors = _plan_errors(system, action, target, deadline, today=today)
    if errors:
        raise ValidationError(errors)
    flag = ZombieFlag.objects.filter(system=system, status__in=FLAG.ACTIVE).first()
    with acting_as(user, current_request_id()):
        plan = CleanupPlan.objects.create(
            system=system, action=action, target=target if action in ACTION.WITH_TARGET else None,
            deadline=deadline, instructions=(instructions or "").strip(), flag=flag, created_by=user,
        )
        _event(plan, PlanStepChoices.CREATED, user=user, text=f"{plan.action_text}，{deadline:%Y-%m-%d} 前完成")
        if action == ACTION.INTEGRATE and system.status == SystemStatusChoices.IN_USE:
            system.status = SystemStatusChoices.TO_INTEGRATE
            system.save()
    notify(
        subject=_("信息系统“%(name)s”的清理计划：%(action)s") % {"name": system.name, "action": plan.action_text},
        body=_("完成期限：%(deadline)s") % {"deadline": f"{deadline:%Y-%m-%d}"},
        link=_plan_link(plan), key=f"zombie-plan:{plan.pk}:created",
        departments=[system.owner_id], roles=[RoleChoices.DEPARTMENT_ADMIN],
    )
    return plan


def _lock_plan(plan) -> CleanupPlan:
    locked = CleanupPlan.objects.select_for_update(of=("self",))
    return locked.select_related("system__owner", "target").get(pk=_id(plan))


@transaction.atomic
def update_plan(plan, *, user, action, deadline, target=None, instructions="", today=None) -> CleanupPlan:
    """The competent authority changes an unfinished plan (action, target, deadline, requirements)."""
    today = today or timezone.localdate()
    plan = _lock_plan(plan)
    _require(CleanupPlan, plan, user, "decide", _("只有共享主管部门可以调整清理计划"))
    if not plan.is_active:
        raise ValidationError(_("“%(status)s”的计划不能再调整") % {"status": plan.get_status_display()})
    target = _target(target)
    errors = _plan_errors(plan.system, action, target, deadline, plan=plan, today=today)
    if errors:
        raise ValidationError(errors)
    system = plan.system
    with acting_as(user, current_request_id()):
        plan.action = action
        plan.target = target if action in ACTION.WITH_TARGET else None
        plan.deadline = deadline
        plan.instructions = (instructions or "").strip()
        plan.save()
        _event(plan, PlanStepChoices.CHANGED, user=user, text=f"{plan.action_text}，{deadline:%Y-%m-%d} 前完成")
        wanted = SystemStatusChoices.TO_INTEGRATE if action == ACTION.INTEGRATE else SystemStatusChoices.IN_USE
        if system.status != wanted:
            system.status = wanted
            system.save()
    return plan


@transaction.atomic
def cancel_plan(plan, *, user, reason) -> CleanupPlan:
    """The competent authority withdraws an unfinished plan, saying why; a system waiting for integration is back
    in use."""
    plan = _lock_plan(plan)
    _require(CleanupPlan, plan, user, "decide", _("只有共享主管部门可以撤销清理计划"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("撤销计划须填写理由")]})
    if not plan.is_active:
        raise ValidationError(_("“%(status)s”的计划不能撤销") % {"status": plan.get_status_display()})
    with acting_as(user, current_request_id()):
        plan.status = PLAN.CANCELLED
        plan.cancel_reason = reason
        plan.save()
        _event(plan, PlanStepChoices.CANCELLED, user=user, text=reason)
        system = plan.system
        if system.status == SystemStatusChoices.TO_INTEGRATE:
            system.status = SystemStatusChoices.IN_USE
            system.save()
    return plan


def _check_evidence(file):
    """Refuse an empty or too big evidence file before anything changes."""
    if file is not None:
        check_uploads([file], max_bytes=MAX_EVIDENCE_BYTES, max_count=1, field="evidence_file")


def _store_evidence(plan, file):
    if plan.evidence_file:
        plan.evidence_file.delete(save=False)
    plan.evidence_name = upload_name(file)
    plan.evidence_size = file.size
    plan.evidence_file.save(file.name, file, save=False)


@transaction.atomic
def report_progress(plan, *, user, text, evidence_file=None) -> CleanupPlan:
    """The owner department reports progress (a planned plan is then in progress), optionally with evidence."""
    plan = _lock_plan(plan)
    _require(CleanupPlan, plan, user, "report", _("只有系统所属部门的管理员可以报告清理进展"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写进展情况")]})
    if not plan.is_active:
        raise ValidationError(_("“%(status)s”的计划不能再报告进展") % {"status": plan.get_status_display()})
    _check_evidence(evidence_file)
    with acting_as(user, current_request_id()):
        if plan.status == PLAN.PLANNED:
            plan.status = PLAN.IN_PROGRESS
            plan.started_at = timezone.now()
        plan.progress_note = text
        if evidence_file is not None:
            _store_evidence(plan, evidence_file)
        plan.save()
        _event(plan, PlanStepChoices.PROGRESS, user=user, text=text)
    return plan


@transaction.atomic
def finish_plan(plan, *, user, evidence_text, evidence_file=None) -> CleanupPlan:
    """The owner department finishes the cleanup with evidence (a description, and a file now or uploaded with an
    earlier report): the system becomes 已关停, 已整合 (into the target) or 已替代 (by the target), and its
    zombie flags are resolved."""
    plan = _lock_plan(plan)
    _require(CleanupPlan, plan, user, "report", _("只有系统所属部门的管理员可以完成清理"))
    if not plan.is_active:
        raise ValidationError(_("“%(status)s”的计划不能再完成") % {"status": plan.get_status_display()})
    errors = {}
    evidence_text = (evidence_text or "").strip()
    if not evidence_text:
        errors["evidence_text"] = [_("请填写完成情况说明")]
    if evidence_file is None and not plan.evidence_file:
        errors["evidence_file"] = [_("请上传佐证材料（如关停通知、迁移报告、验收材料）")]
    target = plan.target
    if plan.action in ACTION.WITH_TARGET:
        if target is None:
            errors["target"] = [_("目标系统已不存在，请主管部门调整计划")]
        elif target.status not in RUNNING:
            errors["target"] = [_("目标系统“%(name)s”已不在运行，请主管部门调整计划") % {"name": target.name}]
    if errors:
        raise ValidationError(errors)
    _check_evidence(evidence_file)
    now = timezone.now()
    system = plan.system
    with acting_as(user, current_request_id()):
        if evidence_file is not None:
            _store_evidence(plan, evidence_file)
        plan.status = PLAN.DONE
        plan.started_at = plan.started_at or now
        plan.evidence_text = evidence_text
        plan.completed_at = now
        plan.completed_by = user
        plan.save()
        _event(plan, PlanStepChoices.DONE, user=user, text=evidence_text)
        if plan.action == ACTION.SHUT_DOWN:
            system.status = SystemStatusChoices.SHUT_DOWN
        elif plan.action == ACTION.INTEGRATE:
            system.status = SystemStatusChoices.INTEGRATED
            system.integrated_into = target
        else:
            system.status = SystemStatusChoices.REPLACED
            system.replaced_by = target
        system.save()
        for flag in ZombieFlag.objects.filter(system=system, status__in=FLAG.ACTIVE):
            flag.status = FLAG.RESOLVED
            flag.resolved_at = now
            flag.note = flag.note or _("清理计划已完成")
            flag.save()
    return plan


# ---------------------------------------------------------------------------------------------------------------
# The "one big system" view of a department


def visible_departments(user):
    """Departments whose system map the user may open: platform admins all, the competent authority its
    jurisdictions, a department admin its own."""
    if not user.is_authenticated:
        return Department.objects.none()
    if _has_role(user, RoleChoices.PLATFORM_ADMIN) or user.has_role(RoleChoices.AUDIT_ADMIN):
        return Department.objects.all()
    condition = Q(pk__in=[])
    jurisdictions = authority_jurisdiction_ids(user)
    if jurisdictions:
        condition |= Q(jurisdiction_id__in=jurisdictions)
    if user.department_id and user.has_role(RoleChoices.DEPARTMENT_ADMIN):
        condition |= Q(pk=user.department_id)
    return Department.objects.filter(condition)


def department_overview(departments):
    """Per department: systems, running, connected to the platform, flagged and with an unfinished plan."""
    running = Q(information_systems__status__in=RUNNING)
    return departments.annotate(
        system_count=Count("information_systems", distinct=True),
        running_count=Count("information_systems", filter=running, distinct=True),
        connected_count=Count("information_systems", distinct=True,
                              filter=running & Q(information_systems__connected_to_platform=True)),
        flagged_count=Count("information_systems__zombie_flags",
                            filter=Q(information_systems__zombie_flags__status__in=FLAG.ACTIVE), distinct=True),
        plan_count=Count("information_systems__cleanup_plans",
                         filter=Q(information_systems__cleanup_plans__status__in=PLAN.ACTIVE), distinct=True),
    ).select_related("jurisdiction").order_by("jurisdiction__division_code", "name")


def system_tree(department) -> list[dict]:
    """The department's systems as a forest: each node {"system", "relation", "flag", "plan", "children"}, a
    system's children being those integrated into it or replaced by it (from any department). A system integrated
    into another department's system is a root that says so."""
    systems = {s.pk: s for s in InformationSystem.objects.filter(owner=department).select_related(
        "owner", "integrated_into__owner", "replaced_by__owner")}
    frontier = set(systems)
    for _depth in range(10):  # integration chains are short; the cap guards against a cycle in bad data
        more = InformationSystem.objects.filter(
            Q(integrated_into_id__in=frontier) | Q(replaced_by_id__in=frontier)
        ).exclude(pk__in=systems).select_related("owner", "integrated_into__owner", "replaced_by__owner")
        frontier = set()
        for system in more:
            systems[system.pk] = system
            frontier.add(system.pk)
        if not frontier:
            break
    flags = {f.system_id: f for f in ZombieFlag.objects.filter(system_id__in=systems, status__in=FLAG.ACTIVE)}
    plans = {p.system_id: p for p in CleanupPlan.objects.filter(system_id__in=systems, status__in=PLAN.ACTIVE)
             .select_related("target")}
    nodes = {pk: {"system": s, "relation": "", "flag": flags.get(pk), "plan": plans.get(pk), "children": []}
             for pk, s in systems.items()}
    roots = []
    for pk, system in sorted(systems.items(), key=lambda item: (item[1].owner_id != department.pk, item[1].name)):
        parent_id, relation = None, ""
        if system.integrated_into_id:
            parent_id, relation = system.integrated_into_id, "integrated"
        elif system.replaced_by_id:
            parent_id, relation = system.replaced_by_id, "replaced"
        if parent_id in nodes and not _leads_back(systems, parent_id, pk):
            nodes[pk]["relation"] = relation
            nodes[parent_id]["children"].append(nodes[pk])
        else:
            roots.append(nodes[pk])
    return roots


def _parent_id(system):
    return system.integrated_into_id or system.replaced_by_id


def _leads_back(systems, start_id, pk) -> bool:
    """Whether following integrations up from `start_id` reaches `pk` (a cycle in bad data: keep it a root)."""
    seen, node = set(), start_id
    while node is not None and node in systems and node not in seen:
        if node == pk:
            return True
        seen.add(node)
        node = _parent_id(systems[node])
    return node == pk

