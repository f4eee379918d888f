"""The governance part of the demo city (issue 4): the departments' information system inventories with a year of
usage, zombie detection and cleanup, project filings under review, and the Yancheng work plan with its progress.

Everything goes through the apps' own entry points, acting as the demo users, so history, timelines and
notifications are real:

* Inventory: 市公安局's department admin (bumen) imports its audit list; the competent authority (shenhe, 市经信委)
  imports the audit list of the other city departments, as seed 000 has 市经信委 compile it. Usage for the last 12
  complete months comes as a CSV file imported by the platform admin (pingtai); the sharing platform reports its
  own usage by API (shenhe). The profiles in governance_data.py decide which systems look like zombies.
* Zombies: the competent authority runs detection, confirms one flag (流动人口居住登记系统, whose integration into the
  provincial population system is then planned and reported in progress), dismisses one with a note (the
  arbitration system: few users by nature), accepts a duplicate pair (低保审批管理系统 into 江苏省社会救助综合信息平台,
  which 市民政局 finishes with evidence, so the "one big system" view of 市民政局 shows a tree) and runs detection
  again (the kept system's duplicate flag is then resolved).
* Projects: 市发改委 and 市财政局 are registered as the city's reviewer departments; 市公安局's construction project is
  approved after both agree; 市人社局's O&M filing, which funds a zombie candidate, is refused with reasons,
  corrected and submitted again (one opinion given in the second round); 市民政局's draft fails the checklist.
* Work plan: the seed's task table (verbatim in governance_data.PLAN_TASKS) is written to an .xlsx and imported
  with `supervision.excel.import_plan` by shenhe. Its dated tasks all fall on 2018-12-31 in the seed; the demo
  imports it as a plan of the current year and rewrites each dated 时序进度 relative to today, so the ledger shows
  every state whenever the demo runs: four tasks done (deadlines 3 to 5 months back, reported complete before
  them), four overdue (2 to 4 months back), two due within 2 and 4 working days, six due at later month ends; the
  two yearly tasks keep their seed text (每年12月底前, 每年1月底前). A deadline months back may fall in the previous
  year, and is then written with that year. Progress is reported during the current week (the weekly bulletin's),
  including a cooperating unit's report that does not move its task.

Nothing is dated back by hand: detection, decisions, plans and filings carry the present, as their services stamp
it; only the progress reports are placed in time, through the `reported_at` their service takes (completions
before their deadlines, this week's reports during office hours of the week's working days so far).
"""

import datetime
import random
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.core.context import acting_as
from govshare.inventory import services as inventory
from govshare.inventory.choices import DeploymentChoices, NetworkChoices, UsageSourceChoices
from govshare.inventory.excel import import_systems, import_usage_csv
from govshare.inventory.models import InformationSystem, SystemUsage
from govshare.inventory.testing import write_audit_list
from govshare.projects import services as projects
from govshare.projects.choices import OpinionChoices, ReviewDecisionChoices
from govshare.projects.models import Project, ReviewerDepartment
from govshare.supervision import services as supervision
from govshare.supervision.bulletin import week_of
from govshare.supervision.choices import TaskStateChoices
from govshare.supervision.excel import import_plan, write_workbook
from govshare.supervision.models import ProgressReport, WorkPlan, WorkTask
from govshare.workdays.services import WorkCalendar
from govshare.zombies import services as zombies
from govshare.zombies.choices import FlagStatusChoices
from govshare.zombies.models import CleanupPlan, DuplicateCandidate, ZombieFlag

from .governance_data import (
    ARBITRATION,
    DEPARTMENTS,
    DUPLICATE_KEEP,
    DUPLICATE_MERGED,
    PLAN_DOCUMENT,
    PLAN_TASKS,
    PLAN_TITLE,
    POPULATION,
    POPULATION_TARGET,
    PROJECTS,
    SYSTEMS,
)

__all__ = ["DEADLINE_SHIFTS", "GovernanceSummary", "load_governance", "report_lines", "shifted_deadlines"]

# How each dated task of the plan is re-timed (see the module docstring): (kind, amount).
DEADLINE_SHIFTS = {
    "2": ("done", 5), "5": ("done", 4), "7": ("done", 3), "11": ("done", 3),
    "1": ("overdue", 2), "10": ("overdue", 2), "15": ("overdue", 3), "16": ("overdue", 4),
    "4": ("due_soon", 2), "13": ("due_soon", 4),
    "3": ("later", 1), "6": ("later", 2), "8": ("later", 3), "9": ("later", 4), "12": ("later", 5), "14": ("later", 6),
}
# Reports of the current week: task number, username, percent, text.
WEEK_REPORTS = [
    ("4", "shenhe", 70, "市数据共享交换平台完成库表交换性能优化，接口服务新增按需查询审计，正在组织压力测试。"),
    ("13", "shenhe", 85, "已有32个市级部门完成数据挂接并按目录更新，剩余部门正在核对挂接字段。"),
    ("3", "bumen", 40, "已完成电子公文系统与共享平台网络边界安全评估，网络安全保障方案初稿正在征求意见。"),
    ("10", "caizheng", 60, "《盐城市电子政务服务采购管理办法（征求意见稿）》已完成部门征求意见，正在汇总修改。"),
    ("16", "bumen", 30, "市公安局（协同单位）已提交公安数据分类分级和重要数据目录意见。"),
]
DONE_REPORTS = {
    "2": "《盐城市政务信息资源共享管理暂行办法》修订稿已经市政府常务会议审议通过并印发。",
    "5": "全市和部门政务信息资源目录编制完成，已发布目录并纳入全省目录体系。",
    "7": "重点市级部门政务信息系统和数据资源已全部接入市级共享交换平台。",
    "11": "市级平台与省级数据共享交换平台完成对接联调，实现目录同步和数据交换。",
}


@dataclass
class GovernanceSummary:
    """What the governance demo loaded, for `govshare demo`'s report (see `report_lines`)."""

    systems_by_department: list = field(default_factory=list)  # (department, systems, connected, with sources)
    audit_imports: list = field(default_factory=list)  # (username, what, systems created)
    usage_rows: Counter = field(default_factory=Counter)  # by source
    flags_by_status: Counter = field(default_factory=Counter)
    flags: list = field(default_factory=list)  # (department, system, status, reasons)
    candidates: list = field(default_factory=list)  # (system a, system b, score, status)
    plans: list = field(default_factory=list)  # (system, action text, status, deadline)
    reviewer_departments: list = field(default_factory=list)  # (kind, department)
    projects: list = field(default_factory=list)  # (number, name, unit, status, round, failing item labels)
    work_plan: str = ""
    plan_warnings: int = 0
    tasks_by_state: Counter = field(default_factory=Counter)
    week: str = ""
    week_reports: int = 0


def _month_end(day: datetime.date) -> datetime.date:
    return zombies.add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


def shifted_deadlines(today: datetime.date, calendar=None) -> dict:
    """The 时序进度 text of each dated task of the plan, re-timed relative to `today` (DEADLINE_SHIFTS)."""
    calendar = calendar or WorkCalendar()
    texts = {}
    for number, (kind, amount) in DEADLINE_SHIFTS.items():
        if kind == "due_soon":
            day = calendar.add_working_days(today, amount).date
            texts[number] = f"{day.year}年{day.month}月{day.day}日前"
            continue
        months = amount if kind == "later" else -amount
        day = _month_end(zombies.add_months(today.replace(day=1), months))
        texts[number] = f"{day.year}年{day.month}月底前"
    return texts


class _Governance:
    def __init__(self, loader, folder: Path):
        self.loader = loader
        self.folder = folder
        self.quick = loader.quick
        self.users = loader.users
        self.departments = loader.departments
        self.today = timezone.localdate()
        self.rng = random.Random(2026_04)  # its own stream: the catalogue's draws stay as they were
        self.summary = GovernanceSummary()
        self.specs = [spec for spec in SYSTEMS if spec["quick"] or not self.quick]
        self.keys = [key for key in DEPARTMENTS if any(spec["key"] == key for spec in self.specs)]
        self.systems = {}  # name -> InformationSystem
        self.calendar = WorkCalendar()

    def system(self, name) -> InformationSystem:
        return self.systems[name]

    # --- reviewer departments -----------------------------------------------------------------------------------

    def reviewers(self):
        """市发改委 and 市财政局 give the development-reform and finance opinions on the city's projects."""
        with acting_as(self.users["pingtai"]):
            for kind, key in (("development_reform", "fgw"), ("finance", "cz")):
                row, _created = ReviewerDepartment.objects.get_or_create(kind=kind, department=self.departments[key])
                self.summary.reviewer_departments.append((row.get_kind_display(), row.department.name))

    # --- inventory ------------------------------------------------------------------------------------------------

    def _row(self, spec, index):
        department = self.departments[spec["key"]]
        level = spec["level"]
        sources = []
        if spec["connected"]:
            sources = list(
                Resource.objects.filter(provider=department, source_system=spec["name"],
                                        status=EntryStatusChoices.PUBLISHED)
                .exclude(code=None).order_by("code").values_list("code", flat=True)[:3]
            )
        return {
            "清单编号": f"YC-{index:03d}",
            "系统名称": spec["name"],
            "主要功能": spec["function"],
            "使用范围": spec["scope"],
            "使用频度": spec["frequency"],
            "审批部门": spec["approving"],
            "审批时间": datetime.date.fromisoformat(spec["approved"]),
            "资金来源": spec["funding"],
            "年运维费用（万元）": spec["cost"],
            "建设单位": spec["builder"] or department.short_name,
            "部署网络": str(NetworkChoices.label(spec["network"])),
            "部署方式（政务云/自建机房）": str(DeploymentChoices.label(spec["deployment"])),
            "等保级别": level,
            # A filing number in the public-security format (unit code, then year and serial); level 1 needs none.
            "等保备案号": f"32090{level}{index:03d}01-{spec['approved'][2:4]}{index:03d}" if level >= 2 else "",
            "所属部门": department.name,
            "使用处室": spec["office"],
            "是否接入共享平台": "是" if spec["connected"] else "否",
            "来源资源代码": "；".join(sources),
        }

    def _import(self, user, rows, file_name, department=None):
        path = self.folder / file_name
        write_audit_list(path, rows)
        with path.open("rb") as file:
            result = import_systems(file, user=user, department=department)
        if not result.ok:
            raise RuntimeError(f"演示审计清单“{file_name}”导入失败：{[str(error) for error in result.errors][:5]}")
        return result

    def inventories(self):
        rows = [self._row(spec, index) for index, spec in enumerate(self.specs, start=1)]
        police = [row for row, spec in zip(rows, self.specs, strict=True) if spec["key"] == "ga"]
        others = [row for row, spec in zip(rows, self.specs, strict=True) if spec["key"] != "ga"]
        result = self._import(self.users["bumen"], police, "市公安局政务信息系统审计清单.xlsx",
                              department=self.departments["ga"])
        self.summary.audit_imports.append(("bumen", "市公安局审计清单", result.created))
        result = self._import(self.users["shenhe"], others, "市直各部门政务信息系统审计清单.xlsx")
        self.summary.audit_imports.append(("shenhe", "市直其他部门审计清单", result.created))
        owners = [self.departments[key] for key in self.keys]
        self.systems = {system.name: system for system in InformationSystem.objects.filter(owner__in=owners)}

    # --- usage ----------------------------------------------------------------------------------------------------

    def _figures(self, profile, months):
        """One dict of figures per month (oldest first) for a usage profile (see governance_data)."""
        rng, kind = self.rng, profile[0]
        rows = []
        for index, month in enumerate(months):
            end = _month_end(month)
            maintained = month + datetime.timedelta(days=rng.randint(3, 25))
            row = {"last_used_on": end, "last_maintained_on": min(maintained, end)}
            if kind == "active":
                users, rate = profile[1], profile[2]
                row["monthly_active_users"] = round(users * rng.uniform(0.85, 1.15))
                row["utilisation"] = round(min(rate * rng.uniform(0.85, 1.15), 95), 1)
            elif kind == "unused":
                idle = index > len(months) - 1 - profile[1]
                row["monthly_active_users"] = 0 if idle else rng.randint(12, 20)
                row["utilisation"] = round(rng.uniform(6, 9), 1)
                if idle:
                    row["last_used_on"] = None
                if index % 3:
                    row["last_maintained_on"] = None  # a quarterly check under the O&M contract
            elif kind == "unmaintained":
                row["monthly_active_users"] = rng.randint(30, 60)
                row["utilisation"] = round(rng.uniform(15, 25), 1)
                row["last_maintained_on"] = zombies.add_months(self.today, -profile[1])
            elif kind == "low_util":
                row["monthly_active_users"] = rng.randint(35, 60)
                last = index == len(months) - 1
                row["utilisation"] = profile[1] if last else round(profile[1] + rng.uniform(-0.5, 1.0), 1)
            else:  # few_users
                last = index == len(months) - 1
                row["monthly_active_users"] = profile[1] if last else profile[1] + rng.randint(-1, 1)
                row["utilisation"] = round(rng.uniform(12, 25), 1)
            users = row["monthly_active_users"]
            row["visits"] = round(users * rng.uniform(15, 40)) if users else 0
            rows.append(row)
        return rows

    def usage(self):
        """Twelve complete months for every system: a CSV imported by the platform admin, and the sharing platform's
        own figures pushed by API."""
        months = inventory.last_months(13, today=self.today)[:-1]
        platform = "盐城市数据共享交换平台"
        lines = ["系统名称,所属部门,月份,月活跃用户数,访问次数,最近使用日期,最近运维日期,资源利用率"]
        for spec in self.specs:
            system = self.systems[spec["name"]]
            for month, row in zip(months, self._figures(spec["profile"], months), strict=True):
                if spec["name"] == platform:
                    inventory.record_usage(
                        system, user=self.users["shenhe"], month=month, source=UsageSourceChoices.API,
                        monthly_active_users=row["monthly_active_users"], visits=row["visits"],
                        last_used_on=row["last_used_on"], last_maintained_on=row["last_maintained_on"],
                        resource_utilisation=Decimal(str(row["utilisation"])),
                    )
                    continue
                cells = [system.name, system.owner.name, f"{month:%Y-%m}", row["monthly_active_users"], row["visits"],
                         row["last_used_on"] or "", row["last_maintained_on"] or "", row["utilisation"]]
                lines.append(",".join(str(cell) for cell in cells))
        path = self.folder / "信息系统使用情况.csv"
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
        with path.open("rb") as file:
            result = import_usage_csv(file, user=self.users["pingtai"], today=self.today)
        if not result.ok:
            raise RuntimeError(f"演示使用情况导入失败：{[str(error) for error in result.errors][:5]}")
        owners = [self.departments[key] for key in self.keys]
        self.summary.usage_rows = Counter(
            SystemUsage.objects.filter(system__owner__in=owners).values_list("source", flat=True)
        )

    # --- zombies --------------------------------------------------------------------------------------------------

    def _flag(self, name) -> ZombieFlag:
        return ZombieFlag.objects.get(system=self.system(name), status__in=FlagStatusChoices.ACTIVE)

    def cleanup(self):
        authority = self.users["shenhe"]
        zombies.run_detection(user=authority, today=self.today)

        flag = self._flag(POPULATION)
        zombies.confirm_flag(flag, user=authority, note="经核实，暂住登记和租赁备案业务已由江苏省人口信息管理系统"
                             "居住登记模块办理，本系统仅剩少量历史数据查询，确认为僵尸系统，限期整合。")
        plan = zombies.create_plan(
            self.system(POPULATION), user=authority, action="integrate", target=self.system(POPULATION_TARGET),
            deadline=self.today + datetime.timedelta(days=60), today=self.today,
            instructions="将2014年以来的暂住登记和出租屋历史数据迁移至江苏省人口信息管理系统，核对无误后停止本系统服务。",
        )
        zombies.report_progress(plan, user=self.users["bumen"], text="已完成历史数据迁移方案评审，正在迁移2014年以来"
                                "暂住登记数据（约38万条），预计下月完成核对。")

        zombies.dismiss_flag(self._flag(ARBITRATION), user=authority, note="该系统为市劳动人事争议仲裁院办案专用，"
                             "使用人员为8名专职仲裁员，用户数少由业务特点决定；系统运行和维护正常，不属于僵尸系统，"
                             "予以排除。")

        keep, merged = self.system(DUPLICATE_KEEP), self.system(DUPLICATE_MERGED)
        candidate = DuplicateCandidate.objects.get(system_a_id=min(keep.pk, merged.pk),
                                                   system_b_id=max(keep.pk, merged.pk))
        plan = zombies.accept_candidate(
            candidate, user=authority, keep=keep, deadline=self.today + datetime.timedelta(days=30), today=self.today,
            note="两系统功能重复，低保业务统一在省社会救助综合信息平台办理，市低保审批管理系统整合至省平台。",
        )
        civil = self.users["minzheng"]
        zombies.report_progress(plan, user=civil, text="已将2013年以来低保对象档案和审批记录迁移至省社会救助综合"
                                "信息平台，新申请全部在省平台受理。")
        evidence = (
            "低保审批管理系统整合验收报告\n\n"
            "一、迁移范围：2013年以来低保对象档案12,046户、审批记录46,318条、资金发放记录。\n"
            "二、核对结果：逐户比对无差异，省平台可查询全部历史记录。\n"
            "三、停用情况：市低保审批管理系统已停止受理，服务器资源已退还政务云。\n"
            "验收单位：盐城市民政局社会救助处、盐城市经济和信息化委员会数据资源处\n"
        )
        zombies.finish_plan(
            plan, user=civil,
            evidence_text="历史数据迁移核对完成，市低保审批管理系统已停止受理，低保业务统一在省平台办理。",
            evidence_file=SimpleUploadedFile("低保审批管理系统整合验收报告.txt", evidence.encode("utf-8"),
                                             content_type="text/plain"),
        )
        # The daily job runs again: the kept system's "duplicate" reason has gone with the integrated system.
        zombies.run_detection(user=authority, today=self.today)

    # --- projects -------------------------------------------------------------------------------------------------

    def _resources(self, key, count):
        """The first `count` published, shared entries of a department (by code), for a project's catalogue."""
        return list(
            Resource.objects.filter(provider=self.departments[key], status=EntryStatusChoices.PUBLISHED,
                                    share_type__in=("unconditional", "conditional"))
            .exclude(code=None).order_by("code")[:count]
        )

    def _fields(self, spec, **overrides):
        fields = {
            "name": spec["name"], "construction_unit": self.departments[spec["key"]],
            "construction_unit_detail": spec["detail"], "funding_channel": spec["channel"],
            "investment": spec["investment"], "annual_om_cost": spec["om"], "function": spec["function"],
            "plans_to_connect": spec["connect"], "protection_level": spec["level"],
            # Filed projects carry the number of the system they build or fund; the draft has none yet.
            "protection_filing_number": "" if spec is PROJECTS["draft"] else f"32090{spec['level']}00801-26001",
            "description": "",
        }
        fields.update(overrides)
        return fields

    def _opinion(self, project, kind, opinion, text):
        user = self.users["fagai" if kind == "development_reform" else "caizheng"]
        projects.give_opinion(project, user=user, opinion=opinion, text=text)

    def projects(self):
        authority = self.users["shenhe"]

        spec = PROJECTS["approved"]
        user = self.users[spec["user"]]
        project = projects.create_project(user=user, fields=self._fields(spec),
                                          planned_resources=self._resources(spec["key"], spec["resources"]))
        projects.submit_project(project, user=user)
        for kind, text in spec["opinions"].items():
            self._opinion(project, kind, OpinionChoices.AGREE, text)
        projects.decide_project(project, user=authority, decision=ReviewDecisionChoices.APPROVED,
                                reason=spec["decision"])

        spec = PROJECTS["resubmitted"]
        user = self.users[spec["user"]]
        unused = ZombieFlag.objects.get(system__name="劳动力资源调查系统", status__in=FlagStatusChoices.ACTIVE)
        months = next(reason["figure"] for reason in unused.reasons if reason["rule"] == "unused")
        project = projects.create_project(
            user=user, fields=self._fields(spec), planned_resources=self._resources(spec["key"], spec["resources"]),
            systems=[self.system(name) for name in spec["systems"]],
        )
        projects.submit_project(project, user=user)
        for kind, (opinion, text) in spec["opinions_round1"].items():
            self._opinion(project, kind, opinion, text.format(months=months))
        projects.decide_project(project, user=authority, decision=ReviewDecisionChoices.REFUSED,
                                reason=spec["refusal"].format(months=months))
        again = spec["resubmit"]
        projects.update_project(project, user=user,
                                fields={"name": again["name"], "annual_om_cost": again["om"],
                                        "function": again["function"]},
                                systems=[self.system(name) for name in again["systems"]])
        projects.submit_project(project, user=user)
        kind, opinion, text = spec["opinion_round2"]
        self._opinion(project, kind, opinion, text)

        spec = PROJECTS["draft"]
        projects.create_project(user=self.users[spec["user"]], fields=self._fields(spec))

    # --- the work plan --------------------------------------------------------------------------------------------

    def _this_week(self, index, count):
        """A moment of the current week before now: office hours of the week's days so far, spread over them (early
        on a Monday, between midnight and now)."""
        now = timezone.now()
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        days = [monday + datetime.timedelta(days=offset) for offset in range(self.today.weekday() + 1)]
        days = [day for day in days if self.calendar.is_working_day(day)] or days
        day = days[index * len(days) // count]
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 15)))
        moment += datetime.timedelta(minutes=97 * index)
        if moment < now:
            return moment
        start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
        return start + (now - start) * (index + 1) / (count + 1)

    def work_plan(self):
        authority = self.users["shenhe"]
        deadlines = shifted_deadlines(self.today, self.calendar)
        rows = [(number, text, lead, cooperating, deadlines.get(number, deadline))
                for number, text, lead, cooperating, deadline in PLAN_TASKS]
        path = self.folder / f"{PLAN_TITLE}.xlsx"
        write_workbook(path, rows, title=PLAN_TITLE)
        with path.open("rb") as file:
            result = import_plan(file, user=authority, issuing_body="盐城市人民政府办公室", year=self.today.year,
                                 today=self.today, filename=path.name)
        if result.errors:
            raise RuntimeError(f"演示工作计划导入失败：{[str(error) for error in result.errors][:5]}")
        plan = WorkPlan.objects.get(pk=result.plan_id)
        supervision.update_plan(plan, user=authority, description=f"《{PLAN_DOCUMENT}》附件，按{self.today.year}年"
                                "工作安排调整时序进度。")
        tasks = {task.number: task for task in plan.tasks.all()}

        # Done: the lead unit reported completion before the deadline.
        for number, text in DONE_REPORTS.items():
            task = tasks[number]
            day = task.due_on - datetime.timedelta(days=12)
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
            supervision.report_progress(task, user=authority, text=text, percent=100, reported_at=moment)
        for index, (number, username, percent, text) in enumerate(WEEK_REPORTS):
            supervision.report_progress(tasks[number], user=self.users[username], text=text, percent=percent,
                                        reported_at=self._this_week(index, len(WEEK_REPORTS)))
        # What the daily job would send now: reminders of overdue and due-soon tasks to their lead units.
        supervision.remind_due_tasks(today=self.today)

        horizon = supervision.Horizon.at(self.today)
        self.summary.work_plan = plan.name
        self.summary.plan_warnings = len(result.warnings)
        self.summary.tasks_by_state = Counter(
            supervision.task_state(task, horizon) for task in WorkTask.objects.filter(plan=plan)
        )
        self.summary.week = week_of(self.today)
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
        self.summary.week_reports = ProgressReport.objects.filter(task__plan=plan, reported_at__gte=start).count()

    # --- summary --------------------------------------------------------------------------------------------------

    def summarize(self):
        for key in self.keys:
            department = self.departments[key]
            systems = [system for system in self.systems.values() if system.owner_id == department.pk]
            with_sources = InformationSystem.objects.filter(pk__in=[s.pk for s in systems],
                                                            source_resources__isnull=False).distinct().count()
            connected = InformationSystem.objects.filter(pk__in=[s.pk for s in systems],
                                                         connected_to_platform=True).count()
            self.summary.systems_by_department.append((department.short_name, len(systems), connected, with_sources))
        ids = [system.pk for system in self.systems.values()]
        flags = ZombieFlag.objects.filter(system_id__in=ids).select_related("system__owner").order_by("system__name")
        self.summary.flags_by_status = Counter(flag.status for flag in flags)
        for flag in flags:
            self.summary.flags.append((flag.system.owner.short_name, flag.system.name, flag.get_status_display(),
                                       "；".join(flag.reason_texts)))
        for candidate in DuplicateCandidate.objects.filter(system_a_id__in=ids).select_related("system_a", "system_b"):
            self.summary.candidates.append((candidate.system_a.name, candidate.system_b.name, candidate.score,
                                            candidate.get_status_display()))
        for plan in CleanupPlan.objects.filter(system_id__in=ids).select_related("system", "target"):
            self.summary.plans.append((plan.system.name, plan.action_text, plan.get_status_display(), plan.deadline))
        units = [self.departments[spec["key"]] for spec in PROJECTS.values()]
        for project in Project.objects.filter(construction_unit__in=units).select_related("construction_unit"):
            failing = [item["label"] for item in projects.failing_items(projects.compliance_checklist(project))]
            self.summary.projects.append((project.number, project.name, project.construction_unit.short_name,
                                          project.get_status_display(), project.round, failing))


def load_governance(loader) -> GovernanceSummary:
    """Run the governance demo after the exchange demo (inside its transaction), acting as its users."""
    with tempfile.TemporaryDirectory(prefix="govshare-demo-governance-") as folder:
        governance = _Governance(loader, Path(folder))
        governance.reviewers()
        governance.inventories()
        governance.usage()
        governance.cleanup()
        governance.projects()
        governance.work_plan()
        governance.summarize()
    return governance.summary


def report_lines(summary: GovernanceSummary) -> list[str]:
    """The governance part of `govshare demo`'s report, one line each."""
    lines = ["政务信息系统治理："]
    total = sum(count for _name, count, _connected, _sources in summary.systems_by_department)
    connected = sum(count for _name, _count, count, _sources in summary.systems_by_department)
    departments = len(summary.systems_by_department)
    lines.append(f"  信息系统 {total} 个（{departments} 个部门），已接入共享平台 {connected} 个：")
    lines.append("    " + "；".join(f"{name} {count}" for name, count, _c, _s in summary.systems_by_department))
    for username, what, created in summary.audit_imports:
        lines.append(f"    {username} 导入{what}，新增 {created} 个系统")
    usage = "，".join(f"{UsageSourceChoices.label(source)} {count}"
                     for source, count in sorted(summary.usage_rows.items()))
    lines.append(f"  近12个月使用情况 {sum(summary.usage_rows.values())} 条：{usage}")
    flags = "，".join(f"{FlagStatusChoices.label(status)} {count}" for status in FlagStatusChoices.values
                      if (count := summary.flags_by_status.get(status, 0)))
    lines.append(f"  僵尸系统标记 {sum(summary.flags_by_status.values())} 个：{flags}")
    for department, name, status, reasons in summary.flags:
        lines.append(f"    [{status}] {department} {name}：{reasons}")
    for first, second, score, status in summary.candidates:
        lines.append(f"  重复建设候选（{status}）：{first} ↔ {second}，相似度 {score}")
    for name, action, status, deadline in summary.plans:
        lines.append(f"  清理计划（{status}）：{name} {action}，期限 {deadline:%Y-%m-%d}")
    lines.append("  项目会审部门：" + "；".join(f"{kind} {name}" for kind, name in summary.reviewer_departments))
    for number, name, unit, status, rounds, failing in summary.projects:
        check = "合规检查通过" if not failing else "合规检查不符合：" + "、".join(failing)
        lines.append(f"  项目备案 {number} {name}（{unit}）：{status}，第 {rounds} 轮，{check}")
    states = "，".join(f"{TaskStateChoices.label(state)} {count}" for state in TaskStateChoices.values
                       if (count := summary.tasks_by_state.get(state, 0)))
    lines.append(f"  督查台账《{summary.work_plan}》{sum(summary.tasks_by_state.values())} 项任务：{states}；"
                 f"未匹配部门的单位提示 {summary.plan_warnings} 处")
    lines.append(f"  本周（{summary.week}）进展报送 {summary.week_reports} 条；周通报："
                 f"govshare bulletin 周通报.pdf --week {summary.week}")
    return lines
