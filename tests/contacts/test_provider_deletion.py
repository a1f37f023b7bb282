"""Catalogue L6: erasing a person deletes their copies at Twilio too (SMS/MMS and call
recordings), through the official twilio library against a local stand-in, and leaves
evidence that holds only the provider's ids."""

import pytest
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.sms.models import Account
from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import erase, reapply_erasures
from bereikbaar.contacts.provider_copies import ProviderDeletion
from bereikbaar.contacts.provider_erasure import delete_copy
from bereikbaar.conversations.models import Message
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage

from .twilio_standin import ACCOUNT_SID, API, AUTH_TOKEN, TwilioDeletes, twilio_error

pytestmark = pytest.mark.django_db

ANNA, PIET = "+31612345678", "+31687654321"
SMS_1, SMS_2, MMS = "SM" + "a1" * 16, "SM" + "a2" * 16, "MM" + "a3" * 16
REPLY = "SM" + "b1" * 16
CALL, RECORDING = "CA" + "c1" * 16, "RE" + "d1" * 16
PIETS_SMS, PIETS_CALL, PIETS_RECORDING = "SM" + "e1" * 16, "CA" + "e2" * 16, "RE" + "e3" * 16


@pytest.fixture
def twilio():
    server = TwilioDeletes()
    yield server
    server.close()


@pytest.fixture
def accounts(service, twilio):
    Account.objects.create(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        number="+3197010203040",
        api_base=twilio.base,
    )
    return Line.objects.create(
        name="Zonnestroom",
        kind=Line.Kind.TWILIO,
        token="twilio:+31201234567",
        number="+31201234567",
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base=twilio.base,
    )


def text_in(sid: str, phone: str, text: str = "Mijn omvormer piept") -> Contact:
    filed = ingest(
        InboundMessage(channel="sms", provider_id=sid, identities=[("phone", phone)], text=text)
    )
    return filed.conversation.contact


def recorded_call(line: Line, contact: Contact, call_sid: str) -> None:
    Call.objects.create(
        line=line, call_id=call_sid, number=contact.identities.get().value, contact=contact
    )


@pytest.fixture
def anna(accounts, twilio) -> Contact:
    """2 SMS and 1 MMS in, one reply out, one call with a recording."""
    contact = text_in(SMS_1, ANNA)
    text_in(SMS_2, ANNA)
    text_in(MMS, ANNA, "[mms: 1 bijlage(n)]")
    conversation = contact.conversations.get()
    Message.objects.create(
        conversation=conversation,
        direction="outbound",
        channel="sms",
        provider_id=REPLY,
        text="We bellen u.",
    )
    recorded_call(accounts, contact, CALL)
    twilio.messages |= {SMS_1, SMS_2, MMS, REPLY}
    twilio.recordings[CALL] = [RECORDING]
    return contact


@pytest.fixture
def piet(accounts, twilio) -> Contact:
    contact = text_in(PIETS_SMS, PIET, "Factuur klopt niet")
    recorded_call(accounts, contact, PIETS_CALL)
    twilio.messages.add(PIETS_SMS)
    twilio.recordings[PIETS_CALL] = [PIETS_RECORDING]
    return contact


def run_tasks() -> list[str]:
    """Run the queued deletion tasks (retries too, whenever they are due) until none is left."""
    outcomes = []
    while (
        task := DBTaskResult.objects.filter(task_path__endswith="delete_copy")
        .order_by("pk")
        .first()
    ):
        task.delete()
        outcomes.append(delete_copy.call(*task.args_kwargs["args"]))
    return outcomes


def evidence() -> dict[str, str]:
    return dict(ProviderDeletion.objects.values_list("object_id", "status"))


def test_l6_erasure_deletes_exactly_the_persons_messages_and_recordings(anna, piet, twilio):
    erase(anna)
    assert twilio.requests == [], "erasure itself never waits for Twilio"
    run_tasks()

    assert sorted(twilio.deletes()) == sorted(
        [f"{API}/Messages/{sid}.json" for sid in (SMS_1, SMS_2, MMS, REPLY)]
        + [f"{API}/Recordings/{RECORDING}.json"]
    )
    assert {r["auth"] for r in twilio.requests} == {f"{ACCOUNT_SID}:{AUTH_TOKEN}"}
    assert evidence() == {sid: "done" for sid in (SMS_1, SMS_2, MMS, REPLY, CALL)}
    assert ProviderDeletion.objects.get(object_id=CALL).answer == f"204 {RECORDING}"
    assert twilio.messages == {PIETS_SMS} and twilio.recordings[PIETS_CALL] == [PIETS_RECORDING]


def test_l6_the_evidence_holds_provider_ids_only(anna, twilio):
    erase(anna)
    run_tasks()
    for row in ProviderDeletion.objects.all():
        kept = " ".join([row.kind, row.account, row.object_id, row.answer])
        assert "31612345678" not in kept and "omvormer" not in kept
        assert row.contact_id == anna.pk and row.finished_at is not None


def test_l6_a_404_counts_as_gone(anna, twilio):
    twilio.messages.discard(SMS_2)
    twilio.recordings[CALL] = []
    erase(anna)
    run_tasks()
    assert evidence()[SMS_2] == "gone"
    assert evidence()[SMS_1] == "done"
    assert ProviderDeletion.objects.get(object_id=CALL).answer == "no recordings"


def test_l6_a_server_error_is_retried_then_done(accounts, twilio):
    contact = text_in(SMS_1, ANNA)
    twilio.messages.add(SMS_1)
    twilio.queue.append(twilio_error(500, 20500, "Internal Server Error"))
    erase(contact)
    assert run_tasks() == ["pending", "done"]
    row = ProviderDeletion.objects.get()
    assert (row.status, row.attempts) == ("done", 2)
    assert twilio.deletes() == [f"{API}/Messages/{SMS_1}.json"] * 2


def test_l6_a_message_twilio_is_still_sending_is_tried_again_later(accounts, twilio):
    contact = text_in(SMS_1, ANNA)
    twilio.messages.add(SMS_1)
    twilio.queue.append(
        twilio_error(400, 20009, "Cannot delete this resource before it is complete")
    )
    erase(contact)
    DBTaskResult.objects.all().delete()
    row = ProviderDeletion.objects.get()
    assert delete_copy.call(row.pk) == "pending"
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [row.pk, 1] and retry.run_after is not None
    row.refresh_from_db()
    assert "20009" in row.answer


def test_l6_a_refusal_is_recorded_as_failed_with_the_answer(accounts, twilio):
    contact = text_in(SMS_1, ANNA)
    twilio.queue.append(twilio_error(403, 20403, "Forbidden"))
    erase(contact)
    assert run_tasks() == ["failed"]
    row = ProviderDeletion.objects.get()
    assert row.status == "failed" and "403" in row.answer and row.finished_at


def test_l6_erasing_again_after_a_restore_deletes_nothing_twice(
    anna, twilio, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.BEREIKBAAR_ERASURE_LOG = str(tmp_path / "erasures.jsonl")
    with django_capture_on_commit_callbacks(execute=True):  # the journal is written on commit
        erase(anna)
    run_tasks()
    sent = len(twilio.deletes())
    # A restored database brings the person back (the evidence, kept, says what is done);
    # the erasure journal erases them again.
    Contact.objects.filter(pk=anna.pk).update(erased_at=None)
    anna.identities.create(kind="phone", value=ANNA)
    assert reapply_erasures() == [anna.pk]
    run_tasks()
    assert len(twilio.deletes()) == sent
    assert ProviderDeletion.objects.count() == 5


def test_l6_a_task_run_twice_deletes_once(accounts, twilio):
    contact = text_in(SMS_1, ANNA)
    twilio.messages.add(SMS_1)
    erase(contact)
    row = ProviderDeletion.objects.get()
    assert delete_copy.call(row.pk) == "done"
    assert delete_copy.call(row.pk) == "done"
    assert len(twilio.deletes()) == 1


def test_l6_admins_see_the_evidence_read_only(anna, twilio, client, alice):
    erase(anna)
    run_tasks()
    client.force_login(alice)
    page = client.get("/admin/contacts/providerdeletion/")
    assert page.status_code == 200 and SMS_1 in page.content.decode()
    row = ProviderDeletion.objects.get(object_id=SMS_1)
    assert client.get("/admin/contacts/providerdeletion/add/").status_code == 403
    assert client.post(f"/admin/contacts/providerdeletion/{row.pk}/delete/").status_code == 403
    assert ProviderDeletion.objects.filter(pk=row.pk, status="done").exists()
