"""Where a webhook may point: the public internet, not the server's own network.

A lead can add a channel and press *Send a test message*, which shows the answer: a webhook URL of
`https://169.254.169.254/…`, `https://localhost:8000/admin/`, or a public name that resolves (or
redirects) to one of those would make the server fetch its own network for them (SSRF). The form
refuses such addresses as typed; the connection refuses them again by the address it actually reached,
which no name trick (DNS rebinding, `127.1`, `0x7f000001`) gets past; redirects are never followed.
`NOTIFY_ALLOW_PRIVATE_ADDRESSES` lifts both for development and for a receiver inside the company.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

# Names that never leave the machine or the local network, whatever DNS answers.
LOCAL_NAMES = re.compile(r"(^|\.)(localhost|localdomain|local|internal|intranet|lan|home\.arpa)$")
# A host made of digits, dots and hex only is an address in disguise to the resolver (127.1, 2130706433).
NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+))*$")


class BlockedAddress(OSError):
    """The webhook's address is on the server's own network."""


def allowed() -> bool:
    return settings.NOTIFY_ALLOW_PRIVATE_ADDRESSES


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_problem(hostname: str) -> str | None:
    """Why a webhook's host, as typed, is not on the public internet; None when it may be."""
    host = hostname.strip("[]").rstrip(".").lower()
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        if LOCAL_NAMES.search(host) or NUMERIC_HOST.match(host) or "." not in host:
            return _("%(host)s is a name on the local network; enter the platform's public address.") % {
                "host": hostname
            }
        return None
    if not is_public(host):
        return _("%(host)s is a private or local address; enter the platform's public address.") % {
            "host": hostname
        }
    return None


class _PublicPeer:
    """Checks the address the socket reached, before a byte of the request is sent."""

    def connect(self):
        super().connect()
        # Through a proxy the peer is the proxy; the destination is the proxy's to judge.
        if allowed() or getattr(self, "_tunnel_host", None):
            return
        peer = self.sock.getpeername()[0]
        if not is_public(peer):
            self.sock.close()
            raise BlockedAddress(
                _("%(address)s is a private or local address; webhooks go to public addresses only.")
                % {"address": peer}
            )


class PublicHTTPConnection(_PublicPeer, http.client.HTTPConnection):
    pass


class PublicHTTPSConnection(_PublicPeer, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(PublicHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(
            PublicHTTPSConnection, req, context=self._context, check_hostname=self._check_hostname
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A platform answers its webhook itself; a redirect is an answer (a failed try), not a new target."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_HTTPHandler, _HTTPSHandler, _NoRedirect)
