"""Domain actions on project filing (项目备案). Each owns its transaction, checks the rules and who may act, keeps the
timeline, writes the audit entry and notifies whoever must act next (after commit).

    create_project / update_project   the construction unit's department admin; draft or refused (next round)
    submit_project                    → submitted (a new review round, compliance snapshot stored); the reviewer
                                        departments of the jurisdiction get a pending opinion each (none → reviewed)
    give_opinion                      a reviewer of a pending department: agree / disagree; all given → reviewed
    decide_project                    the competent authority: reviewed → approved (only when compliant) / refused
    request_acceptance                the department: approved / acceptance refused → acceptance requested
    review_acceptance                 the authority: → accepted when every condition holds, else acceptance refused
                                        with what is missing

The compliance checklist (`compliance_checklist`) and the acceptance check (`acceptance_check`) are plain lists of
JSON-ready dicts {key, label, mandatory, result, reason, details}: stored as snapshots, recomputed live on the page.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.audit import services as audit
from govshare.audit.choices import AuditActionChoices
from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.core.attachments import check_uploads, store_uploads
from govshare.core.context import acting_as
from govshare.inventory.choices import SystemStatusChoices
from govshare.inventory.models import InformationSystem
from govshare.notifications.services import notify
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from .choices import (
    CheckResultChoices,
    FundingChannelChoices,
    OpinionChoices,
    ProjectStatusChoices,
    ProjectStepChoices,
    ReviewDecisionChoices,
    ReviewerKindChoices,
)
from .models import (
    FILING_ROLES,
    Project,
    ProjectAttachment,
    ProjectEvent,
    ProjectReview,
    ProjectSequence,
    ReviewerDepartment,
    ReviewOpinion,
    authority_scope,
)

__all__ = [
    "MAX_ATTACHMENTS",
    "PROJECT_FIELDS",
    "acceptance_check",
    "add_attachments",
    "attachment_max_bytes",
    "check_passes",
    "competent_authority",
    "compliance_checklist",
    "create_project",
    "decide_project",
    "delete_project",
    "failing_items",
    "filing_departments",
    "give_opinion",
    "open_opinion_for",
    "projects_waiting_for",
    "remove_attachment",
    "request_acceptance",
    "review_acceptance",
    "reviewer_departments",
    "submit_project",
    "update_project",
]

S = ProjectStatusChoices
STEP = ProjectStepChoices
R = CheckResultChoices
MAX_ATTACHMENTS = 20
DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

# The filing's own fields (many-to-many links are given separately); foreign keys as instances or ids.
PROJECT_FIELDS = (
    "name", "construction_unit", "construction_unit_detail", "funding_channel", "investment", "annual_om_cost",
    "function", "plans_to_connect", "protection_level", "protection_filing_number", "description",
)


def attachment_max_bytes() -> int:
    """The size limit of one project document (GOVSHARE_PROJECT_ATTACHMENT_MAX_BYTES, 20 MB by default)."""
    return int(getattr(settings, "GOVSHARE_PROJECT_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _id(value):
    return getattr(value, "pk", value)


def _link(project) -> str:
    return reverse("projects:project_detail", args=[project.pk])


def _lock(project) -> Project:
    """The project re-read under a row lock, so two decisions cannot both pass the status check."""
    return Project.objects.select_for_update().get(pk=_id(project))


def _require(project, user, action, message):
    if not Project.objects.restrict(user, action).filter(pk=project.pk).exists():
        raise PermissionDenied(message)


def _require_status(project, allowed, message):
    if project.status not in allowed:
        raise ValidationError(message % {"status": project.get_status_display()})


def _event(project, step, *, user=None, text="", detail=None) -> ProjectEvent:
    return ProjectEvent.objects.create(
        project=project, step=step, round=project.round, user=user,
        department=getattr(user, "department", None) if user is not None else None, text=text, detail=detail or [],
    )


def _audit(project, step, user, action=AuditActionChoices.OTHER):
    audit.append(user=user, action=action, detail={"project": project.number, "step": step, "round": project.round})


def _next_number(now) -> str:
    """XM-<year>-<6-digit serial>, the serial restarting each year and never reused."""
    year = timezone.localtime(now).year
    sequence, _created = ProjectSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"XM-{year}-{sequence.last_value:06d}"


def competent_authority(department) -> Department | None:
    """The competent authority (共享主管部门) of the department's jurisdiction, or of the nearest one above it."""
    jurisdiction = department.jurisdiction
    while jurisdiction is not None:
        authority = jurisdiction.competent_authority
        if authority is not None:
            return authority
        jurisdiction = jurisdiction.parent
    return None


def reviewer_departments(department) -> dict:
    """{kind: Department} of the reviewer departments for a project of this department: for each kind, the one
    registered in the department's jurisdiction, or in the nearest jurisdiction above it that has one."""
    found = {}
    jurisdiction = department.jurisdiction
    while jurisdiction is not None and len(found) < len(ReviewerKindChoices.values):
        rows = ReviewerDepartment.objects.filter(department__jurisdiction=jurisdiction).select_related("department")
        for row in rows.order_by("id"):
            found.setdefault(row.kind, row.department)
        jurisdiction = jurisdiction.parent
    return {kind: found[kind] for kind in ReviewerKindChoices.values if kind in found}


def filing_departments(user):
    """The departments this user may file projects for: their own (department admin), or all (platform admin)."""
    if not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return Department.objects.all()
    if user.department_id and user.has_role(*FILING_ROLES):
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


# ---------------------------------------------------------------------------------------------------------------
# The compliance checklist (合规检查) and the acceptance check (验收条件)


def _item(key, label, result, reason, details=(), mandatory=True) -> dict:
    return {"key": key, "label": str(label), "mandatory": mandatory, "result": result, "reason": str(reason),
            "details": list(details)}


def _zombies():
    """The zombies app's services, or None until they exist (the checks that need them then say so)."""
    try:
        from govshare.zombies import services
    except ImportError:
        return None
    return services


def _names(objects) -> str:
    return "、".join(str(obj) for obj in objects)


def _check_catalogue(resources) -> dict:
    label = _("已编制信息资源目录")
    if not resources:
        return _item("catalogue", label, R.FAIL, _("未关联任何数据资源目录：项目申报前应预编项目信息资源目录"))
    presented = (EntryStatusChoices.SUBMITTED, EntryStatusChoices.PUBLISHED)
    missing = [resource for resource in resources if resource.status not in presented]
    if missing:
        return _item(
            "catalogue", label, R.FAIL,
            _("以下资源目录尚未提交审核或发布：%(names)s") % {"names": _names(missing)},
            [{"id": r.pk, "name": r.name, "status": r.status} for r in missing],
        )
    return _item("catalogue", label, R.PASS, _("%(n)d 条资源目录均已提交审核或已发布") % {"n": len(resources)})


def _check_connection(project, systems) -> dict:
    label = _("计划接入共享平台")
    unconnected = [system for system in systems if not system.connected_to_platform]
    if project.plans_to_connect:
        if unconnected:
            return _item("connection", label, R.PASS, _("项目计划接入共享平台，尚未接入的系统：%(names)s") % {
                "names": _names(unconnected)})
        return _item("connection", label, R.PASS, _("项目计划接入共享平台"))
    if systems and not unconnected:
        return _item("connection", label, R.PASS, _("关联的应用系统均已接入共享平台"))
    if unconnected:
        return _item(
            "connection", label, R.FAIL,
            _("未计划接入共享平台，且以下系统未接入：%(names)s") % {"names": _names(unconnected)},
            [{"id": s.pk, "name": s.name} for s in unconnected],
        )
    return _item("connection", label, R.FAIL, _("未计划接入共享平台"))


def _check_duplication(project, systems) -> dict:
    label = _("不与现有系统重复建设")
    zombies = _zombies()
    if zombies is None or not hasattr(zombies, "similar_systems"):
        return _item("duplication", label, R.NOT_APPLICABLE, _("系统相似度比对服务尚未启用"))
    text = "\n".join(part for part in (project.name, project.function, project.description) if part)
    # The systems the project itself funds are naturally alike: they are not duplicates of it.
    own = sorted(system.pk for system in systems)
    similar = zombies.similar_systems(text, exclude=own or None)
    if similar:
        details = [
            {"id": system.pk, "name": system.name, "owner": str(system.owner), "score": round(float(score), 2)}
            for system, score in similar
        ]
        listed = "、".join(f"{d['name']}（{d['owner']}，{d['score']}）" for d in details)
        return _item("duplication", label, R.FAIL, _("与以下现有系统功能相似：%(list)s") % {"list": listed}, details)
    return _item("duplication", label, R.PASS, _("未发现功能相似的现有系统"))


def _check_protection(project, systems) -> dict:
    label = _("等级保护备案")
    problems = []
    if not project.protection_level:
        problems.append(_("项目未确定等级保护级别"))
    elif project.protection_level >= 2 and not project.protection_filing_number.strip():
        problems.append(_("项目等级保护级别为第%(level)d级，须填写等保备案号") % {"level": project.protection_level})
    for system in systems:
        if not system.protection_level:
            problems.append(_("系统“%(name)s”未确定等级保护级别") % {"name": system.name})
        elif system.protection_level >= 2 and not system.protection_filing_number.strip():
            problems.append(_("系统“%(name)s”为第%(level)d级，缺少等保备案号") % {
                "name": system.name, "level": system.protection_level})
    if problems:
        return _item("protection", label, R.FAIL, "；".join(str(p) for p in problems), problems)
    if project.protection_level == 1:
        return _item("protection", label, R.PASS, _("第一级，自主保护，无须备案"))
    return _item("protection", label, R.PASS, _("第%(level)d级，备案号 %(number)s") % {
        "level": project.protection_level, "number": project.protection_filing_number})


def _check_om_funding(project, systems) -> dict:
    label = _("运维经费：系统已接入且非僵尸系统")
    if project.funding_channel != FundingChannelChoices.OM:
        return _item("om_funding", label, R.NOT_APPLICABLE, _("非运维资金项目"))
    if not systems:
        return _item("om_funding", label, R.FAIL, _("运维资金项目须关联现有应用系统"))
    zombies = _zombies()
    is_zombie = getattr(zombies, "is_zombie", None)
    problems, details = [], []
    for system in systems:
        reasons = []
        if not system.connected_to_platform:
            reasons.append(_("未接入共享平台"))
        if system.status not in SystemStatusChoices.RUNNING:
            reasons.append(_("系统状态为“%(status)s”") % {"status": system.get_status_display()})
        if is_zombie is not None and is_zombie(system):
            reasons.append(_("被标记为僵尸系统"))
        if reasons:
            problems.append(f"{system.name}：{'、'.join(str(r) for r in reasons)}")
            details.append({"id": system.pk, "name": system.name, "reasons": [str(r) for r in reasons]})
    if problems:
        return _item("om_funding", label, R.FAIL,
                     _("未接入共享平台或僵尸系统不予安排运维经费：%(list)s") % {"list": "；".join(problems)}, details)
    return _item("om_funding", label, R.PASS, _("%(n)d 个系统均已接入共享平台且非僵尸系统") % {"n": len(systems)})


def compliance_checklist(project) -> list[dict]:
    """The filing checked against the sharing rules and the inventory, one item each: catalogue presented,
    platform connection planned, no duplication of existing systems, classified-protection filing, and for O&M
    funding connected non-zombie systems. Every item here is mandatory."""
    resources = list(project.planned_resources.all()) if project.pk else []
    systems = list(project.systems.select_related("owner")) if project.pk else []
    return [
        _check_catalogue(resources),
        _check_connection(project, systems),
        _check_duplication(project, systems),
        _check_protection(project, systems),
        _check_om_funding(project, systems),
    ]


def failing_items(checklist) -> list[dict]:
    """The mandatory items that fail."""
    return [item for item in checklist if item["mandatory"] and item["result"] == R.FAIL]


def check_passes(checklist) -> bool:
    return not failing_items(checklist)


def _mounted_resources(resources):
    """Annotate whether each resource has data behind it: a table with rows, a file, or an active API."""
    from govshare.datastore.models import DataTable
    from govshare.mounting.models import ApiEndpoint, DataFile

    return resources.annotate(
        has_table=Exists(DataTable.objects.filter(resource=OuterRef("pk"), row_count__gt=0)),
        has_file=Exists(DataFile.objects.filter(resource=OuterRef("pk"))),
        has_api=Exists(ApiEndpoint.objects.filter(resource=OuterRef("pk"), is_active=True)),
    )


def acceptance_check(project) -> list[dict]:
    """The acceptance conditions (验收条件): every linked system registered in the inventory and running, connected
    to the platform, and the resources of the project and its systems mounted (a table with rows, a file, or an
    active API)."""
    systems = list(project.systems.all())
    if not systems:
        registered = _item("registered", _("应用系统已登记"), R.FAIL, _("项目未关联信息系统清单中的应用系统"))
    else:
        stopped = [s for s in systems if s.status not in SystemStatusChoices.RUNNING]
        registered = (
            _item("registered", _("应用系统已登记"), R.FAIL, _("以下系统已不在运行：%(names)s") % {
                "names": _names(stopped)}, [{"id": s.pk, "name": s.name} for s in stopped])
            if stopped else _item("registered", _("应用系统已登记"), R.PASS, _("%(n)d 个系统已在清单中登记") % {
                "n": len(systems)})
        )
    unconnected = [s for s in systems if not s.connected_to_platform]
    if not systems:
        connected = _item("connected", _("已接入共享平台"), R.FAIL, _("没有可接入的应用系统"))
    elif unconnected:
        connected = _item("connected", _("已接入共享平台"), R.FAIL, _("以下系统未接入共享平台：%(names)s") % {
            "names": _names(unconnected)}, [{"id": s.pk, "name": s.name} for s in unconnected])
    else:
        connected = _item("connected", _("已接入共享平台"), R.PASS, _("系统均已接入共享平台"))

    resource_ids = set(project.planned_resources.values_list("pk", flat=True))
    resource_ids.update(
        InformationSystem.source_resources.through.objects.filter(
            informationsystem_id__in=[s.pk for s in systems]
        ).values_list("resource_id", flat=True)
    )
    resources = list(_mounted_resources(Resource.objects.filter(pk__in=resource_ids)).order_by("name"))
    unmounted = [r for r in resources if not (r.has_table or r.has_file or r.has_api)]
    if not resources:
        mounted = _item("mounted", _("数据资源已挂接"), R.FAIL, _("项目及其系统没有关联数据资源"))
    elif unmounted:
        mounted = _item("mounted", _("数据资源已挂接"), R.FAIL, _("以下资源尚未挂接数据：%(names)s") % {
            "names": _names(unmounted)}, [{"id": r.pk, "name": r.name} for r in unmounted])
    else:
        mounted = _item("mounted", _("数据资源已挂接"), R.PASS, _("%(n)d 条资源均已挂接数据") % {"n": len(resources)})
    return [registered, connected, mounted]


# ---------------------------------------------------------------------------------------------------------------
# Filing: create, edit, attachments


def _decimal(value, field, errors):
    if value in (None, ""):
        return Decimal("0")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("请输入数字（万元）")]
        return None
    if not number.is_finite():
        errors[field] = [_("请输入数字（万元）")]
        return None
    if number < 0:
        errors[field] = [_("金额不能为负数")]
    elif number >= Decimal("10000000000"):
        errors[field] = [_("金额过大")]
    return number.quantize(Decimal("0.01"))


def _clean_fields(user, fields: dict, errors: dict) -> dict:
    values = {name: fields.get(name) for name in PROJECT_FIELDS}
    for name in ("name", "construction_unit_detail", "function", "protection_filing_number", "description"):
        values[name] = (values[name] or "").strip()
    if not values["name"]:
        errors["name"] = [_("请填写项目名称")]
    if not values["function"]:
        errors["function"] = [_("请填写建设内容及主要功能")]
    if values["funding_channel"] not in FundingChannelChoices.values:
        errors["funding_channel"] = [_("请选择经费渠道")]
    values["investment"] = _decimal(values["investment"], "investment", errors)
    values["annual_om_cost"] = _decimal(values["annual_om_cost"], "annual_om_cost", errors)
    level = values["protection_level"]
    if level in (None, ""):
        values["protection_level"] = None
    else:
        try:
            values["protection_level"] = int(level)
        except (TypeError, ValueError):
            values["protection_level"] = 0
        if not 1 <= values["protection_level"] <= 5:
            errors["protection_level"] = [_("等级保护级别应为1到5级")]
    if values["protection_filing_number"] and values["protection_level"] is None:
        errors["protection_level"] = [_("填写了等保备案号时，请选择等级保护级别")]
    values["plans_to_connect"] = bool(values["plans_to_connect"])
    unit = values["construction_unit"]
    if not unit:
        errors["construction_unit"] = [_("请选择建设单位")]
    else:
        department = filing_departments(user).filter(pk=_id(unit)).first()
        if department is None:
            errors["construction_unit"] = [_("您不能为该部门填报项目备案")]
        values["construction_unit"] = department
    for name, limit in (("name", 200), ("construction_unit_detail", 200), ("protection_filing_number", 100),
                        ("description", 500), ("function", 4000)):
        if len(values[name]) > limit:
            errors[name] = [_("不能超过 %(n)d 个字") % {"n": limit}]
    return values


def _clean_links(user, values, planned_resources, systems, errors):
    """The linked resources (any the user may see) and systems (the construction unit's own), or errors."""
    resources = None
    if planned_resources is not None:
        ids = {_id(r) for r in planned_resources if r}
        resources = list(Resource.objects.restrict(user, "view").filter(pk__in=ids))
        if len(resources) != len(ids):
            errors["planned_resources"] = [_("部分数据资源不存在或您无权查看")]
    chosen = None
    if systems is not None:
        ids = {_id(s) for s in systems if s}
        chosen = list(InformationSystem.objects.filter(pk__in=ids))
        unit = values.get("construction_unit")
        if len(chosen) != len(ids):
            errors["systems"] = [_("部分应用系统不存在")]
        elif unit is not None and any(system.owner_id != unit.pk for system in chosen):
            errors["systems"] = [_("只能关联建设单位本部门信息系统清单中的系统")]
    return resources, chosen


def _check_systems_needed(values, systems_count, errors):
    if values.get("funding_channel") in FundingChannelChoices.FOR_EXISTING_SYSTEMS and not systems_count:
        errors.setdefault("systems", []).append(_("升级改造或运维资金项目须选择现有的应用系统"))


def _check_attachments(files, existing=0):
    """Refuse the whole upload when any file is too big or empty, or there are too many: nothing is stored then."""
    return check_uploads(files, max_bytes=attachment_max_bytes(), max_count=MAX_ATTACHMENTS, existing=existing)


def _store_attachments(project, files, user):
    store_uploads(ProjectAttachment, files, project=project, uploaded_by=user)


@transaction.atomic
def create_project(*, user, fields: dict, planned_resources=(), systems=(), attachments=()) -> Project:
    """A department files a new project (draft); nothing is sent until it is submitted."""
    if not filing_departments(user).exists():
        raise PermissionDenied(_("只有部门管理员可以填报项目备案"))
    errors = {}
    values = _clean_fields(user, fields, errors)
    resources, chosen = _clean_links(user, values, planned_resources, systems, errors)
    _check_systems_needed(values, len(chosen or ()), errors)
    try:
        files = _check_attachments(attachments)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with acting_as(user):
        project = Project(number=_next_number(timezone.now()), created_by=user, **values)
        project.save()
        project.planned_resources.set(resources)
        project.systems.set(chosen)
        _store_attachments(project, files, user)
        _event(project, STEP.CREATED, user=user)
    return project


@transaction.atomic
def update_project(project, *, user, fields: dict, planned_resources=None, systems=None, attachments=()) -> Project:
    """Edit a draft, or a refused filing before it is submitted again. Links given as None stay as they are."""
    project = _lock(project)
    _require(project, user, "change", _("只有建设单位的部门管理员可以修改项目备案"))
    _require_status(project, S.EDITABLE, _("“%(status)s”状态的项目不能修改"))
    errors = {}
    values = _clean_fields(user, {**{name: getattr(project, name) for name in PROJECT_FIELDS}, **fields}, errors)
    resources, chosen = _clean_links(user, values, planned_resources, systems, errors)
    unit = values.get("construction_unit")
    if chosen is None and unit is not None and project.systems.exclude(owner_id=unit.pk).exists():
        errors["systems"] = [_("只能关联建设单位本部门信息系统清单中的系统")]
    _check_systems_needed(values, len(chosen) if chosen is not None else project.systems.count(), errors)
    try:
        files = _check_attachments(attachments, existing=project.attachments.count())
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with acting_as(user):
        for name, value in values.items():
            setattr(project, name, value)
        project.save()
        if resources is not None:
            project.planned_resources.set(resources)
        if chosen is not None:
            project.systems.set(chosen)
        _store_attachments(project, files, user)
    return project


@transaction.atomic
def add_attachments(project, *, user, files) -> list[ProjectAttachment]:
    """More documents while the filing can be edited."""
    project = _lock(project)
    _require(project, user, "change", _("只有建设单位的部门管理员可以上传附件"))
    _require_status(project, S.EDITABLE, _("“%(status)s”状态的项目不能再上传附件"))
    files = _check_attachments(files, existing=project.attachments.count())
    if not files:
        raise ValidationError({"attachments": [_("请选择要上传的文件")]})
    before = set(project.attachments.values_list("pk", flat=True))
    with acting_as(user):
        _store_attachments(project, files, user)
    return list(project.attachments.exclude(pk__in=before))


@transaction.atomic
def remove_attachment(attachment, *, user):
    """Remove a document while the filing can be edited; the file goes with it."""
    project = _lock(attachment.project)
    _require(project, user, "change", _("只有建设单位的部门管理员可以删除附件"))
    _require_status(project, S.EDITABLE, _("“%(status)s”状态的项目不能删除附件"))
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def delete_project(project, *, user):
    """A draft that was never submitted may be deleted; afterwards the history stays."""
    project = _lock(project)
    _require(project, user, "change", _("只有建设单位的部门管理员可以删除项目备案"))
    if project.status != S.DRAFT or project.round:
        raise ValidationError(_("已提交过的项目不能删除"))
    stored = [(a.file.storage, a.file.name) for a in project.attachments.all()]
    with acting_as(user):
        project.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in stored])


# ---------------------------------------------------------------------------------------------------------------
# Review: submit, opinions, decision


@transaction.atomic
def submit_project(project, *, user) -> Project:
    """Send the filing for review: a new round with the compliance snapshot; the reviewer departments of the
    jurisdiction each owe an opinion (without any, the authority decides directly)."""
    project = _lock(project)
    _require(project, user, "change", _("只有建设单位的部门管理员可以提交项目备案"))
    _require_status(project, S.EDITABLE, _("“%(status)s”状态的项目不能提交"))
    errors = {}
    _check_systems_needed({"funding_channel": project.funding_channel}, project.systems.count(), errors)
    if errors:
        raise ValidationError(errors)
    checklist = compliance_checklist(project)
    compliant = check_passes(checklist)
    reviewers = reviewer_departments(project.construction_unit)
    now = timezone.now()
    with acting_as(user):
        project.round += 1
        project.status = S.SUBMITTED if reviewers else S.REVIEWED
        project.compliant = compliant
        project.submitted_at = now
        project.decided_at = None
        project.save()
        review = ProjectReview.objects.create(
            project=project, round=project.round, submitted_at=now, submitted_by=user, compliance=checklist,
            compliant=compliant,
        )
        for kind, department in reviewers.items():
            ReviewOpinion.objects.create(review=review, kind=kind, department=department)
        failing = failing_items(checklist)
        text = _("合规检查：符合") if compliant else _("合规检查不符合：%(items)s") % {
            "items": "、".join(item["label"] for item in failing)}
        _event(project, STEP.SUBMITTED, user=user, text=text, detail=[item["key"] for item in failing])
        _audit(project, STEP.SUBMITTED, user, AuditActionChoices.REQUEST)
    subject = _("项目备案 %(number)s 待会审：%(name)s") % {"number": project.number, "name": project.name}
    for kind, department in reviewers.items():
        notify(subject=subject, body=_("请以%(kind)s身份出具会审意见。") % {"kind": ReviewerKindChoices.label(kind)},
               link=_link(project), key=f"project:{project.pk}:{project.round}:opinion:{kind}",
               departments=[department.pk], roles=(RoleChoices.REVIEWER,))
    authority = competent_authority(project.construction_unit)
    if authority is not None:
        body = _("会审意见齐备后请作出决定。") if reviewers else _("请审查并作出决定。")
        notify(subject=_("收到项目备案 %(number)s：%(name)s") % {"number": project.number, "name": project.name},
               body=body, link=_link(project), key=f"project:{project.pk}:{project.round}:submitted",
               departments=[authority.pk], roles=(RoleChoices.AUTHORITY_OFFICER,))
    return project


@transaction.atomic
def give_opinion(project, *, user, opinion: str, text: str = "") -> ReviewOpinion:
    """A reviewer gives their department's opinion in the current round; a disagreement must give reasons. When the
    last opinion is in, the project waits for the authority's decision."""
    text = (text or "").strip()
    errors = {}
    if opinion not in (OpinionChoices.AGREE, OpinionChoices.DISAGREE):
        errors["opinion"] = [_("请选择同意或不同意")]
    elif opinion == OpinionChoices.DISAGREE and not text:
        errors["text"] = [_("不同意时必须说明理由")]
    if errors:
        raise ValidationError(errors)
    project = _lock(project)
    _require(project, user, "opine", _("只有待出具意见的会审部门审核员可以出具意见"))
    _require_status(project, (S.SUBMITTED,), _("“%(status)s”状态的项目不能出具会审意见"))
    row = ReviewOpinion.objects.select_for_update().filter(
        review__project=project, review__round=project.round, department_id=user.department_id,
        opinion=OpinionChoices.PENDING,
    ).first()
    if row is None:
        raise PermissionDenied(_("本部门在本轮没有待出具的会审意见"))
    now = timezone.now()
    with acting_as(user):
        row.opinion = opinion
        row.text = text
        row.given_at = now
        row.given_by = user
        row.save()
        label = f"{ReviewerKindChoices.label(row.kind)}：{OpinionChoices.label(opinion)}"
        _event(project, STEP.OPINION, user=user, text=f"{label}{('，' + text) if text else ''}")
        _audit(project, STEP.OPINION, user)
        complete = not ReviewOpinion.objects.filter(
            review__project=project, review__round=project.round, opinion=OpinionChoices.PENDING
        ).exists()
        if complete:
            project.status = S.REVIEWED
            project.save()
            _event(project, STEP.REVIEWED)
    if complete:
        authority = competent_authority(project.construction_unit)
        if authority is not None:
            notify(subject=_("项目备案 %(number)s 会审意见已齐备，待决定") % {"number": project.number},
                   link=_link(project), key=f"project:{project.pk}:{project.round}:reviewed",
                   departments=[authority.pk], roles=(RoleChoices.AUTHORITY_OFFICER,))
    return row


@transaction.atomic
def decide_project(project, *, user, decision: str, reason: str = "") -> ProjectReview:
    """The competent authority approves or refuses after the opinions. A refusal needs reasons; approval needs the
    filing to pass every mandatory compliance item (checked now), and reasons when a reviewer disagreed."""
    reason = (reason or "").strip()
    if decision not in (ReviewDecisionChoices.APPROVED, ReviewDecisionChoices.REFUSED):
        raise ValidationError({"decision": [_("请选择批准或不予批准")]})
    if decision == ReviewDecisionChoices.REFUSED and not reason:
        raise ValidationError({"reason": [_("不予批准必须说明理由")]})
    project = _lock(project)
    _require(project, user, "decide", _("只有共享主管部门的工作人员可以作出决定"))
    _require_status(project, (S.REVIEWED,), _("“%(status)s”状态的项目不能作出决定，须待会审意见齐备"))
    review = ProjectReview.objects.select_for_update().get(project=project, round=project.round)
    checklist = compliance_checklist(project)
    if decision == ReviewDecisionChoices.APPROVED:
        failing = failing_items(checklist)
        if failing:
            raise ValidationError({"decision": [_("项目不符合以下要求，不能批准：%(items)s") % {
                "items": "；".join(f"{item['label']}（{item['reason']}）" for item in failing)}]})
        if not reason and review.opinions.filter(opinion=OpinionChoices.DISAGREE).exists():
            raise ValidationError({"reason": [_("会审部门有不同意见，批准时须说明理由")]})
    now = timezone.now()
    approved = decision == ReviewDecisionChoices.APPROVED
    with acting_as(user):
        review.decision = decision
        review.decision_reason = reason
        review.decision_compliance = checklist
        review.decided_at = now
        review.decided_by = user
        review.save()
        project.status = S.APPROVED if approved else S.REFUSED
        project.decided_at = now
        project.save()
        _event(project, STEP.APPROVED if approved else STEP.REFUSED, user=user, text=reason,
               detail=[item["key"] for item in failing_items(checklist)])
        _audit(project, project.status, user, AuditActionChoices.DECISION)
    subject = (_("项目备案 %(number)s 已批准") if approved else _("项目备案 %(number)s 未通过")) % {
        "number": project.number}
    body = reason if approved else _("理由：%(reason)s。修改后可重新提交。") % {"reason": reason}
    notify(subject=subject, body=body, link=_link(project), key=f"project:{project.pk}:{project.round}:decided",
           users=[review.submitted_by], departments=[project.construction_unit_id], roles=FILING_ROLES)
    return review


# ---------------------------------------------------------------------------------------------------------------
# Acceptance (验收)


@transaction.atomic
def request_acceptance(project, *, user, note: str = "") -> Project:
    """The department asks for acceptance once the project is built (again after a failed acceptance)."""
    project = _lock(project)
    _require(project, user, "change", _("只有建设单位的部门管理员可以申请验收"))
    _require_status(project, S.ACCEPTANCE_REQUESTABLE, _("“%(status)s”状态的项目不能申请验收"))
    with acting_as(user):
        project.status = S.ACCEPTANCE_REQUESTED
        project.save()
        _event(project, STEP.ACCEPTANCE_REQUESTED, user=user, text=(note or "").strip())
        _audit(project, STEP.ACCEPTANCE_REQUESTED, user, AuditActionChoices.REQUEST)
    authority = competent_authority(project.construction_unit)
    if authority is not None:
        count = project.events.filter(step=STEP.ACCEPTANCE_REQUESTED).count()
        notify(subject=_("项目 %(number)s 申请验收：%(name)s") % {"number": project.number, "name": project.name},
               link=_link(project), key=f"project:{project.pk}:acceptance:{count}",
               departments=[authority.pk], roles=(RoleChoices.AUTHORITY_OFFICER,))
    return project


@transaction.atomic
def review_acceptance(project, *, user, comment: str = "") -> Project:
    """The authority checks the acceptance conditions now: all met → accepted; otherwise acceptance is refused and
    the timeline says what is missing."""
    project = _lock(project)
    _require(project, user, "decide", _("只有共享主管部门的工作人员可以组织验收"))
    _require_status(project, (S.ACCEPTANCE_REQUESTED,), _("“%(status)s”状态的项目不能验收"))
    check = acceptance_check(project)
    missing = [item for item in check if item["result"] == R.FAIL]
    now = timezone.now()
    comment = (comment or "").strip()
    with acting_as(user):
        project.acceptance_result = {"checked_at": now.isoformat(), "items": check}
        if missing:
            project.status = S.ACCEPTANCE_REFUSED
            text = "；".join(item["reason"] for item in missing)
            if comment:
                text = f"{text}\n{comment}"
            step = STEP.ACCEPTANCE_REFUSED
        else:
            project.status = S.ACCEPTED
            project.accepted_at = now
            text = comment
            step = STEP.ACCEPTED
        project.save()
        _event(project, step, user=user, text=text, detail=[item["key"] for item in missing])
        _audit(project, step, user, AuditActionChoices.DECISION)
    count = project.events.filter(step=step).count()
    subject = (_("项目 %(number)s 验收未通过") if missing else _("项目 %(number)s 验收通过")) % {
        "number": project.number}
    notify(subject=subject, body=text, link=_link(project), key=f"project:{project.pk}:{step}:{count}",
           departments=[project.construction_unit_id], roles=FILING_ROLES)
    return project


def open_opinion_for(project, user):
    """The pending opinion this user's department owes on the project's current round, or None."""
    if not user.department_id or project.status != S.SUBMITTED:
        return None
    return ReviewOpinion.objects.filter(
        review__project=project, review__round=project.round, department_id=user.department_id,
        opinion=OpinionChoices.PENDING,
    ).first()


def projects_waiting_for(user):
    """The condition of the projects waiting for this user's act: the department's drafts and refusals, the
    opinions its reviewers owe, the authority's decisions and acceptances."""
    condition = Q(pk__in=[])
    if user.department_id and (user.is_superuser or user.has_role(*FILING_ROLES)):
        condition |= Q(construction_unit_id=user.department_id, status__in=[S.DRAFT, S.REFUSED,
                                                                             S.ACCEPTANCE_REFUSED])
    if user.department_id and user.has_role(RoleChoices.REVIEWER):
        pending = ReviewOpinion.objects.filter(department_id=user.department_id, opinion=OpinionChoices.PENDING)
        condition |= Q(pk__in=pending.values("review__project_id"), status=S.SUBMITTED)
    scope = authority_scope(user)
    if scope is not None:
        condition |= scope & Q(status__in=[S.REVIEWED, S.ACCEPTANCE_REQUESTED])
    return condition
