"""The same signed webhook posted by many clients at once is stored once, all answered 200."""

import threading

import pytest
from django.db import connection
from django.test import Client

from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.channels.whatsapp.signature import sign
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain
from bereikbaar.routing.models import Team

from .conftest import APP_SECRET, fixture


@pytest.mark.django_db(transaction=True)
def test_parallel_duplicates_store_one_row():
    Team.objects.create(name="Service", slug="service", is_default=True)
    Account.objects.create(
        phone_number_id="106540352242922",
        app_secret=APP_SECRET,
        verify_token="t",
        access_token="a",
        api_base="http://127.0.0.1:9/v21.0",
    )
    body = fixture("text")
    statuses = []

    def post():
        try:
            response = Client().post(
                "/channels/whatsapp/webhook",
                data=body,
                content_type="application/json",
                headers={"X-Hub-Signature-256": sign(APP_SECRET, body)},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    assert Inbound.objects.count() == 1
    drain()
    assert Message.objects.count() == 1
