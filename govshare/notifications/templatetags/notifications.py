"""{% unread_notifications %}: the top bar's link to 我的消息 with the unread count (one query per page)."""

from django import template

from ..models import Notification

register = template.Library()


@register.inclusion_tag("notifications/includes/unread.html", takes_context=True)
def unread_notifications(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    count = 0
    if user is not None and user.is_authenticated:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"count": count}
