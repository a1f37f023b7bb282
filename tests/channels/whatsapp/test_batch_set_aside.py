"""B3: one bad message in Meta's batch is quarantined alone; the others are filed at once."""

import json

from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import requeue

from .conftest import fixture


def batch(senders: list[str]) -> bytes:
    """One webhook holding a message from each sender (Meta batches like this)."""
    data = json.loads(fixture("text"))
    value = data["entry"][0]["changes"][0]["value"]
    template = value["messages"][0]
    value["messages"] = [
        {**template, "id": f"wamid.BATCH-{n}", "from": sender, "text": {"body": f"bericht {n}"}}
        for n, sender in enumerate(senders)
    ]
    return json.dumps(data).encode()


def test_a_bad_message_is_set_aside_and_the_good_ones_are_filed(post_webhook, run_intake, service):
    senders = ["31612345678", "31612345679", "12", "31612345680", "31612345681"]
    assert post_webhook(batch(senders)).status_code == 200
    run_intake()

    filed = Message.objects.filter(channel="whatsapp").values_list("provider_id", flat=True)
    assert sorted(filed) == [f"wamid.BATCH-{n}" for n in (0, 1, 3, 4)]
    parent = Inbound.objects.get(status="processed")
    assert len(parent.message_ids) == 4
    aside = Inbound.objects.get(status="quarantined")
    assert aside.channel == "whatsapp" and "impossible number '12'" in aside.error
    assert f"row {parent.pk}" in aside.error
    assert json.loads(aside.payload)["entry"][0]["changes"][0]["value"]["messages"][0]["id"] == (
        "wamid.BATCH-2"
    )

    # Meta sends the batch again: nothing is filed or set aside twice.
    assert post_webhook(batch(senders)).status_code == 200
    run_intake()
    assert Message.objects.filter(channel="whatsapp").count() == 4
    assert Inbound.objects.filter(status="quarantined").count() == 1

    # "Process again" on the part alone: still impossible, so back in quarantine, not lost.
    assert requeue([aside.pk]) == 1
    run_intake()
    aside.refresh_from_db()
    assert aside.status == "quarantined" and "impossible number" in aside.error
    assert Message.objects.filter(channel="whatsapp").count() == 4
