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

    from bereikbaar.intake.router import queue_db

    accepted = accept("api", "durable", b"{}")
    other = connections.create_connection(queue_db())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM intake_inbound WHERE id = %s", [accepted.id])
            assert cursor.fetchone()[0] == 1
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_webhooks_arriving_together_each_get_their_own_answer():
    """Group commit on SQLite: many threads at once, some of them retries of another."""
    import threading

    from django.db import connection

    keys = [f"k{n}" for n in range(12)] + ["k1", "k5", "k5", "k11"]
    answers: dict[int, object] = {}
    start = threading.Barrier(len(keys))

    def webhook(n: int, key: str) -> None:
        try:
            start.wait()
            answers[n] = accept("api", key, key.encode(), order_key=f"email:{key}")
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            answers[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=webhook, args=item) for item in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(not isinstance(a, Exception) for a in answers.values()), answers
    assert len(answers) == len(keys)
    by_key: dict[str, set[int]] = {}
    for n, key in enumerate(keys):
        by_key.setdefault(key, set()).add(answers[n].id)
    assert all(len(ids) == 1 for ids in by_key.values())  # a retry got the first one's id
    stored = {row.dedupe_key: bytes(row.payload) for row in Inbound.objects.all()}
    assert stored == {key: key.encode() for key in by_key}
    assert sum(not a.duplicate for a in answers.values()) == 12


@pytest.mark.django_db(transaction=True)
def test_a_failed_shared_commit_fails_every_webhook_in_it_and_stores_nothing(monkeypatch):
    from django.db import OperationalError

    from bereikbaar.intake import accept as accepting

    def broken(cursor, row):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(accepting, "_insert", broken)
    with pytest.raises(OperationalError):
        accept("api", "lost?", b"{}")
    monkeypatch.undo()
    assert not Inbound.objects.exists()
    assert accept("api", "lost?", b"{}").duplicate is False  # the provider's retry is stored
