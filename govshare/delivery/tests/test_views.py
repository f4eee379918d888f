"""The consumer's data page: preview only with a purpose, masked, filtered, audited; download buttons."""

import pytest
from django.urls import reverse

from govshare.core.testing import login_client

from .conftest import make_grant
from .helpers import last_entries

pytestmark = pytest.mark.django_db


def page_url(world):
    return reverse("delivery:resource_data", args=[world["resource"].pk])


def test_page_shows_form_and_no_data_before_a_purpose(world):
    make_grant(world["resource"], world["civil"])
    response = login_client(world["consumer_user"]).get(page_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "人口基本信息" in html and 'name="purpose"' in html
    assert reverse("delivery-api:download", args=[world["resource"].pk]) in html
    for fmt in ("csv", "csv-gbk", "xlsx", "jsonl", "parquet"):
        assert f'value="{fmt}"' in html
    assert "320902********" not in html
    assert 'style="' not in html and "<script>" not in html


def test_preview_is_masked_filtered_and_audited(world):
    make_grant(world["resource"], world["civil"])
    response = login_client(world["consumer_user"]).get(
        page_url(world), {"preview": "1", "purpose": "低保复核", "ssjd": "五星街道"}
    )
    html = response.content.decode()
    assert "320902********0011" in html and "李*" in html
    assert "320902198101010011" not in html and "新都街道" not in html
    entry = last_entries()[0]
    assert entry.action == "query" and entry.record_count == 10 and entry.purpose == "低保复核"
    assert entry.user_id == world["consumer_user"].pk and entry.detail == {"via": "web"}


def test_preview_with_a_bad_filter_shows_the_error(world):
    make_grant(world["resource"], world["civil"])
    response = login_client(world["consumer_user"]).get(page_url(world), {"preview": "1", "purpose": "x", "nl": "abc"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_page_refused_without_grant(world):
    assert login_client(world["outsider"]).get(page_url(world)).status_code == 403
    assert last_entries()[0].result == "denied"


def test_page_needs_login(world):
    from django.test import Client

    assert Client().get(page_url(world)).status_code == 302
