"""我的消息: each user sees only their own messages, opening one marks it read, the top bar shows the unread count."""

import pytest
from django.urls import reverse

from govshare.core.testing import login_client, make_department, make_user
from govshare.notifications.models import Notification
from govshare.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    department = make_department("市市场监管局")
    return {"alice": make_user("alice", department, roles=["data_consumer"]), "bob": make_user("bob", department)}


def test_list_shows_own_messages_and_unread_count_in_top_bar(people):
    Notification.objects.create(recipient=people["alice"], subject="共享申请已同意", link="/sharing/requests/")
    Notification.objects.create(recipient=people["bob"], subject="别人的消息")
    page = login_client(people["alice"]).get(reverse("notifications:list")).content.decode()
    assert "共享申请已同意" in page and "别人的消息" not in page
    assert 'class="topbar-count">1<' in page


def test_open_marks_read_and_follows_only_local_links(people):
    mine = Notification.objects.create(recipient=people["alice"], subject="a", link="/sharing/requests/")
    outside = Notification.objects.create(recipient=people["alice"], subject="b", link="https://evil.example/")
    client = login_client(people["alice"])
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/sharing/requests/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("notifications:open", args=[outside.pk])).url == reverse("notifications:list")
    other = Notification.objects.create(recipient=people["bob"], subject="c")
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404


def test_mark_read_and_read_all(people):
    first = Notification.objects.create(recipient=people["alice"], subject="a")
    Notification.objects.create(recipient=people["alice"], subject="b")
    bobs = Notification.objects.create(recipient=people["bob"], subject="c")
    client = login_client(people["alice"])
    client.post(reverse("notifications:read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    assert "未读" in client.get(reverse("notifications:list") + "?unread=1").content.decode()
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=people["alice"], read_at__isnull=True).exists()
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_notify_by_role_is_idempotent_by_key(people, django_capture_on_commit_callbacks):
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(subject="提醒", key="k1", departments=[people["alice"].department_id], roles=["data_consumer"])
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["alice"]
