"""API representation of audit entries: read-only, the stored values as they were hashed."""

from rest_framework import serializers

from ..models import AuditEntry

__all__ = ["AuditEntrySerializer"]


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "seq",
            "time",
            "user",
            "username",
            "department",
            "department_name",
            "system",
            "action",
            "resource",
            "resource_code",
            "items",
            "filter",
            "record_count",
            "purpose",
            "result",
            "latency_ms",
            "detail",
            "prev_hash",
            "entry_hash",
        ]
        read_only_fields = fields
