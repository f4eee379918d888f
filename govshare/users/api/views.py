"""Users API: accounts (managed by system and platform administrators), roles (set by the security
administrator, 三员分立 enforced by users.services.set_roles), personal API tokens, and the caller's own account."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from govshare.core.api.permissions import has_any_role
from govshare.core.api.viewsets import ActingUserMixin, RestrictedModelViewSet, ServiceErrorsMixin

from .. import services
from ..choices import RoleChoices
from ..filtersets import UserFilterSet
from ..models import APIToken, User
from .serializers import APITokenCreatedSerializer, APITokenSerializer, RolesSerializer, UserSerializer

__all__ = ["APITokenViewSet", "MeView", "UserViewSet"]

# Who manages accounts, who may read them all, and who grants roles.
USER_ADMIN_ROLES = RoleChoices.ACCOUNT_MANAGERS
ROLE_ADMIN_ROLES = (RoleChoices.SECURITY_ADMIN,)




class UserViewSet(RestrictedModelViewSet):
    """Accounts. Deactivate with `is_active: false`; accounts are not deleted, their history refers to them."""

    queryset = User.objects.select_related("department", "office").prefetch_related("role_assignments")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ["username", "full_name", "date_joined", "last_login"]
    write_roles = USER_ADMIN_ROLES
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(request=RolesSerializer, responses=UserSerializer)
    @action(detail=True, methods=["put"], permission_classes=[permissions.IsAuthenticated])
    def roles(self, request, pk=None):
        """Replace the user's roles. Security administrator only; one account holds at most one of 系统管理员,
        安全管理员 and 审计管理员 (三员分立)."""
        if not has_any_role(request.user, ROLE_ADMIN_ROLES):
            raise exceptions.PermissionDenied(_("只有安全管理员可以分配角色"))
        user = self.get_object()
        if user.pk == request.user.pk and not request.user.is_superuser:
            raise exceptions.PermissionDenied(_("不能修改自己的角色"))
        form = RolesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            services.set_roles(user, form.validated_data["roles"])
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"roles": list(error.messages)}) from error
        return Response(UserSerializer(self.get_queryset().get(pk=user.pk), context=self.get_serializer_context()).data)


class APITokenViewSet(
    ActingUserMixin,
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens. The key is returned once, by create; afterwards only its prefix is shown."""

    queryset = APIToken.objects.all()
    serializer_class = APITokenSerializer
    ordering_fields = ["created", "name", "expires", "last_used"]

    def get_queryset(self):
        return super().get_queryset().filter(user=self.request.user) if self.request.user.is_authenticated \
            else APIToken.objects.none()

    @extend_schema(responses={201: APITokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = APIToken.issue(
            request.user, serializer.validated_data["name"], expires=serializer.validated_data.get("expires")
        )
        token.key = key
        return Response(
            APITokenCreatedSerializer(token, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=APITokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the token at once; it cannot be used again."""
        token = services.revoke_token(self.get_object())
        return Response(self.get_serializer(token).data)


class MeView(ActingUserMixin, APIView):
    """The calling user's own account, with roles and department."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        user = User.objects.select_related("department", "office").prefetch_related("role_assignments").get(
            pk=request.user.pk
        )
        return Response(UserSerializer(user, context={"request": request}).data)
