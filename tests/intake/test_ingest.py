from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage
from bereikbaar.routing.casework import set_status
from tests.conftest import make_agent


def message(provider_id: str, *identities, channel: str = "api", text: str = "hallo"):
    return InboundMessage(
        channel=channel, provider_id=provider_id, identities=list(identities), text=text
    )


def test_an_email_and_then_a_whatsapp_from_one_person_are_one_story(service):
    ingest(message("e1", ("email", "jan@example.nl"), ("phone", "0612345678"), channel="email"))
    ingest(
        message("w1", ("whatsapp", "+31612345678"), ("phone", "+31612345678"), channel="whatsapp")
    )
    assert Conversation.objects.count() == 1
    conversation = Conversation.objects.get()
    assert list(conversation.messages.values_list("channel", flat=True)) == ["email", "whatsapp"]
    assert conversation.last_inbound_channel == "whatsapp"


def test_a_resolved_case_is_not_reopened_by_a_new_question(service):
    first = ingest(message("a1", ("email", "jan@example.nl")))
    set_status(first.conversation, Conversation.Status.RESOLVED)
    second = ingest(message("a2", ("email", "jan@example.nl")))
    assert second.conversation_id != first.conversation_id


def test_a_pending_case_opens_again_when_the_customer_writes(service):
    first = ingest(message("a1", ("email", "jan@example.nl")))
    set_status(first.conversation, Conversation.Status.PENDING)
    ingest(message("a2", ("email", "jan@example.nl")))
    first.conversation.refresh_from_db()
    assert first.conversation.status == Conversation.Status.OPEN


def test_it_assigns_the_least_loaded_online_agent_with_room(service):
    busy = make_agent("busy", service)
    idle = make_agent("idle", service)
    make_agent("away", service, presence="away")
    for n in range(2):
        ingest(message(f"b{n}", ("email", f"klant{n}@example.nl")))
    loads = {u.username: u.assigned_conversations.count() for u in (busy, idle)}
    assert loads == {"busy": 1, "idle": 1}


def test_it_leaves_the_case_in_the_team_queue_when_everyone_is_full(service):
    make_agent("vol", service, limit=1)
    ingest(message("f1", ("email", "een@example.nl")))
    second = ingest(message("f2", ("email", "twee@example.nl")))
    assert second.conversation.assignee is None
    assert second.conversation.team == service


def test_html_is_sanitised_before_it_is_stored(service):
    stored = ingest(
        InboundMessage(
            channel="api",
            provider_id="x",
            identities=[("email", "x@example.nl")],
            html='<p onclick="evil()">hoi</p><script>alert(1)</script><img src="https://t.example/p.gif">',
        )
    )
    assert "script" not in stored.html
    assert "onclick" not in stored.html
    assert "<img" not in stored.html
    assert "hoi" in stored.html


def test_the_same_provider_id_is_one_message(service):
    one = ingest(message("same", ("email", "jan@example.nl")))
    two = ingest(message("same", ("email", "jan@example.nl")))
    assert one.pk == two.pk
    assert Message.objects.count() == 1


def test_a_reply_joins_the_case_it_answers_even_when_another_is_open(service):
    old = ingest(message("m-old@x", ("email", "jan@example.nl"), channel="email"))
    set_status(old.conversation, Conversation.Status.RESOLVED)
    newer = ingest(message("m-new@x", ("email", "jan@example.nl"), channel="email"))
    answer = ingest(
        InboundMessage(
            channel="email",
            provider_id="m-re@x",
            identities=[("email", "jan@example.nl")],
            text="Re",
            references=["m-old@x"],
        )
    )
    assert answer.conversation_id == old.conversation_id != newer.conversation_id
    answer.conversation.refresh_from_db()
    assert answer.conversation.status == Conversation.Status.OPEN


def test_an_automated_reply_never_reopens_a_resolved_case(service):
    first = ingest(message("m1@x", ("email", "jan@example.nl"), channel="email"))
    set_status(first.conversation, Conversation.Status.RESOLVED)
    ingest(
        InboundMessage(
            channel="email",
            provider_id="auto@x",
            identities=[("email", "jan@example.nl")],
            text="Ik ben afwezig",
            references=["m1@x"],
            automated=True,
        )
    )
    first.conversation.refresh_from_db()
    assert first.conversation.status == Conversation.Status.RESOLVED
    assert first.conversation.messages.count() == 2


def test_a_quoted_case_number_only_threads_for_its_own_contact(service):
    mine = ingest(message("q1", ("email", "jan@example.nl")))
    set_status(mine.conversation, Conversation.Status.RESOLVED)
    stranger = ingest(
        InboundMessage(
            channel="api",
            provider_id="q2",
            identities=[("email", "vreemd@example.nl")],
            text="x",
            conversation_ref=mine.conversation_id,
        )
    )
    assert stranger.conversation_id != mine.conversation_id
    again = ingest(
        InboundMessage(
            channel="api",
            provider_id="q3",
            identities=[("email", "jan@example.nl")],
            text="x",
            conversation_ref=mine.conversation_id,
        )
    )
    assert again.conversation_id == mine.conversation_id
