"""The inbox search box: a case number, an address, a phone number in any spelling, or words
from the name, subject or messages; never anything of another team."""

import re

import pytest

from bereikbaar.conversations.models import Conversation
from bereikbaar.conversations.search import matching


@pytest.fixture
def cases(service, billing, anna, post_inbound, run_intake):
    """Three customers of Service, one of Billing (moved there after filing)."""
    post_inbound(
        "s1", "Mijn pakket is niet aangekomen", name="Karin Klant", email="karin@example.nl"
    )
    post_inbound("s2", "De factuur klopt niet", name="Piet Jansen", phone="06-12345678")
    post_inbound("s3", "Graag een terugbelverzoek", name="Özlem Yıldız", email="ozlem@voorbeeld.nl")
    post_inbound("s4", "Geheim contract van Billing", name="Bert Billing", email="bert@firma.nl")
    run_intake()
    bert = Conversation.objects.get(contact__name="Bert Billing")
    Conversation.objects.filter(pk=bert.pk).update(team=billing)
    return {c.contact.name: c for c in Conversation.objects.select_related("contact")}


def names(client, q: str, **extra) -> list[str]:
    html = client.get("/", {"q": q, **extra}).content.decode()
    return re.findall(r'<strong class="who">([^<]*)</strong>', html)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("karin@example.nl", ["Karin Klant"]),
        ("KARIN@Example.NL", ["Karin Klant"]),  # addresses are stored lower-cased
        ("example.nl", ["Karin Klant"]),  # a part of an address
        ("0612345678", ["Piet Jansen"]),
        ("+31 6 1234 5678", ["Piet Jansen"]),  # every spelling of one number
        ("0031 6-12345678", ["Piet Jansen"]),
        ("jansen", ["Piet Jansen"]),  # a name, any case
        ("factuur", ["Piet Jansen"]),  # a word of a message
        ("pakket aangekomen", ["Karin Klant"]),  # every word must match
        ("pakket factuur", []),
        ("Özlem", ["Özlem Yıldız"]),
        ("%", []),  # LIKE's wildcards are searched literally
        ("_", []),
    ],
)
def test_it_finds_by_what_the_agent_has_at_hand(cases, anna_client, q, found):
    assert sorted(names(anna_client, q)) == found


def test_a_case_number_finds_that_case(cases, anna_client):
    karin = cases["Karin Klant"]
    assert names(anna_client, f"#{karin.pk}") == ["Karin Klant"]


def test_another_teams_case_is_never_found(cases, anna_client, client, alice):
    bert = cases["Bert Billing"]
    for q in ("Bert", "bert@firma.nl", "contract", f"#{bert.pk}"):
        assert names(anna_client, q) == []
    client.force_login(alice)  # an admin sees every team
    assert names(client, "contract") == ["Bert Billing"]


def test_counts_and_other_filters_follow_the_search(cases, anna_client):
    html = anna_client.get("/", {"q": "niet", "view": "unassigned"}).content.decode()
    # the filter links keep the search, and the form keeps the other filters
    assert 'href="/?view=mine&amp;q=niet"' in html
    assert '<input type="hidden" name="view" value="unassigned">' in html
    assert 'value="niet"' in html
    cleared = anna_client.get("/", {"q": "niet"}).content.decode()
    assert "Wis zoekopdracht" in cleared


def test_nothing_to_search_is_no_filter_and_long_input_is_bounded(cases, anna_client):
    assert matching("   ") == matching("") == type(matching(""))()
    # at most five words are searched (each is a scan of the messages), in at most 100 chars
    assert names(anna_client, "pakket niet aangekomen mijn is zzz") == ["Karin Klant"]
    html = anna_client.get("/", {"q": "x" * 500}).content.decode()
    [kept] = re.findall(r'name="q" type="search" value="(x*)"', html)
    assert len(kept) == 100
