"""The API root (links to each app's endpoints) and the status endpoint (version, who is calling)."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

import govshare

from .serializers import StatusSerializer

__all__ = ["APIRootView", "StatusView"]

API_VERSION = "v1"

# The top-level endpoints listed at /api/v1/, by URL name.
ROOT_LINKS = {
    "status": "core-api:status",
    "catalog-resources": "catalog-api:resource-list",
    "catalog-review-queue": "catalog-api:review-queue-list",
    "catalog-classifications": "catalog-api:classification-list",
    "catalog-update-duties": "catalog-api:updateduty-list",
    "organizations-jurisdictions": "organizations-api:jurisdiction-list",
    "organizations-departments": "organizations-api:department-list",
    "organizations-offices": "organizations-api:office-list",
    "users-users": "users-api:user-list",
    "users-tokens": "users-api:apitoken-list",
    "users-me": "users-api:me",
    "calendar-days": "workdays-api:calendarday-list",
    "calendar-years": "workdays-api:calendaryear-list",
    "calendar-due": "workdays-api:due",
    "audit-entries": "audit-api:auditentry-list",
    "data-tables": "datastore-api:datatable-list",
    "data-loads": "datastore-api:tableload-list",
    "mounting-files": "mounting-api:datafile-list",
    "mounting-api-endpoints": "mounting-api:apiendpoint-list",
    "mounting-pull-sources": "mounting-api:pullsource-list",
    "mounting-timeliness": "mounting-api:timeliness-list",
    "sharing-requests": "sharing-api:sharerequest-list",
    "sharing-grants": "sharing-api:grant-list",
    "sharing-systems": "sharing-api:consumersystem-list",
    "exchange-token": "delivery-api:token",
    "objections": "objections-api:objection-list",
    "inventory-systems": "inventory-api:informationsystem-list",
    "zombies-rules": "zombies-api:zombierule-list",
    "zombies-flags": "zombies-api:zombieflag-list",
    "zombies-duplicates": "zombies-api:duplicatecandidate-list",
    "zombies-plans": "zombies-api:cleanupplan-list",
    "projects": "projects-api:project-list",
    "projects-reviewer-departments": "projects-api:reviewerdepartment-list",
    "supervision-plans": "supervision-api:workplan-list",
    "supervision-tasks": "supervision-api:worktask-list",
    "supervision-reports": "supervision-api:progressreport-list",
    "service-items": "serviceitems-api:serviceitem-list",
}


class APIRootView(APIView):
    """Links to the endpoints of the REST API; the full description is the OpenAPI document at /api/schema/."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        links = {}
        for name, url_name in ROOT_LINKS.items():
            try:
                links[name] = request.build_absolute_uri(reverse(url_name))
            except NoReverseMatch:
                continue
        links["schema"] = request.build_absolute_uri(reverse("api-schema"))
        links["docs"] = request.build_absolute_uri(reverse("api-docs"))
        return Response(links)


class StatusView(APIView):
    """The platform version and the calling user (null when anonymous); for clients and monitoring."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=StatusSerializer)
    def get(self, request):
        user = request.user if request.user and request.user.is_authenticated else None
        return Response(StatusSerializer({
            "version": govshare.__version__,
            "api_version": API_VERSION,
            "user": user.username if user else None,
        }).data)
