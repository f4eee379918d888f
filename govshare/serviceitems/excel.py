"""Excel import and export of service items with their materials.

Workbook layout (.xlsx)
-----------------------
「事项」     one row per service item (ITEM_COLUMNS); 序号 is a number unique in the sheet.
「材料」     one row per material (MATERIAL_COLUMNS); 事项序号 names its item by that number.
「填写说明」 how to fill the file in; ignored on import.

Headers are the exchange format and are never translated; columns may come in any order and unknown columns are
ignored. Choice cells take the Chinese label (行政许可, 申请人自备) or the stored value. 实施部门 is the department's
name; 实施部门代码 its unified social credit code, which wins when both are given (they must then agree). 是否必要
reads 是/否 and a blank cell as 是 (most materials are required). 份数 blank reads as 1. 共享替代资源代码 is the code of
the published, shared catalogue resource that replaces the material; 事项名称 on the material sheet, 共享替代资源名称
and 可共享替代 are only there for the reader.

Import policy: the catalogue's (see catalog/excel.py). The whole file is read and checked first — cells, the
department, the importing user's permission (a department admin: its own department only), and the service
rules (`services.item_errors`, the same check as every save). Any error REJECTS THE WHOLE FILE, with every error
listed by sheet, row as Excel numbers it, column and message (`write_error_report` gives the downloadable
report). Otherwise every item is written in one transaction through `services.create_item` / `update_item`, so
the change history names the importing user. A row whose department already has an item with the same 基本编码
updates that item and replaces its list of materials; other rows create items.
"""

import io
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from govshare.catalog.models import Resource
from govshare.core.excel import (
    CellError,
    Column,
    RowError,
    SheetReader,
    append_row,
    choice_labels,
    new_sheet,
    open_workbook,
    read_bool,
    sheet_rows,
    write_error_report,
)
from govshare.organizations.models import Department

from . import services
from .choices import MaterialSourceChoices, ServiceItemTypeChoices
from .models import RequiredMaterial, ServiceItem

__all__ = [
    "ITEM_COLUMNS",
    "ITEM_SHEET",
    "MATERIAL_COLUMNS",
    "MATERIAL_SHEET",
    "ImportResult",
    "RowError",
    "error_report_bytes",
    "export_items",
    "import_items",
    "write_error_report",
]

ITEM_SHEET = "事项"
MATERIAL_SHEET = "材料"
GUIDE_SHEET = "填写说明"
FILE_SHEET = ""
MAX_ROWS = 20000

ITEM_COLUMNS = (
    Column("序号", "key", "int", required=True, width=7, note="本表内唯一的编号，材料表用“事项序号”引用"),
    Column("事项名称", "name", required=True, max_length=200, width=28),
    Column("事项类型", "item_type", "choice", required=True, choices=ServiceItemTypeChoices, width=12),
    Column("基本编码", "base_code", required=True, max_length=40, width=16, note="数字或大写字母"),
    Column("实施编码", "implementation_code", max_length=64, width=24, note="可不填；填写时全平台唯一"),
    Column("实施部门", "department_name", width=22, note="部门名称；与实施部门代码至少填一项"),
    Column("实施部门代码", "department_code", width=20, note="统一社会信用代码；填写时以此为准"),
    Column("设定依据", "legal_basis", required=True, max_length=4000, width=40),
    Column("说明", "description", max_length=500, width=20),
)
MATERIAL_COLUMNS = (
    Column("事项序号", "item_key", "int", required=True, width=9, note="所属事项在「事项」表中的序号"),
    Column("事项名称", "item_name", width=24, note="仅供阅读，导入时不使用"),
    Column("序号", "position", "int", width=7, note="材料在事项内的顺序"),
    Column("材料名称", "name", required=True, max_length=200, width=28),
    Column("材料来源", "source", "choice", required=True, choices=MaterialSourceChoices, width=14),
    Column("是否必要", "is_required", width=9, note="是/否，空白为“是”"),
    Column("份数", "copies", "int", width=7, note="空白为1"),
    Column("备注", "notes", max_length=500, width=24),
    Column("共享替代资源代码", "resource_code", max_length=40, width=22,
           note="可替代该材料的已发布、可共享资源目录的代码"),
    Column("共享替代资源名称", "resource_name", width=24, note="仅供阅读，导入时不使用"),
    Column("可共享替代", "replaceable", width=11, note="导出时填写，导入时不使用"),
)
SHEET_COLUMNS = {ITEM_SHEET: ITEM_COLUMNS, MATERIAL_SHEET: MATERIAL_COLUMNS}
_HEADERS = {sheet: {column.key: column.header for column in columns} for sheet, columns in SHEET_COLUMNS.items()}
# Keys of the services' errors that are not the column key.
_ITEM_ERROR_COLUMNS = {"department": "department_name"}
_MATERIAL_ERROR_COLUMNS = {"replaced_by": "resource_code"}


@dataclass
class ImportResult:
    """Items created and updated, or the errors that rejected the file (then nothing was written)."""

    created: int = 0
    updated: int = 0
    materials: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [{**asdict(error), "text": str(error)} for error in self.errors]
        data["ok"] = self.ok
        return data


@dataclass
class _Material:
    row: int
    values: dict


@dataclass
class _Item:
    row: int
    values: dict
    materials: list = field(default_factory=list)
    fields: dict | None = None
    material_data: list | None = None
    target: ServiceItem | None = None


class _Rejected(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class _Importer:
    """Reads, checks and writes one file; nothing is written while self.errors is not empty."""

    def __init__(self, user):
        self.user = user
        self.errors: list[RowError] = []
        self.items: list[_Item] = []
        # The sheets and their columns are usable: the rows are then checked against the database too, so one
        # round of corrections fixes every error, not only the cell errors.
        self.readable = False

    def error(self, sheet, row, key, message):
        self.errors.append(RowError(sheet, row, _HEADERS.get(sheet, {}).get(key, key), message))

    def check_user(self):
        if services.managed_departments(self.user).exists():
            return True
        self.errors.append(RowError(FILE_SHEET, None, "", _("只有部门管理员或平台管理员可以导入政务服务事项")))
        return False

    # -- cells

    def parse(self, book):
        missing = [name for name in (ITEM_SHEET, MATERIAL_SHEET) if name not in book.sheetnames]
        for name in missing:
            self.errors.append(RowError(FILE_SHEET, None, "", _("缺少工作表「%(sheet)s」；请使用导出的模板") % {
                "sheet": name}))
        if missing:
            return
        item_header, item_rows = sheet_rows(book, ITEM_SHEET)
        material_header, material_rows = sheet_rows(book, MATERIAL_SHEET)
        if len(item_rows) + len(material_rows) > MAX_ROWS:
            self.errors.append(RowError(FILE_SHEET, None, "", _("文件超过 %(n)d 行，请分批导入") % {"n": MAX_ROWS}))
            return
        items = SheetReader(ITEM_SHEET, ITEM_COLUMNS, item_header, self.errors)
        materials = SheetReader(MATERIAL_SHEET, MATERIAL_COLUMNS, material_header, self.errors)
        if self.errors:  # a required column is missing
            return
        if not item_rows:
            self.errors.append(RowError(ITEM_SHEET, None, "", _("工作表中没有事项数据")))
            return
        self.readable = True
        by_key: dict[int, _Item] = {}
        for number, cells in item_rows:
            item = _Item(number, items.read(number, cells))
            self.items.append(item)
            key = item.values.get("key")
            if key is None:
                continue
            if key in by_key:
                self.error(ITEM_SHEET, number, "key", _("序号%(key)d与第%(row)d行重复") % {
                    "key": key, "row": by_key[key].row})
            else:
                by_key[key] = item
        for number, cells in material_rows:
            values = materials.read(number, cells)
            try:
                values["is_required"] = True if not values.get("is_required") else read_bool(values["is_required"])
            except CellError as exc:
                self.error(MATERIAL_SHEET, number, "is_required", str(exc))
            if values.get("item_key") is None:
                continue  # unreadable or blank: already reported
            item = by_key.get(values["item_key"])
            if item is None:
                self.error(MATERIAL_SHEET, number, "item_key", _("「事项」表中没有序号为%(key)d的事项") % {
                    "key": values["item_key"]})
                continue
            item.materials.append(_Material(number, values))

    # -- references, permissions and rules

    def _departments(self):
        codes = {item.values.get("department_code", "").upper() for item in self.items} - {""}
        names = {item.values.get("department_name", "") for item in self.items} - {""}
        by_code = {d.credit_code: d for d in Department.objects.filter(credit_code__in=codes)} if codes else {}
        by_name: dict[str, list] = {}
        for department in Department.objects.filter(name__in=names) if names else ():
            by_name.setdefault(department.name, []).append(department)
        return by_code, by_name

    def _department(self, item, by_code, by_name):
        code = item.values.get("department_code", "").upper()
        name = item.values.get("department_name", "")
        if code:
            department = by_code.get(code)
            if department is None:
                self.error(ITEM_SHEET, item.row, "department_code", _("统一社会信用代码为 %(code)s 的部门不存在") % {
                    "code": code})
            elif name and name != department.name:
                self.error(ITEM_SHEET, item.row, "department_name", _("与实施部门代码对应的部门“%(name)s”不一致") % {
                    "name": department.name})
                return None
            return department
        if not name:
            self.error(ITEM_SHEET, item.row, "department_name", _("请填写实施部门或实施部门代码"))
            return None
        found = by_name.get(name, [])
        if not found:
            self.error(ITEM_SHEET, item.row, "department_name", _("部门“%(name)s”不存在") % {"name": name})
            return None
        if len(found) > 1:
            self.error(ITEM_SHEET, item.row, "department_name", _("有多个名为“%(name)s”的部门，请填写实施部门代码") % {
                "name": name})
            return None
        return found[0]

    def resolve(self):
        by_code, by_name = self._departments()
        resource_codes = {m.values.get("resource_code", "") for item in self.items for m in item.materials} - {""}
        resources = dict(Resource.objects.filter(code__in=resource_codes).values_list("code", "pk")) if (
            resource_codes) else {}
        managed = set(services.managed_departments(self.user).values_list("pk", flat=True))
        keys = [(item, item.values) for item in self.items if "key" in item.values]
        existing = {
            (item.department_id, item.base_code): item
            for item in ServiceItem.objects.filter(base_code__in={
                values.get("base_code", "").upper() for _item, values in keys} - {""})
        }
        seen_base, seen_implementation = {}, {}
        for item, values in keys:
            department = self._department(item, by_code, by_name)
            if department is not None and department.pk not in managed:
                self.error(ITEM_SHEET, item.row, "department_name",
                           _("只能导入本部门的事项，此行的实施部门是%(name)s") % {"name": department.name})
                department = None
            base_code = values.get("base_code", "").upper()
            implementation_code = values.get("implementation_code", "").upper()
            if department is not None and base_code:
                other = seen_base.setdefault((department.pk, base_code), item.row)
                if other != item.row:
                    self.error(ITEM_SHEET, item.row, "base_code",
                               _("同一部门的基本编码与第%(row)d行重复") % {"row": other})
            if implementation_code:
                other = seen_implementation.setdefault(implementation_code, item.row)
                if other != item.row:
                    self.error(ITEM_SHEET, item.row, "implementation_code", _("实施编码与第%(row)d行重复") % {
                        "row": other})
            item.materials.sort(key=lambda m: (m.values.get("position") is None, m.values.get("position") or 0, m.row))
            material_data = []
            for material in item.materials:
                code = material.values.get("resource_code", "")
                if code and code not in resources:
                    self.error(MATERIAL_SHEET, material.row, "resource_code", _("资源代码“%(code)s”不存在") % {
                        "code": code})
                material_data.append({
                    "name": material.values.get("name", ""),
                    "source": material.values.get("source", ""),
                    "is_required": material.values.get("is_required", True),
                    "copies": 1 if material.values.get("copies") is None else material.values["copies"],
                    "notes": material.values.get("notes", ""),
                    "replaced_by": resources.get(code),
                })
            if department is None:
                continue
            item.target = existing.get((department.pk, base_code))
            item.fields = services.normalise_fields({
                "name": values.get("name", ""), "item_type": values.get("item_type", ""),
                "legal_basis": values.get("legal_basis", ""), "base_code": base_code,
                "implementation_code": implementation_code, "department": department.pk,
                "description": values.get("description", ""),
            })
            item.material_data = services.normalise_materials(material_data)
            self._rule_errors(item)

    def _rule_errors(self, item):
        errors = services.item_errors(item.fields, item.material_data, instance=item.target)
        for key, messages in errors.items():
            if key.startswith("materials."):
                index, _dot, name = key[len("materials."):].partition(".")
                row = item.materials[int(index)].row
                self._report(MATERIAL_SHEET, row, _MATERIAL_ERROR_COLUMNS.get(name, name), messages)
                continue
            self._report(ITEM_SHEET, item.row, _ITEM_ERROR_COLUMNS.get(key, key), messages)

    def _report(self, sheet, row, key, messages):
        # A cell the reader already found wrong (a required cell left blank) is not reported twice.
        header = _HEADERS[sheet].get(key, key)
        if any(error.sheet == sheet and error.row == row and error.column == header for error in self.errors):
            return
        for message in messages:
            self.error(sheet, row, key, message)

    # -- writing

    def write(self, result):
        for item in self.items:
            try:
                if item.target is None:
                    services.create_item(user=self.user, fields=item.fields, materials=item.material_data)
                    result.created += 1
                else:
                    services.update_item(item.target, user=self.user, fields=item.fields,
                                         materials=item.material_data)
                    result.updated += 1
            except (ValidationError, PermissionDenied) as exc:
                # The checks above and the services agree; a difference means the data changed meanwhile.
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise _Rejected([RowError(ITEM_SHEET, item.row, "", "；".join(messages))]) from exc
            result.materials += len(item.material_data)


def import_items(file, *, user, report_path=None) -> ImportResult:
    """Import a service item workbook, all or nothing (see the module docstring)."""
    result = ImportResult()
    importer = _Importer(user)
    if importer.check_user():
        book, problem = open_workbook(file)
        if problem:
            importer.errors.append(RowError(FILE_SHEET, None, "", problem))
        else:
            try:
                importer.parse(book)
            finally:
                book.close()
    if importer.readable:
        try:
            with transaction.atomic():
                importer.resolve()
                if importer.errors:
                    raise _Rejected(importer.errors)
                importer.write(result)
        except _Rejected as rejected:
            importer.errors = list(rejected.errors)
        except IntegrityError as exc:
            importer.errors = [RowError(FILE_SHEET, None, "", _("导入失败，未写入任何数据，请重试：%(error)s") % {
                "error": exc})]
    if importer.errors:
        result.created = result.updated = result.materials = 0
    result.errors = _sort_errors(importer.errors)
    if result.errors and report_path:
        write_error_report(result.errors, report_path)
    return result


def _sort_errors(errors):
    sheets = {FILE_SHEET: 0, ITEM_SHEET: 1, MATERIAL_SHEET: 2}
    columns = {sheet: {c.header: i for i, c in enumerate(cols)} for sheet, cols in SHEET_COLUMNS.items()}
    return sorted(
        errors, key=lambda e: (sheets.get(e.sheet, 3), e.row or 0, columns.get(e.sheet, {}).get(e.column, 99))
    )


# ---------------------------------------------------------------------------------------------------------------
# Export

def _guide(workbook):
    sheet = workbook.create_sheet(GUIDE_SHEET)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 100
    rows = [
        ("政务服务事项导入模板 填写说明", ""),
        ("", ""),
        ("工作表", "「事项」每行一个政务服务事项；「材料」每行一份申请材料，用“事项序号”对应「事项」表的“序号”。"),
        ("新增与更新", "实施部门已有相同基本编码的事项时更新该事项（其材料以本文件为准整体替换），否则新增事项。"),
        ("共享替代", "材料可由共享获取时，填写替代它的资源目录代码；该资源须已发布且不是“不予共享”。"),
        ("导入规则", "导入前检查整个文件，任何一处错误都不导入，并列出每处错误所在的工作表、行号和列名。"),
        ("权限", "部门管理员只能导入本部门的事项；平台管理员可导入任何部门的事项。"),
        ("", ""),
        ("列", "说明"),
    ]
    for name, columns in SHEET_COLUMNS.items():
        for column in columns:
            note = column.note
            if column.kind == "choice":
                allowed = "可选：" + "、".join(choice_labels(column.choices).values())
                note = f"{note}；{allowed}" if note else allowed
            rows.append((f"{name} / {column.header}{'（必填）' if column.required else ''}", note))
    for row in rows:
        sheet.append(list(row))


def export_items(queryset, file) -> int:
    """Write the items of `queryset` with their materials in the import layout; returns the number of items."""
    from openpyxl import Workbook

    types = choice_labels(ServiceItemTypeChoices)
    sources = choice_labels(MaterialSourceChoices)
    workbook = Workbook(write_only=True)
    items_sheet = new_sheet(workbook, ITEM_SHEET, ITEM_COLUMNS)
    materials_sheet = new_sheet(workbook, MATERIAL_SHEET, MATERIAL_COLUMNS)
    _guide(workbook)
    queryset = queryset.select_related("department").prefetch_related(
        Prefetch("materials", queryset=RequiredMaterial.objects.select_related("replaced_by"))
    ).order_by("department__name", "base_code", "pk")
    count = 0
    for count, item in enumerate(queryset.iterator(chunk_size=500), start=1):
        append_row(items_sheet, (
            count, item.name, types.get(item.item_type, item.item_type), item.base_code, item.implementation_code,
            item.department.name, item.department.credit_code, item.legal_basis, item.description,
        ))
        for position, material in enumerate(item.materials.all(), start=1):
            resource = material.replaced_by
            append_row(materials_sheet, (
                count, item.name, position, material.name, sources.get(material.source, material.source),
                "是" if material.is_required else "否", material.copies, material.notes,
                resource.code or "" if resource else "", resource.name if resource else "",
                "是" if material.replaceable_by_sharing else "否",
            ))
    workbook.save(file)
    return count


def error_report_bytes(errors) -> bytes:
    buffer = io.BytesIO()
    write_error_report(errors, buffer)
    return buffer.getvalue()
