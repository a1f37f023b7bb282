"""The data migration that makes one consent register: the WhatsApp and SMS channels' own
consent rows (per number) are copied into contacts.Consent (per contact), and back on reverse.

Run with Django's MigrationExecutor on the test database: back to just before the channels'
0002 migrations, rows made with the historical models, forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bereikbaar.contacts.models import Consent, Contact, Identity
from bereikbaar.contacts.privacy import _digest

BEFORE = [
    ("contacts", "0003_consent_register"),
    ("channel_whatsapp", "0001_initial"),
    ("channel_sms", "0001_initial"),
]
AFTER = [
    ("channel_whatsapp", "0002_consent_to_register"),
    ("channel_sms", "0002_consent_to_register"),
]


@pytest.fixture
def migrate_to(transactional_db):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader.project_state(targets).apps

    yield migrate
    migrate(leaves)


def test_channel_rows_are_copied_into_the_register_and_back(migrate_to):
    old = migrate_to(BEFORE)
    OldContact = old.get_model("contacts", "Contact")
    OldIdentity = old.get_model("contacts", "Identity")
    Erased = old.get_model("contacts", "ErasedIdentity")
    WaConsent = old.get_model("channel_whatsapp", "Consent")
    SmsConsent = old.get_model("channel_sms", "Consent")
    karin = OldContact.objects.create(name="Karin")
    OldIdentity.objects.create(contact=karin, kind="phone", value="+31612345678")
    Erased.objects.create(digest=_digest("phone", "+31611111111"))
    yesterday = timezone.now() - timezone.timedelta(days=1)
    WaConsent.objects.create(
        address="+31612345678",
        state="opt_in",
        at=yesterday,
        method="webformulier",
        text_shown="Mag we u via WhatsApp berichten?",
    )
    WaConsent.objects.create(
        address="+31612345678", state="opt_out", at=timezone.now(), method="trefwoord 'STOP'"
    )
    SmsConsent.objects.create(address="+31687654321", state="opt_out", at=yesterday, method="STOP")
    SmsConsent.objects.create(address="+31611111111", state="opt_in", at=yesterday, method="x")

    migrate_to(AFTER)

    wa = list(Consent.objects.filter(channel="whatsapp").order_by("at"))
    assert [(c.contact.name, c.granted, c.address) for c in wa] == [
        ("Karin", True, "+31612345678"),  # found by her phone identity
        ("Karin", False, "+31612345678"),
    ]
    assert wa[0].text_shown == "Mag we u via WhatsApp berichten?" and wa[0].at == yesterday
    assert wa[0].source == "webformulier"
    [sms] = Consent.objects.filter(channel="sms")
    # a number nobody owned: a new contact with the identity intake would give it
    assert sms.address == "+31687654321" and not sms.granted
    assert list(sms.contact.identities.values_list("kind", "value")) == [("phone", "+31687654321")]
    # the erased person's row is dropped, not used to re-create them
    assert not Identity.objects.filter(value="+31611111111").exists()
    assert Contact.objects.count() == 2

    old = migrate_to(BEFORE)

    states = old.get_model("channel_whatsapp", "Consent").objects.order_by("at")
    assert [(c.address, c.state) for c in states] == [
        ("+31612345678", "opt_in"),
        ("+31612345678", "opt_out"),
    ]
    assert old.get_model("channel_sms", "Consent").objects.count() == 1
    assert not old.get_model("contacts", "Consent").objects.exists()
