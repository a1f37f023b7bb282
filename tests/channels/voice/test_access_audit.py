"""H1 in the voice panel: another team's agent asking for a call (its screen-pop, its notes, its
new-contact button) gets the missing call's 404, and the audit log records the refusal under
the call's conversation with the call named; a missing call writes no line, and the source
address is REMOTE_ADDR, never a forwarded header."""

import pytest
from django.test import Client

from bereikbaar.channels.voice.models import Call
from bereikbaar.conversations.access_log import NO_CONVERSATION
from bereikbaar.conversations.models import AccessEntry

pytestmark = pytest.mark.django_db

ROUTES = [("get", "pop"), ("post", "notes"), ("post", "contact")]


def logged_in(user, **defaults) -> Client:
    client = Client(**defaults)
    client.force_login(user)
    return client


def lines() -> list[tuple]:
    rows = AccessEntry.objects.order_by("id")
    return list(rows.values_list("action", "actor__username", "conversation_id", "route", "detail"))


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_another_teams_call_is_a_refusal_that_answers_like_a_missing_one(cti, bram, method, route):
    cti("newCall")
    call = Call.objects.select_related("message").get()
    client = logged_in(bram)
    send = getattr(client, method)
    data = {"notes": "x", "name": "Saskia"} if method == "post" else None
    hidden = send(f"/channels/voice/calls/{call.pk}/{route}", data)
    absent = send(f"/channels/voice/calls/{call.pk + 1000}/{route}", data)
    huge = send(f"/channels/voice/calls/{2**64}/{route}", data)
    assert hidden.status_code == absent.status_code == huge.status_code == 404
    assert hidden.content == absent.content
    path = f"/channels/voice/calls/{call.pk}/{route}"
    assert lines() == [
        (
            AccessEntry.Action.REFUSED,
            "bram",
            call.message.conversation_id,
            f"{method.upper()} {path}",
            {"call": call.pk},
        )
    ]
    call.refresh_from_db()
    assert call.notes == "" and call.contact.name == ""  # nothing changed


def test_a_call_from_a_withheld_number_is_logged_without_a_conversation(cti, bram):
    cti("newCall", **{"from": "anonymous"})
    call = Call.objects.get()
    assert call.message_id is None  # no number, so no call log and no conversation
    assert logged_in(bram).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 404
    [entry] = AccessEntry.objects.all()
    assert (entry.conversation_id, entry.detail) == (NO_CONVERSATION, {"call": call.pk})


def test_the_teams_own_agent_writes_no_refusal(cti, anna):
    cti("newCall")
    call = Call.objects.get()
    assert logged_in(anna).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 200
    assert not AccessEntry.objects.filter(action=AccessEntry.Action.REFUSED).exists()


def test_the_source_address_is_remote_addr_never_a_forwarded_header(cti, bram):
    cti("newCall")
    call = Call.objects.get()
    client = logged_in(bram, REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client.get(f"/channels/voice/calls/{call.pk}/pop").status_code == 404
    assert AccessEntry.objects.get().ip == "192.0.2.7"
