from unittest import mock

import pytest
from django.db import transaction

from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish


@pytest.mark.django_db(transaction=True)
def test_events_leave_only_after_commit():
    with mock.patch("bereikbaar.realtime.publish.send_now") as send:
        with transaction.atomic():
            publish(events.CONVERSATION_CREATED, {"conversation_id": 1}, ["admins"])
            assert not send.called
        assert send.call_count == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_announced():
    with mock.patch("bereikbaar.realtime.publish.send_now") as send:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(events.CONVERSATION_CREATED, {"conversation_id": 1}, ["admins"])
            raise RuntimeError("rollback")
        assert not send.called


def test_unknown_events_are_refused():
    with pytest.raises(ValueError):
        publish("made.up", {}, ["admins"])
