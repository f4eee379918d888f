"""我的消息: the signed-in user's messages, newest first; opening one marks it read and follows its link."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from .models import Notification

__all__ = ["NotificationListView", "NotificationOpenView", "NotificationReadAllView", "NotificationReadView"]


class NotificationListView(LoginRequiredMixin, View):
    """The user's own messages; `?unread=1` shows only the unread ones."""

    template_name = "notifications/notification_list.html"
    paginate_by = 30

    def get(self, request):
        mine = Notification.objects.filter(recipient=request.user)
        unread_only = request.GET.get("unread") == "1"
        queryset = mine.filter(read_at__isnull=True) if unread_only else mine
        page = Paginator(queryset, self.paginate_by).get_page(request.GET.get("page"))
        return render(request, self.template_name, {
            "title": _("我的消息"),
            "page_obj": page,
            "unread_only": unread_only,
            "unread_count": mine.filter(read_at__isnull=True).count(),
        })


def _own(request, pk):
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one message read and go to what it is about (a link inside this site only)."""

    def get(self, request, pk):
        notification = _own(request, pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
            return redirect(link)
        return redirect("notifications:list")


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one message read."""

    def post(self, request, pk):
        Notification.objects.filter(pk=_own(request, pk).pk, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications:list")


class NotificationReadAllView(LoginRequiredMixin, View):
    """POST: mark every message of the user read."""

    def post(self, request):
        count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("已将 %(n)d 条消息标为已读") % {"n": count})
        return redirect("notifications:list")
