"""Bearer-token authentication shared by the ninja routes and the inbound fast path."""

from django.contrib.auth.models import AbstractBaseUser
from ninja.security import HttpBearer

from bereikbaar.api.models import ApiToken, hash_token


def user_for_token(token: str) -> AbstractBaseUser | None:
    if not token:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), user__is_active=True)
        .first()
    )
    return found.user if found else None


def bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
