"""B7: a reply submitted twice (a double click, a retried request, two at once) with the same
idempotency key is stored and sent once."""

import json
import threading

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from bereikbaar.conversations.models import Message
from bereikbaar.delivery.reply import ReplyRefused, reply
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage


def new_conversation(n: int = 1):
    return ingest(
        InboundMessage(
            channel="api",
            provider_id=f"in-{n}",
            identities=[("email", f"klant{n}@example.nl")],
            text="Hallo?",
        )
    ).conversation


def outbound():
    return Message.objects.filter(direction="outbound")


@pytest.mark.django_db
def test_the_same_key_twice_stores_and_enqueues_one_reply(service, anna):
    conversation = new_conversation()
    first = reply(conversation, anna, "Goedemiddag!", client_key="k-1")
    again = reply(conversation, anna, "Goedemiddag!", client_key="k-1")
    assert again.pk == first.pk
    assert outbound().count() == 1 and DBTaskResult.objects.count() == 1
    other = reply(conversation, anna, "Nog iets", client_key="k-2")  # a new key is a new reply
    assert other.pk != first.pk and outbound().count() == 2


@pytest.mark.django_db
def test_a_key_reused_for_another_reply_is_refused(service, anna):
    conversation = new_conversation()
    reply(conversation, anna, "Eerste", client_key="k-1")
    with pytest.raises(ReplyRefused, match="idempotency key"):
        reply(conversation, anna, "Iets anders", client_key="k-1")
    with pytest.raises(ReplyRefused, match="idempotency key"):
        reply(new_conversation(2), anna, "Eerste", client_key="k-1")
    assert outbound().count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_author(service, anna, bram):
    conversation = new_conversation()
    reply(conversation, anna, "Van Anna", client_key="same")
    reply(conversation, bram, "Van Bram", client_key="same")
    assert outbound().count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_store_one(service, anna):
    conversation = new_conversation()
    results, errors = [], []
    start = threading.Barrier(2)

    def submit():
        try:
            start.wait()
            results.append(reply(conversation, anna, "Tegelijk", client_key="race").pk)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1 and outbound().count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_the_inbox_form_carries_a_key_and_a_double_post_sends_once(client, service, anna):
    conversation = new_conversation()
    client.force_login(anna)
    page = client.get(conversation.get_absolute_url()).content.decode()
    key = page.split('name="client_key" value="', 1)[1].split('"', 1)[0]
    assert len(key) == 32
    form = {"text": "Dubbel geklikt", "channel": "api", "client_key": key}
    url = page.split('id="reply-form"', 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert outbound().filter(text="Dubbel geklikt").count() == 1
    fresh = client.get(conversation.get_absolute_url()).content.decode()
    assert f'value="{key}"' not in fresh  # every rendered form gets its own key


@pytest.mark.django_db
def test_the_api_honours_idempotency_key(client, service, anna):
    from bereikbaar.api.models import ApiToken

    conversation = new_conversation()
    token = ApiToken.issue(anna)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "retry-1"}
    path = f"/api/v1/conversations/{conversation.pk}/reply"
    body = json.dumps({"text": "Via de API"})
    first = client.post(path, body, content_type="application/json", headers=headers)
    second = client.post(path, body, content_type="application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert outbound().count() == 1
    other = json.dumps({"text": "Iets anders"})
    reused = client.post(path, other, content_type="application/json", headers=headers)
    assert reused.status_code == 400 and "idempotency key" in reused.json()["error"]["message"]
