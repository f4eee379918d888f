"""The zombie API: the same services behind JSON, the platform error shape, permissions, and the OpenAPI schema."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govshare.core.testing import api_client
from govshare.zombies.models import CleanupPlan, ZombieFlag

from .conftest import make_system, usage

pytestmark = pytest.mark.django_db

BASE = "/api/v1/zombies"


@pytest.fixture
def systems(world):
    old = make_system(world["police"], "旧系统", "户籍业务办理")
    usage(old, "2020-01", monthly_active_users=0)
    hub = make_system(world["police"], "大平台", "全市网格化社会治理")
    return old, hub


def test_detect_confirm_and_list(world, systems):
    officer = api_client(world["officer"])
    response = officer.post(f"{BASE}/flags/detect/")
    assert response.status_code == 200 and response.json()["new"] == 1
    flag = ZombieFlag.objects.get()
    listed = api_client(world["police_admin"]).get(f"{BASE}/flags/").json()
    assert listed["count"] == 1
    reason = listed["results"][0]["reasons"][0]
    assert reason["rule"] == "unused" and "个月无人使用" in reason["text"]
    assert api_client(world["other_officer"]).get(f"{BASE}/flags/{flag.pk}/").status_code == 404
    refused = api_client(world["police_admin"]).post(f"{BASE}/flags/{flag.pk}/confirm/", {}, format="json")
    assert refused.status_code == 403 and "error" in refused.json()
    assert api_client(world["police_admin"]).post(f"{BASE}/flags/detect/").status_code == 403
    no_note = officer.post(f"{BASE}/flags/{flag.pk}/dismiss/", {"note": ""}, format="json")
    assert no_note.status_code == 400 and no_note.json()["error"]["fields"]["note"]
    confirmed = officer.post(f"{BASE}/flags/{flag.pk}/confirm/", {"note": "确认"}, format="json")
    assert confirmed.json()["status"]["value"] == "confirmed"


def test_plan_lifecycle(world, systems):
    old, hub = systems
    officer = api_client(world["officer"])
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    missing = officer.post(f"{BASE}/plans/", {"system": old.pk, "action": "replace", "deadline": deadline},
                           format="json")
    assert missing.status_code == 400 and "target" in missing.json()["error"]["fields"]
    created = officer.post(f"{BASE}/plans/", {"system": old.pk, "action": "replace", "target": hub.pk,
                                              "deadline": deadline}, format="json")
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    admin = api_client(world["police_admin"])
    assert admin.post(f"{BASE}/plans/", {"system": old.pk, "action": "shut_down", "deadline": deadline},
                      format="json").status_code == 403
    changed = officer.patch(f"{BASE}/plans/{plan_id}/", {"instructions": "先迁数据"}, format="json")
    assert changed.status_code == 200 and changed.json()["instructions"] == "先迁数据"
    assert admin.post(f"{BASE}/plans/{plan_id}/progress/", {"text": "进行中"}, format="json").status_code == 200
    refused = admin.post(f"{BASE}/plans/{plan_id}/finish/", {"evidence_text": "完成"}, format="multipart")
    assert refused.status_code == 400 and "evidence_file" in refused.json()["error"]["fields"]
    done = admin.post(f"{BASE}/plans/{plan_id}/finish/", {
        "evidence_text": "完成", "evidence_file": SimpleUploadedFile("验收.pdf", b"%PDF")}, format="multipart")
    assert done.status_code == 200 and done.json()["status"]["value"] == "done" and done.json()["evidence_url"]
    old.refresh_from_db()
    assert old.status == "replaced" and old.replaced_by == hub
    assert CleanupPlan.objects.get().events.count() == 4


def test_rules_and_tree(world, systems):
    officer = api_client(world["officer"])
    created = officer.post(f"{BASE}/rules/", {"jurisdiction_id": world["city"].pk, "unused_months": 3},
                           format="json")
    assert created.status_code == 201 and created.json()["unused_months"] == 3
    assert officer.post(f"{BASE}/rules/", {"unused_months": 3}, format="json").status_code == 403
    bad = officer.patch(f"{BASE}/rules/{created.json()['id']}/", {"unused_months": 0}, format="json")
    assert bad.status_code == 400
    assert api_client(world["police_admin"]).get(f"{BASE}/rules/").json()["count"] == 1
    tree = api_client(world["police_admin"]).get(f"{BASE}/departments/{world['police'].pk}/systems/")
    assert tree.status_code == 200 and {node["system"]["name"] for node in tree.json()} == {"旧系统", "大平台"}
    assert api_client(world["police_admin"]).get(
        f"{BASE}/departments/{world['market'].pk}/systems/").status_code == 404


def test_openapi_documents_the_zombie_api(world):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/v1/zombies/flags/detect/", "/api/v1/zombies/flags/{id}/dismiss/",
                 "/api/v1/zombies/plans/{id}/finish/", "/api/v1/zombies/duplicates/{id}/accept/",
                 "/api/v1/zombies/departments/{id}/systems/"):
        assert path in paths, path
    assert "post" in paths["/api/v1/zombies/plans/"]
