"""Teams and agents: who may see a conversation and who has room to take it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    # Inbound with no better hint lands here.
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    class Presence(models.TextChoices):
        ONLINE = "online", _("online")
        AWAY = "away", _("afwezig")
        OFFLINE = "offline", _("offline")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    teams = models.ManyToManyField(Team, related_name="agents", blank=True)
    languages = models.JSONField(default=list, blank=True, help_text='e.g. ["nl", "en"]')
    max_concurrent = models.PositiveSmallIntegerField(_("maximaal gelijktijdig"), default=8)
    presence = models.CharField(max_length=16, choices=Presence.choices, default=Presence.OFFLINE)

    def __str__(self) -> str:
        return self.user.get_username()
