"""Zombie cleanup API: thresholds, flags (and the detection run), duplicate pairs, cleanup plans and each
department's "one big system" tree. Every write calls zombies.services, the same functions as the web pages."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from govshare.core.api.viewsets import (
    ActingUserMixin,
    RestrictedModelViewSet,
    RestrictedQuerysetMixin,
    RestrictedReadOnlyModelViewSet,
)
from govshare.inventory.models import InformationSystem
from govshare.users.choices import RoleChoices

from .. import services
from ..filtersets import (
    CleanupPlanFilterSet,
    DuplicateCandidateFilterSet,
    ZombieFlagFilterSet,
    ZombieRuleFilterSet,
)
from ..models import CleanupPlan, DuplicateCandidate, ZombieFlag, ZombieRule
from .serializers import (
    AcceptCandidateSerializer,
    CancelPlanSerializer,
    CleanupPlanSerializer,
    DetectionResultSerializer,
    DuplicateCandidateSerializer,
    FinishPlanSerializer,
    NoteSerializer,
    PlanInputSerializer,
    ProgressSerializer,
    SystemNodeSerializer,
    ZombieFlagSerializer,
    ZombieRuleSerializer,
)

__all__ = [
    "CleanupPlanViewSet",
    "DepartmentSystemTreeView",
    "DuplicateCandidateViewSet",
    "ZombieFlagViewSet",
    "ZombieRuleViewSet",
]

DECIDER_ROLES = (RoleChoices.AUTHORITY_OFFICER, RoleChoices.PLATFORM_ADMIN)


def _arguments(request, serializer_class):
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


class ZombieRuleViewSet(RestrictedModelViewSet):
    """Thresholds (认定规则): the platform default (no jurisdiction) and one row per jurisdiction. Everyone reads;
    platform admins set any row, the competent authority's officers those of their jurisdictions."""

    queryset = ZombieRule.objects.select_related("jurisdiction")
    serializer_class = ZombieRuleSerializer
    filterset_class = ZombieRuleFilterSet
    write_roles = DECIDER_ROLES

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        jurisdiction = values.pop("jurisdiction_id", None)
        rule = services.save_rule(user=request.user, jurisdiction=jurisdiction, **values)
        return Response(self.get_serializer(rule).data, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("jurisdiction_id", None)  # a row keeps its jurisdiction
        rule = services.save_rule(rule, user=request.user, **values)
        return Response(self.get_serializer(rule).data)


class ZombieFlagViewSet(RestrictedReadOnlyModelViewSet):
    """Zombie flags (僵尸系统标记) with their reasons. The owner department sees its own, the competent authority its
    jurisdiction. `POST …/flags/detect/` runs the detection (authority); `confirm` and `dismiss` (note required)
    are the authority's decisions."""

    queryset = ZombieFlag.objects.select_related("system__owner", "decided_by")
    serializer_class = ZombieFlagSerializer
    filterset_class = ZombieFlagFilterSet
    ordering_fields = ["opened_at", "refreshed_at", "status"]

    def detail_response(self, flag):
        return Response(self.get_serializer(self.get_queryset().get(pk=flag.pk)).data)

    @extend_schema(request=None, responses=DetectionResultSerializer)
    @action(detail=False, methods=["post"])
    def detect(self, request):
        """Apply the rules now to the systems the caller decides on; owners of new flags are notified."""
        flags = services.run_detection(user=request.user)
        data = {"flagged": len(flags), "new": sum(1 for f in flags if getattr(f, "opened_now", False)),
                "flags": flags}
        return Response(DetectionResultSerializer(data, context=self.get_serializer_context()).data)

    @extend_schema(request=NoteSerializer, responses=ZombieFlagSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        flag = services.confirm_flag(self.get_object(), user=request.user, **_arguments(request, NoteSerializer))
        return self.detail_response(flag)

    @extend_schema(request=NoteSerializer, responses=ZombieFlagSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        flag = services.dismiss_flag(self.get_object(), user=request.user, **_arguments(request, NoteSerializer))
        return self.detail_response(flag)


class DuplicateCandidateViewSet(RestrictedReadOnlyModelViewSet):
    """Pairs of running systems with overlapping functions (重复建设候选), with both function texts and the score.
    `accept` makes an "integrate into" plan; `dismiss` (note required) stops proposing the pair."""

    queryset = DuplicateCandidate.objects.select_related("system_a__owner", "system_b__owner", "decided_by")
    serializer_class = DuplicateCandidateSerializer
    filterset_class = DuplicateCandidateFilterSet
    ordering_fields = ["score", "proposed_at", "status"]

    @extend_schema(request=AcceptCandidateSerializer, responses={201: CleanupPlanSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        plan = services.accept_candidate(self.get_object(), user=request.user,
                                         **_arguments(request, AcceptCandidateSerializer))
        return Response(CleanupPlanSerializer(plan, context=self.get_serializer_context()).data,
                        status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=DuplicateCandidateSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        candidate = services.dismiss_candidate(self.get_object(), user=request.user,
                                               **_arguments(request, NoteSerializer))
        return Response(self.get_serializer(candidate).data)


class CleanupPlanViewSet(
    RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cleanup plans (清理计划): set and changed by the competent authority (POST, PATCH), progress and finish (with
    evidence, multipart) by the owner department's admins, cancelled by the authority."""

    queryset = CleanupPlan.objects.select_related("system__owner", "target__owner").prefetch_related(
        "events__user")
    serializer_class = CleanupPlanSerializer
    filterset_class = CleanupPlanFilterSet
    ordering_fields = ["deadline", "created", "status"]
    # Changes go through the services, which check "decide" / "report" themselves.
    change_actions = ()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def detail_response(self, plan, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status_code)

    def _system(self, pk):
        if pk is None:
            return None
        return get_object_or_404(InformationSystem.objects.restrict(self.request.user, "view"), pk=pk)

    @extend_schema(request=PlanInputSerializer, responses={201: CleanupPlanSerializer})
    def create(self, request):
        values = _arguments(request, PlanInputSerializer)
        system = values.pop("system", None)
        if system is None:
            raise ValidationError({"system": [_("请指定信息系统")]})
        plan = services.create_plan(self._system(system), user=request.user, **values)
        return self.detail_response(plan, status.HTTP_201_CREATED)

    @extend_schema(request=PlanInputSerializer, responses=CleanupPlanSerializer)
    def partial_update(self, request, pk=None):
        plan = self.get_object()
        values = {"action": plan.action, "target": plan.target_id, "deadline": plan.deadline,
                  "instructions": plan.instructions}
        form = PlanInputSerializer(data={**values, **request.data}, partial=False)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data.pop("system", None)
        plan = services.update_plan(plan, user=request.user, **data)
        return self.detail_response(plan)

    @extend_schema(request=ProgressSerializer, responses=CleanupPlanSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        plan = services.report_progress(self.get_object(), user=request.user,
                                        **_arguments(request, ProgressSerializer))
        return self.detail_response(plan)

    @extend_schema(request=FinishPlanSerializer, responses=CleanupPlanSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        plan = services.finish_plan(self.get_object(), user=request.user,
                                    **_arguments(request, FinishPlanSerializer))
        return self.detail_response(plan)

    @extend_schema(request=CancelPlanSerializer, responses=CleanupPlanSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        plan = services.cancel_plan(self.get_object(), user=request.user, **_arguments(request, CancelPlanSerializer))
        return self.detail_response(plan)


class DepartmentSystemTreeView(ActingUserMixin, APIView):
    """`GET …/departments/{id}/systems/`: the department as "one big system" — its systems as a tree by what each
    is integrated into, with status, connection, open flags and plans. The department's admins and the competent
    authority."""

    @extend_schema(responses=SystemNodeSerializer(many=True))
    def get(self, request, pk):
        department = get_object_or_404(services.visible_departments(request.user), pk=pk)
        tree = services.system_tree(department)
        return Response(SystemNodeSerializer(tree, many=True, context={"request": request}).data)
