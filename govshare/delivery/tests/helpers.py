"""Calling the data plane as a consumer system would: a token, then bearer calls with a stated purpose."""

from urllib.parse import quote

from django.test import Client

from govshare.audit.models import AuditEntry

from .conftest import SECRET

BASE = "/api/v1/exchange"
PURPOSE = "低保资格核查"


def token_for(system, secret=SECRET):
    response = Client().post(
        f"{BASE}/token", {"app_key": system.app_key, "app_secret": secret}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


class ConsumerClient:
    """A test client that sends the bearer token and X-Purpose on every call."""

    def __init__(self, token, purpose=PURPOSE):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if purpose is not None:
            self.headers["HTTP_X_PURPOSE"] = quote(purpose)

    def get(self, path, params=None, **extra):
        return self.client.get(f"{BASE}/{path}", params or {}, **self.headers, **extra)

    def post(self, path, data=None, **extra):
        return self.client.post(f"{BASE}/{path}", data or {}, content_type="application/json", **self.headers, **extra)

    def request(self, method, path, **extra):
        return self.client.generic(method, f"{BASE}/{path}", **self.headers, **extra)


def consumer(system, purpose=PURPOSE):
    return ConsumerClient(token_for(system), purpose)


def last_entries(count=1):
    return list(AuditEntry.objects.order_by("-id")[:count])


def assert_error(response, status, code=None, *fields):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    for field in fields:
        assert field in body["error"]["fields"], body
    return body
