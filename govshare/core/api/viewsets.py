"""Base viewsets: the queryset is always narrowed by `restrict(user, action)`, so an endpoint cannot forget it.

Rows the user may not see answer 404; rows the user may see but not change answer 403. Domain rules raised by the
services as Django's ValidationError / PermissionDenied become the standard error shape (core.api.exceptions).
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status, viewsets

from govshare.core.context import acting_as

from .permissions import HasRoleOrReadOnly

__all__ = [
    "ActingUserMixin",
    "Conflict",
    "RestrictedModelViewSet",
    "RestrictedQuerysetMixin",
    "RestrictedReadOnlyModelViewSet",
    "ServiceErrorsMixin",
]


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("操作与现有数据冲突")
    default_code = "conflict"


class ActingUserMixin:
    """Attribute changes to the API caller in the change history.

    The request middleware only knows session users; a token is authenticated later, by DRF, so the acting user
    is set again once DRF has authenticated the request, and reset when the response is finalised.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user if request.user and request.user.is_authenticated else None
        self._acting_as = acting_as(user, getattr(request._request, "id", None))
        self._acting_as.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        acting = getattr(self, "_acting_as", None)
        if acting is not None:
            self._acting_as = None
            acting.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)


class ServiceErrorsMixin:
    """Errors the exception handler does not know: deleting a row still in use, or a race on a unique value."""

    def handle_exception(self, exc):
        if isinstance(exc, (ProtectedError, RestrictedError)):
            exc = Conflict(_("该对象仍被其他数据引用，不能删除"), code="protected")
        elif isinstance(exc, IntegrityError):
            exc = Conflict(_("数据与已有记录冲突（可能重复），请检查后重试"))
        return super().handle_exception(exc)


class RestrictedQuerysetMixin(ActingUserMixin, ServiceErrorsMixin):
    """`get_queryset()` is `queryset.restrict(user, "view")`; writes also need the row in `restrict(user, "change")`."""

    permission_classes = [HasRoleOrReadOnly]
    # Roles needed for any write on this endpoint (checked before the row); empty leaves it to `restrict`.
    write_roles: tuple[str, ...] = ()
    # Roles needed to delete, for models whose "change" scope is wider than who may delete.
    delete_roles: tuple[str, ...] = ()
    # Actions that change the row itself; custom actions call services, which check their own permission.
    change_actions = ("update", "partial_update", "destroy")
    permission_denied_message = _("无权修改此对象")

    def restrict(self, queryset, action):
        """Override for models whose queryset has no `restrict` of its own."""
        return queryset.restrict(self.request.user, action)

    def get_queryset(self):
        return self.restrict(super().get_queryset(), "view")

    def can_change(self, instance) -> bool:
        model = type(instance)
        return self.restrict(model._default_manager.all(), "change").filter(pk=instance.pk).exists()

    def get_object(self):
        instance = super().get_object()
        if self.action in self.change_actions and not self.can_change(instance):
            raise exceptions.PermissionDenied(self.permission_denied_message)
        return instance

    # A new or edited row must still be one the user may change (e.g. an office moved to another department):
    # save, check, and roll back when it is not — the same rule as the web forms, whatever the input.
    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            if not self.can_change(instance):
                raise exceptions.PermissionDenied(self.permission_denied_message)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            if not self.can_change(instance):
                raise exceptions.PermissionDenied(self.permission_denied_message)


class RestrictedModelViewSet(RestrictedQuerysetMixin, viewsets.ModelViewSet):
    """List, detail, create, update and delete, each within what the user may see and change."""


class RestrictedReadOnlyModelViewSet(RestrictedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail within what the user may see."""
