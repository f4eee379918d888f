"""Serializers of the mounting API. Secrets are write-only: the API's auth header value and the pull's connection
URL are accepted on writes and never returned (only whether one is set)."""

from rest_framework import serializers

from govshare.core.api.serializers import BaseModelSerializer

from ..choices import PullModeChoices
from ..models import ApiEndpoint, DataFile, PullSource

__all__ = [
    "ApiEndpointSerializer",
    "DataFileSerializer",
    "DataFileUploadSerializer",
    "PullSourceSerializer",
    "TimelinessSerializer",
]


class DataFileSerializer(BaseModelSerializer):
    is_duplicate = serializers.BooleanField(read_only=True)
    uploaded_by = serializers.StringRelatedField()

    class Meta:
        model = DataFile
        fields = [
            "id", "resource", "name", "version", "size", "sha256", "content_type", "description", "is_duplicate",
            "duplicate_of", "uploaded_by", "created",
        ]
        read_only_fields = fields


class DataFileUploadSerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    file = serializers.FileField()
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ApiEndpointSerializer(BaseModelSerializer):
    auth_header_value = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=1000,
        help_text="只写；不填或为空保持现有取值",
    )
    clear_secret = serializers.BooleanField(write_only=True, required=False, default=False)
    has_secret = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiEndpoint
        fields = [
            "id", "resource", "base_url", "allowed_methods", "auth_header_name", "auth_header_value", "clear_secret",
            "has_secret", "timeout_seconds", "is_active", "description", "created", "last_updated",
        ]
        read_only_fields = ["id", "has_secret", "created", "last_updated"]
        validators = []  # one endpoint per resource: the service updates the existing one

    def service_arguments(self):
        data = self.validated_data
        arguments = {
            name: data[name] for name in (
                "base_url", "allowed_methods", "auth_header_name", "timeout_seconds", "is_active", "description"
            ) if name in data
        }
        arguments["auth_header_value"] = data.get("auth_header_value") or None
        arguments["clear_secret"] = data.get("clear_secret", False)
        return arguments


class PullSourceSerializer(BaseModelSerializer):
    connection_url = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=1000,
        help_text="只写；postgresql://用户:密码@主机:端口/数据库；更新时不填保持不变",
    )
    has_connection = serializers.SerializerMethodField()
    mode = serializers.ChoiceField(choices=PullModeChoices.choices, required=False)

    class Meta:
        model = PullSource
        fields = [
            "id", "resource", "connection_url", "has_connection", "source_table", "query", "mode", "key_column",
            "timestamp_column", "column_mapping", "interval_minutes", "enabled", "description", "next_run_at",
            "watermark", "last_run_at", "last_success_at", "last_status", "last_message", "last_rows", "last_load",
        ]
        read_only_fields = [
            "id", "has_connection", "next_run_at", "watermark", "last_run_at", "last_success_at", "last_status",
            "last_message", "last_rows", "last_load",
        ]
        validators = []

    def get_has_connection(self, source) -> bool:
        return bool(source.connection_url)

    def service_arguments(self, instance=None):
        data = dict(self.validated_data)
        data.pop("resource", None)
        current = {}
        if instance is not None:
            current = {
                name: getattr(instance, name) for name in (
                    "source_table", "query", "mode", "key_column", "timestamp_column", "column_mapping",
                    "interval_minutes", "enabled", "description",
                )
            }
        current.update(data)
        current["connection_url"] = data.get("connection_url") or None
        return current


class TimelinessSerializer(serializers.Serializer):
    """One resource against its update cycle."""

    resource = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    code = serializers.CharField(allow_null=True)
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider.name")
    update_cycle = serializers.CharField()
    status = serializers.CharField(source="timeliness.status")
    status_label = serializers.CharField(source="timeliness.label")
    last_update = serializers.DateTimeField(source="timeliness.last_update", allow_null=True)
    due_at = serializers.DateTimeField(source="timeliness.due_at", allow_null=True)
