"""Catalogue I18 in the REST API: an integration sees whether a message's file is stored, still
on its way (the store failed when the message was filed) or failed for good, and the OpenAPI
document names the three states."""

import typing

import pytest

from bereikbaar.api.schemas import AttachmentOut
from bereikbaar.conversations.models import Attachment

pytestmark = pytest.mark.django_db


def test_each_attachment_shows_its_state(admin_api, conversation):
    message = conversation.messages.get()
    for part, state in enumerate(["stored", "pending", "failed"]):
        Attachment.objects.create(
            message=message, filename=f"{state}.pdf", size=10, state=state, part=part
        )
    data = admin_api.get(f"/messages/{message.pk}").json()
    assert [(a["filename"], a["state"]) for a in data["attachments"]] == [
        ("stored.pdf", "stored"),
        ("pending.pdf", "pending"),
        ("failed.pdf", "failed"),
    ]
    listed = admin_api.get(f"/conversations/{conversation.pk}/messages").json()["items"]
    assert listed[0]["attachments"] == data["attachments"]


def test_the_state_is_documented_with_the_models_choices(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    state = schema["AttachmentOut"]["properties"]["state"]
    assert set(state["enum"]) == set(Attachment.State.values)
    assert "state" in schema["AttachmentOut"]["required"]
    hint = typing.get_type_hints(AttachmentOut)["state"]
    assert set(typing.get_args(hint)) == set(Attachment.State.values)
