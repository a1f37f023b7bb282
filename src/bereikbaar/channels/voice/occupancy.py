"""What a call means for routing: the answering agent is fully occupied while it lasts, and an
answered call is the customer's first human contact (time-to-human, SLA)."""

from bereikbaar.channels.voice.models import Call
from bereikbaar.routing.models import AgentProfile
from bereikbaar.routing.presence import set_presence
from bereikbaar.routing.triage import on_call_answered

Presence = AgentProfile.Presence


def after_change(call: Call, state_before: str) -> None:
    if call.state == state_before or call.direction != "in":
        return
    if call.answered_at and call.message_id:
        on_call_answered(call.message.conversation, call.answered_at)
    profile = AgentProfile.objects.filter(user_id=call.answered_by_id).first()
    if profile is None:
        return
    if call.state == Call.State.ANSWERED and profile.presence == Presence.ONLINE:
        set_presence(profile, Presence.ON_CALL)
    elif call.state == Call.State.ENDED and profile.presence == Presence.ON_CALL:
        set_presence(profile, Presence.ONLINE)
