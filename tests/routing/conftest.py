"""Routing fixtures: file customer messages the real way (intake.ingest) on any channel, and
make agents with skills, languages, per-channel capacity and presence."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from bereikbaar.conversations.models import Conversation
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()
_ids = itertools.count(1)
IDENTITY = {"email": "email", "whatsapp": "whatsapp", "sms": "phone", "phone": "phone"}
IDENTITY |= {"webchat": "webchat", "api": "api"}


def agent(
    username: str,
    *teams: Team,
    presence: str = "online",
    skills: tuple[str, ...] = (),
    languages: tuple[str, ...] = ("nl",),
    capacity: dict | None = None,
    limit: int = 20,
) -> AgentProfile:
    user = User.objects.create_user(username=username, password="geheim-wachtwoord")
    profile = AgentProfile.objects.create(
        user=user,
        presence=presence,
        skills=list(skills),
        languages=list(languages),
        capacity=capacity or {},
        max_concurrent=limit,
    )
    profile.teams.set(teams)
    return profile


_numbers: dict[str, str] = {}


def address(channel: str, who: str) -> str:
    if IDENTITY[channel] == "phone" or channel == "whatsapp":
        return _numbers.setdefault(who, f"+3161{len(_numbers):07d}")
    if channel == "email":
        return f"{who}@example.nl"
    return who


def write(who: str, text: str = "Hallo, ik heb een vraag", channel: str = "email") -> Conversation:
    """`who` writes on `channel`; returns the conversation it was filed in, fresh."""
    message = ingest(
        InboundMessage(
            channel=channel,
            provider_id=f"test-{next(_ids)}",
            identities=[(IDENTITY[channel], address(channel, who))],
            text=text,
            sender_name=who,
        )
    )
    return Conversation.objects.select_related("routing").get(pk=message.conversation_id)


@pytest.fixture
def team(db) -> Team:
    return Team.objects.create(name="Service", slug="service", is_default=True)
