"""Presence changes and what they set in motion: an agent who comes online is offered the
queue; an agent who goes offline hands their open cases back to colleagues or the queue."""

from django.db import transaction

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.assign import drain_for, release
from bereikbaar.routing.models import AgentProfile

Presence = AgentProfile.Presence


def set_presence(profile: AgentProfile, presence: str) -> list[Conversation]:
    """Change an agent's presence; returns the cases that moved because of it."""
    if presence not in Presence.values:
        raise ValueError(f"unknown presence {presence!r}; use one of {Presence.values}")
    with transaction.atomic():
        before = profile.presence
        profile.presence = presence
        profile.save(update_fields=["presence"])
        if presence == Presence.OFFLINE and before != Presence.OFFLINE:
            return release(profile.user_id, f"{profile} went offline")
        if presence == Presence.ONLINE and before != Presence.ONLINE:
            return drain_for(profile)
    return []
