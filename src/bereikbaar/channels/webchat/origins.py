"""Which sites may run the chat widget (reliability G6).

Two places list them, and together they are the list: the admin's "Chatwidget" settings (one
origin a line, models.WidgetSettings) and BEREIKBAAR_WEBCHAT_ORIGINS (comma-separated, e.g.
"https://www.zonnestroom.nl", for installs configured by environment). Both empty, the
default: any site, the visitor token being the credential, as an embed code is meant to be
copied. With a list, the visitor socket and the upload refuse every other origin, so a copied
embed code or a visitor token lifted from one site cannot be used from another.

An origin is compared exactly on scheme, host and port (a missing port is the scheme's
default), never as a string prefix: "https://zonnestroom.nl.evil.example" is not
"https://zonnestroom.nl". One wildcard form exists, "https://*.zonnestroom.nl": any subdomain
(at any depth) of zonnestroom.nl, same scheme and port, but not zonnestroom.nl itself.
Our own pages (the /chat/ page, the demo site) are always allowed: same origin as the Host.
With a list set, a handshake without an Origin (or with "null", a sandboxed frame or file://)
is refused too: every browser sends one, and the list is about browsers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # scheme, host (lower case, "*.x" for a wildcard), port


def parse(origin: str) -> Origin | None:
    """(scheme, host, port) of an origin or a listed site; None when it is not one."""
    text = origin.strip()
    if text.endswith("/"):
        text = text[:-1]  # a site typed as "https://example.nl/" in the list
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in DEFAULT_PORTS or not host or parts.path or parts.query or parts.fragment:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return scheme, host.lower(), port or DEFAULT_PORTS[scheme]


def site(entry: str) -> Origin | None:
    """A listed site: an origin, or "*." then at least two labels in its host; else None."""
    found = parse(entry)
    if found is None:
        return None
    host = found[1]
    if "*" in host and (not host.startswith("*.") or "*" in host[2:] or "." not in host[2:]):
        return None  # "https://*.nl", "https://shop*.example.nl": too wide or not ours
    return found


def configured() -> list[str]:
    """Every listed site: the admin's settings and BEREIKBAAR_WEBCHAT_ORIGINS together."""
    from bereikbaar.channels.webchat.models import WidgetSettings

    raw = getattr(settings, "BEREIKBAAR_WEBCHAT_ORIGINS", "") or ""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [o.strip() for o in items if o.strip()] + WidgetSettings.listed()


def matches(origin: Origin, listed: Origin) -> bool:
    scheme, host, port = listed
    if (origin[0], origin[2]) != (scheme, port):
        return False
    if host.startswith("*."):
        return origin[1].endswith(host[1:])  # ".zonnestroom.nl": a label must come before it
    return origin[1] == host


def allowed(origin: str, host: str) -> bool:
    """May a page of `origin` talk to us at `host` (the Host header of this request)?

    Reads the database (the admin's list): call it from a thread in async code.
    """
    sites = configured()
    if not sites:
        return True
    seen = parse(origin)
    if seen is None or "*" in seen[1]:  # no Origin, "null", garbage: none of the listed sites
        return False
    if seen in [parse(f"{scheme}://{host}") for scheme in DEFAULT_PORTS]:
        return True
    return any(matches(seen, listed) for listed in map(site, sites) if listed)
