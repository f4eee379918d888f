"""The calendar API: due dates for anyone logged in, the table writable by platform administrators only."""

import datetime

import pytest
from rest_framework.test import APIClient

from govshare.workdays.choices import CalendarSourceChoices
from govshare.workdays.models import CalendarDay, CalendarYear

from .conftest import CALENDAR_2027_ROWS, calendar_csv

pytestmark = pytest.mark.django_db

DUE_URL = "/api/v1/calendar/due/"
DAYS_URL = "/api/v1/calendar/days/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_due_endpoint(user):
    response = client_for(user).get(DUE_URL, {"start": "2026-09-28", "days": 10})
    assert response.status_code == 200
    assert response.json()["due"] == "2026-10-16"
    assert response.json()["estimated"] is False

    body = client_for(user).get(DUE_URL, {"start": "2026-12-20", "days": 15}).json()
    assert (body["due"], body["estimated"], body["uncovered_years"]) == ("2027-01-08", True, [2027])
    assert "按周末估算" in body["note"]


def test_due_endpoint_validates_and_requires_login(user):
    assert client_for().get(DUE_URL, {"start": "2026-09-28", "days": 10}).status_code in (401, 403)
    response = client_for(user).get(DUE_URL, {"start": "2026-02-30", "days": -1})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"start", "days"}


def test_any_user_reads_only_platform_admins_write(user, platform_admin):
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), name="元旦")
    reader = client_for(user)
    assert reader.get(DAYS_URL, {"year": 2027}).json()["count"] == 1
    assert reader.post(DAYS_URL, {"date": "2027-01-02", "name": "元旦"}).status_code == 403
    assert reader.delete(f"{DAYS_URL}{CalendarDay.objects.get().pk}/").status_code == 403

    data = {"date": "2027-01-02", "is_working_day": False, "name": "元旦"}
    response = client_for(platform_admin).post(DAYS_URL, data)
    assert response.status_code == 201, response.json()
    assert CalendarDay.objects.get(date="2027-01-02").source == CalendarSourceChoices.MANUAL


def test_filters(user):
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), name="元旦")
    CalendarDay.objects.create(date=datetime.date(2027, 2, 20), name="春节调休上班", is_working_day=True)
    CalendarDay.objects.create(date=datetime.date(2028, 1, 1), name="元旦")
    results = client_for(user).get(DAYS_URL, {"q": "春节"}).json()["results"]
    assert [row["date"] for row in results] == ["2027-02-20"]
    assert client_for(user).get(DAYS_URL, {"is_working_day": "false", "year": 2027}).json()["count"] == 1


def test_import_endpoint(platform_admin, user, tmp_path):
    content = calendar_csv(CALENDAR_2027_ROWS).encode("gbk")

    def upload(client, data):
        path = tmp_path / "calendar.csv"
        path.write_bytes(data)
        with path.open("rb") as handle:
            return client.post(f"{DAYS_URL}import/", {"file": handle}, format="multipart")

    assert upload(client_for(user), content).status_code == 403
    response = upload(client_for(platform_admin), content)
    assert response.status_code == 200, response.json()
    assert response.json()["years"] == [2027]
    assert CalendarYear.objects.get(year=2027).loaded_by == platform_admin

    bad = upload(client_for(platform_admin), "日期,类型\n2027-01-01,放羊\n".encode())
    assert bad.status_code == 400
    assert "row 2.类型" in bad.json()["error"]["fields"]
