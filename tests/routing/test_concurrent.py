"""Three intake workers routing at once never push an agent over capacity (the agent row is
locked and the load counted again before each assignment); SQLite and PostgreSQL."""

import json
import threading

import pytest
from django.db import connection

from bereikbaar.conversations.models import Conversation
from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain
from bereikbaar.routing.models import Team

from .conftest import agent


@pytest.mark.django_db(transaction=True)
def test_three_workers_never_overfill_an_agent():
    team = Team.objects.create(name="Service", slug="service", is_default=True)
    a = agent("a", team, capacity={"api": 4})
    b = agent("b", team, capacity={"api": 3})
    for n in range(30):
        body = {"external_id": f"m{n}", "from": {"email": f"k{n}@example.nl"}, "text": "Hoi"}
        accept("api", f"m{n}", json.dumps(body).encode(), order_key=f"k{n}")
    errors = []

    def work(name: str) -> None:
        try:
            drain(worker_id=name, batch=3)
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
    assert Conversation.objects.filter(assignee=a.user).count() == 4
    assert Conversation.objects.filter(assignee=b.user).count() == 3
    assert (
        Conversation.objects.filter(assignee=None, routing__queued_at__isnull=False).count() == 23
    )
