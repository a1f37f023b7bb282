"""The kept per-conversation facts give exactly the figures of the slow computation from the
messages themselves (scope.from_scratch), after a bulk load, after new messages and case
changes, and after a rebuild."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bereikbaar.analytics import figures
from bereikbaar.analytics.models import ConversationFact
from bereikbaar.conversations.models import Conversation, Message
from tests.analytics.conftest import PARAMS


def both(user, f):
    fast = [fig.as_dict() for fig in figures.dashboard(user, f)]
    with figures.from_scratch():
        slow = [fig.as_dict() for fig in figures.dashboard(user, f)]
    return fast, slow


def filters(service, agent_id):
    whole = figures.Filters.last_days(PARAMS.days + 1)
    return [
        whole,
        figures.Filters.last_days(7),
        figures.Filters(whole.start, whole.end, team=service.pk),
        figures.Filters(whole.start, whole.end, channel="whatsapp"),
        figures.Filters(whole.start, whole.end, agent=agent_id),
    ]


def test_the_facts_give_the_same_figures_as_the_messages(generated, alice, lead, service):
    agent_id = Conversation.objects.exclude(assignee=None).values_list("assignee", flat=True)[0]
    assert not ConversationFact.objects.exists()  # a bulk load bypasses signals
    for user in (alice, lead):
        for f in filters(service, agent_id):
            fast, slow = both(user, f)
            assert fast == slow, f
    assert ConversationFact.objects.count() == Conversation.objects.count()
    fig = {d["key"]: d for d in fast}
    assert fig["multichannel"]["summary"]["multichannel"] > 0  # not equal by being empty


def test_new_messages_and_changed_cases_are_counted_at_once(generated, alice):
    f = figures.Filters.last_days(PARAMS.days + 1)
    before = {fig.key: fig.summary for fig in figures.dashboard(alice, f)}
    single = (
        Conversation.objects.filter(messages__direction="inbound")
        .exclude(messages__channel="phone")
        .first()
    )
    first = single.messages.filter(direction="inbound").order_by("created_at", "id").first()
    Message.objects.create(
        conversation=single, direction="inbound", channel="phone", text="Ik ben echt boos!"
    )
    assert ConversationFact.objects.get(pk=single.pk).dirty > 0
    Message.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    single.save()  # what a case link does after moving messages with an update
    fast, slow = both(alice, f)
    assert fast == slow
    after = {d["key"]: d["summary"] for d in fast}
    assert after["multichannel"]["multichannel"] >= before["multichannel"]["multichannel"]
    assert ConversationFact.objects.get(pk=single.pk).channels.count(",") >= 3
    assert not ConversationFact.objects.filter(dirty__gt=0).exists()


def test_rebuild_recovers_wrong_facts_and_reports_progress(generated, alice):
    f = figures.Filters.last_days(PARAMS.days + 1)
    _, slow = both(alice, f)
    ConversationFact.objects.update(first_channel="sms", multichannel=True)
    fast = [fig.as_dict() for fig in figures.dashboard(alice, f)]
    assert fast != slow  # wrong facts show (the test can fail)
    out = io.StringIO()
    call_command("analytics_rebuild", batch=100, stdout=out)
    assert f"{PARAMS.conversations:,}/{PARAMS.conversations:,} conversations (100%)" in (
        out.getvalue()
    )
    assert f"facts={PARAMS.conversations}" in out.getvalue()
    assert [fig.as_dict() for fig in figures.dashboard(alice, f)] == slow


def test_rebuild_on_an_empty_database_does_nothing(db):
    out = io.StringIO()
    call_command("analytics_rebuild", "--stale", stdout=out)
    assert "facts=0" in out.getvalue()


@pytest.mark.parametrize("key", ["channel_mix", "emotions", "response_times"])
def test_one_figure_alone_brings_the_facts_up_to_date(generated, alice, key):
    f = figures.Filters.last_days(PARAMS.days + 1)
    fast = figures.FIGURES[key](alice, f).as_dict()
    with figures.from_scratch():
        assert fast == figures.FIGURES[key](alice, f).as_dict()


def test_weekly_counts_equal_truncweek_across_a_clock_change(generated):
    from django.db.models import Count, Q
    from django.db.models.functions import TruncWeek

    from bereikbaar.analytics.base import weekly_counts
    from bereikbaar.helpcenter.models import SearchQuery

    qs = SearchQuery.objects.all()
    counts = {"n": Count("id"), "empty": Count("id", filter=Q(results_count=0))}
    expected = [
        {**r, "week": r["week"].date()}
        for r in qs.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(**counts)
        .order_by("week")
    ]
    assert len(expected) >= 8
    assert weekly_counts(qs, **counts) == expected


def test_a_transaction_raises_each_counter_once_and_never_loses_a_mark(generated, alice):
    from django.db import transaction

    from bereikbaar.analytics import facts

    f = figures.Filters.last_days(PARAMS.days + 1)
    figures.dashboard(alice, f)  # every conversation has clean facts now
    conversation = Conversation.objects.filter(messages__direction="inbound").first()

    def dirty():
        return ConversationFact.objects.get(pk=conversation.pk).dirty

    def add(text):
        Message.objects.create(
            conversation=conversation, direction="inbound", channel="sms", text=text
        )

    with transaction.atomic():
        add("een")
        conversation.save()
        add("twee")
        assert dirty() == 1  # once per transaction is enough: it commits with the rest
        facts.ensure(Conversation.objects.filter(pk=conversation.pk))
        assert dirty() == 0
        add("drie")  # after the facts were written in this transaction, raise again
        assert dirty() == 1
        facts.ensure(Conversation.objects.filter(pk=conversation.pk))
        try:
            with transaction.atomic():
                add("vier")
                assert dirty() == 1
                raise RuntimeError
        except RuntimeError:
            pass
        assert dirty() == 0  # the savepoint's raise was rolled back with its message
        add("vijf")
        assert dirty() == 1  # so it is raised again
    fast, slow = both(alice, f)
    assert fast == slow


def test_a_new_conversation_needs_no_mark(generated, django_assert_num_queries):
    from django.db import transaction

    with transaction.atomic():
        contact = Conversation.objects.first().contact
        conversation = Conversation.objects.create(contact=contact)
        with django_assert_num_queries(1):  # the INSERT alone
            Message.objects.create(
                conversation=conversation, direction="inbound", channel="sms", text="hallo"
            )


def test_the_dashboards_shared_counts_equal_each_figure_alone(generated, alice, lead, service):
    """dashboard() groups the conversation counts and CSAT answers once (analytics.cube);
    every figure must come out as when it runs its own query."""
    from bereikbaar.analytics import cube

    agent_id = Conversation.objects.exclude(assignee=None).values_list("assignee", flat=True)[0]
    for user in (alice, lead):
        for f in filters(service, agent_id):
            together = [fig.as_dict() for fig in figures.dashboard(user, f)]
            alone = [compute(user, f).as_dict() for compute in figures.FIGURES.values()]
            assert together == alone, f
            with cube.shared():
                shared = cube.counts(user, f, "first_channel", "repeat")
            assert sum(r["n"] for r in shared) == figures.conversations(user, f).count()
    fig = {d["key"]: d for d in together}
    assert fig["csat_team"]["summary"]["responses"] > 0  # not equal by being empty
    assert fig["repeat"]["summary"]["repeats"] > 0
