"""The inbox's reply box data, and the simulator's signed webhooks through the real path."""

from bereikbaar.channels.whatsapp.models import Template
from bereikbaar.channels.whatsapp.panel import reply_box
from bereikbaar.channels.whatsapp.simulate import text_webhook
from bereikbaar.conversations.models import Message


def test_the_reply_box_shows_time_left_and_offers_templates_when_closed(customer_writes, account):
    Template.objects.create(account=account, name="opvolging", body="Hallo {{1}}")
    box = reply_box(customer_writes(ago=3600).conversation)
    assert box["window_open"] and box["seconds_left"] > 22 * 3600
    assert box["templates"] == []
    closed = reply_box(customer_writes(ago=30 * 3600, sender="31687654321").conversation)
    assert not closed["window_open"] and closed["seconds_left"] == 0
    assert [t.name for t in closed["templates"]] == ["opvolging"]
    assert closed["opted_out"] is False


def test_the_simulator_posts_a_signed_webhook(client, account, run_intake, service):
    body, headers = text_webhook(account, "+31611112222", "Hoi vanuit de simulator", "Sim")
    response = client.post(
        "/channels/whatsapp/webhook", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    run_intake()
    message = Message.objects.get()
    assert message.text == "Hoi vanuit de simulator"
    assert message.conversation.contact.name == "Sim"
