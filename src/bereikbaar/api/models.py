"""API tokens: only a hash is stored; the token itself is shown once, on creation."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token #{self.pk} for {self.user}"

    @classmethod
    def issue(cls, user) -> str:
        token = "bk_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(token))
        return token
