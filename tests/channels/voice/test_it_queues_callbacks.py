"""request_callback(): what the contact page calls, and the queue agents work through."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.models import CallbackRequest
from bereikbaar.contacts.normalise import InvalidIdentity


@pytest.mark.django_db
def test_a_customer_asks_for_a_callback_in_a_slot():
    start = timezone.now() + timedelta(days=1)
    request = callbacks.request_callback("06-12345678", "Piet", (start, start + timedelta(hours=1)))
    assert (request.number, request.name, request.source) == ("+31612345678", "Piet", "page")
    assert request.due_at == start and request.slot_end == start + timedelta(hours=1)
    assert request.status == "open" and request.attempts == 0


@pytest.mark.django_db
def test_asap_is_now():
    request = callbacks.request_callback("+31612345678")
    assert abs((request.due_at - timezone.now()).total_seconds()) < 5


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["", "anonymous", "bel me", "12"])
def test_a_garbage_number_is_a_clear_error(number):
    with pytest.raises(InvalidIdentity):
        callbacks.request_callback(number)
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
def test_the_queue_is_ordered_by_priority_then_due_time():
    later = callbacks.request_callback("+31611111111")
    urgent = callbacks.request_callback("+31622222222", source="ivr")
    soon = callbacks.request_callback("+31633333333")
    CallbackRequest.objects.filter(pk=later.pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert list(callbacks.queue()) == [urgent, soon, later]


@pytest.mark.django_db
def test_failed_attempts_retry_then_give_up(anna):
    request = callbacks.request_callback("+31612345678")
    for _ in range(callbacks.MAX_ATTEMPTS):
        callbacks.start_attempt(request, anna)
        callbacks.attempt_failed(request, "geen gehoor")
    request.refresh_from_db()
    assert (request.status, request.attempts) == ("failed", 3)
    assert request.outcome.count("geen gehoor") == 3


@pytest.mark.django_db
def test_an_unreached_outbound_call_counts_as_an_attempt(cti, anna):
    request = callbacks.request_callback("+31612345678")
    callbacks.start_attempt(request, anna)
    cti("newCall", call_id="o", direction="out", user="anna", to="+31612345678")
    cti("hangup", call_id="o", direction="out", cause="noAnswer", to="+31612345678")
    request.refresh_from_db()
    assert request.status == "open" and "niet bereikt" in request.outcome
    assert request.due_at > timezone.now() + timedelta(minutes=20)


@pytest.mark.django_db
def test_agents_see_the_queue_and_call_back_with_one_click(anna):
    request = callbacks.request_callback("+31612345678", "Piet")
    client = Client()
    client.force_login(anna)
    page = client.get("/channels/voice/callbacks/")
    assert "+31612345678" in page.content.decode() and "Bel terug" in page.content.decode()
    response = client.post(f"/channels/voice/callbacks/{request.pk}/attempt")
    assert response.status_code == 302 and response["Location"] == "tel:+31612345678"
    request.refresh_from_db()
    assert (request.attempts, request.assignee) == (1, anna)


@pytest.mark.django_db
def test_a_missed_call_records_its_promise_for_on_time_figures(cti, anna):
    cti("newCall", call_id="m1")
    cti("hangup", call_id="m1", cause="noAnswer")
    request = CallbackRequest.objects.get()
    assert (request.source, request.status) == ("missed", "open")
    assert request.first_due_at == request.due_at and request.placed_at is None
    callbacks.start_attempt(request, anna)
    cti("newCall", call_id="o1", direction="out", user="anna", to="+31612345678")
    cti("answer", call_id="o1", direction="out", user="anna", to="+31612345678")
    cti("hangup", call_id="o1", direction="out", cause="normal", to="+31612345678")
    request.refresh_from_db()
    assert request.status == "done"
    assert request.first_due_at <= request.placed_at <= request.completed_at
