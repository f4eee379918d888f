"""Audit pages and API: usage for providers and the competent authority, the log with "verify now", the
"who looked at this person" search (validated, itself audited), and nobody editing entries."""

import pytest
from django.urls import reverse

from govshare.audit import services
from govshare.audit.models import AuditEntry
from govshare.catalog import services as catalog
from govshare.core.testing import (
    api_client,
    catalog_fields,
    catalog_items,
    login_client,
    make_department,
    make_jurisdiction,
    make_user,
)

ID_NUMBER = "11010519491231002X"
OTHER_ID = "110105198001010032"


@pytest.fixture
def world(db):
    """Two providers with a resource each, a consumer department with its system, the competent authority."""
    jurisdiction = make_jurisdiction()
    police = make_department("市公安局", jurisdiction)
    market = make_department("市市场监督管理局", jurisdiction)
    consumer = make_department("市人社局", jurisdiction)
    authority = make_department("市大数据局", jurisdiction, competent=True)
    people = {
        "police": make_user("gongan", police, roles=["data_provider", "cataloguer"]),
        "market": make_user("shichang", market, roles=["data_provider", "cataloguer"]),
        "consumer": make_user("renshe", consumer, roles=["data_consumer"]),
        "authority": make_user("zhuguan", authority, roles=["authority_officer"]),
        "outside_officer": make_user("feizhuguan", consumer, roles=["authority_officer"]),
        "auditor": make_user("shenji", roles=["audit_admin"]),
        "platform": make_user("pingtai", roles=["platform_admin"]),
    }
    household = catalog.create_entry(
        user=people["police"], fields=catalog_fields(police, name="户籍人口信息"), items=catalog_items("姓名")
    )
    companies = catalog.create_entry(
        user=people["market"], fields=catalog_fields(market, name="企业登记信息"), items=catalog_items()
    )
    for n in range(3):
        services.append(
            user=people["consumer"],
            system="社保核验系统",
            action="lookup",
            resource=household,
            record_count=1,
            purpose="社会保险待遇资格认证" if n else "养老金发放核验",
            subjects=[ID_NUMBER],
        )
    services.append(
        user=people["consumer"], action="download", resource=companies, record_count=500, purpose="企业开办"
    )
    services.append(user=people["police"], action="request", resource=companies, purpose="共享申请")  # not a use
    return {"people": people, "police": police, "market": market, "consumer": consumer, "household": household}


def usage_rows(client, **params):
    response = client.get(reverse("audit:usage"), params)
    assert response.status_code == 200
    return response


def test_provider_sees_who_used_its_data_only(world):
    people = world["people"]
    response = usage_rows(login_client(people["police"]))
    rows = response.context["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["resource_name"], row["department_name"], row["system"], row["action"]) == (
        "户籍人口信息",
        "市人社局",
        "社保核验系统",
        "lookup",
    )
    assert (row["calls"], row["records"]) == (3, 3)
    assert row["purposes"] == ["社会保险待遇资格认证", "养老金发放核验"]
    content = response.content.decode()
    assert "社保核验系统" in content and "企业开办" not in content
    market_rows = usage_rows(login_client(people["market"])).context["rows"]
    assert [(r["action"], r["records"]) for r in market_rows] == [("download", 500)]  # the request step is not a use
    assert usage_rows(login_client(people["consumer"])).context["rows"] == []


def test_authority_and_admins_see_every_provider_with_filters(world):
    people = world["people"]
    for who in ("authority", "auditor", "platform"):
        assert len(usage_rows(login_client(people[who])).context["rows"]) == 2, who
    # An authority officer outside the competent authority is only a department like any other.
    assert usage_rows(login_client(people["outside_officer"])).context["rows"] == []
    client = login_client(people["authority"])
    assert len(usage_rows(client, provider=world["police"].pk).context["rows"]) == 1
    assert len(usage_rows(client, resource=world["household"].pk).context["rows"]) == 1
    assert len(usage_rows(client, consumer=world["police"].pk).context["rows"]) == 0
    assert len(usage_rows(client, date_from="2000-01-01", date_to="2099-12-31").context["rows"]) == 2
    assert len(usage_rows(client, date_to="2000-01-01").context["rows"]) == 0
    assert len(usage_rows(client, q="户籍").context["rows"]) == 1
    bad = usage_rows(client, date_from="2026-02-01", date_to="2026-01-01")
    assert "截止日期不能早于起始日期" in bad.content.decode()
    partial = client.get(reverse("audit:usage"), headers={"HX-Request": "true", "HX-Target": "object-list"})
    assert b"<html" not in partial.content and "社保核验系统" in partial.content.decode()


def test_usage_api(world):
    people = world["people"]
    url = "/api/v1/audit/usage/"
    data = api_client(people["police"]).get(url).json()
    assert data["count"] == 1
    assert data["results"][0]["calls"] == 3 and data["results"][0]["consumer_department_name"] == "市人社局"
    assert api_client(people["authority"]).get(url).json()["count"] == 2
    assert api_client(people["authority"]).get(url, {"provider": world["market"].pk}).json()["count"] == 1
    bad = api_client(people["authority"]).get(url, {"date_from": "不是日期"})
    assert bad.status_code == 400 and "date_from" in bad.json()["error"]["fields"]
    assert api_client().get(url).status_code in (401, 403)


def test_entry_list_detail_and_verify_now(world, django_assert_max_num_queries):
    people = world["people"]
    client = login_client(people["auditor"])
    url = reverse("audit:entry_list")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 5
    assert "待上链" in response.content.decode()  # not chained yet
    assert client.get(url, {"action": "download"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"username": "gongan"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"department": world["consumer"].pk}).context["page_obj"].paginator.count == 4
    assert client.get(url, {"result": "denied"}).context["page_obj"].paginator.count == 0
    assert client.get(url, {"date_from": "2000-01-01"}).context["page_obj"].paginator.count == 5
    assert client.get(url, {"q": "社保"}).context["page_obj"].paginator.count == 3

    verified = client.post(reverse("audit:verify"), headers={"HX-Request": "true"})
    assert verified.status_code == 200
    text = verified.content.decode()
    assert "校验通过" in text and "已校验 5 条" in text and "<html" not in text
    entry = AuditEntry.objects.get(seq=1)
    with django_assert_max_num_queries(12):
        detail = client.get(reverse("audit:entry_detail", args=[entry.pk]))
    assert detail.status_code == 200 and entry.entry_hash in detail.content.decode()

    services.chain_pending()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET record_count = 7 WHERE seq = 2")
    failed = client.post(reverse("audit:verify"))
    assert "校验失败" in failed.content.decode() and "第 2 条" in failed.content.decode()
    assert client.get(url).status_code == 200


def test_log_pages_refused_to_others_and_no_edit(world):
    for who in ("police", "consumer", "authority"):
        client = login_client(world["people"][who])
        assert client.get(reverse("audit:entry_list")).status_code == 403
        assert client.post(reverse("audit:verify")).status_code == 403
    client = login_client(world["people"]["auditor"])
    entry = AuditEntry.objects.first()
    assert client.post(reverse("audit:entry_detail", args=[entry.pk])).status_code == 405
    api = api_client(world["people"]["auditor"])
    assert api.delete(f"/api/v1/audit/entries/{entry.pk}/").status_code == 405
    assert api.patch(f"/api/v1/audit/entries/{entry.pk}/", {"purpose": "x"}).status_code == 405


def test_subject_search_finds_accesses_and_is_audited(world):
    people = world["people"]
    url = reverse("audit:subject_search")
    client = login_client(people["auditor"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"id_number": ID_NUMBER.lower()})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3
    assert "110105********002X" in response.content.decode() and ID_NUMBER not in response.content.decode()
    search_entry = AuditEntry.objects.order_by("-id").first()
    assert (search_entry.action, search_entry.username, search_entry.record_count) == ("other", "shenji", 3)
    assert search_entry.detail == {"kind": "subject_search"}
    # The search itself now shows in the person's record, for the next one who looks.
    authority = login_client(people["authority"])
    again = authority.post(
        url, {"id_number": ID_NUMBER}, headers={"HX-Request": "true", "HX-Target": "subject-results"}
    )
    assert again.context["page_obj"].paginator.count == 4 and "<html" not in again.content.decode()
    assert client.post(url, {"id_number": OTHER_ID}).context["page_obj"].paginator.count == 0


def test_subject_search_validates_and_is_restricted(world):
    people = world["people"]
    url = reverse("audit:subject_search")
    client = login_client(people["auditor"])
    before = AuditEntry.objects.count()
    response = client.post(url, {"id_number": "110105194912310021"})  # wrong check character
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    assert "应为18位" in client.post(url, {"id_number": "1101"}).content.decode()
    assert AuditEntry.objects.count() == before  # a refused search is not a search
    for who in ("police", "consumer", "outside_officer", "platform"):
        assert login_client(people[who]).post(url, {"id_number": ID_NUMBER}).status_code == 403, who


def test_entries_api_is_read_only_and_restricted(world):
    people = world["people"]
    url = "/api/v1/audit/entries/"
    auditor = api_client(people["auditor"])
    response = auditor.get(url)
    assert response.status_code == 200, response.content
    assert response.data["count"] == 5
    assert api_client(people["platform"]).get(url).status_code == 200
    assert auditor.get(url, {"action": "lookup"}).data["count"] == 3
    assert auditor.get(url, {"user": people["police"].pk}).data["count"] == 1
    assert auditor.get(url, {"time_after": "2000-01-01T00:00:00Z"}).data["count"] == 5
    assert api_client(people["police"]).get(url).status_code == 403
    assert api_client().get(url).status_code in (401, 403)
    services.chain_pending()
    entry = AuditEntry.objects.get(seq=1)
    assert auditor.get(f"{url}{entry.pk}/").data["seq"] == 1
    assert auditor.post(url, {}).status_code == 405
