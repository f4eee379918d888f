"""The catalogue pages: browse and search, detail with history, the entry form and its rule messages, lifecycle
buttons, the review queue, duties, import and export, and query counts that do not grow with the data."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.catalog import services
from govshare.catalog.models import Classification, Resource, UpdateDuty
from govshare.core.testing import (
    catalog_fields,
    catalog_items,
    login_client,
    make_user,
)

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:resource_list")






def create(world, user="cataloguer", provider="police", items=None, **overrides):
    return services.create_entry(
        user=world[user], fields=catalog_fields(world[provider], **overrides),
        items=catalog_items() if items is None else items,
    )


def publish(world, resource, user="cataloguer"):
    services.submit_entry(resource, user=world[user])
    services.approve_entry(resource, user=world["reviewer"])
    resource.refresh_from_db()
    return resource


def form_data(provider, classification_code="201", items=None, action="save", **overrides):
    """POST data of the entry form: fields plus the info item formset (three rows unless given)."""
    classification = Classification.objects.get(full_code=classification_code)
    data = {
        "classification": classification.pk,
        "name": "企业登记信息",
        "provider": provider.pk,
        "provider_office": "",
        "source_system": "企业登记系统",
        "abstract": "记录本市企业的登记注册信息。",
        "format_category": "database",
        "format_type": "PostgreSQL",
        "share_type": "unconditional",
        "share_condition": "",
        "share_basis": "",
        "share_mode": "table",
        "open_type": "not_open",
        "open_condition": "",
        "update_cycle": "daily",
        "related_codes": "",
        "description": "",
        "action": action,
    }
    data.update(overrides)
    rows = items if items is not None else [
        {"name": "统一社会信用代码", "code": "TYSHXYDM", "data_type": "C", "length": "18"},
        {"name": "企业名称", "code": "QYMC", "data_type": "C", "length": "200"},
        {"name": "", "code": "", "data_type": "C", "length": ""},  # an empty row, skipped
    ]
    data.update({"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
                 "items-MAX_NUM_FORMS": "1000"})
    for index, row in enumerate(rows):
        for key in ("name", "code", "data_type", "length", "description", "share_type", "share_condition",
                    "open_type"):
            data[f"items-{index}-{key}"] = row.get(key, "")
        for key in ("is_sensitive", "is_basic", "DELETE"):
            if row.get(key):
                data[f"items-{index}-{key}"] = "on"
    return data


def text(response):
    return response.content.decode()


# --- Browse and search --------------------------------------------------------------------------------------------


def test_list_renders_with_chinese_labels_and_facets(world):
    publish(world, create(world, name="企业登记信息"))
    create(world, name="户籍人口信息", classification_code="101", share_type="conditional",
           share_condition="仅限政务服务使用", items=catalog_items(share_type="conditional"))
    response = login_client(world["cataloguer"]).get(LIST)
    assert response.status_code == 200
    body = text(response)
    for label in ("资源目录", "资源代码", "资源提供方", "共享类型", "开放属性", "更新周期", "发布日期",
                  "企业登记信息", "户籍人口信息", "无条件共享", "有条件共享", "已发布", "编目中", "每日"):
        assert label in body, label
    # the facet sidebar counts by provider, classification 项 and share type
    assert "市公安局" in body and "201 公共服务" in body and "101 人口" in body


def test_facets_filter_the_list(world):
    create(world, name="企业登记信息")
    create(world, name="户籍人口信息", share_type="conditional", share_condition="仅限政务服务使用",
           items=catalog_items(share_type="conditional"))
    create(world, name="市场主体信息", user="other_cataloguer", provider="market")
    client = login_client(world["platform_admin"])
    body = text(client.get(LIST, {"share_type": "conditional"}))
    assert "户籍人口信息" in body and "企业登记信息" not in body

    body = text(client.get(LIST, {"provider_id": world["market"].pk}))
    assert "市场主体信息" in body and "企业登记信息" not in body

    # HTMX gets only the results partial (facets, table, pagination) and the hidden search parameters
    response = client.get(LIST, {"classification": "201"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results")
    body = text(response)
    assert "<html" not in body and "catalog-browse" in body and 'hx-swap-oob="true"' in body
    assert 'name="classification" value="201"' in body


def test_search_finds_by_chinese_word(world):
    publish(world, create(world, name="居民电子证照信息", classification_code="105",
                          abstract="居民身份证、户口簿等电子证照的目录信息。"))
    publish(world, create(world, name="企业登记信息"))
    client = login_client(world["other_cataloguer"])
    body = text(client.get(LIST, {"q": "电子证照"}))
    assert "居民电子证照信息" in body and "企业登记信息" not in body
    assert "相关度" in body  # relevance is the order of a search
    # the search page is the same list, with the search box first
    response = client.get(reverse("catalog:resource_search"), {"q": "证照"})
    assert response.status_code == 200 and "居民电子证照信息" in text(response)
    assert "autofocus" in text(response)


def test_search_total_beyond_the_count_cap_reads_plus(world, monkeypatch):
    from govshare.catalog import search

    for name in ("企业登记信息", "企业年报信息", "企业变更信息"):
        publish(world, create(world, name=name))
    client = login_client(world["platform_admin"])
    assert "共找到<strong>3</strong>条" in text(client.get(LIST, {"q": "企业"}))
    # The cap is a configuration of the search module; lowered, the same search stops counting at it.
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    assert "共找到<strong>2+</strong>条" in text(client.get(LIST, {"q": "企业"}))
    # Sorting by name counts every match exactly.
    assert "共找到<strong>3</strong>条" in text(client.get(LIST, {"q": "企业", "sort": "name"}))


def test_list_hides_other_departments_drafts(world):
    create(world, name="公安内部草稿")
    body = text(login_client(world["other_cataloguer"]).get(LIST))
    assert "公安内部草稿" not in body


# --- Detail -------------------------------------------------------------------------------------------------------


def test_detail_shows_items_and_history_diff_after_an_approved_change(world):
    resource = publish(world, create(world, name="企业登记信息"))
    fields = catalog_fields(world["police"], name="企业登记注册信息", update_cycle="weekly")
    items = catalog_items("统一社会信用代码", "企业名称", "注册资本")
    services.update_entry(resource, user=world["cataloguer"], fields=fields, items=items, change_summary="增加注册资本")
    services.submit_entry(resource, user=world["cataloguer"])
    services.approve_entry(resource, user=world["reviewer"], comment="同意")

    client = login_client(world["cataloguer"])
    url = reverse("catalog:resource_detail", args=[resource.pk])
    body = text(client.get(url))
    assert "企业登记注册信息" in body and "注册资本" in body and "统一社会信用代码" in body
    assert "公共服务" in body and "主题信息资源" in body and world["police"].credit_code in body

    body = text(client.get(url, {"tab": "history"}))
    assert "v1" in body and "v2" in body and "现行版本" in body and "历史版本" in body
    assert "资源名称" in body and "企业登记信息" in body and "企业登记注册信息" in body  # field before → after
    assert "每日" in body and "每周" in body  # choice labels, not values
    assert "新增信息项" in body and "注册资本" in body and "法定代表人" in body  # added and removed items
    assert "同意" in body and "增加注册资本" in body

    body = text(client.get(url, {"tab": "changelog"}))
    assert "变更历史" in body


def test_detail_is_404_for_another_departments_draft(world):
    resource = create(world)
    response = login_client(world["other_cataloguer"]).get(reverse("catalog:resource_detail", args=[resource.pk]))
    assert response.status_code == 404


# --- Create and edit ----------------------------------------------------------------------------------------------


def test_create_with_inline_items(world):
    client = login_client(world["cataloguer"])
    response = client.get(reverse("catalog:resource_add"))
    body = text(response)
    assert response.status_code == 200
    assert "保存草稿" in body and "保存并提交审核" in body and "201 公共服务" in body
    assert 'name="items-2-name"' in body  # three empty rows to start
    assert "format-types-database" in body and "KingbaseES" in body

    response = client.post(reverse("catalog:resource_add"), form_data(world["police"]))
    assert response.status_code == 302, text(response)
    resource = Resource.objects.get(name="企业登记信息")
    assert resource.provider == world["police"] and resource.status == "draft"
    assert [item.name for item in resource.items.order_by("position")] == ["统一社会信用代码", "企业名称"]
    # a blank item share/open type means "the same as the resource"
    assert {item.share_type for item in resource.items.all()} == {"unconditional"}


def test_create_and_submit(world):
    client = login_client(world["cataloguer"])
    response = client.post(reverse("catalog:resource_add"), form_data(world["police"], action="submit"))
    assert response.status_code == 302
    assert Resource.objects.get(name="企业登记信息").status == "submitted"


def test_rule_violation_is_shown_next_to_the_field_and_keeps_values(world):
    client = login_client(world["cataloguer"])
    data = form_data(world["police"], name="我输入的名称", share_type="conditional", share_condition="")
    response = client.post(reverse("catalog:resource_add"), data)
    assert response.status_code == 200
    body = text(response)
    assert "有条件共享的资源必须填写共享条件" in body
    assert 'value="我输入的名称"' in body and 'value="TYSHXYDM"' in body
    assert not Resource.objects.exists()
    form = response.context["form"]
    assert "有条件共享的资源必须填写共享条件" in form.errors["share_condition"]


def test_item_more_open_than_resource_is_shown_on_its_row(world):
    client = login_client(world["cataloguer"])
    items = [
        {"name": "统一社会信用代码", "data_type": "C", "share_type": "unconditional"},
        {"name": "", "data_type": "C"},  # an empty row between: the error must still land on the right row
        {"name": "企业名称", "data_type": "C", "share_type": "unconditional", "open_type": "unconditional"},
    ]
    response = client.post(reverse("catalog:resource_add"), form_data(world["police"], items=items))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "开放属性不能比资源更开放" in str(formset.forms[2].errors["open_type"])
    assert not formset.forms[0].errors and not formset.forms[1].errors
    assert "信息项“企业名称”的开放属性不能比资源更开放" in text(response)


def test_no_items_is_reported_on_the_item_table(world):
    client = login_client(world["cataloguer"])
    data = form_data(world["police"], items=[{"name": "", "data_type": "C"}])
    response = client.post(reverse("catalog:resource_add"), data)
    assert response.status_code == 200
    assert "至少需要一个信息项" in text(response)


def test_cataloguer_of_another_department_cannot_edit(world):
    draft = create(world)
    published = publish(world, create(world, name="企业年报信息"))
    client = login_client(world["other_cataloguer"])
    assert client.get(reverse("catalog:resource_edit", args=[draft.pk])).status_code == 404
    response = client.get(reverse("catalog:resource_edit", args=[published.pk]))
    assert response.status_code == 403
    assert "无权修改此目录" in text(response)
    response = client.post(reverse("catalog:resource_edit", args=[published.pk]), form_data(world["market"]))
    assert response.status_code == 403


def test_user_without_cataloguer_role_cannot_add(world):
    response = login_client(world["reviewer"]).get(reverse("catalog:resource_add"))
    assert response.status_code == 403


def test_published_entry_edit_creates_a_pending_change(world):
    resource = publish(world, create(world, name="企业登记信息"))
    client = login_client(world["cataloguer"])
    url = reverse("catalog:resource_edit", args=[resource.pk])
    body = text(client.get(url))
    assert "本目录已发布" in body and "变更说明" in body

    data = form_data(world["police"], name="企业登记信息（新）", change_summary="改名")
    response = client.post(url, data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.name == "企业登记信息"  # the published content is unchanged until approved

    detail = reverse("catalog:resource_detail", args=[resource.pk])
    body = text(client.get(detail))
    assert "修改中" in body and "企业登记信息" in body and "企业登记信息（新）" not in body
    # the edit form starts from the pending change
    assert 'value="企业登记信息（新）"' in text(client.get(url))

    client.post(reverse("catalog:resource_submit", args=[resource.pk]))
    body = text(client.get(detail))
    assert "变更审核中" in body
    body = text(client.get(detail, {"tab": "change"}))
    assert "企业登记信息（新）" in body and "改名" in body
    # in review the entry cannot be edited
    assert client.get(url).status_code == 302


# --- Lifecycle -----------------------------------------------------------------------------------------------------


def test_return_needs_a_reason_and_shows_it(world):
    resource = create(world)
    services.submit_entry(resource, user=world["cataloguer"])
    reviewer = login_client(world["reviewer"])
    url = reverse("catalog:resource_return", args=[resource.pk])
    response = reviewer.post(url, {"reason": "  "}, follow=True)
    assert "退回必须填写理由" in text(response)
    resource.refresh_from_db()
    assert resource.status == "submitted"

    response = reviewer.post(url, {"reason": "共享条件表述不清"}, follow=True)
    resource.refresh_from_db()
    assert resource.status == "returned"
    body = text(login_client(world["cataloguer"]).get(reverse("catalog:resource_detail", args=[resource.pk])))
    assert "已退回：共享条件表述不清" in body


def test_approve_assigns_a_code_and_shows_it(world):
    resource = create(world)
    services.submit_entry(resource, user=world["cataloguer"])
    reviewer = login_client(world["reviewer"])
    detail = reverse("catalog:resource_detail", args=[resource.pk])
    body = text(reviewer.get(detail))
    assert "审核通过" in body and "退回理由" in body
    response = reviewer.post(reverse("catalog:resource_approve", args=[resource.pk]), {"comment": "同意"},
                             follow=True)
    resource.refresh_from_db()
    assert resource.status == "published" and resource.code == "201/000001"
    assert "201/000001" in text(response)


def test_reviewer_of_another_jurisdiction_gets_403(world):
    resource = publish(world, create(world, name="企业登记信息"))
    services.update_entry(resource, user=world["cataloguer"], fields=catalog_fields(world["police"], name="新名称"),
                          items=catalog_items())
    services.submit_entry(resource, user=world["cataloguer"])
    response = login_client(world["other_reviewer"]).post(
        reverse("catalog:resource_approve", args=[resource.pk]), {"comment": ""}
    )
    assert response.status_code == 403
    assert "无权审核此目录" in text(response)


def test_withdraw_and_discard(world):
    resource = publish(world, create(world))
    client = login_client(world["cataloguer"])
    services.update_entry(resource, user=world["cataloguer"], fields=catalog_fields(world["police"], name="新名称"),
                          items=catalog_items())
    response = client.post(reverse("catalog:resource_discard_change", args=[resource.pk]), follow=True)
    assert "已放弃变更" in text(response)
    assert services.pending_version(resource) is None

    response = client.post(reverse("catalog:resource_withdraw", args=[resource.pk]), {"reason": ""}, follow=True)
    assert "注销必须填写原因" in text(response)
    client.post(reverse("catalog:resource_withdraw", args=[resource.pk]), {"reason": "职能调整，不再产生该数据"})
    resource.refresh_from_db()
    assert resource.status == "withdrawn"
    assert "职能调整，不再产生该数据" in text(client.get(reverse("catalog:resource_detail", args=[resource.pk])))


def test_lifecycle_endpoints_refuse_get(world):
    resource = create(world)
    response = login_client(world["cataloguer"]).get(reverse("catalog:resource_submit", args=[resource.pk]))
    assert response.status_code == 405


# --- Review queue ---------------------------------------------------------------------------------------------------


def test_review_queue_lists_the_submitted_entry_for_the_right_reviewer(world):
    resource = create(world, name="待审核的企业信息")
    services.submit_entry(resource, user=world["cataloguer"])
    create(world, name="仍在编目的信息")
    queue = reverse("catalog:review_queue")
    body = text(login_client(world["reviewer"]).get(queue))
    assert "待审核的企业信息" in body and "仍在编目的信息" not in body and "新编目录" in body
    body = text(login_client(world["other_reviewer"]).get(queue))
    assert "待审核的企业信息" not in body
    assert login_client(world["cataloguer"]).get(queue).status_code == 403


# --- Update duties ----------------------------------------------------------------------------------------------------


def test_duties_list_add_and_complete(world):
    admin = login_client(world["dept_admin"])
    response = admin.post(reverse("catalog:duty_add"), {
        "kind": "law", "title": "《盐城市公共数据管理办法》施行", "occurred_on": "2026-03-02", "description": "",
    })
    assert response.status_code == 302, text(response)
    duty = UpdateDuty.objects.get()
    assert duty.department == world["police"] and duty.due_on > datetime.date(2026, 3, 2)
    body = text(admin.get(reverse("catalog:duty_list")))
    assert "《盐城市公共数据管理办法》施行" in body and "法律法规变化" in body
    assert "已逾期" in body or "剩余" in body

    admin.post(reverse("catalog:duty_complete", args=[duty.pk]))
    duty.refresh_from_db()
    assert duty.completed_on is not None
    assert "已完成" in text(admin.get(reverse("catalog:duty_list"), {"state": "done"}))
    # a cataloguer cannot record duties
    assert login_client(world["cataloguer"]).get(reverse("catalog:duty_add")).status_code == 403


# --- Import and export ------------------------------------------------------------------------------------------------


def _workbook(rows):
    from openpyxl import Workbook

    from govshare.catalog.excel import ITEM_COLUMNS, ITEM_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = RESOURCE_SHEET
    sheet.append([column.header for column in RESOURCE_COLUMNS])
    for row in rows:
        sheet.append([row.get(column.header, "") for column in RESOURCE_COLUMNS])
    items = workbook.create_sheet(ITEM_SHEET)
    items.append([column.header for column in ITEM_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "目录.xlsx"
    return buffer


def test_import_page_with_a_bad_file_shows_row_and_column_errors(world):
    client = login_client(world["cataloguer"])
    assert client.get(reverse("catalog:resource_import")).status_code == 200
    bad = _workbook([{"序号": 1, "资源名称": "企业登记信息", "共享类型": "随便共享"}])
    response = client.post(reverse("catalog:resource_import"), {"file": bad})
    assert response.status_code == 200
    body = text(response)
    assert "文件未导入" in body and "信息资源" in body and "下载错误报告" in body
    errors = response.context["result"]["errors"]
    assert errors and all(error["row"] == 2 for error in errors if error["sheet"] == "信息资源")
    assert any(error["column"] == "共享类型" for error in errors)
    assert not Resource.objects.exists()

    report = client.get(reverse("catalog:resource_import_report", args=[response.context["job"]]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")


def test_import_rejects_other_files(world):
    client = login_client(world["cataloguer"])
    upload = io.BytesIO(b"name,code\n")
    upload.name = "目录.csv"
    response = client.post(reverse("catalog:resource_import"), {"file": upload})
    assert "请上传 .xlsx 格式的 Excel 工作簿" in text(response)


def test_export_and_template_download(world):
    publish(world, create(world, name="企业登记信息"))
    client = login_client(world["cataloguer"])
    response = client.get(reverse("catalog:resource_export"), {"share_type": "unconditional"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    names = [row[2] for row in workbook["信息资源"].iter_rows(min_row=2, values_only=True)]
    assert "企业登记信息" in [str(name) for name in names] or any("企业登记信息" in str(n) for n in names)
    response = client.get(reverse("catalog:resource_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


# --- Query counts ---------------------------------------------------------------------------------------------------


def _make_many(world, count, start=0):
    for index in range(start, start + count):
        resource = create(world, name=f"测试资源{index:03d}")
        if index % 2 == 0:
            publish(world, resource)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_uses_a_constant_number_of_queries(world):
    client = login_client(world["cataloguer"])
    _make_many(world, 3)
    few = _queries(client, LIST)
    few_search = _queries(client, LIST, {"q": "测试资源"})
    _make_many(world, 27, start=3)
    assert _queries(client, LIST) <= few
    assert _queries(client, LIST, {"q": "测试资源"}) <= few_search


def test_detail_uses_a_constant_number_of_queries(world):
    client = login_client(world["cataloguer"])
    small = publish(world, create(world, name="小目录", items=catalog_items("甲", "乙", "丙")))
    big = publish(world, create(world, name="大目录", items=catalog_items(*[f"信息项{i}" for i in range(30)])))
    for _round in range(3):
        for resource in (small, big):
            services.update_entry(resource, user=world["cataloguer"],
                                  fields=catalog_fields(world["police"], name=f"{resource.name}{_round}"),
                                  items=[*catalog_items(*[item.name for item in resource.items.all()]),
                                         *catalog_items(f"新增{_round}")])
            publish(world, resource)
    for tab in ("info", "history", "changelog"):
        small_count = _queries(client, reverse("catalog:resource_detail", args=[small.pk]), {"tab": tab})
        big_count = _queries(client, reverse("catalog:resource_detail", args=[big.pk]), {"tab": tab})
        assert big_count <= small_count, tab


def test_big_import_runs_in_the_background_and_shows_its_result(world, monkeypatch):
    from govshare.catalog import views
    from govshare.catalog.tasks import import_catalog_task

    monkeypatch.setattr(views, "SYNC_IMPORT_LIMIT", 100)  # every test file counts as big
    # run the task in-process, as a worker would
    monkeypatch.setattr(import_catalog_task, "delay", lambda *args: import_catalog_task.apply(args=args))
    client = login_client(world["cataloguer"])
    bad = _workbook([{"序号": 1, "资源名称": "企业登记信息", "共享类型": "随便共享"}])
    response = client.post(reverse("catalog:resource_import"), {"file": bad})
    assert response.status_code == 302
    status_url = response["Location"]
    # the worker has written its result into the job directory
    response = client.get(status_url)
    body = text(response)
    assert "文件未导入" in body and "共享类型" in body and "下载错误报告" in body
    # the polling request gets only the status card
    response = client.get(status_url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-status")
    assert "<html" not in text(response) and 'id="import-status"' in text(response)
    # another user cannot see the job
    assert login_client(world["other_cataloguer"]).get(status_url).status_code == 404


def test_platform_admin_chooses_the_provider_and_its_offices(world):
    from govshare.organizations.models import Office

    office = Office.objects.create(department=world["market"], name="登记注册处")
    client = login_client(world["platform_admin"])
    body = text(client.get(reverse("catalog:resource_add")))
    assert "市市场监管局" in body and "市公安局" in body and 'hx-get="/catalog/offices/"' in body
    body = text(client.get(reverse("catalog:office_options"), {"provider": world["market"].pk}))
    assert "登记注册处" in body
    data = form_data(world["market"], provider_office=office.pk)
    response = client.post(reverse("catalog:resource_add"), data)
    assert response.status_code == 302, text(response)
    assert Resource.objects.get().provider_office == office


def test_duplicate_item_names_are_shown_on_the_second_row(world):
    items = [{"name": "企业名称", "data_type": "C"}, {"name": "企业名称", "data_type": "C"}]
    response = login_client(world["cataloguer"]).post(reverse("catalog:resource_add"),
                                                      form_data(world["police"], items=items))
    formset = response.context["formset"]
    assert not formset.forms[0].errors
    assert "与第1项重复" in str(formset.forms[1].errors["name"])


def test_published_entry_offers_each_department_its_sharing_step(world):
    consumer = make_user("shiyong", world["market"], roles=["data_consumer"])
    provider = make_user("tigong", world["police"], roles=["data_provider"])
    open_entry = publish(world, create(world, name="无条件资源"))
    conditional = publish(world, create(
        world, name="有条件资源", share_type="conditional", share_condition="仅限办案",
        items=catalog_items(share_type="conditional"),
    ))
    open_url = reverse("catalog:resource_detail", args=[open_entry.pk])
    conditional_url = reverse("catalog:resource_detail", args=[conditional.pk])

    page = text(login_client(consumer).get(open_url))
    assert "订阅" in page and "提出疑义" in page and "数据挂接" not in page and "使用数据" not in page
    assert "申请共享" in text(login_client(consumer).get(conditional_url))
    assert "数据挂接" in text(login_client(provider).get(open_url))
    assert "订阅" not in text(login_client(provider).get(open_url))

    login_client(consumer).post(reverse("sharing:subscribe"), {"resource": open_entry.pk})
    page = text(login_client(consumer).get(open_url))
    assert "使用数据" in page and "订阅" not in page
