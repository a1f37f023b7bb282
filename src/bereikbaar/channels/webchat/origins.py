"""Which sites may run the chat widget.

BEREIKBAAR_WEBCHAT_ORIGINS lists them (comma-separated, e.g. "https://www.zonnestroom.nl").
Empty, the default: any site, the visitor token being the credential, as an embed code is
meant to be copied. With a list, the visitor socket and the upload refuse every other origin,
so a copied embed code or a visitor token lifted from one site cannot be used from another.
Our own pages (the /chat/ page, the demo site) are always allowed: same origin.
"""

from django.conf import settings


def configured() -> list[str]:
    raw = getattr(settings, "BEREIKBAAR_WEBCHAT_ORIGINS", "") or ""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [o.strip().rstrip("/").lower() for o in items if o.strip()]


def allowed(origin: str, host: str) -> bool:
    """May a page of `origin` talk to us at `host` (the Host header of this request)?"""
    sites = configured()
    if not sites:
        return True
    origin = origin.strip().rstrip("/").lower()
    if not origin:  # not a browser page (a native app, curl): the token decides
        return True
    own = {f"http://{host}".lower(), f"https://{host}".lower()}
    return origin in own or origin in sites
