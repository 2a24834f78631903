"""Channel pages: admins configure any channel, team leads the channels of the teams they lead."""

from __future__ import annotations

from csp.decorators import csp_replace, csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications import events
from notifications.delivery import deliver_due
from notifications.forms import ChannelForm
from notifications.models import Channel, DeliveryAttempt, Notification
from notifications.preview import previews
from reports.access import is_admin
from reports.models import Team

RECENT = 20


def manageable_teams(user, *, refuse: bool = True):
    """None for an admin (every team and the department); a lead's active teams; else refused."""
    if is_admin(user):
        return None
    teams = Team.objects.filter(leads=user, is_active=True)
    if refuse and not teams.exists():
        raise PermissionDenied(_("Only admins and team leads configure notification channels."))
    return teams


def get_channel_for_manage(user, pk: int) -> Channel:
    channel = get_object_or_404(Channel.objects.select_related("team"), pk=pk)
    if is_admin(user):
        return channel
    if channel.team_id is None or not channel.team.leads.filter(pk=user.pk).exists():
        raise PermissionDenied(_("You can only change the channels of the teams you lead."))
    return channel


@require_safe
@login_required
def channel_list(request):
    # Everyone may open the page (it is in the menu); it lists only what the reader may configure.
    teams = manageable_teams(request.user, refuse=False)
    channels = Channel.objects.select_related("team").annotate(
        failed=Count("notifications", filter=Q(notifications__status=Notification.Status.FAILED)),
        waiting=Count(
            "notifications",
            filter=Q(notifications__status__in=[Notification.Status.PENDING, Notification.Status.SENDING]),
        ),
        last_sent=Max("notifications__sent_at"),
    )
    if teams is not None:
        channels = channels.filter(team__in=teams)
    can_add = teams is None or teams.exists()
    return render(request, "notifications/channel_list.html", {"channels": channels, "can_add": can_add})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def channel_create(request):
    teams = manageable_teams(request.user)
    form = ChannelForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        channel = form.save(commit=False)
        channel.created_by = request.user
        channel.save()
        messages.success(
            request, _("Channel “%(name)s” saved. Send a test message to check it.") % {"name": channel}
        )
        return redirect("notification-channel", pk=channel.pk)
    return render(
        request, "notifications/channel_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def channel_edit(request, pk: int):
    channel = get_channel_for_manage(request.user, pk)
    form = ChannelForm(request.POST or None, instance=channel, teams=manageable_teams(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Channel “%(name)s” saved.") % {"name": channel})
        return redirect("notification-channel", pk=channel.pk)
    recent = list(
        channel.notifications.order_by("-created_at", "-pk").prefetch_related(
            Prefetch("delivery_attempts", queryset=DeliveryAttempt.objects.order_by("number"))
        )[:RECENT]
    )
    for row in recent:
        attempts = list(row.delivery_attempts.all())
        row.last_attempt = attempts[-1] if attempts else None
    context = {"form": form, "channel": channel, "recent": recent}
    return render(request, "notifications/channel_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def channel_delete(request, pk: int):
    channel = get_channel_for_manage(request.user, pk)
    channel.delete()
    messages.success(request, _("Channel “%(name)s” deleted.") % {"name": channel})
    return redirect("notification-channels")


@login_required
@require_POST
def channel_test(request, pk: int):
    """Queue a test message and try it right away, so the page can say what the platform answered."""
    channel = get_channel_for_manage(request.user, pk)
    row = events.send_test(channel)
    deliver_due(only=[row.pk])
    row.refresh_from_db()
    if row.status == Notification.Status.SENT:
        messages.success(request, _("Test message delivered."))
    else:
        messages.error(
            request,
            _("The test message was not delivered: %(error)s") % {"error": row.last_error or row.status},
        )
    return redirect("notification-channel", pk=channel.pk)


@require_safe
@login_required
@csp_update({"frame-src": ["'self'"]})  # each email preview is a framed document of its own
def channel_preview(request, pk: int):
    channel = get_channel_for_manage(request.user, pk)
    return render(
        request,
        "notifications/channel_preview.html",
        {"channel": channel, "previews": previews(channel, request.user)},
    )


# An email is styled inline, as mail clients need; the page's policy would strip those styles (and a
# srcdoc frame inherits it), so the preview frames the email as its own document. It holds no script
# and the frame is sandboxed; only this response allows inline styles, and only this site may frame it.
EMAIL_DOCUMENT_POLICY = {
    "style-src": ["'unsafe-inline'"],
    "script-src": ["'none'"],
    "frame-ancestors": ["'self'"],
}


@require_safe
@login_required
@xframe_options_sameorigin
@csp_replace(EMAIL_DOCUMENT_POLICY)
def channel_preview_email(request, pk: int, event: str):
    channel = get_channel_for_manage(request.user, pk)
    if channel.kind != Channel.Kind.EMAIL:
        raise Http404
    for preview in previews(channel, request.user, only=event):
        return HttpResponse(preview.html)
    raise Http404
