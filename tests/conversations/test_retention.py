"""Retention: resolved conversations go when their inbox's period is over, and nothing else."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations import retention
from bereikbaar.conversations.attachments import add_attachment
from bereikbaar.conversations.models import (
    Attachment,
    Conversation,
    Message,
    RetentionPolicy,
    RetentionRun,
)
from bereikbaar.intake.models import Inbound
from bereikbaar.routing.models import Team
from bereikbaar.stories.models import CaseLink

MONTH = retention.MONTH


def case(email: str, months_ago: float, channels=("email",), status="resolved", team=None):
    contact = resolve([("email", email)], name=email.split("@")[0])
    resolved_at = timezone.now() - months_ago * MONTH if status == "resolved" else None
    conv = Conversation.objects.create(
        contact=contact, status=status, resolved_at=resolved_at, team=team
    )
    for channel in channels:
        Message.objects.create(
            conversation=conv, direction="inbound", channel=channel, text=f"vraag via {channel}"
        )
    return conv


def alive(*convs) -> list[bool]:
    return [Conversation.objects.filter(pk=c.pk).exists() for c in convs]


def test_only_resolved_conversations_past_their_period_go(db):
    RetentionPolicy.objects.create(channel="email", months=6)
    old = case("oud@example.nl", 7)
    young = case("jong@example.nl", 5)
    open_old = case("open@example.nl", 0, status="open")
    Conversation.objects.filter(pk=open_old.pk).update(created_at=timezone.now() - 24 * MONTH)
    run = retention.apply()
    assert alive(old, young, open_old) == [False, True, True]
    assert run.counts["conversations"] == 1 and run.counts["messages"] == 1
    assert not Message.objects.filter(conversation_id=old.pk).exists()


def test_a_channel_without_a_policy_keeps_the_conversation(db):
    RetentionPolicy.objects.create(channel="email", months=6)
    mixed = case("mix@example.nl", 9, channels=("email", "whatsapp"))
    retention.apply()
    assert alive(mixed) == [True]
    RetentionPolicy.objects.create(channel="whatsapp", months=12)
    retention.apply()
    assert alive(mixed) == [True]  # the longest period (12 months) governs
    Conversation.objects.filter(pk=mixed.pk).update(resolved_at=timezone.now() - 13 * MONTH)
    retention.apply()
    assert alive(mixed) == [False]


def test_a_teams_own_policy_beats_the_channel_wide_one(db):
    sales = Team.objects.create(name="Verkoop")
    RetentionPolicy.objects.create(channel="email", months=3)
    RetentionPolicy.objects.create(channel="email", team=sales, months=24)
    theirs = case("verkoop@example.nl", 6, team=sales)
    others = case("rest@example.nl", 6)
    retention.apply()
    assert alive(theirs, others) == [True, False]


def test_disabled_policies_and_no_policies_delete_nothing(db):
    old = case("oud@example.nl", 60)
    assert retention.apply().counts["conversations"] == 0
    RetentionPolicy.objects.create(channel="email", months=1, enabled=False)
    assert retention.apply().counts["conversations"] == 0
    assert alive(old) == [True]


def test_a_dry_run_counts_and_deletes_nothing(db):
    RetentionPolicy.objects.create(channel="email", months=6)
    old = case("oud@example.nl", 7)
    add_attachment(old.messages.get(), "bon.pdf", b"%PDF-1.4 bon", "application/pdf")
    run = retention.apply(dry_run=True)
    assert run.dry_run and run.finished_at
    assert run.counts == {
        "conversations": 1,
        "messages": 1,
        "attachments": 1,
        "per_policy": {str(RetentionPolicy.objects.get()): 1},
        "held": 0,
    }
    assert alive(old) == [True] and Attachment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_files_links_and_raw_payloads_go_with_the_conversation(post_inbound, run_intake):
    post_inbound("r-1", "Mijn adres is Dorpsstraat 7", email="weg@example.nl")
    post_inbound("r-2", "Nog een vraag over Dorpsstraat 7", email="weg@example.nl")
    run_intake()
    conv = Conversation.objects.get()
    other = Conversation.objects.create(contact=conv.contact, status="resolved")
    CaseLink.objects.create(
        case=conv, joined=other, signal="agent", explanation="test", joined_status="open"
    )
    add_attachment(conv.messages.first(), "foto.jpg", b"\xff\xd8 foto", "image/jpeg")
    path = Path(Attachment.objects.get().file.path)
    assert path.exists()
    Conversation.objects.filter(pk=conv.pk).update(
        status="resolved", resolved_at=timezone.now() - 7 * MONTH
    )
    RetentionPolicy.objects.create(channel="api", months=6)
    run = retention.apply()
    assert run.counts["conversations"] == 1 and run.counts["attachments"] == 1
    assert not path.exists()
    assert not CaseLink.objects.exists()
    rows = list(Inbound.objects.all())
    assert len(rows) == 2 and all(bytes(r.payload) == b"" for r in rows)
    # a late redelivery of a deleted message is still recognised and files nothing
    assert (
        post_inbound("r-1", "Mijn adres is Dorpsstraat 7", email="weg@example.nl").status_code
        == 202
    )
    run_intake()
    assert not Message.objects.exists()


def test_the_scheduler_runs_it_at_most_once_an_hour(db):
    assert retention.apply_if_due() is None and not RetentionRun.objects.exists()
    RetentionPolicy.objects.create(channel="email", months=6)
    assert retention.apply_if_due() is not None
    assert retention.apply_if_due() is None
    RetentionRun.objects.update(started_at=timezone.now() - timedelta(minutes=61))
    assert retention.apply_if_due() is not None
    retention.apply(dry_run=True)
    RetentionRun.objects.filter(dry_run=False).update(
        started_at=timezone.now() - timedelta(hours=2)
    )
    assert retention.apply_if_due() is not None  # a dry run does not count as a run


def test_policies_are_one_per_inbox_and_at_least_a_month(db):
    RetentionPolicy.objects.create(channel="email", months=6)
    with pytest.raises(IntegrityError):
        RetentionPolicy.objects.create(channel="email", months=12)


def test_a_policy_of_zero_months_is_refused(db):
    with pytest.raises(IntegrityError):
        RetentionPolicy.objects.create(channel="sms", months=0)


def test_the_command_reports_and_a_dry_run_keeps(db):
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out, stderr=StringIO())
    assert "No retention policies" in out.getvalue()
    RetentionPolicy.objects.create(channel="email", months=6)
    old = case("oud@example.nl", 7)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out, stderr=StringIO())
    assert "Would delete 1 conversations, 1 messages, 0 attachments" in out.getvalue()
    assert alive(old) == [True]
    out = StringIO()
    call_command("apply_retention", stdout=out, stderr=StringIO())
    assert "Deleted 1 conversations" in out.getvalue()
    assert alive(old) == [False]
