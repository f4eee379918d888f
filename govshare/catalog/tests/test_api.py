"""The catalogue API: permissions at each level, the full review lifecycle, rule errors, filters, facets, N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from govshare.catalog import services
from govshare.catalog.models import Classification, Resource, ResourceVersion, UpdateDuty
from govshare.core.testing import (
    api_client,
    catalog_fields,
    catalog_items,
)

pytestmark = pytest.mark.django_db



RESOURCES = "/api/v1/catalog/resources/"




def url(resource, suffix=""):
    return f"{RESOURCES}{resource.pk if hasattr(resource, 'pk') else resource}/{suffix}"




def payload(provider, items=None, **overrides):
    fields = catalog_fields(provider, **overrides)
    data = {**fields, "classification": fields["classification"].pk, "provider": provider.pk}
    data["items"] = catalog_items() if items is None else items
    return data


def create_via_api(world, **overrides):
    response = api_client(world["cataloguer"]).post(RESOURCES, payload(world["police"], **overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def published(world, items=None, **overrides):
    resource = services.create_entry(
        user=world["cataloguer"], fields=catalog_fields(world["police"], **overrides), items=items or catalog_items()
    )
    services.submit_entry(resource, user=world["cataloguer"])
    services.approve_entry(resource, user=world["reviewer"])
    resource.refresh_from_db()
    return resource


def assert_error(response, status_code, *field_keys):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    for key in field_keys:
        assert key in body["error"]["fields"], body["error"]["fields"]
    return body["error"]


# --- The lifecycle ------------------------------------------------------------------------------------------------


def test_full_lifecycle_through_the_api(world):
    cataloguer, reviewer = api_client(world["cataloguer"]), api_client(world["reviewer"])

    # Create with inline info items: a draft of the cataloguer's department, without a code yet.
    created = create_via_api(world)
    assert created["status"] == {"value": "draft", "label": "编目中"}
    assert created["code"] is None
    assert created["provider"]["id"] == world["police"].pk
    assert [item["name"] for item in created["items"]] == ["统一社会信用代码", "企业名称", "法定代表人"]
    assert created["items"][0]["data_type"] == {"value": "C", "label": "字符型 C"}
    pk = created["id"]

    response = cataloguer.post(url(pk, "submit/"), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"]["value"] == "submitted"

    # A reviewer may not return without a reason; the service's message comes back under `reason`.
    assert_error(reviewer.post(url(pk, "return/"), {"reason": " "}, format="json"), 400, "reason")
    response = reviewer.post(url(pk, "return/"), {"reason": "摘要过于简单，请补充数据范围"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["value"] == "returned"
    assert body["pending_change"]["review_comment"] == "摘要过于简单，请补充数据范围"

    abstract = "记录本市全部企业的登记注册信息，覆盖存量与增量数据。"
    response = cataloguer.patch(url(pk), {"abstract": abstract}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["abstract"].startswith("记录本市全部企业")
    assert len(response.json()["items"]) == 3  # PATCH without items keeps them

    assert cataloguer.post(url(pk, "submit/"), format="json").status_code == 200
    response = reviewer.post(url(pk, "approve/"), {"comment": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"]["value"] == "published"
    assert body["code"] == "201/000001"
    assert body["version"] == 1
    assert body["published_on"]

    # Change the published entry: it stays published, with its old name, while the change is pending.
    response = cataloguer.patch(
        url(pk), {"name": "企业登记注册信息", "change_summary": "名称规范化"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "企业登记信息"
    assert body["status"]["value"] == "published"
    assert body["pending_change_status"]["value"] == "draft"
    assert body["pending_change"]["snapshot"]["fields"]["name"] == "企业登记注册信息"

    other = api_client(world["other_cataloguer"]).get(url(pk)).json()
    assert other["name"] == "企业登记信息"
    assert other["pending_change"] is None
    listed = api_client(world["other_cataloguer"]).get(RESOURCES).json()["results"]
    assert [row["name"] for row in listed] == ["企业登记信息"]

    assert cataloguer.post(url(pk, "submit/"), {"change_summary": "名称规范化"}, format="json").status_code == 200
    assert api_client(world["other_cataloguer"]).get(url(pk)).json()["name"] == "企业登记信息"
    response = reviewer.post(url(pk, "approve/"), {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "企业登记注册信息"
    assert body["code"] == "201/000001"
    assert body["version"] == 2
    assert body["pending_change"] is None

    versions = cataloguer.get(url(pk, "versions/")).json()
    assert [(v["number"], v["status"]["value"]) for v in versions] == [(2, "published"), (1, "superseded")]
    assert versions[0]["diff"]["fields"]["name"] == {"before": "企业登记信息", "after": "企业登记注册信息"}
    assert versions[0]["change_summary"] == "名称规范化"
    assert versions[0]["reviewed_by"]["username"] == "shenhe"
    assert versions[1]["diff"]["items_added"] == ["统一社会信用代码", "企业名称", "法定代表人"]
    assert body["versions_url"].endswith(url(pk, "versions/"))


def test_update_replaces_info_items_and_keeps_ids_of_kept_names(world):
    created = create_via_api(world)
    kept_id = created["items"][1]["id"]
    items = catalog_items("企业名称", "注册资本")
    client = api_client(world["cataloguer"])
    response = client.put(url(created["id"]), payload(world["police"], items=items), format="json")
    assert response.status_code == 200, response.json()
    rows = response.json()["items"]
    assert [(row["name"], row["position"]) for row in rows] == [("企业名称", 1), ("注册资本", 2)]
    assert rows[0]["id"] == kept_id


def test_withdraw_needs_a_reason_and_discard_drops_a_pending_change(world):
    resource = published(world)
    client = api_client(world["cataloguer"])
    assert client.patch(url(resource), {"name": "新名称"}, format="json").status_code == 200
    response = client.post(url(resource, "discard-change/"), format="json")
    assert response.status_code == 200
    assert response.json()["pending_change"] is None
    assert_error(client.post(url(resource, "discard-change/"), format="json"), 400, "non_field_errors")

    assert_error(client.post(url(resource, "withdraw/"), {}, format="json"), 400, "reason")
    response = client.post(url(resource, "withdraw/"), {"reason": "职能划转"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"]["value"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "职能划转"


def test_entries_cannot_be_deleted(world):
    created = create_via_api(world)
    assert_error(api_client(world["cataloguer"]).delete(url(created["id"])), 405)


# --- Rules and validation -----------------------------------------------------------------------------------------


def test_rule_violations_come_back_with_their_field_keys(world):
    # An item more open than its resource, a conditional resource without its condition.
    items = catalog_items()
    data = payload(world["police"], items=items, share_type="conditional")
    response = api_client(world["cataloguer"]).post(RESOURCES, data, format="json")
    error = assert_error(response, 400, "share_condition", "items.0.share_type", "items.2.share_type")
    assert error["code"] == "invalid"
    assert not Resource.objects.exists()


def test_type_and_choice_errors_are_keyed_by_item(world):
    items = catalog_items()
    items[1]["data_type"] = "X"
    items[2]["length"] = "long"
    data = payload(world["police"], items=items, format_category="papyrus")
    response = api_client(world["cataloguer"]).post(RESOURCES, data, format="json")
    assert_error(response, 400, "format_category", "items.1.data_type", "items.2.length")


def test_classification_must_be_an_item_and_exist(world):
    data = payload(world["police"])
    data["classification"] = Classification.objects.get(full_code="2").pk
    assert_error(api_client(world["cataloguer"]).post(RESOURCES, data, format="json"), 400, "classification")
    data["classification"] = 999999
    assert_error(api_client(world["cataloguer"]).post(RESOURCES, data, format="json"), 400, "classification")


def test_provider_defaults_to_the_users_department(world):
    data = payload(world["police"])
    del data["provider"]
    response = api_client(world["cataloguer"]).post(RESOURCES, data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["provider"]["id"] == world["police"].pk


# --- Permissions --------------------------------------------------------------------------------------------------


def test_anonymous_gets_401_in_the_standard_shape():
    error = assert_error(APIClient().get(RESOURCES), 401)
    assert error["code"] == "not_authenticated"
    assert_error(APIClient().post(RESOURCES, {}, format="json"), 401)


def test_drafts_are_visible_to_the_department_and_its_reviewers_only(world):
    created = create_via_api(world)
    assert api_client(world["colleague"]).get(url(created["id"])).status_code == 200
    assert api_client(world["platform_admin"]).get(url(created["id"])).status_code == 200
    assert api_client(world["reviewer"]).get(url(created["id"])).status_code == 200
    error = assert_error(api_client(world["other_cataloguer"]).get(url(created["id"])), 404)
    assert error["code"] == "not_found"
    assert_error(api_client(world["other_reviewer"]).get(url(created["id"])), 404)
    assert api_client(world["other_cataloguer"]).get(RESOURCES).json()["count"] == 0


def test_cataloguer_of_another_department_cannot_change_or_create_for_it(world):
    draft = create_via_api(world)
    other = api_client(world["other_cataloguer"])
    assert_error(other.patch(url(draft["id"]), {"name": "x"}, format="json"), 404)
    resource = published(world, name="已发布条目")
    error = assert_error(other.patch(url(resource), {"name": "x"}, format="json"), 403)
    assert error["code"] == "permission_denied"
    assert_error(other.post(url(resource, "withdraw/"), {"reason": "x"}, format="json"), 403)
    assert_error(other.post(RESOURCES, payload(world["police"]), format="json"), 403)
    # Someone without a cataloguing role may read but not create.
    assert_error(api_client(world["colleague"]).post(RESOURCES, payload(world["police"]), format="json"), 403)


def test_only_reviewers_of_the_jurisdiction_review(world):
    created = create_via_api(world)
    api_client(world["cataloguer"]).post(url(created["id"], "submit/"), format="json")
    # The reviewer of another city does not even see the submitted draft.
    assert_error(api_client(world["other_reviewer"]).post(url(created["id"], "approve/"), format="json"), 404)
    # The provider's own cataloguer sees it but may not approve it.
    assert_error(api_client(world["cataloguer"]).post(url(created["id"], "approve/"), format="json"), 403)

    resource = published(world, name="已发布条目")
    api_client(world["cataloguer"]).patch(url(resource), {"name": "改名"}, format="json")
    api_client(world["cataloguer"]).post(url(resource, "submit/"), format="json")
    # Published entries are visible to everyone, but a reviewer of another city still may not approve.
    assert_error(api_client(world["other_reviewer"]).post(url(resource, "approve/"), format="json"), 403)
    assert api_client(world["reviewer"]).post(url(resource, "approve/"), format="json").status_code == 200


def test_review_queue_lists_what_the_reviewer_may_review(world):
    created = create_via_api(world)
    api_client(world["cataloguer"]).post(url(created["id"], "submit/"), {"change_summary": "新编目录"}, format="json")
    queue = api_client(world["reviewer"]).get("/api/v1/catalog/review-queue/").json()
    assert queue["count"] == 1
    row = queue["results"][0]
    assert row["resource"]["id"] == created["id"]
    assert row["provider"]["id"] == world["police"].pk
    assert row["is_change"] is False
    assert row["created_by"]["username"] == "bianmu"
    assert api_client(world["other_reviewer"]).get("/api/v1/catalog/review-queue/").json()["count"] == 0
    assert api_client(world["cataloguer"]).get("/api/v1/catalog/review-queue/").json()["count"] == 0
    # The platform administrator may review anywhere (Resource.restrict_for).
    assert api_client(world["platform_admin"]).get("/api/v1/catalog/review-queue/").json()["count"] == 1


def test_platform_admin_sees_every_draft(world):
    create_via_api(world)
    services.create_entry(
        user=world["other_cataloguer"], fields=catalog_fields(world["market"], name="市场主体信息"),
        items=catalog_items(),
    )
    assert api_client(world["platform_admin"]).get(RESOURCES).json()["count"] == 2
    assert api_client(world["cataloguer"]).get(RESOURCES).json()["count"] == 1


def test_token_authentication_reaches_the_catalogue(world):
    from govshare.users.models import APIToken

    _token, key = APIToken.issue(world["cataloguer"], "脚本")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post(RESOURCES, payload(world["police"]), format="json")
    assert response.status_code == 201, response.json()
    # Changes made with a token are attributed to its user in the change history.
    from govshare.core.models import ObjectChange

    change = ObjectChange.objects.filter(object_id=response.json()["id"], object_repr="企业登记信息").first()
    assert change is not None and change.user_id == world["cataloguer"].pk


# --- Browsing: filters, search, facets, ordering ------------------------------------------------------------------


def test_filters_search_and_facets(world):
    first = published(world, name="企业登记信息")
    published(world, name="居民电子证照信息", classification_code="105", share_type="conditional",
              share_condition="仅用于政务服务", items=catalog_items(share_type="conditional"))
    services.create_entry(
        user=world["other_cataloguer"], fields=catalog_fields(world["market"], name="市场主体年报"),
        items=catalog_items(),
    )
    client = api_client(world["other_cataloguer"])

    def names(**params):
        response = client.get(RESOURCES, params)
        assert response.status_code == 200, response.json()
        return sorted(row["name"] for row in response.json()["results"])

    assert names() == ["企业登记信息", "居民电子证照信息", "市场主体年报"]
    assert names(provider_id=world["police"].pk) == ["企业登记信息", "居民电子证照信息"]
    assert names(classification="1") == ["居民电子证照信息"]
    assert names(classification="105,201") == ["企业登记信息", "居民电子证照信息", "市场主体年报"]
    assert names(classification_id=first.classification_id) == ["企业登记信息", "市场主体年报"]
    assert names(status="draft") == ["市场主体年报"]
    assert names(share_type="conditional") == ["居民电子证照信息"]
    assert names(open_type="not_open", format_category="database", update_cycle="daily") == names()
    assert names(published_on_after="2000-01-01") == ["企业登记信息", "居民电子证照信息"]
    assert names(q="电子证照") == ["居民电子证照信息"]
    assert names(q="企业登记", provider_id=world["police"].pk) == ["企业登记信息"]

    ordered = client.get(RESOURCES, {"ordering": "name"}).json()["results"]
    assert [row["name"] for row in ordered] == sorted(row["name"] for row in ordered)

    body = client.get(RESOURCES, {"facets": "1", "provider_id": world["police"].pk}).json()
    assert body["count"] == 2
    facets = body["facets"]
    assert set(facets) == {"provider", "classification", "share_type", "open_type", "format_category",
                           "update_cycle"}
    assert facets["provider"] == [{"value": world["police"].pk, "label": "市公安局", "count": 2}]
    assert {row["value"]: row["count"] for row in facets["share_type"]} == {"unconditional": 1, "conditional": 1}
    assert {row["value"] for row in facets["classification"]} == {"105", "201"}
    assert "facets" not in client.get(RESOURCES).json()

    assert_error(client.get(RESOURCES, {"status": "nonsense"}), 400, "status")


def test_resource_list_does_not_grow_queries_with_rows(world):
    def make(count):
        classification = Classification.objects.get(full_code="201")
        Resource.objects.bulk_create(
            Resource(
                classification=classification, name=f"批量条目{count}-{index}", provider=world["police"],
                abstract="摘要", format_category="database", share_type="unconditional", share_mode="table",
                open_type="not_open", update_cycle="daily", status="published",
            )
            for index in range(count)
        )
        for resource in Resource.objects.filter(name__startswith=f"批量条目{count}-")[:2]:
            ResourceVersion.objects.create(resource=resource, number=1, status="draft", snapshot={})

    client = api_client(world["reviewer"])

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(RESOURCES, {"page_size": 100, "facets": 1})
        assert response.status_code == 200
        return len(context.captured_queries), response.json()["count"]

    make(3)
    count_queries()  # warm up: the user's roles and jurisdiction are cached on the user object after this
    few, rows = count_queries()
    assert rows == 3
    make(27)
    many, rows = count_queries()
    assert rows == 30
    assert many == few


def test_detail_query_count_is_constant(world):
    resource = published(world)
    client = api_client(world["cataloguer"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(resource)).status_code == 200
    api_client(world["cataloguer"]).put(
        url(resource), payload(world["police"], items=catalog_items(*[f"信息项{n}" for n in range(30)])),
        format="json",
    )
    with CaptureQueriesContext(connection) as large:
        body = client.get(url(resource)).json()
    assert len(body["pending_change"]["snapshot"]["items"]) == 30
    assert len(large.captured_queries) <= len(small.captured_queries) + 2


# --- Classification and update duties -----------------------------------------------------------------------------


def test_classification_tree_is_read_only(world):
    client = api_client(world["cataloguer"])
    top = client.get("/api/v1/catalog/classifications/", {"level": 1}).json()
    assert [row["full_code"] for row in top["results"]] == ["1", "2", "3"]
    assert top["results"][0]["level_label"] == "类"
    base = Classification.objects.get(full_code="1")
    children = client.get("/api/v1/catalog/classifications/", {"parent_id": base.pk}).json()["results"]
    assert [row["full_code"] for row in children] == ["101", "102", "103", "104", "105"]
    assert client.get("/api/v1/catalog/classifications/", {"code": "21"}).json()["count"] == 3
    assert_error(client.post("/api/v1/catalog/classifications/", {"name": "x"}, format="json"), 405)


def test_update_duties_record_and_complete(world):
    duties = "/api/v1/catalog/update-duties/"
    data = {"department": world["police"].pk, "kind": "law", "title": "《数据条例》施行", "occurred_on": "2026-03-02"}
    assert_error(api_client(world["cataloguer"]).post(duties, data, format="json"), 403)
    assert_error(api_client(world["dept_admin"]).post(duties, {**data, "kind": "x"}, format="json"), 400, "kind")

    response = api_client(world["dept_admin"]).post(duties, data, format="json")
    assert response.status_code == 201, response.json()
    duty = response.json()
    assert duty["due_on"] > "2026-03-02"
    assert duty["kind"] == {"value": "law", "label": "法律法规变化"}
    assert duty["recorded_by"]["username"] == "bumen"
    assert duty["completed_on"] is None

    assert api_client(world["cataloguer"]).get(duties).json()["count"] == 1
    assert api_client(world["reviewer"]).get(duties).json()["count"] == 1
    assert api_client(world["other_cataloguer"]).get(duties).json()["count"] == 0
    assert_error(api_client(world["other_cataloguer"]).post(f"{duties}{duty['id']}/complete/", format="json"), 404)
    assert_error(api_client(world["cataloguer"]).post(f"{duties}{duty['id']}/complete/", format="json"), 403)

    response = api_client(world["dept_admin"]).post(f"{duties}{duty['id']}/complete/", {"completed_on": "2026-03-10"},
                                             format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["completed_on"] == "2026-03-10"
    assert UpdateDuty.objects.get().completed_on.isoformat() == "2026-03-10"
    assert api_client(world["dept_admin"]).get(duties, {"completed": "true"}).json()["count"] == 1
