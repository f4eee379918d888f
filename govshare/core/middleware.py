"""Request-scoped context for change history, and security headers Django does not set itself."""

import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .context import acting_as

__all__ = ["ChineseFirstLocaleMiddleware", "RequestContextMiddleware", "SecurityHeadersMiddleware"]


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


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language (the language cookie set by the switch).

    The browser's Accept-Language is ignored on purpose: office PCs often run English-language browsers, and the
    platform's working language is Chinese.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
