"""The conversation list shows a page of 50 and "show more" adds a page at a time: a list of
hundreds rendered in full for every agent's live refresh was the server's main cost."""

import re

import pytest

from bereikbaar.inbox.filters import MAX_SHOWN, PAGE, Filters


@pytest.fixture
def sixty(service, anna, post_inbound, run_intake):
    for i in range(60):
        post_inbound(f"p{i}", f"Vraag {i}", name=f"Klant {i}", email=f"k{i}@example.nl")
    run_intake()


def rows(html: str) -> int:
    return len(re.findall(r'<strong class="who">', html))


def test_a_page_and_then_more(sixty, anna_client):
    html = anna_client.get("/").content.decode()
    assert rows(html) == PAGE == 50
    [more] = re.findall(r'<a href="([^"]+)" data-more>([^<]+)</a>', html)
    assert more[1] == "Meer tonen (50 van 60)"
    assert "limit=100" in more[0]
    html = anna_client.get(more[0].replace("&amp;", "&")).content.decode()
    assert rows(html) == 60
    assert "data-more" not in html


def test_the_live_refresh_keeps_the_rows_shown(sixty, anna_client):
    html = anna_client.get("/", {"limit": "100", "view": "unassigned"}).content.decode()
    region = re.search(r'id="conversation-list"[^>]*hx-get="([^"]+)"', html).group(1)
    assert "limit=100" in region and "view=unassigned" in region
    refreshed = anna_client.get(region.replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert rows(refreshed.content.decode()) == rows(html)


@pytest.mark.parametrize(
    ("given", "shown"),
    [("", 50), ("abc", 50), ("0", 50), ("-5", 50), ("51", 100), ("100", 100), ("999999", 500)],
)
def test_odd_limits_become_whole_pages_within_bounds(given, shown):
    from django.http import QueryDict

    assert Filters.from_query(QueryDict(f"limit={given}")).limit == shown
    assert MAX_SHOWN == 500
