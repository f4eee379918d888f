"""API representations of users, their roles and their personal API tokens."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govshare.core.api.serializers import BaseModelSerializer, ChoiceField, RelatedObjectField
from govshare.organizations.api.serializers import BriefDepartmentSerializer, BriefOfficeSerializer
from govshare.organizations.models import Department, Office

from ..choices import RoleChoices
from ..models import APIToken, User

__all__ = [
    "APITokenCreatedSerializer",
    "APITokenSerializer",
    "BriefUserSerializer",
    "RolesSerializer",
    "UserSerializer",
]


class BriefUserSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="users-api:user-detail")

    class Meta:
        model = User
        fields = ["id", "url", "username", "full_name"]


class RoleSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class UserSerializer(BaseModelSerializer):
    """A user; the password is write-only (checked by the password policy), roles are set at /roles/."""

    url = serializers.HyperlinkedIdentityField(view_name="users-api:user-detail")
    department = RelatedObjectField(
        BriefDepartmentSerializer, queryset=Department.objects.all(), required=False, allow_null=True
    )
    office = RelatedObjectField(BriefOfficeSerializer, queryset=Office.objects.all(), required=False, allow_null=True)
    password = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False, style={"input_type": "password"},
        help_text=_("留空则不设置/不修改密码"),
    )
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "url", "username", "full_name", "email", "phone", "department", "office", "is_active",
            "is_superuser", "roles", "password", "last_login", "date_joined",
        ]
        read_only_fields = ["is_superuser", "last_login", "date_joined"]

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user):
        return [
            {"value": assignment.role, "label": str(RoleChoices.label(assignment.role))}
            for assignment in sorted(user.role_assignments.all(), key=lambda a: RoleChoices.values.index(a.role))
        ]

    def validate(self, attrs):
        department = attrs.get("department", getattr(self.instance, "department", None))
        office = attrs.get("office", getattr(self.instance, "office", None))
        if office is not None and office.department_id != getattr(department, "pk", None):
            raise serializers.ValidationError({"office": [_("处室不属于所选部门")]})
        password = attrs.get("password")
        if password:
            candidate = self.instance or User(**{k: v for k, v in attrs.items() if k != "password"})
            try:
                password_validation.validate_password(password, candidate)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs

    def create(self, validated_data):
        password = validated_data.pop("password", None)
        user = User(**validated_data)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user

    def update(self, instance, validated_data):
        password = validated_data.pop("password", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if password:
            instance.set_password(password)
        instance.save()
        return instance


class RolesSerializer(serializers.Serializer):
    """PUT /users/{id}/roles/: the complete list of roles the user should hold."""

    roles = serializers.ListField(child=ChoiceField(choices=RoleChoices.choices), allow_empty=True)


class APITokenSerializer(BaseModelSerializer):
    """A personal API token as listed: the key itself is never shown again."""

    url = serializers.HyperlinkedIdentityField(view_name="users-api:apitoken-detail")
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = APIToken
        fields = ["id", "url", "name", "prefix", "expires", "is_active", "revoked_at", "last_used", "created"]
        read_only_fields = ["prefix", "revoked_at", "last_used", "created"]

    def validate_expires(self, value):
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError(_("过期时间必须晚于当前时间"))
        return value


class APITokenCreatedSerializer(APITokenSerializer):
    """The answer to creating a token: the only time the key is shown."""

    key = serializers.CharField(read_only=True, help_text=_("令牌密钥，仅此一次显示，请妥善保存"))

    class Meta(APITokenSerializer.Meta):
        fields = [*APITokenSerializer.Meta.fields, "key"]
