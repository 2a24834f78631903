"""How an API request says who it is, what it may do, and how often: tokens, scopes, throttles, refusals.

A token acts as its owner with the owner's rights as they are now (a lead who leaves a team loses
its week through every token at once); a read-only token narrows that to reading. Every refusal is
JSON with a sentence a person can act on.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer rsk_…`: a personal token, checked for revocation, expiry and an active owner."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            text = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        token = ApiToken.find(text)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("This token has expired; create a new one."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The owner of this token is no longer active."))
        token.record_use()
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class ApiAccess(permissions.BasePermission):
    """Logged in (session or token) to read; a read-write token, or a session, to write.

    Which team's week a user may change is decided by reports.access in the view, like the form.
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = token_of(request)
        if token is not None and not token.can_write:
            self.message = _("This token is read-only; create a read-write token to change data.")
            return False
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (per user for a browser session), at API_THROTTLE_RATE."""

    scope = "api"

    def get_rate(self):
        # Read when used, not at import, so a changed setting (tests, a reload) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
