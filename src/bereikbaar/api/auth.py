"""Bearer-token authentication shared by the ninja routes and the inbound fast path."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
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


def token_is_valid(token: str) -> bool:
    """The same check as user_for_token() without building a user: one indexed SELECT in
    plain SQL. The inbound door runs it on every webhook, where the ORM's query compilation
    cost more than the INSERT that follows (0.55 of 0.72 ms CPU per accept, cProfile)."""
    if not token:
        return False
    tokens, users = ApiToken._meta.db_table, get_user_model()._meta.db_table
    # table names from the models' metadata; the token is a parameter
    sql = f"SELECT 1 FROM {tokens} t JOIN {users} u ON u.id = t.user_id WHERE t.key_hash = %s"  # noqa: S608
    sql += " AND u.is_active"
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_token(token)])
        return cursor.fetchone() is not None


def bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
