"""The simulator's SMS goes through the real, signed webhook path."""

from bereikbaar.channels.sms.simulate import sms_webhook
from bereikbaar.conversations.models import Message


def test_the_simulator_posts_a_signed_sms(client, account, run_intake, service):
    body, headers = sms_webhook(account, "+31611112222", "Hoi per sms")
    content_type = headers.pop("Content-Type")
    response = client.post(
        "/channels/twilio/sms", data=body, content_type=content_type, headers=headers
    )
    assert response.status_code == 200
    run_intake()
    assert Message.objects.get().text == "Hoi per sms"
