"""A lean request handler for the data plane's bearer calls, beside Django's full one.

A consumer system's lookup carries a bearer token and needs none of what the pages need (sessions, CSRF, messages,
login lockout, static files, HTMX): skipping those middlewares is a large share of the CPU a lookup costs (see
bench/bench_lookup.py). Security headers and the request id stay.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.utils import translation

__all__ = ["DATA_PLANE_PREFIX", "LeanWSGIHandler", "is_data_plane_call"]

DATA_PLANE_PREFIX = "/api/v1/exchange/resources/"
DATA_PLANE_URLCONF = "govshare.core.dataplane_urls"
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govshare.core.middleware.RequestContextMiddleware",
    "govshare.core.middleware.SecurityHeadersMiddleware",
]


def is_data_plane_call(environ) -> bool:
    """A bearer call to a data-plane endpoint; session calls (the web download) take the full stack."""
    return environ.get("PATH_INFO", "").startswith(DATA_PLANE_PREFIX) and environ.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Bearer ")


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler with LEAN_MIDDLEWARE instead of settings.MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        # BaseHandler.load_middleware reads settings.MIDDLEWARE; swap it for the duration of the load (once, at
        # startup, before any request) rather than copy Django's loader.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = LEAN_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full

    def __call__(self, environ, start_response):
        # No locale middleware here: the API's messages are in the platform's default language, whatever this
        # thread served before.
        translation.activate(settings.LANGUAGE_CODE)
        return super().__call__(environ, start_response)

    def get_response(self, request):
        request.urlconf = DATA_PLANE_URLCONF
        return super().get_response(request)
