"""API authentication by personal token: `Authorization: Token <key>` or `Authorization: Bearer <key>`."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import APIToken

__all__ = ["APITokenAuthentication"]


class APITokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Token <令牌>"))
        key = header[1].decode(errors="replace")
        token = (
            APIToken.objects.select_related("user", "user__department")
            .filter(key_hash=APIToken.hash_key(key))
            .first()
        )
        if token is None or not token.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已撤销"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用"))
        # Touch last_used at most once a minute, so a busy client does not write on every call.
        now = timezone.now()
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            APIToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"
