"""Every figure on the dashboard, by key, and ``dashboard()`` that computes them.

A figure is a :class:`Figure` (analytics.base): a title, column names, rows, a few headline
numbers (``summary``) and how to draw it, computed with aggregate queries over the
conversations a user may see, never by looping over messages in Python. A source that does
not exist yet gives a figure whose ``measured`` is False and whose note says why.

The figures themselves live by subject: volume (channel mix, multichannel, preferred vs used,
repeat contacts), timing (response times, SLA), feelings (emotions), calls (phone,
callbacks), selfservice (help centre), satisfaction (CSAT) and agents (load). This module
keeps the names the views, the API and the tests use.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser

from bereikbaar.analytics import cube, scope
from bereikbaar.analytics.agents import agent_load
from bereikbaar.analytics.base import (
    CHANNEL_KEYS,
    CHANNEL_LABELS,
    EMOTION_KEYS,
    Figure,
    Filters,
    not_measured,
)
from bereikbaar.analytics.calls import callbacks, phone
from bereikbaar.analytics.feelings import emotion_mix
from bereikbaar.analytics.satisfaction import csat_agent, csat_channel, csat_team
from bereikbaar.analytics.scope import conversations, from_scratch
from bereikbaar.analytics.selfservice import helpcenter
from bereikbaar.analytics.stats import without_jit
from bereikbaar.analytics.timing import DEFAULT_SLA_MINUTES, response_times, sla, sla_targets
from bereikbaar.analytics.volume import (
    REPEAT_WINDOW,
    channel_mix,
    multichannel,
    preferred_vs_used,
    repeat_contacts,
)
from bereikbaar.conversations.models import CHANNELS

__all__ = [
    "CHANNELS",
    "CHANNEL_KEYS",
    "CHANNEL_LABELS",
    "DEFAULT_SLA_MINUTES",
    "EMOTION_KEYS",
    "FIGURES",
    "REPEAT_WINDOW",
    "Figure",
    "Filters",
    "conversations",
    "dashboard",
    "from_scratch",
    "not_measured",
    "sla_targets",
]

FIGURES: dict[str, Callable[[AbstractBaseUser, Filters], Figure]] = {
    "channel_mix": channel_mix,
    "multichannel": multichannel,
    "preferred_vs_used": preferred_vs_used,
    "emotions": emotion_mix,
    "response_times": response_times,
    "sla": sla,
    "phone": phone,
    "callbacks": callbacks,
    "helpcenter": helpcenter,
    "csat_channel": csat_channel,
    "csat_team": csat_team,
    "csat_agent": csat_agent,
    "repeat": repeat_contacts,
    "agent_load": agent_load,
}


def dashboard(user, f: Filters, keys: list[str] | None = None) -> list[Figure]:
    """The figures (all, or ``keys``), with the conversation facts brought up to date once and
    the conversation counts several figures need grouped in one query (analytics.cube)."""
    with without_jit(), scope.prepared(user, f), cube.shared():
        return [FIGURES[k](user, f) for k in (keys or list(FIGURES))]
