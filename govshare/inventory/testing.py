"""Test helpers for the information system inventory, shared with other apps' tests (zombies, projects, browser).

`write_audit_list(path, rows)` writes a valid audit-list workbook (审计清单) that `inventory.excel.import_systems`
reads: one sheet with the Chinese headers of `inventory.excel.AUDIT_COLUMNS`, one row per dict.
"""

from pathlib import Path

__all__ = ["AUDIT_ROW_DEFAULTS", "write_audit_list"]

# Filled in for a required column a row leaves out, so a test only names what it is about.
AUDIT_ROW_DEFAULTS = {
    "主要功能": "业务办理",
    "部署网络": "电子政务外网",
    "部署方式（政务云/自建机房）": "政务云",
    "状态": "在用",
}


def write_audit_list(path, rows, *, sheet_name=None, defaults=True):
    """Write `rows` (dicts keyed by the Chinese headers, e.g. {"系统名称": …, "所属部门": <name or credit code>})
    as an audit-list .xlsx at `path` (a path or a binary file object) and return `path`.

    Every known header is written in the import layout's order; a header a row leaves out is a blank cell, except
    the required ones in AUDIT_ROW_DEFAULTS (unless `defaults=False`). Keys that are not known headers are written
    as extra columns after the known ones (the importer ignores unknown columns), so a test can also add noise.
    Dates may be datetime.date objects or text; numbers may be numbers or text.
    """
    from openpyxl import Workbook

    from .excel import AUDIT_COLUMNS, AUDIT_SHEET

    headers = [column.header for column in AUDIT_COLUMNS]
    extra = []
    for row in rows:
        for key in row:
            if key not in headers and key not in extra and key not in _ALIASES:
                extra.append(key)
    headers += extra
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name or AUDIT_SHEET
    sheet.append(headers)
    for row in rows:
        values = dict(AUDIT_ROW_DEFAULTS) if defaults else {}
        for key, value in row.items():
            values[_ALIASES.get(key, key)] = value
        sheet.append([values.get(header) for header in headers])
    if isinstance(path, (str, Path)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


# Header spellings a caller may use for a column that the layout names otherwise.
_ALIASES = {"序号": "清单编号", "部署方式": "部署方式（政务云/自建机房）"}
