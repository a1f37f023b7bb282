"""Every message type and status the Cloud API sends, from the fixtures in tests/data."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bereikbaar.channels.whatsapp.parse import parse, parse_items
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage, SetAside
from bereikbaar.intake.registry import UnparseablePayload

from .conftest import fixture


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("text", "Hallo, mijn pakket is niet bezorgd 😕 — ordernummer 4711"),
        ("image", "[afbeelding] Zo kwam het aan"),
        ("audio", "[spraakbericht]"),
        ("video", "[video] Het geluid van de machine"),
        ("document", "[document: factuur-2025-11.pdf] Mijn factuur"),
        ("sticker", "[sticker]"),
        ("interactive_button_reply", "[keuze] Ja, bel me"),
        ("interactive_list_reply", "[keuze] Retour — Iets terugsturen"),
        ("button", "[knop] Bevestigen"),
        ("reaction", "[reactie] 👍"),
        ("unsupported", "[niet ondersteund bericht: unsupported] Message type unknown"),
        ("unknown_type", "[niet ondersteund bericht: hologram]"),
    ],
)
def test_it_gives_every_message_type_a_readable_text(name, text):
    [message] = parse(fixture(name))
    assert isinstance(message, InboundMessage)
    assert message.text == text
    assert message.channel == "whatsapp"
    assert message.provider_id.startswith("wamid.")
    assert message.identities == [("whatsapp", "+31612345678"), ("phone", "+31612345678")]
    assert message.sender_name == "Sanne de Vries"


def test_it_keeps_the_raw_message_of_an_unknown_type():
    [message] = parse(fixture("unknown_type"))
    assert message.extra["raw"]["hologram"] == {"id": "x", "shape": "cube"}


def test_a_location_links_to_the_map():
    [message] = parse(fixture("location"))
    assert message.text.splitlines()[:3] == ["[locatie]", "Dam", "Dam 1, 1012 JS Amsterdam"]
    assert "mlat=52.3731" in message.text


def test_a_contact_card_shows_name_number_and_email():
    [message] = parse(fixture("contacts"))
    assert message.text == "[contactkaart] Pieter Jansen, +31 6 87654321, pieter@example.nl"


def test_replies_and_reactions_thread_on_the_message_they_answer():
    assert parse(fixture("interactive_button_reply"))[0].references == ["wamid.OUTBOUND-QUESTION-1"]
    assert parse(fixture("reaction"))[0].references == ["wamid.OUTBOUND-ANSWER-1"]


@pytest.mark.parametrize("name", ["image", "audio", "video", "document", "sticker"])
def test_media_are_handed_on_for_download(name):
    [item] = parse_items(fixture(name))
    [media] = item.media
    assert media.kind == name
    assert media.media_id.isdigit()
    assert item.phone_number_id == "106540352242922"


@pytest.mark.parametrize("status", ["sent", "delivered", "read"])
def test_statuses_become_delivery_updates(status):
    [update] = parse(fixture(f"status_{status}"))
    assert update == DeliveryUpdate(
        channel="whatsapp",
        provider_id="wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI2NDE1NDU0RUI4QkQxQTRCOUQA",
        status=status,
        at=update.at,
    )


def test_a_failed_status_carries_code_and_title():
    [update] = parse(fixture("status_failed"))
    assert update.status == "failed"
    assert update.error.startswith("131047 Re-engagement message: Message failed to send")


def test_a_batch_holds_messages_and_statuses_in_order():
    items = parse(fixture("batch"))
    assert [type(i).__name__ for i in items] == ["InboundMessage"] * 2 + ["DeliveryUpdate"]
    assert [i.sender_name for i in items[:2]] == ["Sanne de Vries", "Ahmed Yilmaz"]


def test_odd_shapes_are_skipped_not_crashed_on():
    odd = {
        "object": "whatsapp_business_account",
        "entry": [
            None,
            {"changes": "x"},
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messages": [{"type": "text"}, 5],
                            "statuses": [{"id": "w", "status": "deleted"}],
                        },
                    }
                ]
            },
        ],
    }
    assert parse(json.dumps(odd).encode()) == []


def test_an_impossible_number_is_set_aside_as_a_webhook_of_its_own():
    data = json.loads(fixture("text"))
    data["entry"][0]["changes"][0]["value"]["messages"][0]["from"] = "12"
    [part] = parse(json.dumps(data).encode())
    assert isinstance(part, SetAside) and "impossible number '12'" in part.reason
    assert part.key == data["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    alone = json.loads(part.payload)  # Meta's own shape: "process again" parses it as usual
    value = alone["entry"][0]["changes"][0]["value"]
    assert value["messages"] == data["entry"][0]["changes"][0]["value"]["messages"]
    assert value["metadata"] == data["entry"][0]["changes"][0]["value"]["metadata"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "entry",
                    "changes",
                    "value",
                    "messages",
                    "statuses",
                    "contacts",
                    "from",
                    "id",
                    "type",
                    "text",
                    "body",
                    "image",
                    "errors",
                    "status",
                    "timestamp",
                    "field",
                    "metadata",
                    "context",
                    "reaction",
                    "interactive",
                    "location",
                    "wa_id",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_parsed_or_refused_never_crashed_on(data):
    try:
        result = parse(json.dumps(data).encode())
    except UnparseablePayload:
        return
    assert all(isinstance(i, InboundMessage | DeliveryUpdate) for i in result)
