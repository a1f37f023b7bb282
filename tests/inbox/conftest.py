"""Inbox fixtures: a conversation filed the real way (API inbound + intake), logged-in clients."""

import pytest
from django.test import Client

from bereikbaar.conversations.models import Conversation


@pytest.fixture
def conversation(service, anna, post_inbound, run_intake) -> Conversation:
    """Karin's question, routed to Service (the default team)."""
    assert post_inbound("ext-1", "Mijn pakket is niet aangekomen").status_code == 202
    run_intake()
    return Conversation.objects.get()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna_client(anna) -> Client:
    return logged_in(anna)


@pytest.fixture
def bram_client(bram) -> Client:
    return logged_in(bram)
