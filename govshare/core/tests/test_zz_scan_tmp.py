import re, pytest
from django.urls import reverse
from govshare.core.testing import login_client, make_department, make_user, catalog_fields, catalog_items

HAN = re.compile(r"[\u3400-\u9fff]")

@pytest.mark.django_db
def test_scan():
    dept = make_department("市大数据局", competent=True)
    user = make_user("admin1", dept, roles=["cataloguer", "platform_admin", "reviewer"], is_superuser=True)
    c = login_client(user); c.cookies["django_language"] = "en"
    from govshare.catalog.models import Resource
    r = Resource.objects.create(**catalog_fields(dept))
    pages = ["home", "catalog:resource_list", "catalog:resource_search", "catalog:resource_add", "catalog:review_queue",
             "catalog:duty_list", "catalog:resource_import", "changelog", "user_list", "token_list", "role_assignment_list",
             "organizations:jurisdiction_list", "organizations:department_list", "password_change"]
    urls = [reverse(p) for p in pages] + [reverse("catalog:resource_detail", args=[r.pk]), reverse("catalog:resource_edit", args=[r.pk]),
            reverse("user_detail", args=[user.pk]), f"/organizations/departments/{dept.pk}/"]
    out = []
    for u in urls:
        resp = c.get(u)
        html = resp.content.decode()
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
        nodes = {n.strip() for n in re.split(r"<[^>]*>", html) if HAN.search(n)}
        attrs = set(re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*[\u3400-\u9fff][^"]*)"', html))
        out.append(f"== {u} {resp.status_code}\n  " + "\n  ".join(sorted(nodes | {'@'+a for a in attrs})))
    open("/tmp/i18n/scan.txt", "w").write("\n".join(out))
