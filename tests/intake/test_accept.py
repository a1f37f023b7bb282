import pytest

from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound


def test_it_stores_the_raw_payload_once(db):
    first = accept("api", "abc", b'{"raw": true}', order_key="email:a@b.nl")
    again = accept("api", "abc", b'{"other": "body"}', order_key="email:a@b.nl")
    assert again.id == first.id
    assert (first.duplicate, again.duplicate) == (False, True)
    row = Inbound.objects.get()
    assert bytes(row.payload) == b'{"raw": true}'
    assert row.status == Inbound.Status.ACCEPTED


def test_the_same_id_on_another_channel_is_another_message(db):
    accept("api", "1", b"{}")
    accept("email", "1", b"{}")
    assert Inbound.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_is_committed_when_accept_returns():
    from django.db import connections

    accepted = accept("api", "durable", b"{}")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM intake_inbound WHERE id = %s", [accepted.id])
            assert cursor.fetchone()[0] == 1
    finally:
        other.close()
