"""Write change history for every ChangeLoggedModel automatically, with the acting user from the context."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .context import current_request_id, current_user
from .models import ChangeLoggedModel, ObjectChange


def _record(instance, action, before, after):
    user = current_user()
    ObjectChange.objects.create(
        user=user if user is not None and user.pk else None,
        user_name=getattr(user, "username", "") or "",
        request_id=current_request_id(),
        action=action,
        object_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        prechange_data=before,
        postchange_data=after,
    )


@receiver(pre_save)
def remember_prechange(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel) or instance._state.adding or instance.pk is None:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._prechange_snapshot = previous.changelog_snapshot() if previous else None


@receiver(post_save)
def log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = None if created else getattr(instance, "_prechange_snapshot", None)
    after = instance.changelog_snapshot()
    if not created and before == after:
        return
    _record(instance, ObjectChange.ACTION_CREATE if created else ObjectChange.ACTION_UPDATE, before, after)
    instance._prechange_snapshot = after


@receiver(post_delete)
def log_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedModel):
        return
    _record(instance, ObjectChange.ACTION_DELETE, instance.changelog_snapshot(), None)
