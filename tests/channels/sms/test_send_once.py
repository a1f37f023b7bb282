"""B8/I15: one reply is one SMS, however its send task is run.

Two runs of one send at the same moment (two workers, a task given back while its first run was
only slow) send once: the send is claimed before Twilio is called. A retry after Twilio accepted
but its answer was lost carries the same I-Twilio-Idempotency-Token, and the stand-in answers it
the way Twilio does: with the first message, sending nothing more.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bereikbaar.channels.sms import sender as sms_sender
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.claims import SENDING_TIMEOUT
from bereikbaar.delivery.models import SendClaim
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import send_message

MESSAGES = "/2010-04-01/Accounts/{}/Messages.json"


@pytest.fixture
def conversation(post_sms, run_intake, service):
    assert post_sms("inbound_sms").status_code == 200
    run_intake()
    return Message.objects.get().conversation


def posts(twilio) -> list[dict]:
    return [r for r in twilio.requests if r["method"] == "POST"]


def run_at_once(message_id: int, runs: int = 2) -> list:
    """`runs` threads run the send task for one message at the same moment."""
    results, start = [], threading.Barrier(runs)

    def run():
        try:
            start.wait()
            results.append(send_message.call(message_id))
        except Exception as exc:  # noqa: BLE001 (the test asserts there were none)
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_send_at_the_same_moment_send_one_sms(conversation, anna, twilio):
    message = reply(conversation, anna, "Tegelijk verstuurd?", channel="sms")
    twilio.delays = [0.5]  # Twilio takes its time: the second run arrives while it works
    results = run_at_once(message.pk)
    assert sorted(results) == ["sending", "sent"]
    assert twilio.sent == 1
    assert len(posts(twilio)) == 1
    message.refresh_from_db()
    assert (message.delivery_status, message.provider_id) == ("sent", "SM" + f"{1:032x}")
    assert send_message.call(message.pk) == "sent"  # and a later run sends nothing either
    assert twilio.sent == 1


@pytest.mark.django_db(transaction=True)
def test_many_runs_at_once_send_one_sms(conversation, anna, twilio):
    message = reply(conversation, anna, "Nog een keer?", channel="sms")
    twilio.delays = [0.5]
    results = run_at_once(message.pk, runs=6)
    assert results.count("sent") == 1 and results.count("sending") == 5
    assert twilio.sent == 1


def test_a_retry_after_a_lost_answer_carries_the_same_token_and_is_one_sms(
    conversation, anna, twilio, monkeypatch
):
    monkeypatch.setattr(sms_sender, "TIMEOUT", 0.3)
    twilio.delays = [1.0]  # Twilio accepts the message, but its answer comes too late
    message = reply(conversation, anna, "Komt dit twee keer?", channel="sms")
    assert send_message.call(message.pk) == "queued"  # a timeout: retried later
    message.refresh_from_db()
    assert "unreachable" in message.delivery_error
    assert twilio.sent == 1  # Twilio has it already

    assert send_message.call(message.pk, 1) == "sent"
    first, retry = posts(twilio)
    assert first["token"] and retry["token"] == first["token"]
    assert twilio.sent == 1  # the same token: Twilio's first answer, no second SMS
    message.refresh_from_db()
    assert message.provider_id == "SM" + f"{1:032x}"


def test_each_message_has_its_own_token(conversation, anna, twilio):
    for text in ["Eerste", "Tweede"]:
        send_message.call(reply(conversation, anna, text, channel="sms").pk)
    first, second = posts(twilio)
    assert first["token"] and second["token"] and first["token"] != second["token"]
    assert twilio.sent == 2


def test_a_claim_left_by_a_run_that_died_is_taken_over_with_the_same_token(
    conversation, anna, twilio
):
    message = reply(conversation, anna, "Na de crash", channel="sms")
    twilio.delays = [0.0]
    assert send_message.call(message.pk) == "sent"
    token = posts(twilio)[0]["token"]
    # As if that run had died after Twilio accepted and before the SID was recorded.
    Message.objects.filter(pk=message.pk).update(delivery_status="queued", provider_id=None)
    SendClaim.objects.filter(pk=message.pk).update(
        sending_since=timezone.now() - SENDING_TIMEOUT - timedelta(seconds=1)
    )
    assert send_message.call(message.pk) == "sent"
    assert posts(twilio)[-1]["token"] == token
    assert twilio.sent == 1


def test_a_claim_still_within_its_time_is_left_to_its_run(conversation, anna, twilio):
    message = reply(conversation, anna, "Bezig", channel="sms")
    SendClaim.objects.create(message=message, token="t" * 32, sending_since=timezone.now())
    assert send_message.call(message.pk) == "sending"
    assert posts(twilio) == []


def test_a_deliberate_resend_after_a_permanent_failure_gets_a_new_token(conversation, anna, twilio):
    from .conftest import twilio_error

    twilio.queue.append(twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"))
    message = reply(conversation, anna, "Nogmaals", channel="sms")
    assert send_message.call(message.pk) == "failed"
    assert send_message.call(message.pk) == "sent"  # e.g. the agent retries it
    first, resend = posts(twilio)
    assert resend["token"] != first["token"]
