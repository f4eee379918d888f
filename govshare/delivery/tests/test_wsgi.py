"""The production WSGI entry point: bearer calls to the data plane take the lean handler and still get the same
answers, security headers and audit entries; session pages still take the full stack."""

import io
import json
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from govshare import wsgi
from govshare.audit.models import AuditEntry
from govshare.core.handlers import is_data_plane_call

from .helpers import PURPOSE, token_for

pytestmark = pytest.mark.django_db


def call(path, query="", **headers):
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(b"")}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "127.0.0.1"
    environ.update(headers)
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = dict(response_headers)

    # As Django's test client does: the handler must not close the test's database connection between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = wsgi.application(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return captured["status"], captured["headers"], body


def test_bearer_lookup_goes_through_the_lean_handler(world, grant):
    token = token_for(world["system"])
    path = f"/api/v1/exchange/resources/{world['resource'].pk}/records"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_PURPOSE": quote(PURPOSE)}
    assert is_data_plane_call({"PATH_INFO": path, **headers})
    before = AuditEntry.objects.count()
    status, response_headers, body = call(path, "limit=2", **headers)
    assert status == 200, body
    assert len(json.loads(body)["records"]) == 2
    assert "Content-Security-Policy" in response_headers and "X-Request-ID" in response_headers
    assert AuditEntry.objects.count() == before + 1
    # The API answers in the platform's default language however the thread was used before.
    status, _headers, body = call(path, **{"HTTP_AUTHORIZATION": "Bearer not-a-token"})
    assert status == 401 and "访问令牌无效" in json.loads(body)["error"]["message"]


def test_pages_and_session_calls_take_the_full_stack(world):
    assert not is_data_plane_call({"PATH_INFO": f"/api/v1/exchange/resources/{world['resource'].pk}/records"})
    status, headers, _body = call("/login/")
    assert status == 200 and "csrftoken" in headers.get("Set-Cookie", "")
    status, headers, _body = call(f"/api/v1/exchange/resources/{world['resource'].pk}/records")
    assert status == 401
