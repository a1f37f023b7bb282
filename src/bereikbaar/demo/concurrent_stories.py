"""Demo customers who contact Zonnestroom on two channels at once, sent the real way.

Each message goes in as its channel would bring it: a mail as the SMTP receiver stores it, an
API message and the phone's CTI events as HTTP requests through Django's full stack (token,
validation, the durable INSERT), then the intake worker files them. Between a customer's
contacts the first one is moved back a few minutes, as if the time had passed.

- Sanne mails about a bill that is too high, then sends the same question from her mobile
  through the app (a new, unknown number, her signature carries it); an agent merges the two
  records, and the two conversations become one case: "ook gevraagd via e-mail 4 minuten
  geleden". Then she calls, and the call joins that case.
- Linda mails about order 4411 and, from her phone, about order 5520: merged too, but left
  as two cases, because another order number means another question.
- Ahmed mails with his mobile in the signature, then writes from that number: the inbox
  suggests the merge with the evidence and leaves it to the agent.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bereikbaar.channels.email.receive import store
from bereikbaar.channels.email.simulate import compose
from bereikbaar.channels.voice.models import Line
from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import normalise
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.demo.simulator_accounts import cti_line
from bereikbaar.intake.worker import drain
from bereikbaar.stories.caselink import after_merge
from bereikbaar.stories.models import CaseLink

HOST = "127.0.0.1"
#: Contact records the stories add (two per customer; the merged ones stay, empty, for undo).
CONTACTS = 6
CONVERSATIONS = 6


class Sender:
    """Brings one customer's messages in through the channels' real entrances."""

    def __init__(self, token: str, inbox: str) -> None:
        self.client = Client(HTTP_HOST=HOST)
        self.token = token
        self.inbox = inbox

    def mail(self, address: str, name: str, subject: str, text: str) -> Conversation:
        raw = compose(address, name, self.inbox, subject, text).as_bytes()
        store(raw, to=[self.inbox], sender=address)
        return self._filed(("email", address))

    def app(self, phone: str, name: str, text: str) -> Conversation:
        body = {"external_id": f"demo-{uuid.uuid4()}", "from": {"phone": phone}, "text": text}
        if name:
            body["from"]["name"] = name
        response = self.client.post(
            "/api/v1/inbound",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        if response.status_code != 202:
            raise RuntimeError(f"the API channel refused the demo message: {response.content!r}")
        return self._filed(("phone", phone))

    def call(self, line: Line, phone: str, agent: str) -> None:
        call_id = f"demo-{uuid.uuid4().hex[:10]}"
        base = {"callId": call_id, "direction": "in", "from": phone, "to": line.number}
        for event in (
            {**base, "event": "newCall"},
            {**base, "event": "answer", "user": agent},
            {**base, "event": "hangup", "cause": "normal", "user": agent},
        ):
            response = self.client.post(
                "/channels/cti",
                data=json.dumps(event),
                content_type="application/json",
                headers={"Authorization": f"Bearer {line.token}"},
            )
            if response.status_code != 200:
                raise RuntimeError(f"the CTI line refused a demo event: {response.content!r}")
        drain()

    def _filed(self, identity: tuple[str, str]) -> Conversation:
        drain()
        kind, value = identity
        found = Identity.objects.get(kind=kind, value=normalise(kind, value))
        return (
            Conversation.objects.filter(contact_id=found.contact_id)
            .order_by("-last_message_at", "-pk")
            .first()
        )


def _earlier(conversation: Conversation, minutes: int) -> None:
    """As if the conversation's messages came in `minutes` ago."""
    moved = timezone.now() - timedelta(minutes=minutes)
    Message.objects.filter(conversation=conversation).update(created_at=moved)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=moved, created_at=moved)
    Contact.objects.filter(pk=conversation.contact_id).update(created_at=moved)
    Identity.objects.filter(contact_id=conversation.contact_id).update(created_at=moved)


def load_concurrent_stories(token: str, inbox: str, agent: str, out: TextIO) -> None:
    """Three customers on two channels; skipped when they are there already."""
    if Identity.objects.filter(kind="email", value="sanne.demir@example.nl").exists():
        return
    send = Sender(token, inbox)
    by = get_user_model().objects.get(username=agent)
    signature = "\n\nMet vriendelijke groet,\n{}\n{}"

    bill = "Mijn jaarafrekening is veel te hoog, het bedrag klopt echt niet. Kunt u dat nakijken?"
    first = send.mail(
        "sanne.demir@example.nl",
        "Sanne Demir",
        "Jaarafrekening te hoog",
        bill + signature.format("Sanne Demir", "06-41 23 87 65"),
    )
    _earlier(first, 4)
    send.app("+31641238765", "", "Hallo, mijn jaarafrekening is te hoog. Klopt dat bedrag wel?")
    survivor = Contact.objects.get(identities__value="sanne.demir@example.nl")
    merge(survivor, Contact.objects.get(identities__value="+31641238765"), by=by)
    links = after_merge(survivor.pk)
    line = cti_line()
    if line is not None:
        send.call(line, "0641238765", agent)

    first = send.mail(
        "linda.vos@example.nl",
        "Linda Vos",
        "Bestelling 4411",
        "Waar blijft mijn bestelling 4411? Ik heb nog niets ontvangen."
        + signature.format("Linda Vos", "06 5550 1234"),
    )
    _earlier(first, 9)
    send.app("0655501234", "Linda Vos", "Waar blijft mijn bestelling 5520? Nog niets ontvangen.")
    linda = Contact.objects.get(identities__value="linda.vos@example.nl")
    merge(linda, Contact.objects.get(identities__value="+31655501234"), by=by)
    links += after_merge(linda.pk)

    first = send.mail(
        "ahmed.bakker@example.nl",
        "Ahmed Bakker",
        "Omvormer geeft foutcode",
        "Mijn omvormer geeft sinds gisteren foutcode E21 en levert niets meer."
        + signature.format("Ahmed Bakker", "+31 6 7788 9900"),
    )
    _earlier(first, 25)
    send.app("0677889900", "", "Omvormer doet het nog steeds niet, foutcode E21.")
    total = CaseLink.objects.filter(undone_at__isnull=True).count()
    print(
        f"  gelijktijdige contacten: {len(links)} koppeling(en) gemaakt ({total} in totaal), "
        "1 samenvoegsuggestie (Ahmed Bakker)",
        file=out,
    )
