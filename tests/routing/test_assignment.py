"""Assignment: skills, languages, capacity per channel, presence, round robin, the queue."""

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.assign import queue
from bereikbaar.routing.casework import assign, set_status
from bereikbaar.routing.models import AgentProfile, RoutingRule, Team
from bereikbaar.routing.presence import set_presence

from .conftest import agent, write

ANGRY = "Dit is echt belachelijk!! Ik heb al drie keer gebeld en niemand helpt me"


def test_it_assigns_the_least_loaded_and_round_robins_ties(team):
    a = agent("a", team)
    b = agent("b", team)
    owners = [write(f"klant{i}").assignee_id for i in range(4)]
    assert owners == [a.user_id, b.user_id, a.user_id, b.user_id]


def test_it_sends_an_angry_customer_to_a_de_escalation_agent_first(team):
    agent("gewoon", team)
    calm = agent("kalm", team, skills=("de-escalation",))
    agent("ook-gewoon", team)
    conversation = write("boos", ANGRY)
    assert conversation.assignee_id == calm.user_id
    assert conversation.priority == Conversation.Priority.HIGH
    assert conversation.routing.emotion == "angry"
    reason = conversation.routing.priority_reasons[-1]["reason"]
    assert reason.startswith("boos: ") and "belachelijk" in reason


def test_an_angry_customer_goes_to_anyone_when_the_de_escalators_are_full(team):
    agent("kalm", team, skills=("de-escalation",), capacity={"email": 1})
    other = agent("gewoon", team)
    write("eerste", "Hallo, een vraag")  # least loaded: kalm (id order), now full
    assert write("boos", ANGRY).assignee_id == other.user_id


def test_it_routes_to_an_agent_who_speaks_the_language(team):
    agent("nl1", team, languages=("nl",))
    english = agent("en1", team, languages=("nl", "en"))
    conversation = write("john", "Hello, could you tell me when my parcel will arrive please?")
    assert conversation.routing.language == "en"
    assert conversation.assignee_id == english.user_id


def test_language_is_a_preference_not_a_wall(team):
    only_dutch = agent("nl1", team, languages=("nl",))
    text = "Hello, could you tell me when my parcel will arrive please?"
    assert write("john", text).assignee_id == only_dutch.user_id


def test_a_call_fills_an_agent_and_chats_share_them(team):
    a = agent("a", team)
    assert write("beller", "Inkomend gesprek", channel="phone").assignee_id == a.user_id
    chat = write("chatter", "Hoi", channel="webchat")
    assert chat.assignee_id is None and chat.routing.queued_at is not None
    b = agent("b", team)
    set_presence(b, "away")
    set_presence(b, "online")  # coming online takes the waiting chat
    chat.refresh_from_db()
    assert chat.assignee_id == b.user_id
    for i in range(2):
        assert write(f"chat{i}", "Hoi", channel="webchat").assignee_id == b.user_id
    assert write("chat3", "Hoi", channel="webchat").assignee_id is None  # 3 chats: full


def test_a_rule_sends_inbound_to_its_team_and_requires_its_skill(team):
    billing = Team.objects.create(name="Billing", slug="billing")
    RoutingRule.objects.create(name="facturen", team=billing, keywords=["factuur"], skill="geld")
    agent("generalist", billing)
    expert = agent("expert", billing, skills=("geld",))
    conversation = write("k", "Mijn factuur klopt niet")
    assert conversation.team == billing and conversation.routing.skill == "geld"
    assert conversation.assignee_id == expert.user_id
    assert write("k2", "Waar is mijn pakket?").team == team


def test_rules_match_on_channel_and_language(team):
    phone = Team.objects.create(name="Telefoon", slug="telefoon")
    english = Team.objects.create(name="English", slug="english")
    RoutingRule.objects.create(name="calls", team=phone, channels=["phone"], order=1)
    RoutingRule.objects.create(name="en", team=english, languages=["en"], order=2)
    assert write("a", "Inkomend gesprek", channel="phone").team == phone
    assert write("b", "Hello, I would like to change my address please").team == english
    assert write("c", "Ik wil mijn adres wijzigen").team == team


def test_the_queue_drains_in_priority_order_when_an_agent_frees_up(team):
    a = agent("a", team, capacity={"email": 1})
    first = write("eerste")
    calm = write("rustig", "Wanneer komt mijn pakket?")
    urgent = write("urgent", "Ik heb geen stroom en geen verwarming, vandaag nog oplossen aub")
    assert first.assignee_id == a.user_id
    assert [c.pk for c in queue(team)] == [urgent.pk, calm.pk]
    assert urgent.priority == Conversation.Priority.URGENT
    set_status(first, Conversation.Status.RESOLVED)
    urgent.refresh_from_db()
    calm.refresh_from_db()
    assert urgent.assignee_id == a.user_id and calm.assignee_id is None
    assert calm.routing.waiting_reason == "every qualified agent is at capacity"


def test_an_agent_who_hands_a_case_back_gets_the_next_one_not_the_same(team):
    a = agent("a", team, capacity={"email": 1})
    mine = write("eerste")
    waiting = write("tweede")
    assign(mine, None)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert waiting.assignee_id == a.user_id
    assert mine.assignee_id is None and mine.routing.waiting_reason == "handed back to the queue"


def test_going_offline_hands_open_cases_to_colleagues_or_the_queue(team):
    leaving = agent("weg", team, capacity={"email": 3})
    cases = [write(f"k{i}") for i in range(3)]
    assert {c.assignee_id for c in cases} == {leaving.user_id}
    stays = agent("blijft", team, capacity={"email": 2})
    set_presence(leaving, AgentProfile.Presence.OFFLINE)
    owners = sorted(Conversation.objects.values_list("assignee_id", flat=True), key=str)
    assert owners.count(stays.user_id) == 2 and owners.count(None) == 1
    waiting = Conversation.objects.get(assignee=None)
    assert waiting.routing.waiting_reason == "weg went offline"


def test_away_on_call_and_after_call_work_get_nothing_new(team):
    for i, presence in enumerate(["away", "on_call", "after_call_work", "offline"]):
        agent(f"a{i}", team, presence=presence)
    conversation = write("k")
    assert conversation.assignee_id is None
    assert conversation.routing.waiting_reason == "nobody in the team is online"


def test_bad_input_cases_wait_visibly(team):
    empty = Team.objects.create(name="Leeg", slug="leeg")
    RoutingRule.objects.create(name="niemand", team=empty, keywords=["opzeggen"])
    agent("nul", team, capacity={"email": 0}, limit=0)
    agent("afwezig", empty, presence="offline")
    zero = write("a", "Een vraag")
    nobody = write("b", "Ik wil opzeggen")
    assert zero.assignee_id is None and zero.routing.queued_at is not None
    assert nobody.team == empty and nobody.assignee_id is None
    assert [c.pk for c in queue(team)] == [zero.pk]
    assert [c.pk for c in queue(empty)] == [nobody.pk]
    RoutingRule.objects.create(name="skill", team=team, keywords=["klacht"], skill="x", order=0)
    skilled = write("c", "Ik heb een klacht")
    assert skilled.routing.waiting_reason == "nobody online has the skill x"


def test_no_team_at_all_still_records_the_wait(db):
    conversation = write("a")
    assert (
        conversation.team is None and conversation.routing.waiting_reason == "no team to route to"
    )
