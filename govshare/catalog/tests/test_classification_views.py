"""The classification pages: the tree with resource counts, adding a child, renaming and deleting, and who may."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.catalog import services
from govshare.catalog.models import Classification
from govshare.core.testing import catalog_fields, catalog_items, login_client, make_department, make_user

pytestmark = pytest.mark.django_db

LIST_URL = reverse("catalog:classification_list")
ADD_URL = reverse("catalog:classification_add")


@pytest.fixture
def department():
    return make_department("市公安局")


@pytest.fixture
def admin():
    return make_user("fenlei-admin", roles=["platform_admin"])


@pytest.fixture
def cataloguer(department):
    return make_user("fenlei-bianmu", department, roles=["cataloguer"])


def node(code):
    return Classification.objects.get(full_code=code)


def add_child(parent_code, segment, name):
    return Classification.objects.create(parent=node(parent_code), segment=segment, name=name)


def create_entry(user, code, name="企业登记信息"):
    return services.create_entry(
        user=user, fields=catalog_fields(user.department, classification_code=code, name=name), items=catalog_items()
    )


def test_tree_lists_every_node_indented_with_resource_counts(cataloguer):
    add_child("201", "001", "市公安局")
    create_entry(cataloguer, "201001")
    create_entry(cataloguer, "201", name="户籍信息")
    response = login_client(cataloguer).get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="c-201001" class="tree-row tree-level-3"' in html
    assert 'id="c-2" class="tree-row tree-level-1"' in html
    nodes = {item.full_code: item for item in response.context["nodes"]}
    assert (nodes["201001"].resource_count, nodes["201001"].total_count) == (1, 1)
    assert (nodes["201"].resource_count, nodes["201"].total_count, nodes["201"].child_count) == (1, 2, 1)
    assert nodes["2"].total_count == 2
    assert nodes["1"].total_count == 0
    # Read-only for a cataloguer: no form, no actions.
    assert response.context["form"] is None
    assert ADD_URL not in html
    assert "/delete/" not in html


def test_counts_only_resources_the_user_may_see(cataloguer):
    create_entry(cataloguer, "201")
    stranger = make_user("fenlei-other", make_department("市市场监管局"), roles=["cataloguer"])
    nodes = {item.full_code: item for item in login_client(stranger).get(LIST_URL).context["nodes"]}
    assert nodes["201"].resource_count == 0  # a draft of another department


def test_tree_uses_a_constant_number_of_queries(admin, cataloguer):
    client = login_client(admin)
    client.get(LIST_URL)  # warm the session and content types

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL).status_code == 200
        return len(queries)

    before = count()
    for index in range(1, 6):
        child = add_child("201", f"{index:03d}", f"部门{index}")
        Classification.objects.create(parent=child, segment="1", name="细目")
        create_entry(cataloguer, child.full_code, name=f"资源{index}")
    assert count() == before


def test_only_platform_admins_change_the_tree(cataloguer):
    client = login_client(cataloguer)
    data = {"parent": node("201").pk, "segment": "001", "name": "市公安局"}
    assert client.post(ADD_URL, data).status_code == 403
    assert client.get(reverse("catalog:classification_edit", args=[node("201").pk])).status_code == 403
    assert client.post(reverse("catalog:classification_edit", args=[node("201").pk]), {"name": "x"}).status_code == 403
    assert client.post(reverse("catalog:classification_delete", args=[node("105").pk])).status_code == 403
    assert not Classification.objects.filter(full_code="201001").exists()
    assert node("201").name == "公共服务"
    assert Classification.objects.filter(full_code="105").exists()


def test_admin_adds_a_child_with_a_computed_code(admin):
    client = login_client(admin)
    assert client.get(LIST_URL, {"parent": node("201").pk}).context["form"]["parent"].value() == node("201").pk
    response = client.post(ADD_URL, {"parent": node("201").pk, "segment": "001", "name": "市公安局"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}#c-201001"
    created = node("201001")
    assert (created.level, created.segment, created.parent.full_code) == (3, "001", "201")

    response = client.post(ADD_URL, {"parent": created.pk, "segment": "12", "name": "户籍"})
    assert response.status_code == 302
    assert node("20100112").level == 4


@pytest.mark.parametrize(
    ("parent", "segment", "message"),
    [
        ("2", "1", "项的本级代码应为 2 位数字"),
        ("201", "01", "目的本级代码应为 3 位数字"),
        ("201", "0001", "目的本级代码应为 3 位数字"),
        ("201", "0a1", "本级代码只能由数字组成"),
        ("201", "０01", "本级代码只能由数字组成"),
    ],
)
def test_segment_width_and_digits_are_validated(admin, parent, segment, message):
    response = login_client(admin).post(ADD_URL, {"parent": node(parent).pk, "segment": segment, "name": "新分类"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Classification.objects.count() == 26  # the seeded tree only


def test_fine_item_segment_is_one_to_four_digits(admin):
    client = login_client(admin)
    target = add_child("201", "001", "市公安局")
    response = client.post(ADD_URL, {"parent": target.pk, "segment": "12345", "name": "细目"})
    assert "细目的本级代码应为 1–4 位数字" in response.content.decode()
    assert client.post(ADD_URL, {"parent": target.pk, "segment": "1234", "name": "细目"}).status_code == 302


def test_parent_must_not_be_a_fine_item(admin):
    target = add_child("201", "001", "市公安局")
    leaf = Classification.objects.create(parent=target, segment="1", name="细目")
    response = login_client(admin).post(ADD_URL, {"parent": leaf.pk, "segment": "1", "name": "第五级"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert not Classification.objects.filter(level=5).exists()


def test_duplicate_code_is_refused_with_a_clear_message(admin):
    response = login_client(admin).post(ADD_URL, {"parent": node("2").pk, "segment": "01", "name": "重复"})
    assert response.status_code == 200
    assert "分类代码“201”已被“公共服务”使用，请换一个本级代码" in response.content.decode()
    assert Classification.objects.filter(full_code="201").count() == 1


def test_admin_renames_but_cannot_recode(admin):
    target = add_child("201", "001", "市公安局")
    url = reverse("catalog:classification_edit", args=[target.pk])
    response = login_client(admin).post(url, {"name": "市公安局（更名）", "segment": "999"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.name, target.full_code) == ("市公安局（更名）", "201001")


def test_delete_is_refused_while_children_or_resources_remain(admin, cataloguer):
    client = login_client(admin)
    parent = add_child("201", "001", "市公安局")
    child = Classification.objects.create(parent=parent, segment="1", name="细目")
    create_entry(cataloguer, child.full_code)

    response = client.get(reverse("catalog:classification_delete", args=[parent.pk]))
    html = response.content.decode()
    assert "该分类不能删除" in html
    assert "该分类下还有 1 个下级分类，请先删除下级分类" in html
    response = client.post(reverse("catalog:classification_delete", args=[parent.pk]), follow=True)
    assert "该分类下还有 1 个下级分类" in response.content.decode()

    response = client.post(reverse("catalog:classification_delete", args=[child.pk]), follow=True)
    assert "该分类下还有 1 条资源目录，不能删除" in response.content.decode()
    assert Classification.objects.filter(pk__in=[parent.pk, child.pk]).count() == 2


def test_delete_is_refused_while_a_pending_change_moves_an_entry_to_it(admin, cataloguer, department):
    target = add_child("201", "001", "市公安局")
    reviewer = make_user("fenlei-shenhe", make_department("市大数据管理局", competent=True), roles=["reviewer"])
    resource = create_entry(cataloguer, "201")
    services.submit_entry(resource, user=cataloguer)
    services.approve_entry(resource, user=reviewer)
    resource.refresh_from_db()
    fields = catalog_fields(department, classification_code="201001")
    services.update_entry(resource, user=cataloguer, fields=fields, items=catalog_items(), change_summary="改分类")
    assert not target.resources.exists()  # published content is unchanged until the change is approved

    response = login_client(admin).post(reverse("catalog:classification_delete", args=[target.pk]), follow=True)
    assert "有 1 条编制中或审核中的目录变更使用该分类，不能删除" in response.content.decode()
    assert Classification.objects.filter(pk=target.pk).exists()


def test_admin_deletes_an_unused_leaf(admin):
    target = add_child("201", "001", "市公安局")
    client = login_client(admin)
    assert "确认删除" in client.get(reverse("catalog:classification_delete", args=[target.pk])).content.decode()
    response = client.post(reverse("catalog:classification_delete", args=[target.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}#c-201"
    assert not Classification.objects.filter(pk=target.pk).exists()
