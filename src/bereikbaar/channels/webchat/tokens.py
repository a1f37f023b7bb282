"""Who a visitor is: a signed, expiring visitor token, and the host site's signed identity.

The visitor token is the only key to a conversation: it carries a random visitor id signed
with the project's SECRET_KEY (django.core.signing), so it cannot be guessed or forged, and a
token older than VISITOR_MAX_AGE is refused (the widget then starts a new visitor).

A host site that knows who its logged-in user is may vouch for them: it signs
``email|phone|name|timestamp`` with HMAC-SHA256 and a per-site secret
(``BEREIKBAAR_WEBCHAT_IDENTITY_SECRET``). Only such a verified identity is merged with a known
contact; what a visitor merely types is never trusted (see docs/channels-webchat.md).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "bereikbaar.channels.webchat.visitor"
VISITOR_MAX_AGE = 60 * 60 * 24 * 90  # seconds: a returning visitor within 90 days is known
IDENTITY_MAX_AGE = 60 * 60 * 24  # a host-site signature older than a day is refused


class BadToken(ValueError):
    """The visitor token is forged, damaged or expired."""


def new_visitor() -> str:
    return uuid.uuid4().hex


def make_token(visitor: str) -> str:
    return signing.dumps({"v": visitor}, salt=SALT, compress=False)


def visitor_for(token: str, max_age: int = VISITOR_MAX_AGE) -> str:
    if not isinstance(token, str) or not token or len(token) > 500:
        raise BadToken("no visitor token")
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("the visitor token has expired") from None
    except signing.BadSignature:
        raise BadToken("the visitor token is not valid") from None
    visitor = data.get("v") if isinstance(data, dict) else None
    if not isinstance(visitor, str) or len(visitor) != 32 or not visitor.isalnum():
        raise BadToken("the visitor token is not valid")
    return visitor


@dataclass(frozen=True)
class HostIdentity:
    email: str = ""
    phone: str = ""
    name: str = ""


def identity_secret() -> str:
    return getattr(settings, "BEREIKBAAR_WEBCHAT_IDENTITY_SECRET", "") or ""


def sign_identity(email: str, phone: str, name: str, ts: int, secret: str) -> str:
    """What the host site computes on its server (documented recipe)."""
    message = f"{email}|{phone}|{name}|{ts}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verified_identity(data: object, now: float | None = None) -> HostIdentity | None:
    """The host site's identity if its signature holds and is fresh; None otherwise."""
    secret = identity_secret()
    if not secret or not isinstance(data, dict):
        return None
    fields = [data.get(k, "") for k in ("email", "phone", "name", "ts", "sig")]
    if not all(isinstance(f, str | int) for f in fields):
        return None
    email, phone, name, ts, sig = (str(f)[:320] for f in fields)
    if not ts.isdigit() or abs((now or time.time()) - int(ts)) > IDENTITY_MAX_AGE:
        return None
    expected = sign_identity(email, phone, name, int(ts), secret)
    if not hmac.compare_digest(expected, sig):
        return None
    if not (email or phone):
        return None
    return HostIdentity(email=email, phone=phone, name=name[:200])
