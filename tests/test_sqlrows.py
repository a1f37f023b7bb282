"""sqlrows: the intake's plain-SQL reads and writes behave as the ORM's would."""

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing.models import MessageSignals
from bereikbaar.sqlrows import first, insert, instances, update, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation() -> Conversation:
    contact = Contact.objects.create(name="Karin")
    return Conversation.objects.create(contact=contact, subject="Factuur")


def test_an_inserted_row_reads_back_as_the_orm_would_have_written_it(conversation):
    message = insert(
        Message(
            conversation=conversation,
            direction=Message.Direction.INBOUND,
            channel="email",
            provider_id="<a@b>",
            text="Hallo 👋",
            extra={"call": {"ringing_seconds": 12}, "naam": "Zoë"},
        )
    )
    assert message.pk is not None and not message._state.adding
    assert message.created_at is not None  # auto_now_add, as save() sets it
    stored = Message.objects.get(pk=message.pk)
    assert stored.text == "Hallo 👋"
    assert stored.extra == {"call": {"ringing_seconds": 12}, "naam": "Zoë"}
    assert stored.direction == Message.Direction.INBOUND
    assert stored.created_at == message.created_at


def test_signals_are_sent_as_save_sends_them(conversation):
    seen = []

    def receiver(sender, instance, created, update_fields=None, **kwargs):
        seen.append((created, update_fields and set(update_fields)))

    post_save.connect(receiver, sender=Conversation, dispatch_uid="sqlrows-test")
    try:
        new = insert(Conversation(contact=conversation.contact, subject="Nieuw"))
        new.priority = Conversation.Priority.HIGH
        update(new, ["priority"])
    finally:
        post_save.disconnect(dispatch_uid="sqlrows-test", sender=Conversation)
    assert seen == [(True, None), (False, {"priority"})]
    assert Conversation.objects.get(pk=new.pk).priority == Conversation.Priority.HIGH


def test_an_update_writes_only_the_fields_named(conversation):
    conversation.subject = "Gewijzigd"
    conversation.tags = ["spoed"]
    update(conversation, ["tags"])
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.tags == ["spoed"] and stored.subject == "Factuur"


def test_reads_give_aware_datetimes_parsed_json_and_extra_columns(conversation):
    insert(
        MessageSignals(
            message=insert(
                Message(conversation=conversation, channel="sms", provider_id="x", text="?")
            ),
            language="nl",
            emotion="angry",
            scores={"angry": 0.8},
            reasons=[{"label": "angry", "cue": "schandalig"}],
        )
    )
    found = first(
        Conversation,
        "SELECT c.*, 7 AS lucky FROM conversations_conversation c WHERE c.id = %s",
        [conversation.pk],
    )
    assert found.pk == conversation.pk and found.lucky == 7
    assert timezone.is_aware(found.created_at)
    assert found.contact_id == conversation.contact_id
    [row] = instances(MessageSignals, "SELECT * FROM routing_messagesignals", [])
    assert row.scores == {"angry": 0.8} and row.reasons[0]["cue"] == "schandalig"
    [(when, channel)] = values(Message, "SELECT created_at, channel FROM conversations_message", [])
    assert timezone.is_aware(when) and channel == "sms"


def test_a_query_missing_a_field_is_refused(conversation):
    with pytest.raises(ValueError, match="lacks the columns"):
        instances(Conversation, "SELECT id FROM conversations_conversation", [])


def test_a_model_with_its_own_save_is_refused(conversation):
    # Identity.save() normalises the value: writing around it would store it as given
    with pytest.raises(TypeError, match="own save"):
        insert(Identity(contact=conversation.contact, kind="phone", value="06-12345678"))
