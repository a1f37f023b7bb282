"""SLA deadlines on business hours (weekends, Dutch public holidays, team opening hours),
breaches recorded once, and time-to-human."""

from datetime import datetime, timedelta

from django.utils import timezone

from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing import sla
from bereikbaar.routing.hours import ZONE, add_business_minutes, is_open
from bereikbaar.routing.models import CaseRouting, SlaBreach, SlaPolicy, Team
from bereikbaar.routing.triage import on_call_answered

from .conftest import agent, write


def at(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


def test_business_minutes_skip_the_weekend_and_dutch_holidays(db):
    # Thursday 2 April 2026, 16:00: one hour left; Good Friday, the weekend and Easter Monday
    # are closed, so four business hours end on Tuesday 7 April at 12:00.
    assert add_business_minutes(at(2026, 4, 2, 16, 0), 240, None) == at(2026, 4, 7, 12, 0)
    # Friday evening to Monday morning.
    assert add_business_minutes(at(2026, 11, 27, 18, 0), 30, None) == at(2026, 11, 30, 9, 30)
    # King's Day (27 April 2026, a Monday) is a holiday.
    assert add_business_minutes(at(2026, 4, 24, 16, 30), 60, None) == at(2026, 4, 28, 9, 30)
    assert not is_open(at(2026, 12, 25, 10, 0), None)


def test_team_opening_hours_and_holiday_opening(db):
    shop = Team.objects.create(
        name="Winkel",
        slug="winkel",
        opening_hours={
            "sat": [["10:00", "14:00"]],
            "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
        },
        open_on_holidays=True,
    )
    assert add_business_minutes(at(2026, 11, 28, 13, 0), 120, shop) == at(2026, 11, 30, 9, 0)
    assert add_business_minutes(at(2026, 11, 30, 11, 30), 60, shop) == at(2026, 11, 30, 13, 30)
    # Open on Easter Monday too, when the team says so.
    assert add_business_minutes(at(2026, 4, 6, 8, 0), 30, shop) == at(2026, 4, 6, 8, 30)
    never = Team.objects.create(name="Dicht", slug="dicht", opening_hours={"mon": []})
    assert add_business_minutes(at(2026, 1, 1, 0, 0), 1, never) is None


def test_the_most_specific_policy_applies(db):
    anything = SlaPolicy.objects.create(name="alles", first_response_minutes=480)
    email = SlaPolicy.objects.create(name="mail", channel="email", first_response_minutes=240)
    urgent_mail = SlaPolicy.objects.create(
        name="mail urgent", channel="email", priority=3, first_response_minutes=60
    )
    assert sla.policy_for("email", 1) == email
    assert sla.policy_for("email", 3) == urgent_mail
    assert sla.policy_for("webchat", 3) == anything


def test_deadlines_are_set_on_inbound_and_met_by_a_human_answer(team):
    SlaPolicy.objects.create(
        name="24/7",
        business_hours=False,
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=600,
    )
    anna = agent("anna", team)
    conversation = write("k")
    case = CaseRouting.objects.get(conversation=conversation)
    start = case.first_inbound_at
    assert case.first_response_due == start + timedelta(minutes=60)
    assert case.resolution_due == start + timedelta(minutes=600)
    Message.objects.create(
        conversation=conversation,
        direction="outbound",
        channel="email",
        text="Hoi",
        author=anna.user,
    )
    case.refresh_from_db()
    assert case.first_response_due is None and case.human_at is not None
    assert 0 <= case.time_to_human < 60
    assert not SlaBreach.objects.exists()
    write("k", "Nog een vraag")
    case.refresh_from_db()
    assert case.next_response_due is not None


def test_breaches_are_recorded_once_by_the_sweep_and_by_a_late_answer(team):
    SlaPolicy.objects.create(name="p", business_hours=False, first_response_minutes=5)
    anna = agent("anna", team)
    late = write("laat")
    swept = write("vergeten")
    CaseRouting.objects.update(first_response_due=timezone.now() - timedelta(minutes=1))
    Message.objects.create(
        conversation=late, direction="outbound", channel="email", text="Sorry", author=anna.user
    )
    assert SlaBreach.objects.filter(conversation=late, kind="first_response").count() == 1
    assert sla.sweep() == 1 and sla.sweep() == 0
    assert SlaBreach.objects.filter(conversation=swept).count() == 1


def test_an_answered_call_is_time_to_human(team):
    conversation = write("beller", "Inkomend gesprek", channel="phone")
    case = CaseRouting.objects.get(conversation=conversation)
    on_call_answered(conversation, case.first_inbound_at + timedelta(seconds=42))
    case.refresh_from_db()
    assert case.time_to_human == 42


def test_sla_state_warns_before_the_breach(db):
    policy = SlaPolicy(warn_minutes=15)
    now = timezone.now()
    assert sla.state(now + timedelta(minutes=30), policy, now) == "ok"
    assert sla.state(now + timedelta(minutes=10), policy, now) == "warning"
    assert sla.state(now - timedelta(minutes=1), policy, now) == "breached"
    assert Conversation.objects.count() == 0


def test_the_sweep_command_records_breaches_and_drains_queues(team, capsys):
    from django.core.management import call_command

    from bereikbaar.routing.models import AgentProfile

    SlaPolicy.objects.create(name="p", business_hours=False, first_response_minutes=5)
    waiting = write("k")
    assert waiting.assignee_id is None
    CaseRouting.objects.update(first_response_due=timezone.now() - timedelta(minutes=1))
    late = agent("laat", team, presence="offline")
    AgentProfile.objects.filter(pk=late.pk).update(presence="online")  # no event: only the sweep
    call_command("routing_sweep")
    assert "breaches recorded: 1, cases offered: 1" in capsys.readouterr().out
    waiting.refresh_from_db()
    assert waiting.assignee_id == late.user_id
