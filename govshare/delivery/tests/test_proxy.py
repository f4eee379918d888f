"""The API proxy against a small provider server on a local thread: the provider's credential goes in, the
consumer's token does not; methods, failures and timeouts; audit."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govshare.mounting.models import ApiEndpoint

from .helpers import assert_error, consumer, last_entries

pytestmark = pytest.mark.django_db


class ProviderHandler(BaseHTTPRequestHandler):
    seen: list = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        ProviderHandler.seen.append({"path": self.path, "method": self.command, "headers": dict(self.headers),
                                     "body": body})
        if self.path.startswith("/api/slow"):
            time.sleep(2.5)
        status = 500 if self.path.startswith("/api/fail") else 200
        data = json.dumps({"ok": status == 200, "path": self.path}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "provider_session=1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def provider_server():
    ProviderHandler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ProviderHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def api_endpoint(world, provider_server):
    return ApiEndpoint.objects.create(
        resource=world["resource"], base_url=f"http://127.0.0.1:{provider_server.server_port}/api",
        allowed_methods="GET, POST", auth_header_name="X-Provider-Key", auth_header_value="provider-credential",
        timeout_seconds=1,
    )


def proxy_path(world, rest):
    return f"resources/{world['resource'].pk}/proxy/{rest}"


def test_provider_gets_its_credential_not_the_consumers_token(world, grant, api_endpoint):
    client = consumer(world["system"])
    response = client.get(proxy_path(world, "persons/1"), {"q": "王", "purpose": "ignored"},
                          HTTP_COOKIE="sessionid=consumer-cookie")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "path": "/api/persons/1?q=%E7%8E%8B"}
    assert "Set-Cookie" not in response
    seen = ProviderHandler.seen[-1]
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert headers["x-provider-key"] == "provider-credential"
    assert "authorization" not in headers and "cookie" not in headers
    assert client.headers["HTTP_AUTHORIZATION"].split()[1] not in json.dumps(seen)
    entry = last_entries()[0]
    assert entry.action == "proxy" and entry.result == "success"
    assert entry.filter == {"method": "GET", "path": "/persons/1"} and entry.detail["status"] == 200


def test_a_providers_cookie_is_not_sent_on_later_calls(world, grant, api_endpoint):
    # The pooled HTTP client serves every consumer: the provider's Set-Cookie of one call must not ride on the next.
    client = consumer(world["system"])
    assert client.get(proxy_path(world, "first")).status_code == 200
    assert client.get(proxy_path(world, "second")).status_code == 200
    assert [{k.lower() for k in seen["headers"]} & {"cookie"} for seen in ProviderHandler.seen] == [set(), set()]


def test_post_body_is_passed_on(world, grant, api_endpoint):
    response = consumer(world["system"]).post(proxy_path(world, "check"), {"sfzh": "1"})
    assert response.status_code == 200
    assert json.loads(ProviderHandler.seen[-1]["body"]) == {"sfzh": "1"}


def test_disallowed_method_405(world, grant, api_endpoint):
    response = consumer(world["system"]).request("DELETE", proxy_path(world, "persons/1"))
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert ProviderHandler.seen == []
    assert last_entries()[0].result == "denied"


def test_provider_failure_502_and_timeout_504(world, grant, api_endpoint):
    client = consumer(world["system"])
    assert_error(client.get(proxy_path(world, "fail")), 502, "upstream_error")
    assert_error(client.get(proxy_path(world, "slow")), 504, "upstream_timeout")
    api_endpoint.base_url = "http://127.0.0.1:9/api"  # nothing listens on the discard port
    api_endpoint.save()
    assert_error(client.get(proxy_path(world, "x")), 502, "upstream_error")
    assert [e.result for e in last_entries(3)] == ["error", "error", "error"]


def test_proxy_needs_a_grant_and_refuses_path_tricks(world, api_endpoint):
    client = consumer(world["system"])
    assert_error(client.get(proxy_path(world, "persons")), 403, "no_grant")
    assert ProviderHandler.seen == []


def test_path_traversal_refused(world, grant, api_endpoint):
    client = consumer(world["system"])
    assert_error(client.get(proxy_path(world, "a/../../admin")), 400)
    assert ProviderHandler.seen == []


def test_inactive_endpoint_404(world, grant, api_endpoint):
    api_endpoint.is_active = False
    api_endpoint.save()
    assert_error(consumer(world["system"]).get(proxy_path(world, "x")), 404, "no_api")
