"""The audit log's chain: append without a lock, batched chaining, the database-built canonical text, and tamper
detection of every kind (a field, the canonical text, a deleted, inserted or replaced entry, recomputed hashes
against the seal, a forged seal) on the platform, in parallel, in the CLI and in the standalone verifier."""

import hashlib
import json
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, connections

from govshare.audit import services
from govshare.audit.canonical import canonical_sql
from govshare.audit.choices import AuditActionChoices, AuditResultChoices
from govshare.audit.models import AuditEntry, AuditSeal, AuditSubject
from govshare.audit.standalone_verifier import GENESIS_HASH, hash_canonical, parse_canonical
from govshare.audit.verify import verify_database
from govshare.cli import main
from govshare.core.testing import make_department, make_jurisdiction, make_user

TABLE = AuditEntry._meta.db_table
KEY = "test-seal-key"
ID_NUMBER = "11010519491231002X"


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("T_", TABLE), params)


@pytest.fixture
def user():
    department = make_department("市公安局", make_jurisdiction())
    return make_user("chaxun", department)


def write_log(user, count=5):
    """`count` entries with Chinese text, separators inside text, nested JSON, NULL JSON and each result."""
    for n in range(1, count + 1):
        services.append(
            user=user,
            action=AuditActionChoices.QUERY,
            items=["姓名", "身份证号"],
            filter={"zjhm": f"3209|{n}", "范围": {"b": 2, "a": [1, "一"]}} if n != 2 else None,
            record_count=n,
            purpose="办理户籍业务|加急",
            result=AuditResultChoices.SUCCESS if n % 2 else AuditResultChoices.DENIED,
            latency_ms=n * 10,
            system="一网通办",
            detail={"request_id": f"r{n}"} if n != 3 else None,
            subjects=[ID_NUMBER] if n == 4 else (),
        )


@pytest.fixture
def log(user):
    write_log(user)
    services.chain_pending()


def rechain_from(seq):
    """What an attacker with database access does after an edit: rebuild the canonical text, recompute the hashes."""
    sql(f"UPDATE T_ SET canonical = {canonical_sql(connection.vendor)} WHERE seq >= %s", [seq])
    rows = list(AuditEntry.objects.order_by("seq").values_list("seq", "entry_hash", "canonical"))
    prev = rows[seq - 2][1] if seq > 1 else GENESIS_HASH
    for entry_seq, _old, canonical in rows[seq - 1 :]:
        new_hash = hash_canonical(prev, canonical)
        sql("UPDATE T_ SET prev_hash = %s, entry_hash = %s WHERE seq = %s", [prev, new_hash, entry_seq])
        prev = new_hash


def problem(result):
    return (result.ok, result.first_bad_seq, result.problem)


def test_sm3_test_vector():
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


@pytest.mark.django_db
def test_append_is_one_insert_and_unchained(user, django_assert_num_queries):
    assert user.department.name  # loaded by the caller, as the data plane's request already has it
    with django_assert_num_queries(1):
        entry = services.append(user=user, action=AuditActionChoices.LOOKUP, purpose="核验", record_count=1)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.seq, stored.prev_hash, stored.entry_hash, stored.canonical) == (None, None, None, None)
    assert stored.username == "chaxun" and stored.department_name == "市公安局"
    assert stored.department_id == user.department_id


@pytest.mark.django_db
def test_append_department_override_system_and_subjects(user):
    consumer = make_department("市人社局")
    entry = services.append(
        user=user, department=consumer, system="社保核验系统", action="lookup", subjects=[ID_NUMBER, ID_NUMBER.lower()]
    )
    assert (entry.department_id, entry.department_name, entry.system) == (consumer.pk, "市人社局", "社保核验系统")
    subjects = list(AuditSubject.objects.filter(entry=entry).values_list("subject_mac", flat=True))
    # The same person twice (check character in either case) is one subject, stored only as its MAC.
    assert subjects == [services.subject_mac(ID_NUMBER)]
    assert ID_NUMBER not in subjects[0] and len(subjects[0]) == 64
    assert services.subject_mac(ID_NUMBER, key="other") != subjects[0]
    system_only = services.append(system="app-key-1", action="lookup")
    assert (system_only.user_id, system_only.department_id, system_only.system) == (None, None, "app-key-1")


@pytest.mark.django_db
def test_separator_never_inside_a_field(user):
    """The canonical separator in text is replaced on the way in, so no field can absorb its neighbour's text."""
    services.append(user=user, action="query", purpose="甲\x1f乙\x00", system="a\x1fb", filter={"k\x1f": "v\x1f"})
    services.chain_pending()
    entry = AuditEntry.objects.get()
    assert (entry.purpose, entry.system) == ("甲 乙", "a b")
    assert parse_canonical(entry.canonical)["filter"] == {"k\x1f": "v\x1f"}  # JSON escapes it
    assert verify_database(key=KEY).ok


@pytest.mark.django_db
def test_chain_pending_chains_in_id_order(user):
    write_log(user, 3)
    assert services.chain_pending() == 3
    assert services.chain_pending() == 0
    write_log(user, 2)
    assert services.chain_pending() == 2
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    prev = GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == prev
        assert entry.entry_hash == hash_canonical(prev, entry.canonical)
        prev = entry.entry_hash
    fields = parse_canonical(entries[1].canonical)
    assert fields["seq"] == 2 and fields["purpose"] == "办理户籍业务|加急" and fields["filter"] is None
    assert fields["items"] == ["姓名", "身份证号"] and fields["user_id"] == user.pk
    assert parse_canonical(entries[0].canonical)["filter"] == {"zjhm": "3209|1", "范围": {"b": 2, "a": [1, "一"]}}


@pytest.mark.django_db
def test_chain_pending_in_several_batches(user, monkeypatch):
    monkeypatch.setattr(services, "CHAIN_BATCH", 2)
    write_log(user, 5)
    assert services.chain_pending() == 5
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert verify_database(key=KEY).ok


@pytest.mark.django_db
def test_celery_tasks_chain_and_seal(user, settings):
    from govshare.audit import tasks

    settings.GOVSHARE_AUDIT_SEAL_KEY = KEY
    write_log(user, 2)
    assert tasks.chain_pending.delay().get() == 2
    write_log(user, 1)
    assert tasks.seal_chain.delay().get() == 3
    assert AuditSeal.objects.get().seq == 3


@pytest.mark.django_db
def test_verify_ok_on_intact_log_and_chains_pending(log, user):
    services.seal(key=KEY)
    write_log(user, 2)  # unchained: verify chains them first
    result = verify_database(key=KEY)
    assert result.ok and result.checked == 7 and result.pending == 0, result
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()


@pytest.mark.django_db
def test_empty_log_verifies():
    assert verify_database(key=KEY).ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("record_count", "999"),
        ("purpose", "'私用'"),
        ("username", "'x'"),
        ("user_id", "NULL"),
        ("time", "(SELECT time FROM T_ WHERE seq = 1)"),
        ("items", "'[]'"),
        ("detail", """'{"request_id": "r9"}'"""),  # was NULL
        ("filter", "(SELECT filter FROM T_ WHERE seq = 5)"),
    ],
)
def test_raw_edit_of_a_field_is_named(log, column, value):
    sql(f"UPDATE T_ SET {column} = {value} WHERE seq = 3")
    result = verify_database(key=KEY)
    assert problem(result) == (False, 3, "altered"), result
    assert "第 3 条" in result.message


@pytest.mark.django_db
def test_raw_edit_of_canonical_is_named(log):
    sql("UPDATE T_ SET canonical = REPLACE(canonical, '办理', '私用') WHERE seq = 2")
    assert problem(verify_database(key=KEY)) == (False, 2, "altered")


@pytest.mark.django_db
def test_field_and_canonical_edited_together_is_named(log):
    sql("UPDATE T_ SET record_count = 0 WHERE seq = 4")
    sql(f"UPDATE T_ SET canonical = {canonical_sql(connection.vendor)} WHERE seq = 4")
    assert problem(verify_database(key=KEY)) == (False, 4, "altered")


@pytest.mark.django_db
def test_edited_hash_is_named(log):
    sql("UPDATE T_ SET entry_hash = %s WHERE seq = 2", ["ab" * 32])
    assert problem(verify_database(key=KEY)) == (False, 2, "altered")


@pytest.mark.django_db
def test_deleted_row_is_missing(log):
    sql("DELETE FROM T_ WHERE seq = 2")
    result = verify_database(key=KEY)
    assert problem(result) == (False, 2, "missing")
    assert "第 2 条缺失" in result.message


@pytest.mark.django_db
def test_forged_row_is_inserted(log):
    # A self-consistent entry added behind the platform's back, not linked to the real chain head.
    forged_prev = "ab" * 32
    sql(
        "INSERT INTO T_ (seq, time, user_id, username, department_id, department_name, system, action, resource_id, "
        "resource_code, items, filter, record_count, purpose, result, latency_ms, detail) "
        "SELECT 6, time, user_id, username, department_id, department_name, system, action, resource_id, "
        "resource_code, items, filter, record_count, purpose, result, latency_ms, detail FROM T_ WHERE seq = 5"
    )
    sql(f"UPDATE T_ SET canonical = {canonical_sql(connection.vendor)} WHERE seq = 6")
    canonical = AuditEntry.objects.get(seq=6).canonical
    sql(
        "UPDATE T_ SET prev_hash = %s, entry_hash = %s WHERE seq = 6",
        [forged_prev, hash_canonical(forged_prev, canonical)],
    )
    assert problem(verify_database(key=KEY)) == (False, 6, "inserted")


@pytest.mark.django_db
def test_replaced_row_is_named(log):
    # The entry at seq 3 deleted and a forged one, self-consistent but hashed on a made-up prev, put in its place.
    sql("UPDATE T_ SET purpose = '伪造', prev_hash = %s WHERE seq = 3", ["cd" * 32])
    rechain = AuditEntry.objects.get(seq=3)
    sql(f"UPDATE T_ SET canonical = {canonical_sql(connection.vendor)} WHERE seq = 3")
    canonical = AuditEntry.objects.get(seq=3).canonical
    sql("UPDATE T_ SET entry_hash = %s WHERE seq = 3", [hash_canonical(rechain.prev_hash, canonical)])
    assert problem(verify_database(key=KEY)) == (False, 3, "inserted")


@pytest.mark.django_db
def test_row_numbered_before_the_chain_is_inserted(log):
    sql("UPDATE T_ SET seq = 0 WHERE seq = 1")
    assert verify_database(key=KEY).problem in ("inserted", "altered")
    assert not verify_database(key=KEY).ok


@pytest.mark.django_db
def test_seal_detects_recomputed_chain(log):
    services.seal(key=KEY)
    sql("UPDATE T_ SET purpose = '私用' WHERE seq = 2")
    assert verify_database(key=KEY).problem == "altered"
    rechain_from(2)
    result = verify_database(key=KEY)
    assert problem(result) == (False, 5, "seal_mismatch"), result


@pytest.mark.django_db
def test_forged_seal_wrong_key_and_truncated_tail(log):
    services.seal(key=KEY)
    assert problem(verify_database(key="another-key")) == (False, 5, "seal_mismatch")
    sql("UPDATE audit_auditseal SET mac = %s", ["00" * 32])
    assert verify_database(key=KEY).problem == "seal_mismatch"
    sql("DELETE FROM T_ WHERE seq >= 4")
    assert problem(verify_database(key=KEY)) == (False, 5, "missing")


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
    subject = AuditSubject.objects.first()
    with pytest.raises(PermissionDenied):
        subject.delete()
    seal = services.seal(key=KEY)
    with pytest.raises(PermissionDenied):
        seal.delete()
    assert verify_database(key=KEY).ok


@pytest.mark.django_db(transaction=True)
def test_parallel_verification(user):
    """The column check on a second connection, beside the chain check, finds the same problems (committed data:
    the second connection sees it)."""
    write_log(user, 12)
    services.seal(key=KEY)
    assert verify_database(key=KEY, parallel=True).ok
    assert verify_database(key=KEY, parallel=True).checked == 12
    sql("UPDATE T_ SET record_count = 5 WHERE seq = 11")
    assert problem(verify_database(key=KEY, parallel=True)) == (False, 11, "altered")
    sql("DELETE FROM T_ WHERE seq = 7")  # the first entry of the second range
    assert problem(verify_database(key=KEY, parallel=True)) == (False, 7, "missing")
    sql("DELETE FROM T_ WHERE seq = 6")  # the last entry of the first range
    assert problem(verify_database(key=KEY, parallel=True)) == (False, 6, "missing")


@pytest.mark.django_db
def test_cli_verify_export_and_standalone_verifier(log, tmp_path, settings):
    settings.GOVSHARE_AUDIT_SEAL_KEY = KEY
    call_command("audit", "seal")
    call_command("audit", "verify", "--export", str(tmp_path))
    verifier = tmp_path / "verify_audit.py"

    def run(*extra):
        return subprocess.run(
            [sys.executable, str(verifier), str(tmp_path), *extra], capture_output=True, text=True, check=False
        )

    good = run()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "通过" in good.stdout and "5 条" in good.stdout
    assert run("--key", KEY).returncode == 0
    assert run("--key", "wrong").returncode == 1

    original = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    lines = original.splitlines()
    entry = json.loads(lines[3])
    assert entry["canonical"].startswith("1\x1f4\x1f") and entry["items"] == ["姓名", "身份证号"]

    def tampered(seq_index, **changes):
        edited = list(lines)
        row = json.loads(edited[seq_index])
        row.update(changes)
        edited[seq_index] = json.dumps(row, ensure_ascii=False)
        (tmp_path / "audit.jsonl").write_text("\n".join(edited) + "\n", encoding="utf-8")
        return run()

    bad = tampered(3, record_count=0)  # a field no longer what was hashed
    assert bad.returncode == 1 and "第 4 条" in bad.stdout
    bad = tampered(1, canonical=json.loads(lines[1])["canonical"].replace("办理", "私用"))
    assert bad.returncode == 1 and "第 2 条" in bad.stdout
    bad = tampered(2, time="2020-01-01T00:00:00.000000+00:00")
    assert bad.returncode == 1 and "第 3 条" in bad.stdout
    (tmp_path / "audit.jsonl").write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")
    missing = run()
    assert missing.returncode == 1 and "第 3 条缺失" in missing.stdout

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
