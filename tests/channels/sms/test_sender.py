"""Replies go out through the twilio Client to the REST stand-in; statuses come back."""

import pytest

from bereikbaar.channels.sms import consent
from bereikbaar.channels.sms.sender import send as sms_send
from bereikbaar.delivery.reply import ReplyRefused, reply
from bereikbaar.delivery.tasks import send_message

from .conftest import ACCOUNT_SID, AUTH_TOKEN, NUMBER, PUBLIC_URL, form, twilio_error


@pytest.fixture
def conversation(post_sms, run_intake, service):
    assert post_sms("inbound_sms").status_code == 200
    run_intake()
    from bereikbaar.conversations.models import Message

    return Message.objects.get().conversation


def send(conversation, agent, text="We bellen u vandaag nog."):
    message = reply(conversation, agent, text, channel="sms")
    send_message.call(message.pk)
    message.refresh_from_db()
    return message


def test_it_sends_through_the_twilio_client_and_records_the_sid(conversation, anna, twilio):
    message = send(conversation, anna)
    assert message.delivery_status == "sent"
    assert message.provider_id == "SM" + f"{1:032x}"
    request = twilio.requests[-1]
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["auth"] == f"{ACCOUNT_SID}:{AUTH_TOKEN}"
    assert request["form"] == {
        "To": "+31612345678",
        "From": NUMBER,
        "Body": "We bellen u vandaag nog.",
        "StatusCallback": f"{PUBLIC_URL}/channels/twilio/sms/status",
    }


@pytest.mark.parametrize(
    "answer",
    [
        twilio_error(429, 20429, "Too Many Requests"),
        twilio_error(500, 20500, "Internal Server Error"),
        twilio_error(503, 20503, "Service Unavailable"),
    ],
)
def test_transient_errors_are_retried(conversation, anna, twilio, answer):
    twilio.queue.append(answer)
    message = send(conversation, anna)
    assert message.delivery_status == "queued"
    assert message.delivery_error
    assert send_message.call(message.pk, 1) == "sent"


def test_permanent_errors_are_marked_with_twilios_code(conversation, anna, twilio):
    twilio.queue.append(twilio_error(400, 21211, "The 'To' number is not a valid phone number."))
    message = send(conversation, anna)
    assert message.delivery_status == "failed"
    assert message.delivery_error == "21211 The 'To' number is not a valid phone number."


def test_an_unreachable_twilio_is_retried(conversation, anna, twilio):
    twilio.close()
    message = send(conversation, anna)
    assert message.delivery_status == "queued"
    assert "unreachable" in message.delivery_error


def test_after_stop_a_reply_is_refused_before_it_is_stored(
    post_sms, run_intake, conversation, anna, twilio
):
    post_sms("inbound_stop")
    run_intake()
    assert consent.opted_out(conversation.contact)
    with pytest.raises(ReplyRefused, match="afgemeld"):
        reply(conversation, anna, "Jammer", channel="sms")
    assert [r for r in twilio.requests if r["method"] == "POST"] == []


def test_a_reply_queued_before_stop_arrived_is_not_sent(
    post_sms, run_intake, conversation, anna, twilio
):
    message = reply(conversation, anna, "Nog even dit", channel="sms")
    post_sms("inbound_stop")
    run_intake()
    send_message.call(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert "afgemeld" in message.delivery_error
    assert [r for r in twilio.requests if r["method"] == "POST"] == []


def test_status_callbacks_move_the_message_forward_only(
    conversation, anna, twilio, post_sms, run_intake
):
    message = send(conversation, anna)
    path = "/channels/twilio/sms/status"
    for status in ["delivered", "sent"]:
        params = form(f"status_{status}") | {"MessageSid": message.provider_id}
        assert post_sms(params, path=path).status_code == 200
    run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "delivered"


def test_an_undelivered_callback_marks_the_failure_with_the_error_code(
    conversation, anna, twilio, post_sms, run_intake
):
    message = send(conversation, anna)
    params = form("status_undelivered") | {"MessageSid": message.provider_id}
    assert post_sms(params, path="/channels/twilio/sms/status").status_code == 200
    assert post_sms(params, path="/channels/twilio/sms/status").status_code == 200  # once
    run_intake()
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == (
        "failed",
        "30003 toestel onbereikbaar",
    )


def test_status_callbacks_on_the_main_url_work_too(
    conversation, anna, twilio, post_sms, run_intake
):
    message = send(conversation, anna)
    post_sms(form("status_delivered") | {"MessageSid": message.provider_id})
    run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "delivered"


def test_without_a_number_set_up_the_send_fails_clearly(conversation, anna, account):
    account.delete()
    message = reply(conversation, anna, "Hallo", channel="sms")
    with pytest.raises(Exception, match="channel add twilio"):
        sms_send(message)


def test_a_text_we_start_needs_an_opt_in(db, anna, twilio, account):
    from django.utils import timezone

    from bereikbaar.contacts.models import Contact
    from bereikbaar.conversations.models import Conversation

    contact = Contact.objects.create(name="Nieuw")
    contact.identities.create(kind="phone", value="+31687654321")
    conversation = Conversation.objects.create(contact=contact)
    with pytest.raises(ReplyRefused, match="opt-in"):
        reply(conversation, anna, "Uw afspraak is morgen.", channel="sms")
    consent.record_opt_in(
        "+31687654321", "telefoon", "Mogen we u per sms herinneren?", timezone.now()
    )
    assert send(conversation, anna, "Uw afspraak is morgen.").delivery_status == "sent"


def test_an_undelivered_after_delivered_is_flagged_not_dropped(
    conversation, anna, twilio, post_sms, run_intake, client
):
    """B4: a carrier's `undelivered` after the delivery receipt: the status stays delivered,
    the failure and its error code are recorded and shown to the agent, once."""
    message = send(conversation, anna)
    path = "/channels/twilio/sms/status"
    for status in ["delivered", "undelivered"]:
        params = form(f"status_{status}") | {"MessageSid": message.provider_id}
        assert post_sms(params, path=path).status_code == 200
        run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "delivered"
    assert message.delivery_error == (
        "De aanbieder meldde een mislukking na aflevering: 30003 toestel onbereikbaar"
    )
    assert message.extra["late_failure"] == {
        "after": "delivered",
        "error": "30003 toestel onbereikbaar",
    }
    client.force_login(anna)
    page = client.get(f"/conversations/{message.conversation_id}/timeline/")
    assert "mislukking na aflevering: 30003" in page.content.decode()
