"""Names, subjects and file names lose hidden bidi controls and invisible spaces (catalogue D5).

"factuur\u202efdp.exe" shows as "factuurexe.pdf" in a browser: an agent would open a program
thinking it a PDF. A sender name with an override can pass for another customer's. Every
channel's parser fills InboundMessage, so the contract cleans them once for all channels; the
message text keeps what the customer wrote, and so does the raw payload.
"""

import json

import pytest

from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.intake.accept import accept
from bereikbaar.intake.message import InboundAttachment, InboundMessage, plain_label
from bereikbaar.intake.worker import drain

pytestmark = pytest.mark.django_db

RLO, LRI, PDI, ZWSP, ZWJ = "\u202e", "\u2066", "\u2069", "\u200b", "\u200d"


def test_hidden_controls_go_and_joiners_stay():
    assert plain_label(f"factuur{RLO}fdp.exe") == "factuurfdp.exe"
    assert plain_label(f"Ka{ZWSP}rin {LRI}Klant{PDI}") == "Karin Klant"
    family = f"👨{ZWJ}👩{ZWJ}👧 Jansen"  # one emoji: the joiners belong to it
    assert plain_label(family) == family
    assert plain_label("Zoë Øster") == "Zoë Øster"


def test_the_contract_cleans_name_subject_and_file_name_but_not_the_text():
    message = InboundMessage(
        "email",
        "m1@example.nl",
        [("email", "k@example.nl")],
        text=f"Zie bijlage {RLO}hier",
        sender_name=f"Karin{RLO}tnalK",
        subject=f"Factuur{ZWSP} 12",
        attachments=[InboundAttachment(f"factuur{RLO}fdp.exe", "application/octet-stream", b"x")],
    )
    assert message.sender_name == "KarintnalK"
    assert message.subject == "Factuur 12"
    assert message.attachments[0].filename == "factuurfdp.exe"
    assert message.text == f"Zie bijlage {RLO}hier"


def test_a_name_with_an_override_is_filed_without_it(service):
    body = {"external_id": "d5", "from": {"name": f"Piet{RLO}sneJ", "email": "p@example.nl"}}
    accept("api", "d5", json.dumps({**body, "text": "Hallo"}).encode())
    drain()
    assert Contact.objects.get().name == "PietsneJ"
    assert Message.objects.get().text == "Hallo"
    assert RLO not in Conversation.objects.get().subject
