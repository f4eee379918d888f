"""One error shape for the whole API: {"error": {"code", "message", "fields": {field: [messages]}}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

__all__ = ["error_body", "exception_handler"]


def error_body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail):
    """DRF detail (dict/list/str, nested for inline items) → {field: [messages]} with dotted paths."""
    fields = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                fields.setdefault(path or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for index, inner in enumerate(value):
                    if inner:
                        walk(inner, f"{path}.{index}" if path else str(index))
        else:
            fields.setdefault(path or "non_field_errors", []).append(str(value))

    walk(detail, "")
    return fields


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        body = error_body("invalid", _("提交的数据有误，请按字段提示修改"), fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        body = error_body(code, detail if isinstance(detail, str) else _flatten(detail), None)
    response.data = body
    return response


def validation_error_response(fields, message=None):
    return Response(
        error_body("invalid", message or _("提交的数据有误，请按字段提示修改"), fields),
        status=status.HTTP_400_BAD_REQUEST,
    )
