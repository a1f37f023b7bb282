"""Several workers sharing the inbound table: every row filed once, each sender in order."""

import json
import threading

import pytest
from django.db import connection

from bereikbaar.conversations.models import Message
from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain
from bereikbaar.routing.models import Team


@pytest.mark.django_db(transaction=True)
def test_three_workers_file_every_row_once_and_in_order_per_sender():
    Team.objects.create(name="Service", slug="service", is_default=True)
    senders = [f"klant{n}@example.nl" for n in range(6)]
    for n in range(60):
        email = senders[n % len(senders)]
        body = {"external_id": f"m{n}", "from": {"email": email}, "text": f"{email} {n}"}
        accept("api", f"m{n}", json.dumps(body).encode(), order_key=f"email:{email}")

    errors = []

    def work(name: str) -> None:
        try:
            drain(worker_id=name, batch=5)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert errors == []
    assert set(Inbound.objects.values_list("status", flat=True)) == {"processed"}
    assert Message.objects.count() == 60
    for email in senders:
        numbers = [
            int(text.split()[-1])
            for text in Message.objects.filter(conversation__contact__identities__value=email)
            .order_by("id")
            .values_list("text", flat=True)
        ]
        assert numbers == sorted(numbers)
