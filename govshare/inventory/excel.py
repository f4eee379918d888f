"""Excel import and export of the information system audit list (政务信息系统审计清单), and the usage CSV import.

Audit list (.xlsx only)
-----------------------
One sheet (「信息系统清单」, or else the first sheet) with the Chinese headers of AUDIT_COLUMNS in one of its first
five rows (a title row above the headers is usual in the audit office's files). Columns may come in any order and
unknown columns are ignored. 序号 is read as 清单编号 when the sheet has no 清单编号 column, and 部署方式 as
部署方式（政务云/自建机房）. 所属部门 is a department's name or its unified social credit code; 使用处室 an office
of it by name; 整合至 / 替代系统 name another system (of the same department first, else of any department, in the
file or already registered); 来源资源代码 lists catalogue codes separated by ；/,/、. Choice cells take the Chinese
label (电子政务外网, 政务云, 在用); 是否接入共享平台 takes 是/否.

Import policy: the same as the catalogue's (see catalog/excel.py). The whole file is read and checked first;
any error rejects the FILE WHOLE with every error listed by sheet, row (as Excel numbers it), column and message
(`write_error_report` gives the downloadable report); otherwise every row is written in one transaction. A row
matching an existing system by (所属部门, 系统名称) updates it, others create a system. A department
administrator may only import rows of its own department (an authority officer: of its jurisdiction; a platform
administrator: any). Old .xls files, CSV and other formats are refused with a message saying to save as .xlsx.

Usage CSV (UTF-8, with or without BOM, or GBK as Excel saves it in China)
-------------------------------------------------------------------------
Columns 系统名称 or 系统编号 (the platform's id, or the 清单编号), 月份 (YYYY-MM), 月活跃用户数, 访问次数,
最近使用日期, 最近运维日期, 资源利用率 (percent, "85" or "85%"); 所属部门 (name or credit code) is optional and
narrows a name that several departments use. Same all-or-nothing policy; rows replace the month's figures.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from govshare.catalog.models import Resource
from govshare.core.context import acting_as
from govshare.core.excel import (
    Column,
    RowError,
    SheetReader,
    append_row,
    cell_text,
    choice_labels,
    error_report_bytes,
    new_sheet,
    open_workbook,
    write_error_report,
)
from govshare.organizations.models import Department, Office

from . import services
from .choices import DeploymentChoices, NetworkChoices, SystemStatusChoices, UsageSourceChoices
from .models import InformationSystem, SystemUsage

__all__ = [
    "AUDIT_COLUMNS",
    "AUDIT_SHEET",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "USAGE_COLUMNS",
    "ImportResult",
    "RowError",
    "error_report_bytes",
    "export_systems",
    "import_systems",
    "import_usage_csv",
    "write_error_report",
]

AUDIT_SHEET = "信息系统清单"
FILE_SHEET = ""
USAGE_SHEET = "使用情况"
# Audit lists have hundreds, at most a few thousand rows; beyond these the file is refused before it is read.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
HEADER_SEARCH_ROWS = 5


def _max_length(name):
    return InformationSystem._meta.get_field(name).max_length


AUDIT_COLUMNS = (
    Column("清单编号", "number", max_length=_max_length("number"), width=10, note="审计清单中的编号，可用“序号”列"),
    Column("系统名称", "name", required=True, max_length=_max_length("name"), width=24,
           note="同一部门内唯一；与已有系统同名（同部门）时更新该系统"),
    Column("主要功能", "function", required=True, max_length=4000, width=40),
    Column("使用范围", "scope_of_use", max_length=_max_length("scope_of_use"), width=16),
    Column("使用频度", "frequency_of_use", max_length=_max_length("frequency_of_use"), width=10),
    Column("审批部门", "approving_department", max_length=_max_length("approving_department"), width=16),
    Column("审批时间", "approval_date", "date", width=12, note="YYYY-MM-DD"),
    Column("资金来源", "funding_source", max_length=_max_length("funding_source"), width=12),
    Column("年运维费用（万元）", "annual_om_cost", width=12, note="数字，单位万元，最多两位小数"),
    Column("建设单位", "construction_unit", max_length=_max_length("construction_unit"), width=16),
    Column("部署网络", "network", "choice", required=True, choices=NetworkChoices, width=14),
    Column("部署方式（政务云/自建机房）", "deployment", "choice", required=True, choices=DeploymentChoices, width=14),
    Column("等保级别", "protection_level", "int", width=9, note="1至5，未定级留空"),
    Column("等保备案号", "protection_filing_number", max_length=_max_length("protection_filing_number"), width=16),
    Column("所属部门", "owner", width=22, note="必填（导入时指定了部门的可留空）：部门名称或统一社会信用代码"),
    Column("使用处室", "owner_office", width=14, note="所属部门的内设机构名称"),
    Column("状态", "status", "choice", choices=SystemStatusChoices, width=9, note="留空为“在用”"),
    Column("整合至", "integrated_into", width=18, note="系统名称；状态为“已整合”时必填"),
    Column("替代系统", "replaced_by", width=18, note="系统名称；状态为“已替代”时必填"),
    Column("是否接入共享平台", "connected_to_platform", "bool", width=10, note="是/否，留空为否"),
    Column("来源资源代码", "source_codes", "codes", width=24, note="目录资源代码，多个用分号或逗号分隔"),
    Column("备注", "description", max_length=_max_length("description"), width=20),
)
_HEADER_ALIASES = {"序号": "清单编号", "部署方式": "部署方式（政务云/自建机房）", "等级保护级别": "等保级别",
                   "年运维费用": "年运维费用（万元）", "已接入共享平台": "是否接入共享平台", "说明": "备注"}
_HEADER = {column.key: column.header for column in AUDIT_COLUMNS}


@dataclass
class ImportResult:
    """What an import did: systems (or usage months) created and updated, or the errors that rejected the file."""

    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rejected(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _file_size(file):
    if hasattr(file, "size") and file.size is not None:
        return file.size
    if hasattr(file, "seek"):
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
        return size
    import os

    return os.path.getsize(file)


def _size_error(file):
    size = _file_size(file)
    if size == 0:
        return _("文件是空的")
    if size > MAX_IMPORT_BYTES:
        return _("文件过大（%(size).1f MB），不能超过 %(limit)d MB；请分部门拆分后分别导入") % {
            "size": size / 1024 / 1024, "limit": MAX_IMPORT_BYTES // 1024 // 1024}
    return None


# ---------------------------------------------------------------------------------------------------------------
# Departments, offices, systems and resources named in a file


class _Directory:
    """Looks up what cells name, once per distinct text (a file names the same department hundreds of times)."""

    def __init__(self):
        self._departments = {}
        self._offices = {}

    def department(self, text):
        """(department, None) or (None, message)."""
        if text not in self._departments:
            found = list(Department.objects.filter(Q(credit_code=text.upper()) | Q(name=text) | Q(short_name=text)))
            exact = [d for d in found if d.credit_code == text.upper()]
            if exact:
                found = exact
            if not found:
                message = _("平台上没有名称或统一社会信用代码为“%(text)s”的部门")
                self._departments[text] = (None, message % {"text": text})
            elif len(found) > 1:
                message = _("有多个名为“%(text)s”的部门，请填写统一社会信用代码")
                self._departments[text] = (None, message % {"text": text})
            else:
                self._departments[text] = (found[0], None)
        return self._departments[text]

    def office(self, department, text):
        key = (department.pk, text)
        if key not in self._offices:
            self._offices[key] = Office.objects.filter(department=department, name=text).first()
        return self._offices[key]


# ---------------------------------------------------------------------------------------------------------------
# Import of the audit list


@dataclass
class _Row:
    number: int
    values: dict
    owner: Department | None = None
    office: Office | None = None
    resources: list = field(default_factory=list)
    target: InformationSystem | None = None
    system: InformationSystem | None = None


def _find_header(rows):
    """The index of the header row among the first rows: the first one with a 系统名称 cell."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(cell_text(cell) in ("系统名称", "信息系统名称") for cell in cells or ()):
            return index
    return None


def _normalise_headers(cells):
    texts = [cell_text(cell).replace("\n", "").replace(" ", "") for cell in cells]
    texts = ["系统名称" if text == "信息系统名称" else text for text in texts]
    present = set(texts)
    result = []
    for text in texts:
        target = _HEADER_ALIASES.get(text)
        result.append(target if target and target not in present else text)
    return result


def _read_decimal(text):
    text = text.replace(",", "").replace("，", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("应填写数字，实际为“%(value)s”") % {"value": text[:50]}) from None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= Decimal(10) ** 10:
        raise ValueError(_("应为不超过10位整数、最多两位小数的数字"))
    # Stored with two decimals: 12.3 read back from an export must compare equal to the stored 12.30.
    return value.quantize(Decimal("0.01"))


class _AuditImporter:
    """Reads and checks one audit-list workbook, then writes it. Nothing is written while self.errors has any."""

    def __init__(self, user, department=None):
        self.user = user
        self.department = department  # the file's department: fills blank 所属部门 and bounds the rows
        self.errors: list[RowError] = []
        self.rows: list[_Row] = []
        self.sheet = AUDIT_SHEET
        self.allowed_ids = set(services.manageable_departments(user).values_list("pk", flat=True))
        self.directory = _Directory()

    def error(self, row, key, message):
        self.errors.append(RowError(self.sheet, row, _HEADER.get(key, key), message))

    def parse(self, book):
        self.sheet = AUDIT_SHEET if AUDIT_SHEET in book.sheetnames else book.sheetnames[0]
        rows = list(book.rows(self.sheet))
        header_index = _find_header(rows)
        if header_index is None:
            self.errors.append(RowError(self.sheet, 1, "系统名称", _(
                "找不到表头：前%(n)d行中没有“系统名称”列，请使用平台提供的模板") % {"n": HEADER_SEARCH_ROWS}))
            return
        reader = SheetReader(self.sheet, AUDIT_COLUMNS, _normalise_headers(rows[header_index]), self.errors)
        # SheetReader numbers header errors as row 1; the header may sit lower.
        self.errors[:] = [RowError(e.sheet, header_index + 1, e.column, e.message) for e in self.errors]
        if "owner" not in reader.positions and self.department is None:
            self.errors.append(RowError(self.sheet, header_index + 1, _HEADER["owner"], _("缺少此列")))
        if self.errors:
            return
        body = [
            (number, cells)
            for number, cells in enumerate(rows[header_index + 1:], start=header_index + 2)
            if any(cell is not None and cell_text(cell) != "" for cell in cells)
        ]
        if not body:
            self.errors.append(RowError(self.sheet, None, "", _("文件中没有信息系统数据")))
            return
        if len(body) > MAX_IMPORT_ROWS:
            self.errors.append(RowError(self.sheet, None, "", _("一次最多导入%(n)d行，请拆分文件") % {
                "n": MAX_IMPORT_ROWS}))
            return
        if self.department is None and not self.allowed_ids:
            self.errors.append(RowError(FILE_SHEET, None, "", _("您没有导入信息系统清单的权限")))
            return
        for number, cells in body:
            values = reader.read(number, list(cells))
            if "annual_om_cost" in values:
                try:
                    values["annual_om_cost"] = _read_decimal(values["annual_om_cost"])
                except ValueError as exc:
                    self.error(number, "annual_om_cost", str(exc))
                    del values["annual_om_cost"]
            self.rows.append(_Row(number, values))

    def resolve(self):
        """Look up departments, offices, resources and the systems each row updates; check the rules."""
        seen = {}
        for row in self.rows:
            values = row.values
            owner_text = values.get("owner", "")
            if not owner_text and self.department is not None:
                row.owner = self.department
            elif owner_text:
                row.owner, message = self.directory.department(owner_text)
                if message:
                    self.error(row.number, "owner", message)
            else:
                self.error(row.number, "owner", _("此项为必填项"))
            if row.owner is not None:
                if self.department is not None and row.owner.pk != self.department.pk:
                    self.error(row.number, "owner", _("本文件只能导入“%(department)s”的信息系统") % {
                        "department": self.department.name})
                elif row.owner.pk not in self.allowed_ids:
                    self.error(row.number, "owner", _("您不能导入“%(department)s”的信息系统") % {
                        "department": row.owner.name})
            level = values.get("protection_level")
            if level is not None and not 1 <= level <= 5:
                self.error(row.number, "protection_level", _("等保级别应为1至5级，实际为%(level)d") % {"level": level})
                values.pop("protection_level")
            name = values.get("name")
            if row.owner is not None and name:
                key = (row.owner.pk, name)
                if key in seen:
                    message = _("与第%(row)d行重复：同一部门的系统名称不能相同")
                    self.error(row.number, "name", message % {"row": seen[key]})
                else:
                    seen[key] = row.number
                office_name = values.get("owner_office")
                if office_name:
                    row.office = self.directory.office(row.owner, office_name)
                    if row.office is None:
                        self.error(row.number, "owner_office", _("“%(department)s”没有名为“%(office)s”的处室") % {
                            "department": row.owner.name, "office": office_name})
            codes = values.get("source_codes") or []
            if codes:
                found = {resource.code: resource for resource in Resource.objects.filter(code__in=codes)}
                missing = [code for code in codes if code not in found]
                if missing:
                    self.error(row.number, "source_codes", _("目录中没有这些资源代码：%(codes)s") % {
                        "codes": "、".join(missing)})
                row.resources = list({found[code].pk: found[code] for code in codes if code in found}.values())
        self._match_existing()
        self._check_references()

    def _match_existing(self):
        keys = [(row.owner.pk, row.values["name"]) for row in self.rows if row.owner and row.values.get("name")]
        owners = {owner for owner, _name in keys}
        existing = {
            (system.owner_id, system.name): system
            for system in InformationSystem.objects.filter(owner_id__in=owners, name__in={n for _o, n in keys})
        }
        for row in self.rows:
            if row.owner and row.values.get("name"):
                row.target = existing.get((row.owner.pk, row.values["name"]))

    def _reference(self, row, name):
        """(owner id, name) of the system a 整合至/替代系统 cell names, or None after reporting an error."""
        in_file = [(other.owner.pk, name) for other in self.rows if other.owner and other.values.get("name") == name]
        registered = list(InformationSystem.objects.filter(name=name).values_list("owner_id", "name"))
        candidates = set(in_file) | set(registered)
        same_department = {key for key in candidates if row.owner and key[0] == row.owner.pk}
        if same_department:
            return next(iter(same_department))
        if len(candidates) == 1:
            return next(iter(candidates))
        return None, len(candidates)

    def _check_references(self):
        for row in self.rows:
            for key in ("integrated_into", "replaced_by"):
                name = row.values.get(key)
                if not name:
                    continue
                found = self._reference(row, name)
                if found[0] is None:
                    message = (_("找不到名为“%(name)s”的信息系统（本文件和平台上都没有）") if found[1] == 0 else
                               _("多个部门都有名为“%(name)s”的信息系统，无法确定是哪一个"))
                    self.error(row.number, key, message % {"name": name})
                elif row.owner and found == (row.owner.pk, row.values.get("name")):
                    self.error(row.number, key, _("不能指向系统本身"))
                else:
                    row.values[key] = found
            status = row.values.get("status")
            if status == SystemStatusChoices.INTEGRATED and not row.values.get("integrated_into"):
                self.error(row.number, "integrated_into", _("状态为“已整合”时须填写整合至哪个系统"))
            if status == SystemStatusChoices.REPLACED and not row.values.get("replaced_by"):
                self.error(row.number, "replaced_by", _("状态为“已替代”时须填写替代系统"))

    def write(self, result):
        """Create and update the systems in file order; a link to a system created later in the file is set once
        that system exists. Permissions and rules were checked row by row in resolve()."""
        systems = {}
        deferred = []
        for row in self.rows:
            values = row.values
            fields = {name: values.get(name) for name in _WRITTEN_FIELDS}
            for name in _TEXT_FIELDS:
                fields[name] = fields[name] or ""
            fields["connected_to_platform"] = bool(fields["connected_to_platform"])
            fields["status"] = values.get("status") or SystemStatusChoices.IN_USE
            fields["owner"] = row.owner
            fields["owner_office"] = row.office
            for key in ("integrated_into", "replaced_by"):
                reference = values.get(key)
                fields[key] = self._target(reference, systems) if reference else None
                if reference and fields[key] is None:
                    deferred.append((row, key, reference))
            system = row.target or InformationSystem()
            before = system.changelog_snapshot() if row.target is not None else None
            for name, value in fields.items():
                setattr(system, name, value)
            # An unchanged row is neither saved nor counted: re-importing an export reports no updates.
            changed = before is None or system.changelog_snapshot() != before
            if changed:
                system.save()
            sources_changed = services._set_sources(system, row.resources, user=self.user)
            if row.target is None:
                result.created += 1
            elif changed or sources_changed:
                result.updated += 1
            row.system = systems[row.owner.pk, values["name"]] = system
        for row, key, reference in deferred:
            setattr(row.system, key, systems[reference])
            row.system.save()

    @staticmethod
    def _target(reference, systems):
        if reference in systems:
            return systems[reference]
        return InformationSystem.objects.filter(owner_id=reference[0], name=reference[1]).first()


_WRITTEN_FIELDS = (
    "number", "name", "function", "scope_of_use", "frequency_of_use", "approving_department", "approval_date",
    "funding_source", "annual_om_cost", "construction_unit", "network", "deployment", "protection_level",
    "protection_filing_number", "connected_to_platform", "description",
)
_TEXT_FIELDS = ("number", "scope_of_use", "frequency_of_use", "approving_department", "funding_source",
                "construction_unit", "protection_filing_number", "description")


def import_systems(file, *, user, department=None, report_path=None) -> ImportResult:
    """Import an audit-list workbook; all or nothing (see the module docstring).

    `department` (a Department) is the file's department: blank 所属部门 cells take it, and rows of any other
    department are errors. A department administrator's import is always bounded to its own department.
    """
    result = ImportResult()
    importer = _AuditImporter(user, department)
    if department is not None and department.pk not in importer.allowed_ids:
        importer.errors.append(RowError(FILE_SHEET, None, "", _("您不能导入“%(department)s”的信息系统") % {
            "department": department.name}))
    problem = None if importer.errors else _size_error(file)
    if problem:
        importer.errors.append(RowError(FILE_SHEET, None, "", problem))
    if not importer.errors:
        book, problem = open_workbook(file)
        if problem:
            importer.errors.append(RowError(FILE_SHEET, None, "", problem))
        else:
            try:
                importer.parse(book)
            finally:
                book.close()
    if not importer.errors:
        try:
            with transaction.atomic(), acting_as(user):
                importer.resolve()
                if importer.errors:
                    raise _Rejected(importer.errors)
                importer.write(result)
        except _Rejected as rejected:
            importer.errors = list(rejected.errors)
        except (IntegrityError, ValidationError, PermissionDenied) as exc:
            importer.errors = [RowError(FILE_SHEET, None, "", _("导入失败，未写入任何数据：%(error)s") % {
                "error": "；".join(getattr(exc, "messages", [str(exc)]))})]
    if importer.errors:
        result.created = result.updated = 0
        result.errors = sorted(importer.errors, key=lambda e: (e.row or 0, _column_order(e.column)))
        if report_path:
            write_error_report(result.errors, report_path)
    return result


def _column_order(header):
    for index, column in enumerate(AUDIT_COLUMNS):
        if column.header == header:
            return index
    return 99


# ---------------------------------------------------------------------------------------------------------------
# Export


def _labels():
    return {column.key: choice_labels(column.choices) for column in AUDIT_COLUMNS if column.kind == "choice"}


def system_row(system, labels=None) -> list:
    """The cells of one system in the order of AUDIT_COLUMNS (export and template)."""
    labels = labels or _labels()
    return [
        system.number,
        system.name,
        system.function,
        system.scope_of_use,
        system.frequency_of_use,
        system.approving_department,
        system.approval_date,
        system.funding_source,
        system.annual_om_cost,
        system.construction_unit,
        labels["network"].get(system.network, system.network),
        labels["deployment"].get(system.deployment, system.deployment),
        system.protection_level,
        system.protection_filing_number,
        system.owner.credit_code,
        system.owner_office.name if system.owner_office_id else "",
        labels["status"].get(system.status, system.status),
        system.integrated_into.name if system.integrated_into_id else "",
        system.replaced_by.name if system.replaced_by_id else "",
        "是" if system.connected_to_platform else "否",
        ";".join(sorted(resource.code for resource in system.source_resources.all() if resource.code)),
        system.description,
    ]


def _guide_sheet(workbook):
    sheet = workbook.create_sheet(_("填写说明"))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    sheet.append([_("政务信息系统审计清单导入模板 填写说明"), ""])
    sheet.append([_("导入规则"), _(
        "导入前检查整个文件，只要有一处错误，整个文件都不导入，并列出每处错误所在的行号和列名；"
        "按“所属部门 + 系统名称”匹配已有系统：已有的更新，没有的新建。只接受 .xlsx 文件。")])
    sheet.append([_("权限"), _("部门管理员只能导入本部门的信息系统。")])
    sheet.append(["", ""])
    for column in AUDIT_COLUMNS:
        note = column.note
        if column.kind == "choice":
            allowed = "、".join(choice_labels(column.choices).values())
            note = f"{note}；可选：{allowed}" if note else f"可选：{allowed}"
        sheet.append([column.header + ("（必填）" if column.required else ""), note])


def export_systems(queryset, file) -> int:
    """Write the systems of `queryset` to `file` (path or binary file object) in the import layout; an empty
    queryset gives the blank template. Returns the number of systems written."""
    from openpyxl import Workbook

    assert len(AUDIT_COLUMNS) == 22  # keep system_row in step
    workbook = Workbook(write_only=True)
    sheet = new_sheet(workbook, AUDIT_SHEET, AUDIT_COLUMNS)
    _guide_sheet(workbook)
    labels = _labels()
    queryset = queryset.select_related("owner", "owner_office", "integrated_into", "replaced_by").prefetch_related(
        "source_resources")
    count = 0
    for system in queryset.order_by("owner__name", "name"):
        append_row(sheet, system_row(system, labels))
        count += 1
    workbook.save(file)
    return count


# ---------------------------------------------------------------------------------------------------------------
# Usage CSV


USAGE_COLUMNS = (
    Column("系统名称", "name", width=24),
    Column("系统编号", "system_number", width=10, note="平台上的系统编号或清单编号；与系统名称至少填一个"),
    Column("所属部门", "owner", width=22, note="可选；系统名称在多个部门重名时必填"),
    Column("月份", "month", required=True, width=10, note="YYYY-MM"),
    Column("月活跃用户数", "monthly_active_users", "int", width=12),
    Column("访问次数", "visits", "int", width=12),
    Column("最近使用日期", "last_used_on", "date", width=12),
    Column("最近运维日期", "last_maintained_on", "date", width=12),
    Column("资源利用率", "resource_utilisation", width=10, note="百分比，如 85 或 85%"),
)
_USAGE_HEADER = {column.key: column.header for column in USAGE_COLUMNS}


def _decode(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def import_usage_csv(file, *, user, today=None) -> ImportResult:
    """Import monthly usage figures from a CSV file (UTF-8 or GBK); all or nothing. Each row replaces the figures
    of its (system, month); only systems the user may report usage for are accepted."""
    result = ImportResult()
    errors: list[RowError] = []

    def error(row, key, message):
        errors.append(RowError(USAGE_SHEET, row, _USAGE_HEADER.get(key, key), message))

    problem = _size_error(file)
    data = b""
    if not problem:
        data = file.read() if hasattr(file, "read") else open(file, "rb").read()  # noqa: SIM115
        if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
            problem = _("这是 Excel 文件；使用情况请上传 CSV 文件（在 Excel 中另存为 CSV UTF-8）")
    text = None if problem else _decode(data)
    if not problem and text is None:
        problem = _("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件")
    if problem:
        result.errors = [RowError(FILE_SHEET, None, "", problem)]
        return result
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip() for cell in rows[0]] if rows else []
    reader = SheetReader(USAGE_SHEET, USAGE_COLUMNS, header, errors)
    if not errors and "name" not in reader.positions and "system_number" not in reader.positions:
        error(1, "name", _("缺少“系统名称”或“系统编号”列"))
    body = [(number, cells) for number, cells in enumerate(rows[1:], start=2) if any(c.strip() for c in cells)]
    if not errors and not body:
        errors.append(RowError(USAGE_SHEET, None, "", _("文件中没有使用情况数据")))
    if not errors and len(body) > MAX_IMPORT_ROWS:
        errors.append(RowError(USAGE_SHEET, None, "", _("一次最多导入%(n)d行，请拆分文件") % {"n": MAX_IMPORT_ROWS}))
    if errors:
        result.errors = errors
        return result

    directory = _Directory()
    parsed = []
    seen = {}
    for number, cells in body:
        values = reader.read(number, cells)
        system = _usage_system(values, directory, lambda key, message, n=number: error(n, key, message))
        month = None
        if values.get("month"):
            try:
                month = services.month_start(values["month"])
            except ValidationError:
                error(number, "month", _("月份格式应为 YYYY-MM，实际为“%(value)s”") % {"value": values["month"][:20]})
        rate = values.pop("resource_utilisation", "")
        if rate:
            try:
                values["resource_utilisation"] = _read_decimal(rate.rstrip("%％"))
            except ValueError as exc:
                error(number, "resource_utilisation", str(exc))
        if system is None or month is None:
            continue
        if not services.can_record_usage(user, system):
            error(number, "name", _("您不能报送“%(system)s”的使用情况（不是本部门的系统）") % {"system": system.name})
            continue
        if (system.pk, month) in seen:
            error(number, "month", _("与第%(row)d行重复：同一系统同一月份只能有一行") % {"row": seen[system.pk, month]})
            continue
        seen[system.pk, month] = number
        figures = {name: values.get(name) for name in services.USAGE_FIELDS}
        for key, message in services.usage_rule_errors(month, figures, today=today).items():
            error(number, key, message)
        parsed.append((system, month, figures))
    if errors:
        result.errors = sorted(errors, key=lambda e: e.row or 0)
        return result
    with transaction.atomic():
        existing = {
            (usage.system_id, usage.month): usage
            for usage in SystemUsage.objects.filter(system__in={system for system, _m, _f in parsed})
        }
        for system, month, figures in parsed:
            usage = existing.get((system.pk, month))
            if usage is None:
                SystemUsage.objects.create(system=system, month=month, source=UsageSourceChoices.IMPORT, **figures)
                result.created += 1
            else:
                for name, value in figures.items():
                    setattr(usage, name, value)
                usage.source = UsageSourceChoices.IMPORT
                usage.save()
                result.updated += 1
    return result


def _usage_system(values, directory, error):
    """The system a usage row names, or None after reporting why."""
    owner = None
    if values.get("owner"):
        owner, message = directory.department(values["owner"])
        if message:
            error("owner", message)
            return None
    number = values.get("system_number", "")
    name = values.get("name", "")
    if not number and not name:
        error("name", _("系统名称和系统编号至少填写一个"))
        return None
    systems = InformationSystem.objects.select_related("owner")
    if owner is not None:
        systems = systems.filter(owner=owner)
    if number:
        condition = Q(number=number)
        if re.fullmatch(r"\d{1,18}", number):
            condition |= Q(pk=int(number))
        found = list(systems.filter(condition)[:3])
        key = "system_number"
    else:
        found = list(systems.filter(name=name)[:3])
        key = "name"
    if name and number:
        found = [system for system in found if system.name == name]
    if not found:
        error(key, _("找不到信息系统“%(system)s”") % {"system": number or name})
        return None
    if len(found) > 1:
        error(key, _("“%(system)s”对应多个信息系统，请填写所属部门或系统编号") % {"system": number or name})
        return None
    return found[0]


def usage_template_bytes() -> bytes:
    """The usage CSV template (UTF-8 with BOM, so Excel opens it with the right encoding)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in USAGE_COLUMNS])
    example = ["示例系统", "", "", datetime.date.today().strftime("%Y-%m"), "120", "3500", "", "", "35"]
    csv.writer(buffer).writerow(example)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
