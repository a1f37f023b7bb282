"""Replies go out through the outbox task to the Graph API stand-in, inside the window only."""

import json

import pytest
from django_tasks_db.models import DBTaskResult

from bereikbaar.conversations.models import Message
from bereikbaar.delivery import claims
from bereikbaar.delivery.reply import ReplyRefused, reply
from bereikbaar.delivery.tasks import send_message

from .conftest import ACCESS_TOKEN, PHONE_NUMBER_ID, graph_error, status_payload


def send(conversation, agent, text="Goedemiddag, we zoeken het uit."):
    message = reply(conversation, agent, text, channel="whatsapp")
    send_message.call(message.pk)
    message.refresh_from_db()
    return message


def test_it_posts_the_reply_and_records_the_wamid(customer_writes, graph, anna):
    inbound = customer_writes()
    message = send(inbound.conversation, anna)
    assert (message.delivery_status, message.provider_id) == ("sent", "wamid.OUT-1")
    request = graph.requests[-1]
    assert request["method"] == "POST"
    assert request["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request["auth"] == f"Bearer {ACCESS_TOKEN}"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "31612345678",
        "type": "text",
        "text": {"preview_url": False, "body": "Goedemiddag, we zoeken het uit."},
        "biz_opaque_callback_data": claims.reference_for(message),  # echoed in its statuses
    }


def test_it_refuses_a_free_form_reply_outside_the_window(customer_writes, graph, anna):
    inbound = customer_writes(ago=25 * 3600)
    with pytest.raises(ReplyRefused) as refused:
        reply(inbound.conversation, anna, "Hallo", channel="whatsapp")
    assert "24-uursvenster" in str(refused.value)
    assert "sjabloon" in str(refused.value)
    assert graph.requests == []


def test_a_reply_just_inside_the_window_goes(customer_writes, graph, anna):
    inbound = customer_writes(ago=23.9 * 3600)
    assert send(inbound.conversation, anna).delivery_status == "sent"


@pytest.mark.parametrize(
    "answer",
    [
        (
            500,
            "application/json",
            b'{"error": {"message": "An unknown error occurred", "code": 1}}',
        ),
        (503, "text/html", b"<html>Service Unavailable</html>"),
        (429, "application/json", b'{"error": {"message": "Too many calls", "code": 80007}}'),
        graph_error(130429, "Rate limit hit", "Cloud API message throughput has been reached."),
        graph_error(131056, "(Business Account, Consumer Account) pair rate limit hit"),
    ],
)
def test_transient_errors_are_retried(customer_writes, graph, anna, answer):
    inbound = customer_writes()
    graph.queue.append(answer)
    message = send(inbound.conversation, anna)
    assert message.delivery_status == "queued"
    assert message.delivery_error
    tasks = DBTaskResult.objects.filter(task_path__endswith="send_message")
    assert [message.pk, 1] in [t.args_kwargs["args"] for t in tasks]
    assert send_message.call(message.pk, 1) == "sent"  # the stand-in answers normally again


def test_an_unreachable_api_is_retried(customer_writes, graph, anna):
    inbound = customer_writes()
    graph.close()
    message = send(inbound.conversation, anna)
    assert message.delivery_status == "queued"
    assert "unreachable" in message.delivery_error


def test_permanent_errors_are_marked_with_the_providers_code_and_text(customer_writes, graph, anna):
    inbound = customer_writes()
    graph.queue.append(graph_error(131026, "Message Undeliverable", "Receiver is incapable"))
    message = send(inbound.conversation, anna)
    assert message.delivery_status == "failed"
    assert message.delivery_error == "131026 Message Undeliverable: Receiver is incapable"


def test_the_providers_re_engagement_error_explains_templates(customer_writes, graph, anna):
    inbound = customer_writes()
    graph.queue.append(graph_error(131047, "Re-engagement message"))
    message = send(inbound.conversation, anna)
    assert message.delivery_status == "failed"
    assert "sjabloon" in message.delivery_error


def test_statuses_for_the_sent_message_only_move_forward(
    customer_writes, graph, anna, post_webhook, run_intake
):
    message = send(customer_writes().conversation, anna)
    for status in ["read", "sent", "delivered"]:
        assert post_webhook(status_payload(message.provider_id, status)).status_code == 200
    run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "read"


def test_a_status_before_the_send_returns_is_applied_later(
    customer_writes, graph, anna, post_webhook, run_intake
):
    inbound = customer_writes()
    assert post_webhook(status_payload("wamid.OUT-1", "delivered")).status_code == 200
    run_intake()
    message = send(inbound.conversation, anna)
    assert message.delivery_status == "delivered"


def test_a_failed_status_records_code_and_title(
    customer_writes, graph, anna, post_webhook, run_intake
):
    message = send(customer_writes().conversation, anna)
    post_webhook(status_payload(message.provider_id, "failed"))
    run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert message.delivery_error.startswith("131047 Re-engagement message")


def test_without_a_number_set_up_the_send_fails_clearly(customer_writes, graph, anna, account):
    inbound = customer_writes()
    account.delete()
    message = send(inbound.conversation, anna)
    assert message.delivery_status == "failed"
    assert "channel add whatsapp" in message.delivery_error


def test_it_never_sends_twice_when_the_task_runs_again(customer_writes, graph, anna):
    message = send(customer_writes().conversation, anna)
    send_message.call(message.pk)
    assert graph.sent == 1
    assert json.loads(json.dumps(graph.requests[-1]["json"]))["type"] == "text"


def test_it_registers_for_the_whatsapp_channel():
    from bereikbaar.delivery.senders import channels_with_sender
    from bereikbaar.intake.registry import parser_for

    assert "whatsapp" in channels_with_sender()
    assert parser_for("whatsapp")
    assert Message.Delivery.SENT == "sent"


def test_the_precheck_tells_the_reply_box_why_not(customer_writes):
    from bereikbaar.channels.whatsapp.sender import precheck

    assert precheck(customer_writes(ago=60).conversation) == ""
    closed = customer_writes(ago=25 * 3600, sender="31687654321").conversation
    assert "24-uursvenster" in precheck(closed)


def test_a_failure_after_delivery_is_flagged_not_dropped(
    customer_writes, graph, anna, post_webhook, run_intake, client
):
    """B4: Meta may report `failed` after `delivered` (several devices). The status stays
    delivered, the failure is recorded and shown to the agent, and a later read keeps it."""
    message = send(customer_writes().conversation, anna)
    for status in ["delivered", "failed", "failed", "read"]:
        assert post_webhook(status_payload(message.provider_id, status)).status_code == 200
        run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "read"
    assert message.delivery_error.startswith(
        "De aanbieder meldde een mislukking na aflevering: 131047"
    )
    assert message.extra["late_failure"]["after"] == "delivered"
    client.force_login(anna)
    page = client.get(f"/conversations/{message.conversation_id}/timeline/")
    assert "mislukking na aflevering" in page.content.decode()


def test_a_failure_before_delivery_is_still_a_plain_failure(
    customer_writes, graph, anna, post_webhook, run_intake
):
    message = send(customer_writes().conversation, anna)
    post_webhook(status_payload(message.provider_id, "failed"))
    run_intake()
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert "late_failure" not in message.extra
