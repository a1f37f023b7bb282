from bereikbaar.conversations.models import Message
from bereikbaar.delivery.reply import reply
from bereikbaar.intake.ingest import apply_update, ingest
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage


def sent_message(anna, provider_id="out-1"):
    inbound = ingest(
        InboundMessage(
            channel="api", provider_id="in", text="hoi", identities=[("email", "k@example.nl")]
        )
    )
    message = reply(inbound.conversation, anna, "Hallo!")
    message.provider_id = provider_id
    message.delivery_status = Message.Delivery.SENT
    message.save()
    return message


def test_statuses_only_move_forward_whatever_the_order(service, anna):
    message = sent_message(anna)
    for status in ["read", "delivered", "sent"]:
        apply_update(DeliveryUpdate(channel="api", provider_id="out-1", status=status))
    message.refresh_from_db()
    assert message.delivery_status == "read"


def test_a_failure_is_recorded_with_the_providers_reason(service, anna):
    message = sent_message(anna)
    apply_update(
        DeliveryUpdate(
            channel="api",
            provider_id="out-1",
            status="failed",
            error="131047: Re-engagement message",
        )
    )
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == (
        "failed",
        "131047: Re-engagement message",
    )


def test_a_status_before_the_send_returned_is_applied_when_the_id_is_known(service, anna):
    from bereikbaar.conversations.delivery_status import settle_early

    apply_update(DeliveryUpdate(channel="api", provider_id="early", status="delivered"))
    message = sent_message(anna, provider_id="early")
    settle_early(message)
    message.refresh_from_db()
    assert message.delivery_status == "delivered"
