"""The audit log: SM3 chaining, tamper detection (altered, missing, inserted, resealed), read-only ORM, the CLI
with its standalone verifier, and the API restricted to audit readers."""

import hashlib
import json
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, connections

from govshare.audit import services
from govshare.audit.choices import AuditActionChoices, AuditResultChoices
from govshare.audit.models import AuditEntry, AuditSeal
from govshare.audit.standalone_verifier import entry_hash
from govshare.audit.verify import verify_database
from govshare.cli import main
from govshare.core.testing import api_client, make_department, make_jurisdiction, make_user

TABLE = AuditEntry._meta.db_table
KEY = "test-seal-key"


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("T_", TABLE), params)


@pytest.fixture
def user():
    department = make_department("市公安局", make_jurisdiction())
    return make_user("chaxun", department)


@pytest.fixture
def log(user):
    """Five chained entries with Chinese text, nested JSON and each result."""
    for n in range(1, 6):
        services.append(
            user=user,
            action=AuditActionChoices.QUERY,
            items=["姓名", "身份证号"],
            filter={"zjhm": f"3209{n}", "范围": {"b": 2, "a": [1, "一"]}},
            record_count=n,
            purpose="办理户籍业务",
            result=AuditResultChoices.SUCCESS if n % 2 else AuditResultChoices.DENIED,
            latency_ms=n * 10,
            system="一网通办",
            detail={"request_id": f"r{n}"},
        )


def rechain_from(seq):
    """What an attacker with database access would do after an edit: recompute every later hash."""
    rows = list(AuditEntry.objects.order_by("seq"))
    prev = rows[seq - 2].entry_hash if seq > 1 else "0" * 64
    for entry in rows[seq - 1 :]:
        new_hash = entry_hash(prev, services.entry_values(entry))
        sql("UPDATE T_ SET prev_hash = %s, entry_hash = %s WHERE seq = %s", [prev, new_hash, entry.seq])
        prev = new_hash


def test_sm3_test_vector():
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


@pytest.mark.django_db
def test_append_chains_entries(log, user):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    assert entries[0].username == "chaxun" and entries[0].department_name == "市公安局"
    assert entries[0].department_id == user.department_id
    stored = AuditEntry.objects.get(seq=3)
    assert stored.entry_hash == entry_hash(stored.prev_hash, services.entry_values(stored))


@pytest.mark.django_db
def test_verify_ok_on_intact_log(log):
    services.seal(key=KEY)
    result = verify_database(key=KEY)
    assert result.ok and result.checked == 5, result


@pytest.mark.django_db
def test_empty_log_verifies():
    assert verify_database(key=KEY).ok


@pytest.mark.django_db
def test_altered_field_is_named(log):
    sql("UPDATE T_ SET record_count = 999 WHERE seq = 3")
    result = verify_database(key=KEY)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 3, "altered")
    assert "第 3 条" in result.message


@pytest.mark.django_db
def test_deleted_row_is_missing(log):
    sql("DELETE FROM T_ WHERE seq = 2")
    result = verify_database(key=KEY)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 2, "missing")


@pytest.mark.django_db
def test_forged_row_is_inserted(log):
    # A self-consistent entry appended behind the platform's back, not linked to the real chain head.
    source = AuditEntry.objects.get(seq=5)
    source.seq = 6
    forged_prev = "ab" * 32
    forged_hash = entry_hash(forged_prev, services.entry_values(source))
    sql(
        "INSERT INTO T_ (seq, time, user_id, username, department_id, department_name, system, action, resource_id, "
        "resource_code, items, filter, record_count, purpose, result, latency_ms, detail, prev_hash, entry_hash) "
        "SELECT 6, time, user_id, username, department_id, department_name, system, action, resource_id, "
        "resource_code, items, filter, record_count, purpose, result, latency_ms, detail, %s, %s FROM T_ WHERE seq = 5",
        [forged_prev, forged_hash],
    )
    result = verify_database(key=KEY)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 6, "inserted")


@pytest.mark.django_db
def test_seal_detects_recomputed_chain(log):
    services.seal(key=KEY)
    sql("UPDATE T_ SET purpose = '私用' WHERE seq = 2")
    assert verify_database(key=KEY).problem == "altered"
    rechain_from(2)
    result = verify_database(key=KEY)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 5, "seal_mismatch")


@pytest.mark.django_db
def test_seal_with_wrong_key_and_truncated_tail(log):
    services.seal(key=KEY)
    assert verify_database(key="another-key").problem == "seal_mismatch"
    sql("DELETE FROM T_ WHERE seq >= 4")
    result = verify_database(key=KEY)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 5, "missing")


@pytest.mark.django_db
def test_seal_only_new_heads(log):
    assert services.seal(key=KEY).seq == 5
    assert services.seal(key=KEY) is None
    assert AuditSeal.objects.count() == 1


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(log):
    entry = AuditEntry.objects.get(seq=1)
    entry.purpose = "改写"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(seq=1).update(purpose="改写")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    seal = services.seal(key=KEY)
    with pytest.raises(PermissionDenied):
        seal.delete()
    assert verify_database(key=KEY).ok


@pytest.mark.django_db
def test_cli_verify_and_standalone_verifier(log, tmp_path, settings):
    settings.GOVSHARE_AUDIT_SEAL_KEY = KEY
    call_command("audit", "seal")
    call_command("audit", "verify", "--export", str(tmp_path))
    verifier = tmp_path / "verify_audit.py"
    assert verifier.exists()
    good = subprocess.run([sys.executable, str(verifier), str(tmp_path)], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "通过" in good.stdout
    with_key = subprocess.run([sys.executable, str(verifier), str(tmp_path), "--key", KEY], capture_output=True)
    assert with_key.returncode == 0

    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[3])
    entry["record_count"] = 0
    lines[3] = json.dumps(entry, ensure_ascii=False)
    (tmp_path / "audit.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, str(verifier), str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "第 4 条" in bad.stdout

    sql("UPDATE T_ SET username = 'x' WHERE seq = 1")
    with pytest.raises(CommandError, match="第 1 条"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_console_exit_codes(log, settings, capsys, monkeypatch):
    """Through the console entry point: 0 on an intact log, non-zero naming the seq on a broken one."""
    # The console closes its connections when done, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    settings.GOVSHARE_AUDIT_SEAL_KEY = KEY
    main(["audit", "verify"])
    assert "已校验 5 条" in capsys.readouterr().out
    sql("UPDATE T_ SET items = '[]' WHERE seq = 4")
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code != 0
    assert "第 4 条" in capsys.readouterr().err


@pytest.mark.django_db
def test_api_is_read_only_and_restricted(log, user):
    auditor = make_user("shenji", roles=["audit_admin"])
    platform_admin = make_user("pingtai", roles=["platform_admin"])
    url = "/api/v1/audit/entries/"
    response = api_client(auditor).get(url)
    assert response.status_code == 200, response.content
    assert response.data["count"] == 5
    assert api_client(platform_admin).get(url).status_code == 200
    assert api_client(auditor).get(url, {"result": "denied"}).data["count"] == 2
    assert api_client(auditor).get(url, {"user": user.pk, "action": "query"}).data["count"] == 5
    assert api_client(auditor).get(url, {"department": user.department_id + 1000}).data["count"] == 0
    assert api_client(auditor).get(url, {"time_after": "2000-01-01T00:00:00Z"}).data["count"] == 5
    assert api_client(user).get(url).status_code == 403
    assert api_client().get(url).status_code in (401, 403)
    entry = AuditEntry.objects.get(seq=1)
    assert api_client(auditor).get(f"{url}{entry.pk}/").data["seq"] == 1
    assert api_client(auditor).delete(f"{url}{entry.pk}/").status_code == 405
    assert api_client(auditor).post(url, {}).status_code == 405
