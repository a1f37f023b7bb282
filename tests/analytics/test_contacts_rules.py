"""Figures respect the contact domain: erased contacts do not count, preferences are charted,
and the CSAT survey honours 'never on this channel'."""

from django.utils import timezone

from bereikbaar.analytics import csat, figures
from bereikbaar.analytics.models import CsatSurvey
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import Conversation, Message


def conversation_for(contact, channel="email", status="open", team=None):
    conversation = Conversation.objects.create(
        contact=contact, status=status, last_inbound_channel=channel, team=team
    )
    Message.objects.create(conversation=conversation, direction="inbound", channel=channel)
    return conversation


def test_an_erased_contacts_conversations_do_not_count(alice):
    kept, erased = Contact.objects.create(), Contact.objects.create()
    conversation_for(kept)
    conversation_for(erased)
    Contact.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    fig = figures.channel_mix(alice, figures.Filters.last_days(7))
    assert fig.summary["conversations"] == 1


def test_it_charts_first_preferences_against_channels_used(alice):
    from bereikbaar.contacts.models import Preference

    for preferred, used in ((["whatsapp", "email"], "email"), (["whatsapp"], "phone"), ([], "sms")):
        contact = Contact.objects.create()
        Preference.objects.create(contact=contact, preferred=preferred)
        conversation_for(contact, channel=used)
    fig = figures.preferred_vs_used(alice, figures.Filters.last_days(7))
    rows = {row[0]: row[1:] for row in fig.rows}
    assert rows["WhatsApp"] == [2, 0]
    assert rows["e-mail"] == [0, 1]
    assert rows["telefoon"] == [0, 1]
    assert fig.note == ""


def test_the_survey_respects_never_on_this_channel(service):
    from bereikbaar.contacts.models import Preference

    contact = Contact.objects.create()
    Identity.objects.create(contact=contact, kind="email", value="nooit@example.nl")
    Preference.objects.create(contact=contact, never=["email"])
    conversation = conversation_for(contact, channel="email", status="resolved", team=service)
    survey = csat.offer_survey(conversation)
    assert survey.status == CsatSurvey.Status.SKIPPED
    assert "email" in survey.skip_reason
    assert not conversation.messages.filter(direction="outbound").exists()


def test_sla_attainment_comes_from_routing_when_it_keeps_deadlines(alice):
    """As routing leaves them: a met or missed deadline is cleared, a miss is an SlaBreach."""
    from datetime import timedelta

    from bereikbaar.routing.models import CaseRouting, SlaBreach, SlaPolicy

    policy = SlaPolicy.objects.create(name="E-mail", channel="email", first_response_minutes=60)
    now = timezone.now()

    def case(human_minutes=None, breached=False, due_in_minutes=None):
        conversation = conversation_for(Contact.objects.create(), channel="email")
        human = now + timedelta(minutes=human_minutes) if human_minutes is not None else None
        due = now + timedelta(minutes=due_in_minutes) if due_in_minutes is not None else None
        CaseRouting.objects.create(
            conversation=conversation, sla_policy=policy, human_at=human, first_response_due=due
        )
        if breached:
            SlaBreach.objects.create(conversation=conversation, kind="first_response", due_at=now)

    for _ in range(3):
        case(human_minutes=-30)  # answered in time: the deadline was cleared
    case(human_minutes=-5, breached=True)  # answered late
    case(due_in_minutes=-10)  # unanswered and past due (the sweep has not run yet)
    case(due_in_minutes=+50)  # unanswered, still in time: not decided, not counted
    conversation_for(Contact.objects.create(), channel="email")  # no SLA: not counted
    fig = figures.sla(alice, figures.Filters.last_days(7))
    assert fig.rows == [["e-mail", None, 5, 3, 0.6]]
    assert "SLA" in fig.title
