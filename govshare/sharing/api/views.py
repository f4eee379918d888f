"""Sharing API: share requests and their steps, grants (subscribe, adjust, revoke), consumer systems. Every action
calls sharing.services, the same functions as the web pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from govshare.core.api.viewsets import RestrictedQuerysetMixin

from .. import services
from ..filtersets import ConsumerSystemFilterSet, GrantFilterSet, ShareRequestFilterSet
from ..models import ConsumerSystem, Grant, ShareRequest
from .serializers import (
    ConsumerSystemCreateSerializer,
    ConsumerSystemSecretSerializer,
    ConsumerSystemSerializer,
    GrantSerializer,
    GrantUpdateSerializer,
    ShareApproveSerializer,
    ShareDecideSerializer,
    ShareMessageSerializer,
    ShareReasonSerializer,
    ShareRequestCreateSerializer,
    ShareRequestDetailSerializer,
    ShareRequestSerializer,
    SubscribeSerializer,
)

__all__ = ["ConsumerSystemViewSet", "GrantViewSet", "ShareRequestViewSet"]


def _department(user):
    if not user.department_id:
        raise ValidationError(_("您的账号未分配部门"))
    return user.department


def _arguments(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ShareRequestViewSet(RestrictedQuerysetMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                          mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Share requests (共享申请) the caller's department made or must answer, or, for the competent authority, those
    of its jurisdiction. `box=mine|todo|authority` picks a list; `overdue=true` the requests past their deadline."""

    queryset = ShareRequest.objects.select_related("resource__provider", "consumer", "system")
    filterset_class = ShareRequestFilterSet
    ordering_fields = ["submitted_at", "due_on", "status"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "list":
            return ShareRequestSerializer
        if self.action == "create":
            return ShareRequestCreateSerializer
        return ShareRequestDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.select_related("requested_by", "answered_by", "decided_by").prefetch_related(
            "items", "attachments", "events__actor", "events__department"
        )

    def detail_response(self, share_request, status_code=status.HTTP_200_OK):
        share_request = self.get_queryset().get(pk=share_request.pk)
        serializer = ShareRequestDetailSerializer(share_request, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    @extend_schema(request=ShareRequestCreateSerializer, responses={201: ShareRequestDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = _arguments(ShareRequestCreateSerializer, request)
        resource = data.pop("resource")
        share_request = services.submit_request(resource, _department(request.user), user=request.user, **data)
        return self.detail_response(share_request, status.HTTP_201_CREATED)

    def step(self, request, service, serializer_class=None, rename=None):
        share_request = self.get_object()
        arguments = _arguments(serializer_class, request) if serializer_class else {}
        for old, new in (rename or {}).items():
            arguments[new] = arguments.pop(old)
        service(share_request, user=request.user, **arguments)
        return self.detail_response(share_request)

    @extend_schema(request=ShareApproveSerializer, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The provider approves all requested items, or some (with `comment`); a grant is issued."""
        return self.step(request, services.approve_request, ShareApproveSerializer)

    @extend_schema(request=ShareReasonSerializer, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """The provider refuses, with the reasons (required)."""
        return self.step(request, services.refuse_request, ShareReasonSerializer)

    @extend_schema(request=ShareMessageSerializer, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def negotiate(self, request, pk=None):
        """The consumer disputes a refusal and asks the provider to negotiate."""
        return self.step(request, services.start_negotiation, ShareMessageSerializer, {"body": "message"})

    @extend_schema(request=ShareMessageSerializer, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A message on the request's thread (consumer, provider or authority)."""
        return self.step(request, services.add_comment, ShareMessageSerializer)

    @extend_schema(request=ShareReasonSerializer, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """Take the request to the competent authority of the provider's jurisdiction."""
        return self.step(request, services.escalate_request, ShareReasonSerializer)

    @extend_schema(request=ShareDecideSerializer, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The competent authority's binding decision: grant (basis "authority") or final refusal."""
        return self.step(request, services.decide_request, ShareDecideSerializer)

    @extend_schema(request=None, responses=ShareRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The consumer withdraws a request nobody has settled."""
        return self.step(request, services.withdraw_request)


class GrantViewSet(RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Grants (共享授权) the caller's department received or gave (the authority: of its jurisdiction). The provider
    adjusts validity and limits (PATCH) and revokes with a reason; a revoked grant stops at once."""

    queryset = Grant.objects.select_related("resource", "consumer", "system", "granted_by", "revoked_by")
    serializer_class = GrantSerializer
    filterset_class = GrantFilterSet
    ordering_fields = ["valid_from", "valid_until", "created"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("items", "clear_items")

    def detail_response(self, grant, status_code=status.HTTP_200_OK):
        grant = self.get_queryset().get(pk=grant.pk)
        return Response(GrantSerializer(grant, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=GrantUpdateSerializer, responses=GrantSerializer)
    def partial_update(self, request, *args, **kwargs):
        grant = self.get_object()
        data = _arguments(GrantUpdateSerializer, request)
        services.update_grant(
            grant, user=request.user, valid_until=data.get("valid_until", grant.valid_until),
            rate_limit=data.get("rate_limit"), daily_quota=data.get("daily_quota"),
        )
        return self.detail_response(grant)

    @extend_schema(request=ShareReasonSerializer, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the grant with the reason (the provider, or the competent authority)."""
        grant = self.get_object()
        services.revoke_grant(grant, user=request.user, **_arguments(ShareReasonSerializer, request))
        return self.detail_response(grant)

    @extend_schema(request=SubscribeSerializer, responses={201: GrantSerializer})
    @action(detail=False, methods=["post"])
    def subscribe(self, request):
        """Subscribe the caller's department to an unconditional resource: a grant at once."""
        data = _arguments(SubscribeSerializer, request)
        grant = services.subscribe(data["resource"], _department(request.user), user=request.user,
                                   system=data.get("system"), items=data.get("items"))
        return self.detail_response(grant, status.HTTP_201_CREATED)


class ConsumerSystemViewSet(RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Consumer systems (应用系统) of the caller's department. Creating one and resetting its secret answer with
    `app_secret`, shown this once only (the platform keeps its SHA-256)."""

    queryset = ConsumerSystem.objects.select_related("department")
    serializer_class = ConsumerSystemSerializer
    filterset_class = ConsumerSystemFilterSet
    ordering_fields = ["name", "created"]

    def secret_response(self, system, secret, status_code=status.HTTP_200_OK):
        context = {**self.get_serializer_context(), "secret": secret}
        return Response(ConsumerSystemSecretSerializer(system, context=context).data, status=status_code)

    @extend_schema(request=ConsumerSystemCreateSerializer, responses={201: ConsumerSystemSecretSerializer})
    def create(self, request, *args, **kwargs):
        data = _arguments(ConsumerSystemCreateSerializer, request)
        system, secret = services.create_system(_department(request.user), user=request.user, **data)
        return self.secret_response(system, secret, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ConsumerSystemSecretSerializer)
    @action(detail=True, methods=["post"], url_path="reset-secret")
    def reset_secret(self, request, pk=None):
        """Issue a new secret; the old one and the tokens obtained with it stop working."""
        system = self.get_object()
        return self.secret_response(system, services.reset_secret(system, user=request.user))

    @extend_schema(request=None, responses=ConsumerSystemSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        """Stop the system: its secret and tokens are refused from now on."""
        system = services.disable_system(self.get_object(), user=request.user)
        return Response(ConsumerSystemSerializer(system, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ConsumerSystemSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        """Put a disabled system back in service."""
        system = services.enable_system(self.get_object(), user=request.user)
        return Response(ConsumerSystemSerializer(system, context=self.get_serializer_context()).data)
