"""Pages of the core app: login required, security headers, language switch, dashboard, change log, generic lists."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.catalog.models import InfoItem, Resource
from govshare.core.models import ObjectChange
from govshare.core.testing import catalog_fields, make_department, make_jurisdiction, make_user
from govshare.organizations.models import Department

PASSWORD = "Govshare#2026"  # the password of govshare.core.testing.make_user


def make_resource(department, index, status="published", share_type="unconditional", items=2):
    """A catalogue entry of the department with `items` info items."""
    fields = catalog_fields(department, name=f"资源{index}", status=status, share_type=share_type)
    resource = Resource.objects.create(**fields)
    for position in range(items):
        InfoItem.objects.create(
            resource=resource, position=position, name=f"字段{position}", data_type="C",
            share_type=share_type, open_type="not_open",
        )
    return resource




@pytest.fixture
def city():
    return make_jurisdiction()


@pytest.fixture
def department(city):
    return make_department("市大数据局", city, competent=True)


# --- login required, headers ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "changelog", "user_list", "token_list", "organizations:department_list"])
def test_pages_redirect_anonymous_users_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
def test_base_page_has_csp_and_no_inline_code(client, department):
    client.force_login(make_user("viewer", department))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "htmx and govshare.js are loaded"
    assert all(" src=" in tag for tag in scripts), scripts
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    # HTMX is vendored locally and gets the CSRF token from the page.
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert '<meta name="csrf-token"' in html


@pytest.mark.django_db
def test_language_switch_to_english_changes_labels(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "密码" in response.content.decode()
    assert 'lang="zh-CN"' in response.content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("login")})
    assert response.status_code == 302

    html = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in html
    assert "Password" in html
    assert "密码</label>" not in html


@pytest.mark.django_db
def test_language_switch_form_posts_with_csrf(client, department):
    client.force_login(make_user("viewer", department))
    html = client.get(reverse("home")).content.decode()
    form = re.search(r'<form class="lang-switch" action="/i18n/setlang/" method="post">(.*?)</form>', html, re.S)
    assert form and "csrfmiddlewaretoken" in form.group(1)


# --- navigation -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_navigation_follows_roles(client, department):
    client.force_login(make_user("plain", department))
    html = client.get(reverse("home")).content.decode()
    assert reverse("token_list") in html
    assert f'href="{reverse("changelog")}"' not in html
    assert f'href="{reverse("user_list")}"' not in html

    client.force_login(make_user("auditor", department, roles=["audit_admin"]))
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("changelog")}"' in html


# --- dashboard ------------------------------------------------------------------------------------------------


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_dashboard_counts_and_share_split(client, department):
    make_resource(department, 1, share_type="unconditional")
    make_resource(department, 2, share_type="unconditional")
    make_resource(department, 3, share_type="conditional")
    make_resource(department, 4, share_type="not_shared")
    make_resource(department, 5, status="submitted")
    make_resource(department, 6, status="draft", items=0)
    client.force_login(make_user("viewer", department))
    response = client.get(reverse("home"))
    context = response.context
    assert context["published_count"] == 4
    assert context["submitted_count"] == 1
    assert context["draft_count"] == 1
    assert context["info_item_count"] == 10
    assert [part["count"] for part in context["share_split"]] == [2, 1, 1]
    assert [part["percent"] for part in context["share_split"]] == [50, 25, 25]
    assert sum(part["percent"] for part in context["share_split"]) == 100
    html = response.content.decode()
    assert "w-50" in html and "共享类型分布" in html


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_resources(client, department, django_assert_max_num_queries):
    other = make_department(jurisdiction=department.jurisdiction)
    reviewer = make_user("reviewer", department, roles=["reviewer"])
    client.force_login(reviewer)
    for i in range(5):
        make_resource(department if i % 2 else other, i, status=["published", "submitted", "returned"][i % 3])
    with django_assert_max_num_queries(25):
        small, response = _dashboard_queries(client)
    assert response.context["review_items"]
    for i in range(5, 50):
        make_resource(department if i % 2 else other, i, status=["published", "submitted", "returned"][i % 3])
    with django_assert_max_num_queries(25):
        large, response = _dashboard_queries(client)
    assert large == small
    assert response.context["stats"]["total"] == 50


@pytest.mark.django_db
def test_dashboard_shows_returned_entries_of_my_department(client, department):
    make_resource(department, 1, status="returned")
    make_resource(make_department(jurisdiction=department.jurisdiction), 2, status="returned")
    client.force_login(make_user("cataloguer", department, roles=["cataloguer"]))
    response = client.get(reverse("home"))
    assert [r.name for r in response.context["returned_items"]] == ["资源1"]


# --- change log -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changelog_only_for_audit_and_platform_admins(client, department):
    department.contact_name = "王五"
    department.save()
    client.force_login(make_user("plain", department, roles=["cataloguer"]))
    assert client.get(reverse("changelog")).status_code == 403

    client.force_login(make_user("auditor", department, roles=["audit_admin"]))
    response = client.get(reverse("changelog"))
    assert response.status_code == 200
    assert "市大数据局" in response.content.decode()
    # Read-only: no way to post to it.
    assert client.post(reverse("changelog")).status_code == 405

    change = ObjectChange.objects.filter(action="update").first()
    detail = client.get(reverse("changelog_detail", args=[change.pk]))
    assert detail.status_code == 200
    assert "王五" in detail.content.decode()


@pytest.mark.django_db
def test_changelog_filters_by_action(client, department):
    department.contact_name = "王五"
    department.save()
    client.force_login(make_user("auditor", department, roles=["audit_admin"]))
    response = client.get(reverse("changelog"), {"action": "update"})
    rows = list(response.context["table"].data)
    assert rows and all(row.action == "update" for row in rows)


@pytest.mark.django_db
def test_object_history_panel_shows_diff(client, department):
    department.contact_phone = "0515-1234567"
    department.save()
    client.force_login(make_user("viewer", department))
    html = client.get(reverse("organizations:department_detail", args=[department.pk])).content.decode()
    assert "变更历史" in html
    assert "0515-1234567" in html
    assert 'class="diff-after"' in html


# --- generic list view --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_view_htmx_returns_only_the_table(client, department):
    make_department("市公安局", department.jurisdiction)
    client.force_login(make_user("viewer", department))
    url = reverse("organizations:department_list")
    full = client.get(url, {"q": "公安"})
    assert "<html" in full.content.decode()
    partial = client.get(url, {"q": "公安"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    html = partial.content.decode()
    assert "<html" not in html and "<table" in html
    assert "市公安局" in html and "市大数据局" not in html
    assert "HX-Request" in partial["Vary"]


@pytest.mark.django_db
def test_list_view_ignores_unknown_sort_keys(client, department):
    make_department("甲部门", department.jurisdiction)
    client.force_login(make_user("viewer", department))
    url = reverse("organizations:department_list")
    assert client.get(url, {"sort": "contact_phone__password"}).status_code == 200
    response = client.get(url, {"sort": "-name"})
    names = [d.name for d in response.context["table"].data]
    assert names == sorted(names, reverse=True)


@pytest.mark.django_db
def test_list_view_paginates_by_50(client, city):
    for _serial in range(55):
        make_department(jurisdiction=city)
    client.force_login(make_user("viewer", Department.objects.first()))
    response = client.get(reverse("organizations:department_list"), {"page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["table"].data) == 5


@pytest.mark.django_db
def test_interface_is_chinese_even_for_an_english_browser_until_english_is_chosen(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户登录" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.wsgi_request.LANGUAGE_CODE == "en"
