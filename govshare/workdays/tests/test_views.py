"""The calendar pages: the year view, the due-date partial, the import page and the table's administration."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govshare.core.testing import login_client, make_department, make_user
from govshare.workdays.choices import CalendarSourceChoices
from govshare.workdays.models import CalendarDay, CalendarYear

from .conftest import CALENDAR_2027_ROWS, calendar_csv

pytestmark = pytest.mark.django_db

CALENDAR_URL = reverse("workdays:calendar")


@pytest.fixture
def reader():
    return make_user("cal-reader", make_department(), roles=["cataloguer"])


@pytest.fixture
def admin():
    return make_user("cal-admin", make_department(), roles=["platform_admin"])


def cell(html, day):
    """The opening tag of a day's cell in the year grid."""
    start = html.index(f'id="d-{day}"')
    return html[html.rindex("<td", 0, start):html.index(">", start)]


def test_year_view_shows_the_2026_spring_festival_and_its_make_up_days(reader):
    response = login_client(reader).get(CALENDAR_URL, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026 年工作日历" in html
    assert "cal-holiday" in cell(html, "2026-02-17")
    assert "春节" in cell(html, "2026-02-17")
    assert "cal-makeup" in cell(html, "2026-02-14")
    assert "春节调休上班" in cell(html, "2026-02-14")
    assert "cal-weekend" in cell(html, "2026-03-07")
    assert "cal-workday" in cell(html, "2026-03-09")
    # The arrangement lists the holiday with its make-up days, and the source is the package.
    assert "节假日数据包" in html
    assert "调休上班：" in html
    assert "该年度节假日安排尚未载入" not in html
    # Read-only for a non-administrator: no links to change the table.
    assert reverse("workdays:day_add") not in html
    assert reverse("workdays:import") not in html


def test_uncovered_year_shows_the_weekend_fallback_warning(reader):
    html = login_client(reader).get(CALENDAR_URL, {"year": 2027}).content.decode()
    assert "该年度节假日安排尚未载入，按周末估算" in html
    assert "按周末估算" in html
    assert "cal-weekend" in cell(html, "2027-02-06")
    assert "cal-workday" in cell(html, "2027-02-08")


def test_imported_year_is_shown_from_the_table(admin, calendar_2027):
    html = login_client(admin).get(CALENDAR_URL, {"year": 2027}).content.decode()
    assert "该年度节假日安排尚未载入" not in html
    assert "工作日历表" in html
    assert "cal-holiday" in cell(html, "2027-02-08")
    assert "cal-makeup" in cell(html, "2027-02-20")
    row = CalendarDay.objects.get(date="2027-02-20")
    assert reverse("workdays:day_edit", args=[row.pk]) in html
    assert reverse("workdays:year_edit", args=[CalendarYear.objects.get(year=2027).pk]) in html


def test_bad_year_falls_back_to_the_current_year(reader):
    response = login_client(reader).get(CALENDAR_URL, {"year": "abc"})
    assert response.context["year"] == datetime.date.today().year


def test_due_date_partial(reader):
    client = login_client(reader)
    response = client.get(reverse("workdays:due"), {"start": "2026-09-28", "days": 10}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "2026年10月16日" in html
    assert "估算" not in html

    html = client.get(reverse("workdays:due"), {"start": "2026-12-20", "days": 15}).content.decode()
    assert "2027年1月8日" in html
    assert "按周末估算" in html

    html = client.get(reverse("workdays:due"), {"start": "2026-02-30", "days": -1}).content.decode()
    assert "alert-danger" in html
    assert "起始日期" in html and "工作日数" in html


def test_due_date_without_javascript_is_shown_on_the_page(reader):
    response = login_client(reader).get(CALENDAR_URL, {"year": 2026, "start": "2026-09-28", "days": 10})
    assert "2026年10月16日" in response.content.decode()


def test_import_with_a_bad_file_lists_errors_by_row_and_column_and_writes_nothing(admin):
    rows = [("2027-01-01", "休息日", "元旦"), ("2027-13-01", "休息日", "元旦"), ("2027-02-20", "加班", "")]
    text = calendar_csv(rows)
    upload = SimpleUploadedFile("calendar.csv", text.encode(), content_type="text/csv")
    response = login_client(admin).post(
        reverse("workdays:import"), {"file": upload, "mark_years_loaded": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件有误，未导入任何数据" in html
    assert "无法识别的日期“2027-13-01”" in html
    assert "无法识别的类型“加班”" in html
    errors = [(issue.row, issue.column) for issue in response.context["result"].errors]
    assert errors == [(3, "日期"), (4, "类型")]
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


def test_import_writes_the_year_and_returns_to_it(admin):
    upload = SimpleUploadedFile("calendar.csv", calendar_csv(CALENDAR_2027_ROWS).encode("gbk"))
    response = login_client(admin).post(
        reverse("workdays:import"), {"file": upload, "mark_years_loaded": "on", "note": "国办发明电〔2026〕1号"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR_URL}?year=2027"
    assert CalendarDay.objects.count() == len(CALENDAR_2027_ROWS)
    loaded = CalendarYear.objects.get(year=2027)
    assert (loaded.loaded_by, loaded.note) == (admin, "国办发明电〔2026〕1号")


def test_import_template_is_a_csv_the_importer_reads(admin):
    response = login_client(admin).get(reverse("workdays:import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("日期,类型,名称")


def test_non_admin_cannot_change_the_table(reader, admin):
    client = login_client(reader)
    day = CalendarDay.objects.create(date=datetime.date(2027, 1, 1), name="元旦")
    assert client.get(reverse("workdays:day_add")).status_code == 403
    data = {"date": "2027-01-02", "is_working_day": "False", "name": "元旦"}
    assert client.post(reverse("workdays:day_add"), data).status_code == 403
    assert client.post(reverse("workdays:day_edit", args=[day.pk]), data).status_code == 403
    assert client.post(reverse("workdays:day_delete", args=[day.pk])).status_code == 403
    assert client.get(reverse("workdays:import")).status_code == 403
    assert client.post(reverse("workdays:year_add"), {"year": 2027}).status_code == 403
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [datetime.date(2027, 1, 1)]
    assert not CalendarYear.objects.exists()


def test_admin_adds_edits_and_deletes_a_day(admin):
    client = login_client(admin)
    form = client.get(reverse("workdays:day_add"), {"date": "2027-02-20"})
    assert form.status_code == 200
    assert "2027-02-20 目前为“周末”" in form.content.decode()

    data = {"date": "2027-02-20", "is_working_day": "True", "name": "春节调休上班"}
    response = client.post(reverse("workdays:day_add"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR_URL}?year=2027#d-2027-02-20"
    day = CalendarDay.objects.get(date="2027-02-20")
    assert (day.is_working_day, day.source) == (True, CalendarSourceChoices.MANUAL)

    data["name"] = "春节补班"
    assert client.post(reverse("workdays:day_edit", args=[day.pk]), data).status_code == 302
    assert CalendarDay.objects.get(pk=day.pk).name == "春节补班"

    assert client.post(reverse("workdays:day_delete", args=[day.pk])).status_code == 302
    assert not CalendarDay.objects.exists()


def test_admin_marks_a_year_loaded(admin):
    client = login_client(admin)
    assert client.get(reverse("workdays:year_add"), {"year": 2027}).status_code == 200
    response = client.post(reverse("workdays:year_add"), {"year": 2027, "note": "国办通知"})
    assert response.status_code == 302
    loaded = CalendarYear.objects.get(year=2027)
    assert loaded.loaded_by == admin
    html = client.get(CALENDAR_URL, {"year": 2027}).content.decode()
    assert "该年度节假日安排尚未载入" not in html

    assert client.post(reverse("workdays:year_delete", args=[loaded.pk])).status_code == 302
    assert not CalendarYear.objects.exists()


def test_day_list_filters_and_shows_actions_to_admins_only(reader, admin):
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), name="元旦")
    CalendarDay.objects.create(date=datetime.date(2028, 1, 1), name="元旦")
    url = reverse("workdays:day_list")
    response = login_client(reader).get(url, {"year": 2027, "source": ""})
    assert response.status_code == 200
    assert [row.date.year for row in response.context["page_obj"]] == [2027]
    assert "/delete/" not in response.content.decode()

    html = login_client(admin).get(url).content.decode()
    assert reverse("workdays:day_delete", args=[CalendarDay.objects.get(date="2027-01-01").pk]) in html


def test_year_view_uses_a_constant_number_of_queries(reader, calendar_2027, django_assert_max_num_queries):
    client = login_client(reader)
    client.get(CALENDAR_URL, {"year": 2027})
    with django_assert_max_num_queries(12):
        client.get(CALENDAR_URL, {"year": 2027})
