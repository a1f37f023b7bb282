"""An agent on a call is fully occupied for routing, and the call is the first human contact."""

from bereikbaar.channels.voice.models import Call
from bereikbaar.routing.models import AgentProfile, CaseRouting

T0 = 1_790_000_000


def test_the_answering_agent_is_on_a_call_until_hangup(cti, anna):
    cti("newCall", timestamp=T0)
    cti("answer", user="anna", timestamp=T0 + 10)
    assert AgentProfile.objects.get(user=anna).presence == "on_call"
    cti("hangup", cause="normal", timestamp=T0 + 70)
    assert AgentProfile.objects.get(user=anna).presence == "online"


def test_an_answered_call_sets_time_to_human(cti, anna):
    cti("newCall", timestamp=T0)
    cti("answer", user="anna", timestamp=T0 + 10)
    call = Call.objects.get()
    case = CaseRouting.objects.get(conversation=call.message.conversation)
    assert case.human_at == call.answered_at


def test_an_agent_who_was_away_stays_away(cti, anna):
    AgentProfile.objects.filter(user=anna).update(presence="away")
    cti("newCall", timestamp=T0)
    cti("answer", user="anna", timestamp=T0 + 10)
    cti("hangup", cause="normal", timestamp=T0 + 70)
    assert AgentProfile.objects.get(user=anna).presence == "away"
