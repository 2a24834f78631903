"""A user's own API tokens: create (the secret is shown once), list with last use, revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken

# The new token's secret waits in the session for the one page view that shows it.
SESSION_KEY = "api_new_token"


@login_required
def token_list(request):
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            days = form.cleaned_data["days"]
            expires_at = timezone.now() + dt.timedelta(days=days) if days else None
            token, text = ApiToken.issue(
                request.user,
                form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=expires_at,
            )
            request.session[SESSION_KEY] = {"id": token.pk, "text": text}
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
            return redirect("api-tokens")
        messages.error(request, _("No token was created: please correct the marked fields."))
        status = 400
    else:
        form = TokenForm()
        status = 200
    new_token = request.session.pop(SESSION_KEY, None)
    tokens = list(ApiToken.objects.filter(user=request.user))
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    # Another user's token is a 404: its existence is not theirs to learn.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke(request.user)
        messages.success(request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name})
    return redirect("api-tokens")
