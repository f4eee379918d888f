"""`govshare plan import` and `govshare bulletin`."""

import io

import pytest
from django.core.management import CommandError, call_command

from govshare.core.testing import make_user
from govshare.supervision.models import WorkPlan

from .seed_rows import TITLE

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_plan_import_from_the_seed_table(world, seed_workbook):
    out, err = _run("plan", "import", str(seed_workbook), "--user", "duban", "--year", "2018")
    plan = WorkPlan.objects.get()
    assert plan.name == TITLE and plan.year == 2018 and plan.tasks.count() == 18
    assert "共18项任务" in out
    assert "提示：" in err and "市级各部门" in err


def test_plan_import_with_name_as_superuser(world, seed_workbook):
    make_user("root", is_superuser=True, is_staff=True)
    _run("plan", "import", str(seed_workbook), "--name", "整合共享督查", "--jurisdiction", "320900")
    assert WorkPlan.objects.get().name == "整合共享督查"


def test_plan_import_rejects_a_bad_file(world, tmp_path):
    from govshare.supervision.excel import write_workbook

    path = tmp_path / "bad.xlsx"
    write_workbook(path, [(1, "任务", "市经信委", "", "尽快"), (1, "重复", "市经信委", "", "长期")])
    report = tmp_path / "report.xlsx"
    with pytest.raises(CommandError) as info:
        _run("plan", "import", str(path), "--user", "duban", "--report", str(report))
    assert "整个文件未导入" in str(info.value)
    assert report.exists() and not WorkPlan.objects.exists()


def test_plan_import_errors(world, seed_workbook, tmp_path):
    with pytest.raises(CommandError, match="用户不存在"):
        _run("plan", "import", str(seed_workbook), "--user", "nobody")
    with pytest.raises(CommandError, match="行政区划代码不存在"):
        _run("plan", "import", str(seed_workbook), "--user", "duban", "--jurisdiction", "999999")
    with pytest.raises(CommandError):
        _run("plan", "import", str(tmp_path / "missing.xlsx"), "--user", "duban")
    with pytest.raises(CommandError):
        _run("plan", "import", str(seed_workbook), "--user", "jxw_admin")
    assert not WorkPlan.objects.exists()


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_bulletin_writes_the_document(world, seed_plan, tmp_path, suffix):
    out_path = tmp_path / f"周通报.{suffix}"
    out, _err = _run("bulletin", "--week", "2019-W02", str(out_path))
    data = out_path.read_bytes()
    assert data.startswith(b"%PDF" if suffix == "pdf" else b"PK")
    assert "2019-W02" in out and "任务18项" in out


def test_bulletin_arguments_are_checked(world, seed_plan, tmp_path):
    with pytest.raises(CommandError, match=".pdf 或 .docx"):
        _run("bulletin", "--week", "2019-W02", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="YYYY-Www"):
        _run("bulletin", "--week", "2019-02", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="工作计划不存在"):
        _run("bulletin", "--week", "2019-W02", "--plan", "999", str(tmp_path / "x.pdf"))
