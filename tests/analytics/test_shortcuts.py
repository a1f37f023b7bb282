"""The dashboard's shortcuts give the figures of the plain queries: response times and the
SLA fallback share one query, routing's SLA clocks still win when they exist, agent load
leaves out unsigned replies and unassigned cases, and PostgreSQL's JIT setting is restored."""

import pytest
from django.db import connection
from django.utils import timezone

from bereikbaar.analytics import figures
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message
from tests.analytics.conftest import PARAMS


def by_key(user, f):
    return {fig.key: fig.as_dict() for fig in figures.dashboard(user, f)}


def test_the_shared_timing_query_equals_each_figure_alone(generated, alice, service):
    whole = figures.Filters.last_days(PARAMS.days + 1)
    for f in (whole, figures.Filters(whole.start, whole.end, team=service.pk, channel="sms")):
        together = by_key(alice, f)
        for key in ("response_times", "sla"):
            assert together[key] == figures.FIGURES[key](alice, f).as_dict(), (key, f)
        assert together["sla"]["rows"]  # not equal by being empty
        assert "instellingen" in together["sla"]["note"]  # the fallback, not routing's


def test_routing_clocks_win_in_the_dashboard_too(alice):
    from bereikbaar.routing.models import CaseRouting, SlaBreach, SlaPolicy

    policy = SlaPolicy.objects.create(name="SMS", channel="sms", first_response_minutes=60)
    now = timezone.now()
    for late in (False, True):
        conversation = Conversation.objects.create(contact=Contact.objects.create())
        Message.objects.create(conversation=conversation, direction="inbound", channel="sms")
        CaseRouting.objects.create(conversation=conversation, sla_policy=policy, human_at=now)
        if late:
            SlaBreach.objects.create(conversation=conversation, kind="first_response", due_at=now)
    fig = by_key(alice, figures.Filters.last_days(7))["sla"]
    assert fig["rows"] == [["SMS", None, 2, 1, 0.5]]
    assert "routering" in fig["note"]


def test_agent_load_leaves_out_unsigned_replies_and_unassigned_cases(alice, anna):
    mine = Conversation.objects.create(contact=Contact.objects.create(), assignee=anna)
    nobodys = Conversation.objects.create(contact=Contact.objects.create())
    for conversation in (mine, nobodys):
        Message.objects.create(conversation=conversation, direction="inbound", channel="sms")
        Message.objects.create(conversation=conversation, direction="outbound", channel="sms")
    Message.objects.create(conversation=mine, direction="outbound", channel="sms", author=anna)
    fig = figures.agent_load(alice, figures.Filters.last_days(7))
    assert fig.rows == [["anna", 1, 1, 1]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_the_dashboard_puts_postgres_jit_back_as_it_was(generated, alice):
    seen = []
    original = figures.FIGURES["channel_mix"]

    def spy(user, f):
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            seen.append(cursor.fetchone()[0])
        return original(user, f)

    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    figures.FIGURES["channel_mix"] = spy
    try:
        figures.dashboard(alice, figures.Filters.last_days(7))
    finally:
        figures.FIGURES["channel_mix"] = original
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "on"
    assert seen == ["off"]
