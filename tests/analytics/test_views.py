import csv
import io

from bereikbaar.analytics import figures
from bereikbaar.routing.models import Team
from tests.conftest import make_agent


def test_it_needs_a_login(client):
    response = client.get("/analytics/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_every_figure_with_a_chart_a_table_and_a_csv_link(client, generated, alice):
    client.force_login(alice)
    response = client.get("/analytics/?days=60")
    assert response.status_code == 200
    html = response.content.decode()
    for key in figures.FIGURES:
        assert f'id="figure-{key}"' in html
    assert html.count("<svg") >= 10
    assert "<script" not in html.split('id="figure-channel_mix"')[1].split("</section>")[0]
    assert "/analytics/csv/channel_mix/?days=60" in html
    assert "<details>" in html


def test_it_says_not_yet_measured_where_a_source_is_missing(client, alice):
    client.force_login(alice)
    html = client.get("/analytics/").content.decode()
    assert "nog niet gemeten" in html.lower()


def test_it_downloads_a_figure_as_csv(client, generated, alice):
    client.force_login(alice)
    response = client.get("/analytics/csv/multichannel/?days=60")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "eerste kanaal"
    assert sum(int(r[1]) for r in rows[1:]) == 600


def test_it_refuses_an_unknown_figure(client, alice):
    client.force_login(alice)
    assert client.get("/analytics/csv/nope/").status_code == 404


def test_it_shows_an_agent_only_their_teams(client, generated, bram, service):
    client.force_login(bram)
    rows = client.get(f"/analytics/csv/channel_mix/?days=60&team={service.pk}").content.decode()
    assert rows.count("\n") == 1  # only the header: Service is not Bram's team
    rows = list(
        csv.reader(io.StringIO(client.get("/analytics/csv/channel_mix/?days=60").content.decode()))
    )
    assert sum(int(r[-1]) for r in rows[1:]) == 300


def test_it_filters_by_channel_and_agent(client, generated, alice):
    client.force_login(alice)
    body = client.get("/analytics/csv/channel_mix/?days=60&channel=phone").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    phone = sum(int(r[1]) for r in rows[1:])
    others = sum(int(x) for r in rows[1:] for x in r[2:7])
    assert phone > 0 and others > 0  # second-channel phone contacts count too
    gijs = generated_agent_id("gijs")
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/analytics/csv/repeat/?days=60&agent={gijs}").content.decode())
        )
    )
    assert sum(int(r[1]) for r in rows[1:]) == 300


def generated_agent_id(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username).pk


def test_it_links_from_the_inbox(client, alice):
    client.force_login(alice)
    assert 'href="/analytics/"' in client.get("/").content.decode()


def test_a_name_that_looks_like_a_formula_is_text_in_the_csv(client, generated, alice):
    """CSV injection: a spreadsheet must not run an agent name as a formula; numbers stay."""
    from bereikbaar.conversations.models import Conversation

    evil = make_agent('=HYPERLINK("http://evil.example","klik")', Team.objects.get(slug="service"))
    Conversation.objects.filter(pk=Conversation.objects.first().pk).update(assignee=evil)
    client.force_login(alice)
    body = client.get("/analytics/csv/agent_load/?days=60").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","klik")' in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    assert all(cell.lstrip("-").isdigit() for r in rows[1:] for cell in r[1:])
