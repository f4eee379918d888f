"""Base classes by kind of object, and the change history written for every change-logged model."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .attachments import attachment_path

__all__ = [
    "AttachmentModel", "ChangeLoggedModel", "ObjectChange", "PrimaryModel", "RestrictedQuerySet",
    "attachment_file_field", "serialize_object",
]


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see or change.

    Models override `restrict_for(user, action)`; views and the API always go through `restrict()`, so a page
    cannot forget the permission check.
    """

    def restrict(self, user, action="view"):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        restrict_for = getattr(self.model, "restrict_for", None)
        if restrict_for is None:
            return self
        return restrict_for(self, user, action)


def serialize_object(instance, exclude=()):
    """A JSON-ready dict of an instance's concrete fields (foreign keys by id), for history and diffs."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, uuid.UUID):
            value = str(value)
        data[field.name] = value
    return _jsonable(data)


def _jsonable(data):
    encoder = DjangoJSONEncoder()
    result = {}
    for key, value in data.items():
        if value is None or isinstance(value, (str, int, float, bool, list, dict)):
            result[key] = value
        else:
            result[key] = encoder.default(value)
    return result


class ChangeLoggedModel(models.Model):
    """Records created/updated times, and an ObjectChange row for every create, update and delete."""

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    # Fields left out of the change history (noise or secrets).
    changelog_exclude: tuple[str, ...] = ("created", "last_updated")

    class Meta:
        abstract = True

    def changelog_snapshot(self):
        return serialize_object(self, exclude=self.changelog_exclude)


class PrimaryModel(ChangeLoggedModel):
    """An object users manage directly: it has a free-text description."""

    description = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        abstract = True


def attachment_file_field(storage):
    """The `file` field of an AttachmentModel: a random stored name in the app's own storage under the data dir
    (a callable, so migrations do not freeze the location). Each app declares it, since the folder is its own."""
    return models.FileField(_("文件"), upload_to=attachment_path, storage=storage, max_length=300)


class AttachmentModel(models.Model):
    """An uploaded file kept under the data dir, with its original name, size, uploader and upload time.

    Subclasses add the parent foreign key, `file = attachment_file_field(<their storage>)`, Meta and
    `restrict_for`; govshare.core.attachments checks, stores and serves the files."""

    name = models.CharField(_("文件名"), max_length=255)
    size = models.BigIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class ObjectChange(models.Model):
    """One change to one object: who, when, from which request, and the data before and after."""

    ACTION_CREATE = "create"
    ACTION_UPDATE = "update"
    ACTION_DELETE = "delete"
    ACTION_CHOICES = [(ACTION_CREATE, _("创建")), (ACTION_UPDATE, _("修改")), (ACTION_DELETE, _("删除"))]

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("用户名"), max_length=150, blank=True)
    request_id = models.UUIDField(_("请求编号"), null=True, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=ACTION_CHOICES)
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    prechange_data = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    postchange_data = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="objectchange_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def diff(self):
        """Fields whose values differ, as {field: (before, after)}."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        return {
            key: (before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        }
