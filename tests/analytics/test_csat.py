from django.core import mail

from bereikbaar.analytics import csat, summary
from bereikbaar.analytics.models import CsatResponse, CsatSurvey, SummarySubscription
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import Conversation, Message


def resolved(service, agent, channel="email") -> Conversation:
    contact = Contact.objects.create(name="Karin Klant")
    Identity.objects.create(contact=contact, kind="email", value=f"karin{contact.pk}@example.nl")
    conversation = Conversation.objects.create(
        contact=contact,
        subject="Factuur",
        team=service,
        assignee=agent,
        status=Conversation.Status.RESOLVED,
        last_inbound_channel=channel,
    )
    Message.objects.create(conversation=conversation, direction="inbound", channel=channel)
    return conversation


def test_it_sends_the_survey_once_on_the_last_channel(service, anna, settings):
    settings.BEREIKBAAR_PUBLIC_URL = "https://klant.example"
    conversation = resolved(service, anna)
    survey = csat.offer_survey(conversation)
    assert survey.status == CsatSurvey.Status.SENT and survey.channel == "email"
    sent = conversation.messages.filter(direction="outbound").get()
    assert f"https://klant.example/analytics/csat/{survey.token}/" in sent.text
    assert csat.offer_survey(conversation) is None


def test_it_falls_back_to_email_when_the_last_channel_cannot_send(service, anna):
    conversation = resolved(service, anna, channel="phone")
    assert csat.offer_survey(conversation).channel == "email"


def test_it_skips_with_the_reason_when_no_channel_can_take_it(service, anna):
    conversation = resolved(service, anna, channel="phone")
    conversation.contact.identities.all().delete()
    survey = csat.offer_survey(conversation)
    assert survey.status == CsatSurvey.Status.SKIPPED
    assert "phone" in survey.skip_reason


def test_it_offers_due_surveys_in_one_sweep(service, anna):
    from django.utils import timezone

    for _ in range(3):
        c = resolved(service, anna)
        Conversation.objects.filter(pk=c.pk).update(resolved_at=timezone.now())
    assert csat.offer_due_surveys() == 3
    assert csat.offer_due_surveys() == 0


def test_it_does_not_survey_an_open_conversation(service, anna):
    conversation = resolved(service, anna)
    conversation.status = Conversation.Status.OPEN
    assert csat.offer_survey(conversation) is None


def test_the_public_page_records_a_score_and_comment(client, service, anna):
    survey = csat.offer_survey(resolved(service, anna))
    page = client.get(survey.get_absolute_url())
    assert page.status_code == 200 and "Hoe tevreden" in page.content.decode()
    client.post(survey.get_absolute_url(), {"score": "5", "comment": "Top!"})
    response = CsatResponse.objects.get()
    assert (response.score, response.comment, response.channel) == (5, "Top!", "email")
    assert (response.team, response.agent) == (service, anna)
    assert not response.needs_follow_up
    assert "Dank u wel" in client.get(survey.get_absolute_url()).content.decode()
    client.post(survey.get_absolute_url(), {"score": "1"})
    assert CsatResponse.objects.count() == 1


def test_the_public_page_refuses_a_wrong_score_and_an_unknown_token(client, service, anna):
    survey = csat.offer_survey(resolved(service, anna))
    assert client.post(survey.get_absolute_url(), {"score": "9"}).status_code == 400
    assert client.get("/analytics/csat/not-a-token/").status_code == 404


def test_a_low_score_becomes_a_follow_up(client, service, anna, alice):
    conversation = resolved(service, anna)
    survey = csat.offer_survey(conversation)
    client.post(survey.get_absolute_url(), {"score": "2", "comment": "Niemand belde terug"})
    conversation.refresh_from_db()
    assert csat.LOW_SCORE_TAG in conversation.tags
    note = conversation.messages.get(direction="note")
    assert "2/5" in note.text and "Niemand belde terug" in note.text
    client.force_login(alice)
    assert "Niemand belde terug" in client.get("/analytics/").content.decode()
    response = CsatResponse.objects.get()
    client.post(f"/analytics/follow-ups/{response.pk}/done/")
    response.refresh_from_db()
    assert response.follow_up_done_at is not None


def test_an_agent_cannot_close_another_teams_follow_up(client, service, anna, bram):
    survey = csat.offer_survey(resolved(service, anna))
    csat.record_response(survey, 1)
    client.force_login(bram)
    response = CsatResponse.objects.get()
    assert client.post(f"/analytics/follow-ups/{response.pk}/done/").status_code == 404


def test_the_weekly_summary_goes_to_those_who_opted_in(client, generated, lead, anna):
    lead.email = "lotte@example.nl"
    lead.save()
    anna.email = "anna@example.nl"
    anna.save()
    client.force_login(lead)
    client.post("/analytics/summary/", {"enabled": "1", "team": ""})
    assert SummarySubscription.objects.get().user == lead
    assert summary.send_weekly_summaries() == 1
    assert summary.send_weekly_summaries() == 0  # not twice in one week
    (message,) = mail.outbox
    assert message.to == ["lotte@example.nl"]
    html = message.alternatives[0][0]
    assert "<svg" in html and "Kanaalmix" in html
    assert "Kanaalmix" in message.body


def test_one_can_opt_out_of_the_summary(client, lead):
    client.force_login(lead)
    client.post("/analytics/summary/", {"enabled": "1"})
    client.post("/analytics/summary/", {"enabled": "0"})
    assert not SummarySubscription.objects.get().enabled
    assert summary.send_weekly_summaries() == 0


def test_csat_figures_equal_the_databases_avg_and_order(generated, alice):
    """The CSAT figures sum one grouped query in Python; averages and row order must be the
    database's own AVG and ORDER BY (NULL first on SQLite, last on PostgreSQL)."""
    from django.db.models import Avg, Count

    from bereikbaar.analytics import figures
    from bereikbaar.analytics.base import rounded
    from bereikbaar.analytics.models import CsatResponse
    from tests.analytics.conftest import PARAMS

    f = figures.Filters.last_days(PARAMS.days + 1)
    answers = CsatResponse.objects.filter(
        conversation__in=figures.conversations(alice, f).values("pk")
    )
    unassigned = list(answers.order_by("pk").values_list("pk", flat=True)[:3])
    CsatResponse.objects.filter(pk__in=unassigned).update(agent=None, team=None)
    assert answers.exclude(agent=None).exists()
    shown = {fig.key: fig for fig in figures.dashboard(alice, f, ["csat_team", "csat_agent"])}
    for key, group in (("csat_team", "team"), ("csat_agent", "agent")):
        expected = [
            (r["n"], rounded(r["avg"], 2))
            for r in answers.values(group).annotate(n=Count("id"), avg=Avg("score")).order_by(group)
        ]
        assert [(row[1], row[2]) for row in shown[key].rows] == expected
        total = answers.aggregate(avg=Avg("score"))["avg"]
        assert shown[key].summary["average"] == rounded(total, 2)
