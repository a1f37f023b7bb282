"""The channel's own consent rows move into the central register (contacts.Consent) and its
table goes: one register, so a STOP shows on the contact page and a central opt-in counts for
the sender. How numbers find their contact: contacts/migrations/_channel_consent.py."""

from django.db import migrations

from bereikbaar.contacts.migrations._channel_consent import copy_back, copy_in

KINDS = ("phone", "whatsapp")  # whose owner gets the rows, in this order
NEW_KINDS = ("phone",)  # what parse.py gives a sender we have never seen


def forward(apps, schema_editor):
    copy_in(apps, "channel_sms", "sms", KINDS, NEW_KINDS)


def backward(apps, schema_editor):
    copy_back(apps, "channel_sms", "sms")


class Migration(migrations.Migration):
    dependencies = [
        ("channel_sms", "0001_initial"),
        ("contacts", "0003_consent_register"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Consent"),
    ]
