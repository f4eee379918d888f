"""Serializer building blocks shared by every app's API: choices and related objects, written plainly, read richly."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

__all__ = ["BaseModelSerializer", "ChoiceField", "RelatedObjectField", "StatusSerializer"]


class ChoiceField(serializers.ChoiceField):
    """Written as the plain value; read as {"value", "label"} so clients need not keep their own label table."""

    def to_representation(self, value):
        if value in ("", None):
            return None
        return {"value": value, "label": str(self.choices.get(value, value))}

    def to_internal_value(self, data):
        # Accept the object a client read back ({"value": ...}) as well as the plain value.
        if isinstance(data, dict) and "value" in data:
            data = data["value"]
        return super().to_internal_value(data)


class RelatedObjectField(serializers.PrimaryKeyRelatedField):
    """A foreign key written as an id and read as the related object's brief serializer."""

    def __init__(self, serializer, **kwargs):
        self.brief_serializer = serializer
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_internal_value(self, data):
        if isinstance(data, dict) and "id" in data:
            data = data["id"]
        return super().to_internal_value(data)

    def to_representation(self, value):
        return self.brief_serializer(value, context=self.context).data

    def get_choices(self, cutoff=None):
        # The browsable API lists choices keyed by representation; ours is a dict, so key by id instead.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}


# The base of the API's model serializers: choice fields read as {"value", "label"}. (A comment, not a docstring:
# the OpenAPI document would show it as the description of every serializer that has none of its own.)
class BaseModelSerializer(serializers.ModelSerializer):
    serializer_choice_field = ChoiceField


class StatusSerializer(serializers.Serializer):
    """GET /api/v1/status/."""

    version = serializers.CharField()
    api_version = serializers.CharField()
    user = serializers.CharField(allow_null=True)


# ---------------------------------------------------------------------------------------------------------------
# OpenAPI: describe the request and the response side of these fields separately (COMPONENT_SPLIT_REQUEST).

class ChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ChoiceField

    def map_serializer_field(self, auto_schema, direction):
        values = [value for value in self.target.choices if value != ""]
        value_schema = {**build_basic_type(OpenApiTypes.STR), "enum": values}
        if direction == "request":
            if self.target.allow_blank:
                value_schema["enum"] = [*values, ""]
            return value_schema
        schema = build_object_type(
            properties={
                "value": value_schema,
                "label": build_basic_type(OpenApiTypes.STR),
            },
            required=["value", "label"],
        )
        if self.target.allow_blank or self.target.allow_null:
            schema["nullable"] = True
        return schema


class RelatedObjectFieldExtension(OpenApiSerializerFieldExtension):
    target_class = RelatedObjectField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        component = auto_schema.resolve_serializer(self.target.brief_serializer, direction)
        return component.ref


class APITokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Personal tokens: `Authorization: Bearer <key>` (or `Token <key>`); Swagger UI sends the Bearer form."""

    target_class = "govshare.users.authentication.APITokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人API令牌：`Authorization: Bearer <令牌>` 或 `Authorization: Token <令牌>`",
        }
