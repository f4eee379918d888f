"""Service item rules: the share of materials replaced (edge cases, in Python and in SQL alike), linking only to
published and shared resources, codes and names, and who may manage which items."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from govshare.catalog import services as catalog
from govshare.core.models import ObjectChange
from govshare.serviceitems import services
from govshare.serviceitems.models import RequiredMaterial, ServiceItem

from .conftest import item_fields, material

pytestmark = pytest.mark.django_db


def create(world, user="civil_admin", department="civil", materials=(), **overrides):
    return services.create_item(user=world[user], fields=item_fields(world[department], **overrides),
                                materials=list(materials))


def annotated(item):
    return ServiceItem.objects.with_shares().get(pk=item.pk)


def both_shares(item):
    """The share computed in SQL and in Python; they must always agree."""
    sql = annotated(item).share
    python = services.material_share(RequiredMaterial.objects.filter(service_item=item).select_related("replaced_by"))
    assert sql == pytest.approx(python) if python is not None else sql is None
    return sql


# --- shares ---------------------------------------------------------------------------------------------------

def test_item_without_materials_has_no_share(world):
    item = create(world)
    assert both_shares(item) is None
    row = annotated(item)
    assert (row.material_count, row.required_count, row.replaced_required_count) == (0, 0, 0)


def test_all_required_materials_replaced_is_full_share(world):
    item = create(world, materials=[
        material("居民身份证", "government", replaced_by=world["id_cards"]),
        material("户口簿", "government", replaced_by=world["households"]),  # conditional sharing still replaces
    ])
    assert both_shares(item) == 1.0


def test_optional_materials_do_not_count(world):
    item = create(world, materials=[
        material("申请书"),
        material("居民身份证", "government", replaced_by=world["id_cards"]),
        material("户口簿", "government", is_required=False, replaced_by=world["households"]),
        material("其他证明材料", is_required=False),
    ])
    assert both_shares(item) == 0.5  # 1 of the 2 required; the optional ones are left out either way
    row = annotated(item)
    assert (row.material_count, row.required_count, row.replaceable_count) == (4, 2, 2)


def test_only_optional_materials_has_no_share(world):
    item = create(world, materials=[material("补充说明", is_required=False, replaced_by=world["id_cards"])])
    assert both_shares(item) is None


def test_no_material_replaced_is_zero(world):
    item = create(world, materials=[material("申请书"), material("收入证明")])
    assert both_shares(item) == 0.0


def test_withdrawing_a_resource_lowers_the_share_at_once(world):
    item = create(world, materials=[material("居民身份证", "government", replaced_by=world["id_cards"]),
                                    material("申请书")])
    assert both_shares(item) == 0.5
    catalog.withdraw_entry(world["id_cards"], user=world["cataloguer"], reason="测试注销")
    assert both_shares(item) == 0.0
    assert not RequiredMaterial.objects.get(name="居民身份证").replaceable_by_sharing


def test_department_shares_are_pooled_and_sorted(world):
    create(world, materials=[material("居民身份证", "government", replaced_by=world["id_cards"]),
                             material("申请书")])
    create(world, base_code="000105002000", name="临时救助审批",
           materials=[material("居民身份证", "government", replaced_by=world["id_cards"]),
                      material("户口簿", "government", replaced_by=world["households"]),
                      material("申请书")])
    create(world, user="police_admin", department="police", base_code="000107001000", name="居民身份证换领",
           item_type="confirmation", materials=[material("居民身份证", "government", replaced_by=world["id_cards"])])
    create(world, user="police_admin", department="police", base_code="000107002000", name="户籍证明开具",
           item_type="public_service")  # no materials at all
    shares = services.department_shares(ServiceItem.objects.all())
    assert [(row.name, row.items, row.required, row.replaced) for row in shares] == [
        ("市公安局", 2, 1, 1), ("市民政局", 2, 5, 3),
    ]
    assert shares[1].share == pytest.approx(0.6)  # pooled 3/5, not the mean of 1/2 and 2/3
    # The same from an annotated, share-filtered queryset (as the list page and the API pass it).
    filtered = ServiceItem.objects.with_shares().filter(share__gte=0.6)
    assert [(row.name, row.items) for row in services.department_shares(filtered)] == [("市公安局", 1), ("市民政局", 1)]


def test_department_without_required_materials_sorts_last(world):
    create(world, materials=[material("申请书")])
    create(world, user="police_admin", department="police", base_code="000107002000", name="户籍证明开具")
    shares = services.department_shares(ServiceItem.objects.all())
    assert [row.name for row in shares] == ["市民政局", "市公安局"]
    assert shares[0].share == 0.0 and shares[1].share is None


# --- linking --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("resource", "message"), [
    ("draft", "只能关联已发布的资源目录"),
    ("withdrawn", "只能关联已发布的资源目录"),
    ("secret", "不予共享"),
])
def test_linking_refused_to_unpublished_or_not_shared_resources(world, resource, message):
    with pytest.raises(ValidationError) as caught:
        create(world, materials=[material("申请书"), material("证明", replaced_by=world[resource])])
    assert message in caught.value.message_dict["materials.1.replaced_by"][0]
    assert not ServiceItem.objects.exists()

    item = create(world, materials=[material("证明")])
    one = item.materials.get()
    with pytest.raises(ValidationError):
        services.link_material(one, world[resource], user=world["civil_admin"])
    one.refresh_from_db()
    assert one.replaced_by is None


def test_link_and_unlink_one_material(world):
    item = create(world, materials=[material("居民身份证", "government")])
    one = item.materials.get()
    services.link_material(one, world["id_cards"], user=world["civil_admin"])
    assert both_shares(item) == 1.0
    services.link_material(one, None, user=world["civil_admin"])
    assert both_shares(item) == 0.0
    with pytest.raises(PermissionDenied):
        services.link_material(one, world["id_cards"], user=world["police_admin"])


# --- rules ----------------------------------------------------------------------------------------------------

def test_rules_are_reported_by_field_and_row(world):
    with pytest.raises(ValidationError) as caught:
        create(world, name="", base_code="abc-1", implementation_code="x", item_type="bogus",
               materials=[material("申请书"), material("申请书", copies=0), material("", source="")])
    errors = caught.value.message_dict
    assert set(errors) == {
        "name", "base_code", "implementation_code", "item_type", "materials.1.name", "materials.1.copies",
        "materials.2.name", "materials.2.source",
    }


def test_codes_are_capitalised_and_unique(world):
    item = create(world, base_code=" 000105001000 ", implementation_code="11320900mb1234567x000105001000")
    assert item.implementation_code == "11320900MB1234567X000105001000"
    with pytest.raises(ValidationError) as caught:
        create(world, name="另一个", implementation_code="11320900MB1234567X000105001000")
    assert set(caught.value.message_dict) == {"base_code", "implementation_code"}
    # Another department may implement the same base item.
    create(world, user="police_admin", department="police")


def test_update_replaces_materials_keeping_ids_and_history(world):
    item = create(world, materials=[material("申请书"), material("居民身份证", "government")])
    kept = item.materials.get(name="居民身份证")
    services.update_item(item, user=world["civil_admin"], fields=item_fields(world["civil"], name="低保审批"),
                         materials=[material("居民身份证", "government", replaced_by=world["id_cards"]),
                                    material("收入证明")])
    item.refresh_from_db()
    assert item.name == "低保审批"
    assert [(m.pk == kept.pk, m.name, m.position) for m in item.materials.all()] == [
        (True, "居民身份证", 1), (False, "收入证明", 2)]
    change = ObjectChange.objects.filter(object_id=kept.pk, action="update").latest("time")
    assert change.user == world["civil_admin"]


# --- permissions ----------------------------------------------------------------------------------------------

def test_department_admin_manages_only_its_department(world):
    with pytest.raises(PermissionDenied):
        create(world, user="civil_admin", department="police")
    item = create(world)
    with pytest.raises(PermissionDenied):
        services.update_item(item, user=world["police_admin"], fields=item_fields(world["police"]), materials=[])
    with pytest.raises(PermissionDenied):
        services.update_item(item, user=world["civil_admin"], fields=item_fields(world["police"]), materials=[])
    with pytest.raises(PermissionDenied):
        services.delete_item(item, user=world["police_admin"])
    services.delete_item(item, user=world["platform_admin"])
    assert not ServiceItem.objects.exists()


def test_users_without_the_role_cannot_manage(world):
    with pytest.raises(PermissionDenied):
        create(world, user="reader", department="police")
    with pytest.raises(PermissionDenied):
        create(world, user="cataloguer", department="police")


def test_everyone_reads_department_admins_change_their_own(world):
    civil_item = create(world)
    police_item = create(world, user="police_admin", department="police")
    for user in ("reader", "police_admin", "civil_admin", "cataloguer"):
        assert ServiceItem.objects.restrict(world[user], "view").count() == 2
    assert list(ServiceItem.objects.restrict(world["civil_admin"], "change")) == [civil_item]
    assert list(ServiceItem.objects.restrict(world["police_admin"], "delete")) == [police_item]
    assert not ServiceItem.objects.restrict(world["reader"], "change").exists()
    assert ServiceItem.objects.restrict(world["platform_admin"], "change").count() == 2
