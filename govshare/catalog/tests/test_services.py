"""The catalogue lifecycle and its rules, through the service functions every interface calls."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from govshare.catalog import services
from govshare.catalog.choices import EntryStatusChoices, VersionStatusChoices
from govshare.catalog.models import Classification, InfoItem, Resource, ResourceVersion
from govshare.catalog.rules import entry_rule_errors
from govshare.core.models import ObjectChange
from govshare.core.testing import catalog_fields, catalog_items, make_department, make_jurisdiction, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    jurisdiction = make_jurisdiction()
    authority = make_department("市大数据管理局", jurisdiction, competent=True)
    police = make_department("市公安局", jurisdiction)
    market = make_department("市市场监管局", jurisdiction)
    return {
        "authority": authority,
        "police": police,
        "market": market,
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "other_cataloguer": make_user("bianmu2", market, roles=["cataloguer"]),
        "reviewer": make_user("shenhe", authority, roles=["reviewer"]),
    }


def create(city, **overrides):
    items = overrides.pop("items", None) or catalog_items()
    return services.create_entry(
        user=city["cataloguer"], fields=catalog_fields(city["police"], **overrides), items=items
    )


def publish(city, resource):
    services.submit_entry(resource, user=city["cataloguer"])
    services.approve_entry(resource, user=city["reviewer"])
    resource.refresh_from_db()
    return resource


def test_create_submit_return_resubmit_approve_assigns_code(city):
    resource = create(city)
    assert resource.status == EntryStatusChoices.DRAFT
    assert resource.code is None
    assert list(resource.items.values_list("name", flat=True)) == ["统一社会信用代码", "企业名称", "法定代表人"]

    services.submit_entry(resource, user=city["cataloguer"])
    resource.refresh_from_db()
    assert resource.status == EntryStatusChoices.SUBMITTED

    with pytest.raises(ValidationError):
        services.return_entry(resource, user=city["reviewer"], reason="  ")
    services.return_entry(resource, user=city["reviewer"], reason="摘要过于简单，请补充数据范围")
    resource.refresh_from_db()
    assert resource.status == EntryStatusChoices.RETURNED
    version = resource.versions.get()
    assert version.status == VersionStatusChoices.RETURNED
    assert version.review_comment == "摘要过于简单，请补充数据范围"

    fields = catalog_fields(city["police"], abstract="记录本市全部企业登记注册信息，覆盖2000年以来的存量与增量数据。")
    services.update_entry(resource, user=city["cataloguer"], fields=fields, items=catalog_items())
    services.submit_entry(resource, user=city["cataloguer"])
    services.approve_entry(resource, user=city["reviewer"])
    resource.refresh_from_db()
    assert resource.status == EntryStatusChoices.PUBLISHED
    assert resource.code == "201/000001"
    assert resource.published_on is not None
    assert resource.version == 1
    assert resource.versions.get().status == VersionStatusChoices.PUBLISHED


def test_codes_are_sequential_and_never_reused_after_withdrawal(city):
    first = publish(city, create(city, name="企业登记信息"))
    services.withdraw_entry(first, user=city["cataloguer"], reason="职能划转")
    second = publish(city, create(city, name="企业年报信息"))
    first.refresh_from_db()
    assert first.status == EntryStatusChoices.WITHDRAWN
    assert first.code == "201/000001"
    assert second.code == "201/000002"


def test_change_to_published_entry_is_reviewed_while_published_version_stays_visible(city):
    resource = publish(city, create(city))
    items = catalog_items("统一社会信用代码", "企业名称", "法定代表人", "注册资本")
    services.update_entry(
        resource, user=city["cataloguer"], fields=catalog_fields(city["police"], name="企业登记注册信息"), items=items
    )
    resource.refresh_from_db()
    assert resource.name == "企业登记信息", "the published content must not change before approval"
    assert resource.items.count() == 3
    assert services.entry_data(resource)["fields"]["name"] == "企业登记注册信息"

    services.submit_entry(resource, user=city["cataloguer"], change_summary="增加注册资本")
    resource.refresh_from_db()
    assert resource.name == "企业登记信息"
    services.approve_entry(resource, user=city["reviewer"])
    resource.refresh_from_db()
    assert resource.name == "企业登记注册信息"
    assert resource.items.count() == 4
    assert resource.code == "201/000001", "a change keeps the code"
    assert resource.version == 2
    versions = list(resource.versions.order_by("number"))
    assert [v.status for v in versions] == [VersionStatusChoices.SUPERSEDED, VersionStatusChoices.PUBLISHED]
    diff = services.diff_snapshots(versions[0].snapshot, versions[1].snapshot)
    assert diff["fields"]["name"] == ("企业登记信息", "企业登记注册信息")
    assert diff["items_added"] == ["注册资本"]
    assert diff["items_removed"] == []


def test_returned_change_can_be_edited_and_resubmitted(city):
    resource = publish(city, create(city))
    services.update_entry(
        resource, user=city["cataloguer"], fields=catalog_fields(city["police"], name="企业信息"), items=catalog_items()
    )
    services.submit_entry(resource, user=city["cataloguer"])
    with pytest.raises(ValidationError):
        services.update_entry(
            resource, user=city["cataloguer"], fields=catalog_fields(city["police"]), items=catalog_items()
        )
    services.return_entry(resource, user=city["reviewer"], reason="名称不规范")
    resource.refresh_from_db()
    assert resource.status == EntryStatusChoices.PUBLISHED
    services.update_entry(
        resource, user=city["cataloguer"], fields=catalog_fields(city["police"], name="企业基本信息"),
        items=catalog_items(),
    )
    services.submit_entry(resource, user=city["cataloguer"])
    services.approve_entry(resource, user=city["reviewer"])
    resource.refresh_from_db()
    assert resource.name == "企业基本信息"
    assert ResourceVersion.objects.filter(resource=resource).count() == 2


def test_department_edits_only_its_own_entries(city):
    resource = create(city)
    with pytest.raises(PermissionDenied):
        services.update_entry(
            resource, user=city["other_cataloguer"], fields=catalog_fields(city["police"]), items=catalog_items()
        )
    with pytest.raises(PermissionDenied):
        services.create_entry(
            user=city["other_cataloguer"], fields=catalog_fields(city["police"]), items=catalog_items()
        )
    with pytest.raises(PermissionDenied):
        services.submit_entry(resource, user=city["other_cataloguer"])


def test_reviewer_of_another_jurisdiction_cannot_review(city):
    resource = create(city)
    services.submit_entry(resource, user=city["cataloguer"])
    elsewhere = make_jurisdiction("鹤壁市", "410600")
    other_reviewer = make_user("hebi", make_department("鹤壁市政务服务和大数据管理局", elsewhere), roles=["reviewer"])
    with pytest.raises(PermissionDenied):
        services.approve_entry(resource, user=other_reviewer)
    with pytest.raises(PermissionDenied):
        services.approve_entry(resource, user=city["cataloguer"])


def test_drafts_are_visible_only_to_their_department_and_reviewers(city):
    resource = create(city)
    visible = Resource.objects.restrict
    assert visible(city["cataloguer"]).filter(pk=resource.pk).exists()
    assert visible(city["reviewer"]).filter(pk=resource.pk).exists()
    assert not visible(city["other_cataloguer"]).filter(pk=resource.pk).exists()
    publish(city, resource)
    assert visible(city["other_cataloguer"]).filter(pk=resource.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "item_overrides", "error_key"),
    [
        ({"share_type": "conditional", "share_condition": ""}, {"share_type": "conditional"}, "share_condition"),
        ({"share_type": "not_shared", "share_mode": "", "share_basis": ""}, {"share_type": "not_shared"},
         "share_basis"),
        ({"share_type": "conditional", "share_condition": "仅限社保业务"}, {"share_type": "unconditional"},
         "items.0.share_type"),
        ({"open_type": "not_open"}, {"open_type": "unconditional"}, "items.0.open_type"),
        ({"open_type": "conditional", "open_condition": ""}, {}, "open_condition"),
    ],
)
def test_rules_are_enforced_with_messages(city, overrides, item_overrides, error_key):
    items = catalog_items()
    items[0].update(item_overrides)
    with pytest.raises(ValidationError) as raised:
        create(city, items=items, **overrides)
    assert error_key in raised.value.message_dict
    assert all(message for message in raised.value.message_dict[error_key])
    assert not Resource.objects.exists(), "a refused entry leaves nothing behind"
    assert not InfoItem.objects.exists()


def test_basic_items_of_base_resources_must_be_unconditional(city):
    items = catalog_items("公民身份号码", "姓名")
    items[0].update(is_basic=True, share_type="conditional")
    fields = catalog_fields(city["police"], "101", share_type="conditional", share_condition="仅限政务服务")
    errors = entry_rule_errors(
        services._normalise_fields(fields), services._normalise_items(items), "1"
    )
    assert "items.0.share_type" in errors
    items[0]["share_type"] = "unconditional"
    items[1]["share_type"] = "conditional"
    fields["share_type"] = "unconditional"
    assert entry_rule_errors(services._normalise_fields(fields), services._normalise_items(items), "1") == {}


def test_duplicate_item_names_are_refused(city):
    with pytest.raises(ValidationError) as raised:
        create(city, items=catalog_items("姓名", "姓名"))
    assert "items.1.name" in raised.value.message_dict


def test_classification_must_be_at_least_an_item(city):
    top = Classification.objects.get(full_code="2")
    with pytest.raises(ValidationError) as raised:
        create(city, classification=top)
    assert "classification" in raised.value.message_dict


def test_change_history_records_who_changed_what(city):
    resource = create(city)
    services.update_entry(
        resource, user=city["cataloguer"], fields=catalog_fields(city["police"], name="企业登记基本信息"),
        items=catalog_items(),
    )
    change = ObjectChange.objects.filter(object_id=resource.pk, action="update").first()
    assert change is not None
    assert change.user == city["cataloguer"]
    assert change.diff["name"] == ("企业登记信息", "企业登记基本信息")


def test_update_duty_due_in_fifteen_working_days(city):
    import datetime

    admin = make_user("bumen", city["police"], roles=["department_admin"])
    duty = services.record_update_duty(
        user=admin, department=city["police"], kind="law", title="《户口登记条例》修订",
        occurred_on=datetime.date(2026, 9, 25),
    )
    # 2026 National Day holiday (1-8 October) is skipped; make-up working days count.
    assert duty.due_on > datetime.date(2026, 10, 16)
    assert not duty.due_is_estimate
    assert duty.is_overdue(today=duty.due_on + datetime.timedelta(days=1))
    assert not duty.is_overdue(today=duty.due_on)
    with pytest.raises(PermissionDenied):
        services.record_update_duty(
            user=city["cataloguer"], department=city["police"], kind="law", title="x",
            occurred_on=datetime.date(2026, 9, 25),
        )
    services.complete_update_duty(duty, user=admin)
    assert not duty.is_overdue(today=duty.due_on + datetime.timedelta(days=30))
