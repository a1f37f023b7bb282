"""Catalogue L6: a provider deletion that failed (wrong credentials, say) can be tried again
from the admin once the cause is fixed: by a superuser only, for failed rows only, audited on
the erased contact with what the provider had answered."""

import pytest
from django.contrib.auth.models import Permission, User
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.sms.models import Account
from bereikbaar.contacts.models import AuditEntry, Contact
from bereikbaar.contacts.privacy import erase
from bereikbaar.contacts.provider_copies import ProviderDeletion

from .test_provider_deletion import ANNA, SMS_1, SMS_2, run_tasks, text_in
from .twilio_standin import ACCOUNT_SID, API, AUTH_TOKEN, TwilioDeletes

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/contacts/providerdeletion/"


@pytest.fixture
def twilio():
    server = TwilioDeletes()
    yield server
    server.close()


@pytest.fixture
def refused(service, twilio) -> Contact:
    """An erased person's two SMS, refused by Twilio (401: the account had a wrong token),
    and the token fixed afterwards."""
    account = Account.objects.create(
        account_sid=ACCOUNT_SID,
        auth_token="a-wrong-token-0000000000000000000",
        number="+3197010203040",
        api_base=twilio.base,
    )
    contact = text_in(SMS_1, ANNA)
    text_in(SMS_2, ANNA)
    twilio.messages |= {SMS_1, SMS_2}
    erase(contact)
    assert run_tasks() == ["failed", "failed"]
    account.auth_token = AUTH_TOKEN
    account.save(update_fields=["auth_token"])
    return contact


def try_again(client, *rows: ProviderDeletion):
    data = {"action": "try_again", "_selected_action": [r.pk for r in rows]}
    return client.post(CHANGELIST, data, REMOTE_ADDR="192.0.2.7")


def retries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(detail__has_key="provider_retry"))


def test_l6_a_superuser_tries_a_failed_deletion_again(refused, client, alice, twilio):
    row = ProviderDeletion.objects.get(object_id=SMS_2)
    assert row.status == "failed" and "401" in row.answer
    client.force_login(alice)

    assert try_again(client, row).status_code == 302

    row.refresh_from_db()
    assert (row.status, row.attempts, row.finished_at) == ("pending", 0, None)
    assert ProviderDeletion.objects.get(object_id=SMS_1).status == "failed"  # not selected
    [queued] = DBTaskResult.objects.filter(task_path__endswith="delete_copy")
    assert queued.args_kwargs["args"] == [row.pk]
    [entry] = retries()
    assert (entry.actor, entry.action, entry.contact_id, entry.ip) == (
        alice,
        "erase",
        refused.pk,
        "192.0.2.7",
    )
    [retried] = entry.detail["provider_retry"]
    assert retried["id"] == row.pk and "401" in retried["answer"]

    assert run_tasks() == ["done"]
    assert twilio.deletes()[-1] == f"{API}/Messages/{SMS_2}.json"
    assert twilio.messages == {SMS_1}


def test_l6_only_failed_rows_are_tried_again(refused, client, alice, twilio):
    client.force_login(alice)
    try_again(client, ProviderDeletion.objects.get(object_id=SMS_2))
    run_tasks()
    done = ProviderDeletion.objects.get(object_id=SMS_2)
    assert done.status == "done"
    sent = len(twilio.deletes())

    page = client.post(
        CHANGELIST,
        {"action": "try_again", "_selected_action": [done.pk]},
        follow=True,
    )

    assert "overgeslagen" in page.content.decode()
    assert ProviderDeletion.objects.get(pk=done.pk).status == "done"
    assert run_tasks() == [] and len(twilio.deletes()) == sent
    assert len(retries()) == 1


def test_l6_only_a_superuser_may_try_again(refused, client):
    staff = User.objects.create_user("sanne", password="geheim-wachtwoord", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_providerdeletion"))
    row = ProviderDeletion.objects.get(object_id=SMS_2)
    client.force_login(staff)

    page = client.get(CHANGELIST)
    assert page.status_code == 200 and SMS_2 in page.content.decode()
    assert "try_again" not in page.content.decode()
    try_again(client, row)  # a forged POST

    row.refresh_from_db()
    assert row.status == "failed"
    assert not DBTaskResult.objects.filter(task_path__endswith="delete_copy").exists()
    assert not retries()
