"""Timeliness: the expected interval per update cycle, the status from the latest data update, the hourly
notification (idempotent per period) and the competent authority's overdue list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from govshare.core.testing import api_client, login_client
from govshare.datastore.models import DataTable
from govshare.mounting import services
from govshare.mounting.models import ApiEndpoint
from govshare.notifications.models import Notification

from .conftest import publish

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(("cycle", "days"), [
    ("realtime", 1), ("daily", 1), ("weekly", 7), ("monthly", 31), ("quarterly", 92), ("half_yearly", 183),
    ("yearly", 366), ("irregular", None), ("other", None),
])
def test_expected_interval_per_cycle(cycle, days):
    assert services.expected_interval(cycle) == (datetime.timedelta(days=days) if days else None)


def loaded(resource, when):
    return DataTable.objects.create(resource=resource, table_name=f"gsd_{resource.pk}", last_loaded_at=when, version=1)


@pytest.mark.parametrize(("cycle", "age", "status"), [
    ("daily", datetime.timedelta(hours=12), "on_time"),
    ("daily", datetime.timedelta(hours=20), "due_soon"),
    ("daily", datetime.timedelta(hours=25), "overdue"),
    ("weekly", 6 * DAY, "due_soon"),
    ("weekly", 8 * DAY, "overdue"),
    ("monthly", 20 * DAY, "on_time"),
    ("quarterly", 100 * DAY, "overdue"),
    ("yearly", 200 * DAY, "on_time"),
    ("yearly", 300 * DAY, "due_soon"),
    ("irregular", 3000 * DAY, "not_applicable"),
])
def test_status_from_the_last_load(world, cycle, age, status):
    resource = world["resource"]
    resource.update_cycle = cycle
    resource.save()
    now = timezone.now()
    loaded(resource, now - age)
    state = services.timeliness(resource, now)
    assert state.status == status
    assert state.last_update == now - age


def test_latest_of_table_file_and_pull_counts_and_a_live_api_is_on_time(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resource = world["resource"]  # daily
    now = timezone.now()
    loaded(resource, now - 5 * DAY)
    assert services.timeliness(resource, now).status == "overdue"
    services.upload_file(resource, SimpleUploadedFile("a.csv", b"a"), user=world["provider"])
    resource.refresh_from_db()
    assert services.timeliness(resource, timezone.now()).status == "on_time"
    ApiEndpoint.objects.create(resource=resource, base_url="https://a.example/")
    resource.refresh_from_db()
    assert services.timeliness(resource, now + 30 * DAY).status == "on_time"


def test_never_mounted_counts_from_publication(world):
    resource = world["resource"]
    published = timezone.make_aware(datetime.datetime.combine(resource.published_on, datetime.time.min))
    assert services.timeliness(resource, published + DAY / 2).status == "on_time"
    assert services.timeliness(resource, published + 2 * DAY).status == "overdue"


def test_check_timeliness_notifies_provider_and_authority_once_per_period(world, django_capture_on_commit_callbacks):
    resource = world["resource"]
    loaded(resource, timezone.now() - 3 * DAY)
    fresh = publish(world["market"], world["cataloguer"], world["reviewer"], name="新鲜资源")
    loaded(fresh, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_timeliness() == 1
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"tigong", "bumen", "zhuguan"}
    notice = Notification.objects.filter(recipient=world["provider"]).get()
    assert resource.name in notice.subject
    assert notice.link == reverse("mounting:resource", args=[resource.pk])
    # The hourly job repeats itself: nothing new for the same period.
    with django_capture_on_commit_callbacks(execute=True):
        services.check_timeliness()
    assert Notification.objects.count() == 3
    # New data, then overdue again: a new period, a new notice.
    DataTable.objects.filter(resource=resource).update(last_loaded_at=timezone.now() - 2 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_timeliness()
    assert Notification.objects.count() == 6


def test_celery_task_runs_the_check(world, django_capture_on_commit_callbacks):
    from govshare.mounting.tasks import check_timeliness

    loaded(world["resource"], timezone.now() - 3 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert check_timeliness.delay().get() == 1


def test_overview_shows_timeliness_and_filters(world):
    resource = world["resource"]
    loaded(resource, timezone.now() - 3 * DAY)
    other = publish(world["market"], world["cataloguer"], world["reviewer"], name="月度统计", update_cycle="monthly")
    loaded(other, timezone.now())
    client = login_client(world["provider"])
    page = client.get(reverse("mounting:overview")).content.decode()
    assert resource.name in page and other.name in page
    assert "更新逾期" in page
    overdue_only = client.get(reverse("mounting:overview"), {"timeliness": "overdue"}).content.decode()
    assert resource.name in overdue_only and other.name not in overdue_only
    by_cycle = client.get(reverse("mounting:overview"), {"update_cycle": "monthly"}).content.decode()
    assert other.name in by_cycle and resource.name not in by_cycle


def test_authority_sees_overdue_resources_of_its_jurisdiction(world):
    resource = world["resource"]
    loaded(resource, timezone.now() - 3 * DAY)
    page = login_client(world["officer"]).get(reverse("mounting:overdue"))
    assert page.status_code == 200
    assert resource.name in page.content.decode()
    assert login_client(world["provider"]).get(reverse("mounting:overdue")).status_code == 403
    rows = api_client(world["officer"]).get("/api/v1/mounting/timeliness/", {"status": "overdue"}).json()
    assert [row["resource"] for row in rows] == [resource.pk]
    assert rows[0]["status"] == "overdue"
    assert api_client(world["other_provider"]).get("/api/v1/mounting/timeliness/").json() == []
