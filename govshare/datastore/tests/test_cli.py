"""`govshare mount RESOURCE_CODE FILE`: progress and counts printed, exit status by outcome."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govshare.datastore.models import DataTable

from .conftest import csv_text, row


def mount(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("mount", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_mount_by_resource_code_prints_progress_and_counts(resource, write_file):
    assert "/" in resource.code
    path = write_file(csv_text(row(1), row(2)))
    code, out, err = mount(resource.code, str(path), "--key", "GMSFHM")
    assert code == 0, err
    assert "读取文件" in out and "写入数据" in out
    assert "读取2行，加载2行，拒绝0行" in out
    table = DataTable.objects.get(resource=resource)
    assert table.row_count == 2 and table.key_item.code == "GMSFHM"

    code, out, err = mount(resource.code, str(write_file(csv_text(row(2, name="改名")))), "--mode", "upsert")
    assert code == 0, err
    table.refresh_from_db()
    assert table.row_count == 2 and table.last_seq == 3


def test_rejected_file_exits_non_zero_with_the_report_path(resource, write_file):
    path = write_file(csv_text(row(1), row(2, birth="2023-02-30")))
    code, out, err = mount(resource.code, str(path), "--mode", "replace")
    assert code == 1
    assert "拒绝1行" in out
    assert "错误报告：" in err and "load-" in err and "日期不存在" in err


@pytest.mark.parametrize("args, message", [
    (["999/000999"], "资源不存在"),
    (["--mode", "upsert"], "主键"),
    (["--user", "nobody"], "用户不存在"),
])
def test_usage_errors_exit_non_zero(resource, write_file, args, message):
    path = str(write_file(csv_text(row(1))))
    arguments = [args[0], path] if args[0].endswith("999") else [resource.code, path, *args]
    code, _out, err = mount(*arguments)
    assert code != 0 and message in err


def test_a_user_outside_the_provider_department_is_refused(resource, city, write_file):
    code, _out, err = mount(resource.code, str(write_file(csv_text(row(1)))), "--user", "tigong2")
    assert code == 2 and "数据提供方" in err
