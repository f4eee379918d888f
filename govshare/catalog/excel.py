"""Excel import and export of the catalogue, in the layout of the national guideline.

Workbook layout (.xlsx)
-----------------------
「信息资源」  one row per catalogue entry, Chinese headers in row 1 (see RESOURCE_COLUMNS).
「信息项」    one row per info item (see ITEM_COLUMNS).
「填写说明」  how to fill in the file and the allowed values; ignored on import.

Headers are part of the exchange format and are never translated. Columns may come in any order, and columns this
module does not know are ignored, so a department may keep notes beside the data. A missing optional column reads as
blank cells.

How an info item finds its entry: the first column of 「信息资源」 is 序号, a number unique in the sheet (the
export writes 1, 2, 3 …). Each row of 「信息项」 names its entry by that number in 资源序号. The key is explicit
rather than the row position, so rows may be sorted, inserted or deleted in either sheet. When 资源序号 is blank
the item is linked by 资源代码 instead; when both are given they must name the same entry. 资源名称 on the item
sheet is only there for the reader. Within an entry, items are ordered by their 序号, then by row.

Choice cells are written as the Chinese labels (无条件共享, 数据库, 字符型 C …) and read from the label, its short form
(字符型, C, 库表), or the stored English value (unconditional, database). 是否敏感 and 是否基本信息项 read 是/否.

Import policy
-------------
* The whole file is read and checked before anything is written: the structure (sheets, required columns), every
  cell (type, allowed value, length), the provider (looked up by 提供方代码, the unified social credit code; when
  资源提供方 is also filled it must name the same department), the internal office, the classification (must exist,
  at least at the 项 level), the permission of the importing user, and the catalogue rules
  (`rules.entry_rule_errors`, the same check the services run on every save).
* If any cell is wrong the file is REJECTED WHOLE: nothing is written, and the result lists every error by sheet,
  row number as Excel shows it, column header and message; `write_error_report` writes that list as an .xlsx.
  A half-imported catalogue is worse than none: the department would have to find out which rows went in.
* Otherwise everything is written in one database transaction, so no entry is ever left without its items and a
  failure part-way leaves the catalogue as it was.

What a row does, by its 资源代码:
* blank: a new entry, created as a draft (编目中) of its provider; 状态 and 发布日期 are ignored. To make
  re-importing an edited export safe, a blank code first matches an unpublished entry (no code yet) of the same
  provider with the same name, which is then updated instead of duplicated.
* the code of an entry on this platform: that entry is updated with the semantics of `services.update_entry`: a
  draft or returned entry is edited in place; a published entry gets a pending change (a draft version) that goes
  through review as usual; an entry in review or withdrawn cannot be changed (an error). A row identical to the entry
  (or to its pending change) is left alone and counted as unchanged, so importing an unedited export does nothing.
* a code this platform does not know: the entry was catalogued elsewhere (another platform, or a backup) and is
  restored as it was: same code, 状态 已发布 (default) or 已注销, 发布日期, with version 1 recorded as its current
  version. Only platform administrators may do this. The sequence under its classification is moved past the code,
  so the platform never gives the same code again.

Permissions: superusers and platform administrators may import rows of any provider; a cataloguer or department
administrator only rows whose provider is their own department; anyone else cannot import at all.

History: updates go through `services.update_entry` and are logged like any edit. New and restored entries are
written in bulk (10,000 entries with 100,000 items must import in well under a minute), and each gets the same
change record `services.create_entry` writes: one ObjectChange per entry, with the importing user and one request id
for the whole import. Version history and review comments are not part of the file and are not carried over.

Export writes the entries' current (published) content; a pending change is not exported. Export then import into
an empty catalogue is lossless for every field of the file (text is kept as typed, except that surrounding spaces
are trimmed and line breaks stored as \n, as the web forms do). Cells that look like formulas are written as text.

Reading uses python-calamine when it is installed (about fifteen times faster on a large file) and openpyxl's
read-only mode otherwise; writing uses openpyxl's write-only mode.
"""

import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import islice

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.context import acting_as
from govshare.core.excel import (
    Column,
    RowError,
    SheetReader,
    append_row,
    choice_labels,
    clean_text,
    new_sheet,
    open_workbook,
    sheet_rows,
    write_error_report,
)
from govshare.core.models import ObjectChange
from govshare.users.choices import RoleChoices

from . import services
from .choices import (
    DataTypeChoices,
    EntryStatusChoices,
    FormatCategoryChoices,
    OpenTypeChoices,
    ShareModeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
    VersionStatusChoices,
)
from .models import Classification, CodeSequence, InfoItem, Resource, ResourceVersion
from .rules import entry_rule_errors

__all__ = [
    "ITEM_COLUMNS",
    "ITEM_SHEET",
    "RESOURCE_COLUMNS",
    "RESOURCE_SHEET",
    "ImportResult",
    "RowError",
    "export_catalog",
    "import_catalog",
    "write_error_report",
]

RESOURCE_SHEET = "信息资源"
ITEM_SHEET = "信息项"
GUIDE_SHEET = "填写说明"
FILE_SHEET = ""  # errors about the file as a whole

# Rows are written to the database in batches of this size.
BATCH_SIZE = 1000


# ---------------------------------------------------------------------------------------------------------------
# Columns


def _max_length(model, name):
    return model._meta.get_field(name).max_length


RESOURCE_COLUMNS = (
    Column("序号", "key", "int", required=True, width=7, note="本表内唯一的编号，信息项表用“资源序号”引用"),
    Column("资源代码", "code", max_length=40, width=16, note="新编目录留空；已发布目录的代码，用于更新"),
    Column("资源名称", "name", required=True, max_length=_max_length(Resource, "name"), width=24),
    Column("资源分类代码", "classification", required=True, width=12, note="至少到“项”一级，如 101、201、30101"),
    Column("资源提供方", "provider_name", width=20, note="部门名称；填写时须与提供方代码一致"),
    Column("提供方代码", "provider_code", required=True, width=20, note="提供方的统一社会信用代码"),
    Column("内设机构", "provider_office", width=14, note="提供方的内设机构名称"),
    Column("来源系统", "source_system", max_length=_max_length(Resource, "source_system"), width=16),
    Column("资源摘要", "abstract", required=True, max_length=_max_length(Resource, "abstract"), width=40),
    Column("资源格式分类", "format_category", "choice", required=True, choices=FormatCategoryChoices, width=12),
    Column("资源格式类型", "format_type", max_length=_max_length(Resource, "format_type"), width=12),
    Column("共享类型", "share_type", "choice", required=True, choices=ShareTypeChoices, width=12),
    Column("共享条件", "share_condition", max_length=_max_length(Resource, "share_condition"), width=24,
           note="有条件共享时必填"),
    Column("不予共享依据", "share_basis", max_length=_max_length(Resource, "share_basis"), width=24,
           note="不予共享时必填：法律、行政法规或政策依据"),
    Column("共享方式", "share_mode", "choice", choices=ShareModeChoices, width=14, note="可共享的资源必填"),
    Column("开放属性", "open_type", "choice", required=True, choices=OpenTypeChoices, width=12),
    Column("开放条件", "open_condition", max_length=_max_length(Resource, "open_condition"), width=20,
           note="有条件开放时必填"),
    Column("更新周期", "update_cycle", "choice", required=True, choices=UpdateCycleChoices, width=10),
    Column("发布日期", "published_on", "date", width=12, note="仅导入带代码的已发布目录时使用"),
    Column("关联资源代码", "related_codes", "codes", width=24, note="多个代码用分号或逗号分隔"),
    Column("说明", "description", max_length=_max_length(Resource, "description"), width=20),
    Column("状态", "status", "choice", choices=EntryStatusChoices, width=10,
           note="导出时填写；新编目录导入后为“编目中”"),
    Column("注销原因", "withdrawn_reason", max_length=_max_length(Resource, "withdrawn_reason"), width=16),
)

ITEM_COLUMNS = (
    Column("资源序号", "key", "int", width=9, note="所属资源在“信息资源”表中的序号"),
    Column("资源代码", "resource_code", width=16, note="资源序号为空时按资源代码对应"),
    Column("资源名称", "resource_name", width=24, note="仅供阅读，导入时不使用"),
    Column("序号", "position", "int", width=7, note="信息项在资源内的顺序"),
    Column("信息项名称", "name", required=True, max_length=_max_length(InfoItem, "name"), width=20),
    Column("英文名称", "code", max_length=_max_length(InfoItem, "code"), width=18),
    Column("数据类型", "data_type", "choice", required=True, choices=DataTypeChoices, width=12),
    Column("数据长度", "length", "int", width=9),
    Column("说明", "description", max_length=_max_length(InfoItem, "description"), width=24),
    Column("是否敏感", "is_sensitive", "bool", width=9),
    Column("是否基本信息项", "is_basic", "bool", width=12),
    Column("共享类型", "share_type", "choice", required=True, choices=ShareTypeChoices, width=12),
    Column("共享条件", "share_condition", max_length=_max_length(InfoItem, "share_condition"), width=20),
    Column("开放属性", "open_type", "choice", required=True, choices=OpenTypeChoices, width=12),
)

SHEET_COLUMNS = {RESOURCE_SHEET: RESOURCE_COLUMNS, ITEM_SHEET: ITEM_COLUMNS}
# The keys the services and rules use for an entry's foreign keys, mapped to the column that gave them.
_FIELD_COLUMN_KEYS = {"provider": "provider_code", "items": "key"}
_FOREIGN_KEYS = ("classification", "provider", "provider_office")
_HEADER_BY_KEY = {sheet: {column.key: column.header for column in columns} for sheet, columns in SHEET_COLUMNS.items()}


# ---------------------------------------------------------------------------------------------------------------
# Results


@dataclass
class ImportResult:
    """What an import did: entries created, updated and left unchanged, or the errors that rejected the file."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_report_path: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """Plain data, for a background task's result or a JSON response."""
        data = asdict(self)
        data["errors"] = [{**asdict(error), "text": str(error)} for error in self.errors]
        data["ok"] = self.ok
        return data


class _Rejected(Exception):
    """Raised inside the import transaction to roll it back with these errors."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


# ---------------------------------------------------------------------------------------------------------------
# Reading cells

# ---------------------------------------------------------------------------------------------------------------
# The parsed file


@dataclass
class _Item:
    row: int
    values: dict


@dataclass
class _Entry:
    row: int
    values: dict
    items: list = field(default_factory=list)
    fields: dict | None = None  # the entry's fields in the services' form, once resolved
    item_data: list | None = None  # its items in the services' form, in order
    target: Resource | None = None  # the existing entry the row updates
    action: str = ""  # create | restore | update | unchanged
    code_prefix: str = ""  # restore only: the classification part of the code
    code_sequence: int | None = None  # restore only: the sequence number under its classification


class _Importer:
    """Reads, checks and writes one file. Errors accumulate in self.errors; nothing is written if any exist."""

    def __init__(self, user):
        self.user = user
        self.errors: list[RowError] = []
        self.is_admin = bool(user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN))
        self.entries: list[_Entry] = []

    def error(self, sheet, row, column_key, message):
        header = _HEADER_BY_KEY.get(sheet, {}).get(column_key, column_key)
        self.errors.append(RowError(sheet, row, header, message))

    # -- permission to import at all

    def check_user(self):
        if self.is_admin:
            return True
        if not self.user.has_role(RoleChoices.CATALOGUER, RoleChoices.DEPARTMENT_ADMIN) or not self.user.department_id:
            self.errors.append(RowError(FILE_SHEET, None, "", _("只有编目员、部门管理员或平台管理员可以导入目录")))
            return False
        return True

    # -- structure and cells, without the database

    def parse(self, workbook):
        missing = [name for name in (RESOURCE_SHEET, ITEM_SHEET) if name not in workbook.sheetnames]
        if missing:
            for name in missing:
                self.errors.append(
                    RowError(FILE_SHEET, None, "", _("缺少工作表「%(sheet)s」；请使用导出的模板") % {"sheet": name})
                )
            return
        resource_header, resource_rows = sheet_rows(workbook, RESOURCE_SHEET)
        item_header, item_rows = sheet_rows(workbook, ITEM_SHEET)
        resources = SheetReader(RESOURCE_SHEET, RESOURCE_COLUMNS, resource_header, self.errors)
        items = SheetReader(ITEM_SHEET, ITEM_COLUMNS, item_header, self.errors)
        if self.errors:  # a required column is missing: the cells cannot be read meaningfully
            return
        if not resource_rows:
            self.errors.append(RowError(RESOURCE_SHEET, None, "", _("工作表中没有资源数据")))
            return

        by_key: dict[int, _Entry] = {}
        by_code: dict[str, _Entry] = {}
        for number, cells in resource_rows:
            values = resources.read(number, cells)
            entry = _Entry(number, values)
            self.entries.append(entry)
            key = values.get("key")
            if key is not None:
                if key in by_key:
                    self.error(RESOURCE_SHEET, number, "key", _("序号%(key)d与第%(row)d行重复") % {
                        "key": key, "row": by_key[key].row})
                else:
                    by_key[key] = entry
            code = values.get("code")
            if code:
                if code in by_code:
                    self.error(RESOURCE_SHEET, number, "code", _("资源代码与第%(row)d行重复") % {
                        "row": by_code[code].row})
                else:
                    by_code[code] = entry

        for number, cells in item_rows:
            values = items.read(number, cells)
            key, code = values.get("key"), values.get("resource_code")
            if "key" not in values:  # the key cell itself was unreadable and is reported
                continue
            entry = by_key.get(key) if key is not None else by_code.get(code) if code else None
            if entry is None:
                if key is not None:
                    self.error(ITEM_SHEET, number, "key", _("信息资源表中没有序号为%(key)d的资源") % {"key": key})
                elif code:
                    self.error(ITEM_SHEET, number, "resource_code", _("信息资源表中没有此资源代码"))
                else:
                    self.error(ITEM_SHEET, number, "key", _("请填写资源序号"))
                continue
            if key is not None and code and code != entry.values.get("code"):
                self.error(ITEM_SHEET, number, "resource_code",
                           _("与资源序号%(key)d的资源代码不一致") % {"key": key})
                continue
            entry.items.append(_Item(number, values))

    # -- references, permissions and rules, against the database

    def resolve(self):
        entries = [entry for entry in self.entries if "key" in entry.values]
        departments = self._departments(entries)
        classifications = {
            c.full_code: c for c in Classification.objects.only("id", "full_code", "level")
        }
        offices = self._offices(departments)
        existing = self._existing_by_code(entries)
        drafts = self._drafts_by_name(entries, departments)
        seen_new: dict[tuple, int] = {}

        for entry in entries:
            values = entry.values
            row = entry.row
            ok = all(
                key in values for key in ("name", "provider_code", "abstract", "format_category", "share_type",
                                          "open_type", "update_cycle", "classification")
            )
            # Classification: the code, optionally followed by its name ("201 公共服务").
            classification = None
            class_code = (values.get("classification") or "").split()[0] if values.get("classification") else ""
            if class_code:
                classification = classifications.get(class_code)
                if classification is None:
                    self.error(RESOURCE_SHEET, row, "classification",
                               _("资源分类代码“%(code)s”不存在") % {"code": class_code})
                elif classification.level < 2:
                    self.error(RESOURCE_SHEET, row, "classification", _("请至少选择到“项”一级的分类"))
                    classification = None
            department = self._provider(entry, departments)
            office_id = None
            if department is not None and values.get("provider_office"):
                office_id = offices.get((department.pk, values["provider_office"]))
                if office_id is None:
                    self.error(RESOURCE_SHEET, row, "provider_office",
                               _("“%(office)s”不是%(department)s的内设机构")
                               % {"office": values["provider_office"], "department": department.name})
            if department is not None and not self.is_admin and department.pk != self.user.department_id:
                self.error(RESOURCE_SHEET, row, "provider_code",
                           _("只能导入本部门的目录，此行的提供方是%(department)s") % {"department": department.name})
                department = None
            if classification is None or department is None or not ok:
                continue

            fields = {
                "classification": classification.pk,
                "name": values["name"],
                "provider": department.pk,
                "provider_office": office_id,
                "source_system": values.get("source_system", ""),
                "abstract": values["abstract"],
                "format_category": values["format_category"],
                "format_type": values.get("format_type", ""),
                "share_type": values["share_type"],
                "share_condition": values.get("share_condition", ""),
                "share_basis": values.get("share_basis", ""),
                "share_mode": values.get("share_mode", ""),
                "open_type": values["open_type"],
                "open_condition": values.get("open_condition", ""),
                "update_cycle": values["update_cycle"],
                "related_codes": values.get("related_codes", []),
                "description": values.get("description", ""),
            }
            entry.items.sort(key=lambda item: (item.values.get("position") is None,
                                               item.values.get("position") or 0, item.row))
            item_data = []
            items_ok = True
            for item in entry.items:
                item_values = item.values
                if not all(key in item_values for key in ("name", "data_type", "share_type", "open_type", "length",
                                                          "is_sensitive", "is_basic")):
                    items_ok = False
                    continue
                item_data.append({
                    "name": item_values["name"],
                    "code": item_values.get("code", ""),
                    "data_type": item_values["data_type"],
                    "length": item_values["length"],
                    "description": item_values.get("description", ""),
                    "is_sensitive": item_values["is_sensitive"],
                    "is_basic": item_values["is_basic"],
                    "share_type": item_values["share_type"],
                    "share_condition": item_values.get("share_condition", ""),
                    "open_type": item_values["open_type"],
                })
            if not items_ok:  # cell errors in its items are reported; the rules would only repeat them
                continue
            rule_errors = entry_rule_errors(fields, item_data, classification.category)
            for key, messages in rule_errors.items():
                for message in messages:
                    if key.startswith("items."):
                        _prefix, index, item_key = key.split(".", 2)
                        self.error(ITEM_SHEET, entry.items[int(index)].row, item_key, message)
                    else:
                        self.error(RESOURCE_SHEET, row, _FIELD_COLUMN_KEYS.get(key, key), message)
            if rule_errors:
                continue
            entry.fields, entry.item_data = fields, item_data
            self._decide(entry, classification, existing, drafts, seen_new)

    def _departments(self, entries):
        from govshare.organizations.models import Department

        codes = sorted({e.values["provider_code"].upper() for e in entries if e.values.get("provider_code")})
        found = {}
        for chunk in _chunks(codes, BATCH_SIZE):
            for department in Department.objects.filter(credit_code__in=chunk):
                found[department.credit_code] = department
        return found

    def _provider(self, entry, departments):
        """The provider by its credit code; when 资源提供方 is filled too it must name the same department."""
        code = entry.values.get("provider_code", "").upper()
        name = entry.values.get("provider_name", "")
        if not code:
            return None
        department = departments.get(code)
        if department is None:
            self.error(RESOURCE_SHEET, entry.row, "provider_code",
                       _("没有统一社会信用代码为“%(code)s”的政务部门") % {"code": code})
            return None
        if name and name not in (department.name, department.short_name):
            self.error(RESOURCE_SHEET, entry.row, "provider_name",
                       _("与提供方代码对应的部门“%(department)s”不一致") % {"department": department.name})
            return None
        return department

    def _offices(self, departments):
        from govshare.organizations.models import Office

        ids = {department.pk for department in departments.values()}
        offices = {}
        for chunk in _chunks(sorted(ids), BATCH_SIZE):
            for office in Office.objects.filter(department_id__in=chunk).only("id", "department_id", "name"):
                offices[(office.department_id, office.name)] = office.pk
        return offices

    def _existing_by_code(self, entries):
        codes = sorted({entry.values["code"] for entry in entries if entry.values.get("code")})
        found = {}
        for chunk in _chunks(codes, BATCH_SIZE):
            # Locked until the import commits, so an entry cannot be submitted or withdrawn between check and write.
            queryset = Resource.objects.select_for_update().filter(code__in=chunk).prefetch_related("items")
            for resource in queryset:
                found[resource.code] = resource
        return found

    def _drafts_by_name(self, entries, departments):
        """Unpublished entries (no code yet) by (provider, name), to update rather than duplicate them."""
        names = sorted({entry.values["name"] for entry in entries if entry.values.get("name")
                        and not entry.values.get("code")})
        providers = {department.pk for department in departments.values()}
        found = defaultdict(list)
        for chunk in _chunks(names, BATCH_SIZE):
            queryset = Resource.objects.select_for_update().filter(
                code__isnull=True, name__in=chunk, provider_id__in=providers
            ).prefetch_related("items")
            for resource in queryset:
                found[(resource.provider_id, resource.name)].append(resource)
        return found

    def _decide(self, entry, classification, existing, drafts, seen_new):
        """What the row does: create, restore, update or nothing; and whether that is allowed."""
        code = entry.values.get("code")
        if code:
            target = existing.get(code)
            if target is None:
                self._check_restore(entry, classification)
                return
        else:
            key = (entry.fields["provider"], entry.fields["name"])
            if key in seen_new:
                self.error(RESOURCE_SHEET, entry.row, "name",
                           _("同一提供方的资源名称与第%(row)d行重复") % {"row": seen_new[key]})
                return
            seen_new[key] = entry.row
            candidates = drafts.get(key, [])
            if len(candidates) > 1:
                self.error(RESOURCE_SHEET, entry.row, "name",
                           _("本部门有多条同名的未发布目录，无法确定更新哪一条，请在平台上处理"))
                return
            if not candidates:
                entry.action = "create"
                return
            target = candidates[0]
        entry.target = target
        snapshot = {"fields": entry.fields, "items": entry.item_data}
        if snapshot == _comparable(services.entry_snapshot(target)):
            entry.action = "unchanged"
            return
        pending = services.pending_version(target) if target.status == EntryStatusChoices.PUBLISHED else None
        if pending is not None and _comparable(pending.snapshot) == snapshot:
            entry.action = "unchanged"
            return
        if not self.is_admin and target.provider_id != self.user.department_id:
            self.error(RESOURCE_SHEET, entry.row, "code", _("无权修改其他部门的目录"))
            return
        if target.provider_id != entry.fields["provider"] and not self.is_admin:
            self.error(RESOURCE_SHEET, entry.row, "provider_code", _("不能更改资源提供方"))
            return
        if target.status not in (*EntryStatusChoices.EDITABLE, EntryStatusChoices.PUBLISHED):
            self.error(RESOURCE_SHEET, entry.row, "code",
                       _("“%(status)s”状态的目录不能修改") % {"status": target.get_status_display()})
            return
        if pending is not None and pending.status == VersionStatusChoices.SUBMITTED:
            self.error(RESOURCE_SHEET, entry.row, "code", _("变更正在审核中，审核完成前不能再修改"))
            return
        entry.action = "update"

    def _check_restore(self, entry, classification):
        code = entry.values["code"]
        if not self.is_admin:
            self.error(RESOURCE_SHEET, entry.row, "code",
                       _("平台上没有此资源代码；新编目录请将资源代码留空（带代码导入已发布目录仅限平台管理员）"))
            return
        prefix, separator, sequence = code.rpartition(settings.GOVSHARE_CODE_SEPARATOR)
        if not separator or not prefix.isdigit() or not sequence.isdigit():
            self.error(RESOURCE_SHEET, entry.row, "code",
                       _("资源代码格式应为“分类代码%(sep)s顺序码”") % {"sep": settings.GOVSHARE_CODE_SEPARATOR})
            return
        status = entry.values.get("status") or EntryStatusChoices.PUBLISHED
        if status not in (EntryStatusChoices.PUBLISHED, EntryStatusChoices.WITHDRAWN):
            self.error(RESOURCE_SHEET, entry.row, "status", _("带资源代码的目录状态只能是“已发布”或“已注销”"))
            return
        if status == EntryStatusChoices.WITHDRAWN and not entry.values.get("withdrawn_reason"):
            self.error(RESOURCE_SHEET, entry.row, "withdrawn_reason", _("已注销的目录必须填写注销原因"))
            return
        entry.values["status"] = status
        # The sequence number belongs to the classification it was given under; an entry reclassified after
        # publication keeps its old code, and then its number does not count against the new classification.
        entry.code_prefix = prefix
        entry.code_sequence = int(sequence) if prefix == classification.full_code else None
        entry.action = "restore"

    def check_restored_sequences(self):
        """Two restored entries, or a restored and an existing one, may not share a sequence number."""
        restored = [e for e in self.entries if e.action == "restore" and e.code_sequence is not None]
        if not restored:
            return
        taken: dict[tuple, int] = {}
        for entry in restored:
            key = (entry.fields["classification"], entry.code_sequence)
            if key in taken:
                self.error(RESOURCE_SHEET, entry.row, "code", _("资源代码的顺序码与第%(row)d行重复") % {
                    "row": taken[key]})
            taken[key] = entry.row
        classification_ids = {entry.fields["classification"] for entry in restored}
        in_use = set(
            Resource.objects.filter(classification_id__in=classification_ids, code_sequence__isnull=False)
            .values_list("classification_id", "code_sequence")
        )
        for entry in restored:
            if (entry.fields["classification"], entry.code_sequence) in in_use:
                self.error(RESOURCE_SHEET, entry.row, "code", _("此分类下已有相同顺序码的目录"))

    # -- writing

    def write(self, result):
        request_id = uuid.uuid4()
        with acting_as(self.user, request_id):
            for entry in self.entries:
                if entry.action != "update":
                    continue
                try:
                    services.update_entry(
                        entry.target, user=self.user, fields=entry.fields, items=entry.item_data,
                        change_summary=_("Excel导入"),
                    )
                except (ValidationError, PermissionDenied) as exc:
                    raise _Rejected([RowError(RESOURCE_SHEET, entry.row, "", _message(exc))]) from exc
                result.updated += 1
            created = self._bulk_create(request_id)
            result.created = len(created)
            result.unchanged = sum(1 for entry in self.entries if entry.action == "unchanged")
        _reindex(created)  # update_entry indexes what it changes

    def _bulk_create(self, request_id):
        """Create new and restored entries with their items in batches; one change record per entry."""
        new = [entry for entry in self.entries if entry.action in ("create", "restore")]
        if not new:
            return []
        today = timezone.localdate()
        resources = []
        for entry in new:
            resource = Resource(status=EntryStatusChoices.DRAFT)
            for name, value in entry.fields.items():
                setattr(resource, f"{name}_id" if name in _FOREIGN_KEYS else name, value)
            if entry.action == "restore":
                resource.code = entry.values["code"]
                resource.code_sequence = entry.code_sequence
                resource.status = entry.values["status"]
                resource.published_on = entry.values.get("published_on") or today
                resource.withdrawn_reason = entry.values.get("withdrawn_reason", "")
                resource.version = 1
            resources.append(resource)
        for chunk in _chunks(resources, BATCH_SIZE):
            Resource.objects.bulk_create(chunk)
        # Every supported database returns the new ids (PostgreSQL, SQLite >= 3.35); items need them.
        if any(resource.pk is None for resource in resources):
            raise DatabaseError("bulk_create did not return primary keys")

        _insert_items(
            (resource.pk, position, data)
            for entry, resource in zip(new, resources, strict=True)
            for position, data in enumerate(entry.item_data, start=1)
        )

        versions = [
            ResourceVersion(
                resource_id=resource.pk, number=1, status=VersionStatusChoices.PUBLISHED, created_by=self.user,
                snapshot={"fields": entry.fields, "items": entry.item_data}, change_summary=_("Excel导入"),
            )
            for entry, resource in zip(new, resources, strict=True)
            if entry.action == "restore"
        ]
        for chunk in _chunks(versions, BATCH_SIZE):
            ResourceVersion.objects.bulk_create(chunk)
        self._advance_sequences(new)

        object_type = ContentType.objects.get_for_model(Resource)
        changes = (
            ObjectChange(
                user=self.user if self.user.pk else None, user_name=self.user.username, request_id=request_id,
                action=ObjectChange.ACTION_CREATE, object_type=object_type, object_id=resource.pk,
                object_repr=str(resource)[:200], postchange_data=resource.changelog_snapshot(),
            )
            for resource in resources
        )
        for chunk in _chunks(changes, BATCH_SIZE):
            ObjectChange.objects.bulk_create(chunk)
        return [resource.pk for resource in resources]

    def _advance_sequences(self, new):
        top: dict[str, int] = {}
        for entry in new:
            if entry.action == "restore":
                sequence = int(entry.values["code"].rpartition(settings.GOVSHARE_CODE_SEPARATOR)[2])
                top[entry.code_prefix] = max(top.get(entry.code_prefix, 0), sequence)
        for prefix, value in top.items():
            sequence, _created = CodeSequence.objects.select_for_update().get_or_create(prefix=prefix)
            if sequence.last_value < value:
                sequence.last_value = value
                sequence.save(update_fields=["last_value"])


def _insert_items(rows):
    """Insert info items given as (resource id, position, item data) with one prepared statement.

    bulk_create would spend most of a large import preparing 1.4 million values one by one through the fields;
    these are already plain text, integers and booleans, checked by the importer, so only the timestamps need the
    database's own form. Info items are change-logged through their entry, as in services.create_entry.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    meta = InfoItem._meta
    names = ("resource", "position", *services.ITEM_FIELDS)
    columns = [meta.get_field(name).column for name in (*names, "created", "last_updated")]
    quote = connection.ops.quote_name
    table, column_list = quote(meta.db_table), ", ".join(quote(column) for column in columns)
    values = (
        (resource_id, position, *(data[name] for name in services.ITEM_FIELDS), now, now)
        for resource_id, position, data in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany on PostgreSQL; values are typed by the columns.
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608 - model identifiers
        for chunk in _chunks(values, BATCH_SIZE * 5):
            cursor.executemany(sql, chunk)


def _comparable(snapshot):
    """A stored snapshot with its text in the form the importer reads it, to tell an unchanged row."""
    def clean(data):
        return {key: clean_text(value) if isinstance(value, str) else value for key, value in data.items()}

    return {"fields": clean(snapshot["fields"]), "items": [clean(item) for item in snapshot["items"]]}


def _message(exc):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "；".join(f"{key}: {'，'.join(messages)}" for key, messages in exc.message_dict.items())
        return "；".join(exc.messages)
    return str(exc)


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _reindex(resource_ids):
    """Index the new and changed entries, inside the import's transaction as the services do."""
    from . import search

    if resource_ids:
        search.index_resources(resource_ids)


def _sort_errors(errors):
    sheet_order = {FILE_SHEET: 0, RESOURCE_SHEET: 1, ITEM_SHEET: 2}
    column_order = {
        sheet: {column.header: index for index, column in enumerate(columns)}
        for sheet, columns in SHEET_COLUMNS.items()
    }
    return sorted(
        errors,
        key=lambda e: (sheet_order.get(e.sheet, 3), e.row or 0, column_order.get(e.sheet, {}).get(e.column, 99)),
    )


def import_catalog(file, *, user, report_path=None) -> ImportResult:
    """Import a catalogue workbook; all or nothing (see the module docstring for the policy).

    `file` is a path or a binary file object. When the file is rejected and `report_path` is given, the errors are
    also written there as an .xlsx error report.
    """
    result = ImportResult()
    importer = _Importer(user)
    if importer.check_user():
        workbook, problem = open_workbook(file)
        if problem:
            importer.errors.append(RowError(FILE_SHEET, None, "", problem))
        else:
            try:
                importer.parse(workbook)
            finally:
                workbook.close()
    if not importer.errors:
        try:
            with transaction.atomic():
                importer.resolve()
                importer.check_restored_sequences()
                if importer.errors:
                    raise _Rejected(importer.errors)
                importer.write(result)
        except _Rejected as rejected:
            importer.errors = list(rejected.errors)
            result.created = result.updated = result.unchanged = 0
        except IntegrityError as exc:
            # Someone else wrote a clashing entry (the same code, say) while this file was being imported.
            importer.errors = [RowError(FILE_SHEET, None, "", _("导入失败，未写入任何数据，请重试：%(error)s") % {
                "error": exc})]
            result.created = result.updated = result.unchanged = 0
    result.errors = _sort_errors(importer.errors)
    if result.errors and report_path:
        write_error_report(result.errors, report_path)
        result.error_report_path = str(report_path)
    return result


# ---------------------------------------------------------------------------------------------------------------
# Writing workbooks


def _guide_rows():
    rows = [
        ("政务信息资源目录导入模板 填写说明", ""),
        ("", ""),
        ("工作表", "「信息资源」每行一条目录；「信息项」每行一个信息项，用“资源序号”对应信息资源表的“序号”。"),
        ("必填列", "表头为橙色的列必须存在且每行都要填写。列的顺序可以调整，未知的列在导入时忽略。"),
        ("新编目录", "资源代码留空。导入后为本部门“编目中”的目录，需在平台上提交审核。"),
        ("修改目录", "填写已有的资源代码。编目中或已退回的目录直接修改；已发布的目录生成待提交的变更版本，"
                   "审核通过后生效；审核中或已注销的目录不能修改。内容没有变化的行不做处理。"),
        ("导入规则", "导入前检查整个文件。只要有一处错误，整个文件都不导入，并列出每处错误所在的工作表、行号和列名；"
                   "全部正确时一次性全部导入。"),
        ("权限", "编目员和部门管理员只能导入本部门（提供方代码为本部门统一社会信用代码）的目录。"),
        ("关联资源代码", "多个代码用分号（;）或逗号（，）分隔。"),
        ("是否敏感 / 是否基本信息项", "填写“是”或“否”，空白视为“否”。"),
        ("", ""),
        ("列", "说明"),
    ]
    for sheet, columns in SHEET_COLUMNS.items():
        for column in columns:
            note = column.note
            if column.kind == "choice":
                allowed = "、".join(choice_labels(column.choices).values())
                note = f"{note}；可选：{allowed}" if note else f"可选：{allowed}"
            if column.max_length:
                note = f"{note}（不超过{column.max_length}字）" if note else f"不超过{column.max_length}字"
            required = "（必填）" if column.required else ""
            rows.append((f"{sheet} / {column.header}{required}", note))
    return rows


def _guide_sheet(workbook):
    sheet = workbook.create_sheet(GUIDE_SHEET)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    for row in _guide_rows():
        sheet.append(list(row))


def _resource_values(index, resource, labels):
    return (
        index,
        resource.code or "",
        resource.name,
        resource.classification.full_code,
        resource.provider.name,
        resource.provider.credit_code,
        resource.provider_office.name if resource.provider_office_id else "",
        resource.source_system,
        resource.abstract,
        labels["format_category"].get(resource.format_category, resource.format_category),
        resource.format_type,
        labels["share_type"].get(resource.share_type, resource.share_type),
        resource.share_condition,
        resource.share_basis,
        labels["share_mode"].get(resource.share_mode, resource.share_mode),
        labels["open_type"].get(resource.open_type, resource.open_type),
        resource.open_condition,
        labels["update_cycle"].get(resource.update_cycle, resource.update_cycle),
        resource.published_on,
        ";".join(resource.related_codes or []),
        resource.description,
        labels["status"].get(resource.status, resource.status),
        resource.withdrawn_reason,
    )


def _item_values(index, resource, position, item, labels):
    return (
        index,
        resource.code or "",
        resource.name,
        position,
        item.name,
        item.code,
        labels["data_type"].get(item.data_type, item.data_type),
        item.length,
        item.description,
        "是" if item.is_sensitive else "否",
        "是" if item.is_basic else "否",
        labels["share_type"].get(item.share_type, item.share_type),
        item.share_condition,
        labels["open_type"].get(item.open_type, item.open_type),
    )


def export_catalog(queryset, file) -> int:
    """Write the entries of `queryset` (Resources) to `file` (path or binary file object) in the import layout.

    Returns the number of entries written. An empty queryset gives the blank template.
    """
    from openpyxl import Workbook

    assert len(RESOURCE_COLUMNS) == 23 and len(ITEM_COLUMNS) == 14  # keep the value tuples below in step
    labels = {
        column.key: choice_labels(column.choices)
        for columns in SHEET_COLUMNS.values()
        for column in columns
        if column.kind == "choice"
    }
    workbook = Workbook(write_only=True)
    resources_sheet = new_sheet(workbook, RESOURCE_SHEET, RESOURCE_COLUMNS)
    items_sheet = new_sheet(workbook, ITEM_SHEET, ITEM_COLUMNS)
    _guide_sheet(workbook)
    queryset = queryset.select_related("classification", "provider", "provider_office").prefetch_related("items")
    count = 0
    for count, resource in enumerate(queryset.iterator(chunk_size=BATCH_SIZE), start=1):
        append_row(resources_sheet, _resource_values(count, resource, labels))
        for position, item in enumerate(resource.items.all(), start=1):
            append_row(items_sheet, _item_values(count, resource, position, item, labels))
    workbook.save(file)
    return count

