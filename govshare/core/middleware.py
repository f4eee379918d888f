"""Request-scoped context for change history, and security headers Django does not set itself."""

import uuid

from .context import acting_as

__all__ = ["RequestContextMiddleware", "SecurityHeadersMiddleware"]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4()
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, request.id):
            response = self.get_response(request)
        response["X-Request-ID"] = str(request.id)
        return response


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: every asset is served from this origin, nothing inline runs."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The interactive API docs (Swagger UI) need an inline bootstrap script; keep them relaxed but local.
        if request.path.startswith("/api/docs"):
            response.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:",
            )
        else:
            response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
