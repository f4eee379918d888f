"""API representations of mounted tables and loads (read-only), and the upload that starts a load."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govshare.catalog.api.serializers import BriefResourceSerializer
from govshare.catalog.models import InfoItem, Resource
from govshare.core.api.serializers import BaseModelSerializer
from govshare.users.api.serializers import BriefUserSerializer

from ..choices import LoadModeChoices, LoadPhaseChoices
from ..models import DataTable, TableLoad
from ..services import load_progress

__all__ = ["DataTableSerializer", "LoadUploadSerializer", "TableLoadSerializer"]


class BriefInfoItemSerializer(BaseModelSerializer):
    class Meta:
        model = InfoItem
        fields = ["id", "name", "code"]


class DataTableSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="datastore-api:datatable-detail")
    resource = BriefResourceSerializer(read_only=True)
    key_item = BriefInfoItemSerializer(read_only=True)
    key_column = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = DataTable
        fields = ["id", "url", "resource", "table_name", "key_item", "key_column", "columns", "row_count", "version",
                  "epoch", "last_seq", "last_loaded_at", "created", "last_updated"]
        read_only_fields = fields


class TableLoadSerializer(BaseModelSerializer):
    """A load; progress, phase and row counts are the freshest known (the cache while a SQLite load writes)."""

    url = serializers.HyperlinkedIdentityField(view_name="datastore-api:tableload-detail")
    data_table = serializers.PrimaryKeyRelatedField(read_only=True)
    resource = serializers.IntegerField(source="data_table.resource_id", read_only=True)
    key_item = BriefInfoItemSerializer(read_only=True)
    user = BriefUserSerializer(read_only=True)
    has_error_report = serializers.SerializerMethodField()

    class Meta:
        model = TableLoad
        fields = ["id", "url", "data_table", "resource", "number", "mode", "key_item", "status", "phase", "progress",
                  "source_name", "encoding", "rows_read", "rows_loaded", "rows_rejected", "message",
                  "has_error_report", "user", "created", "started_at", "finished_at"]
        read_only_fields = fields

    def get_has_error_report(self, load) -> bool:
        return bool(load.error_report_path)

    def to_representation(self, load):
        data = super().to_representation(load)
        live = load_progress(load)
        data["progress"] = live["progress"]
        data["rows_read"] = live["rows_read"]
        data["rows_loaded"] = live["rows_loaded"]
        phase = live["phase"]
        data["phase"] = {"value": phase, "label": str(LoadPhaseChoices.label(phase))} if phase else None
        return data


class LoadUploadSerializer(serializers.Serializer):
    """POST: a file to load into a resource's table."""

    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all(), label=_("资源"))
    file = serializers.FileField(label=_("数据文件"))
    mode = serializers.ChoiceField(choices=LoadModeChoices.choices, default=LoadModeChoices.REPLACE,
                                   label=_("加载方式"))
    key = serializers.CharField(required=False, allow_blank=True, default="",
                                label=_("主键信息项（代码、名称或编号）"))
