"""Searches, clicks and votes, and the contact that follows within 30 minutes."""

from datetime import timedelta

from django.utils import timezone

from bereikbaar.helpcenter import deflection
from bereikbaar.helpcenter.deflection import VISITOR_COOKIE, record_contact
from bereikbaar.helpcenter.models import HelpEvent, SearchQuery


def test_contact_within_30_minutes_marks_the_searches(client, make_article):
    make_article("omvormer", "Omvormer foutcode", "Rood lampje.")
    r = client.get("/help/zoeken/", {"q": "omvormer"})
    visitor = r.cookies[VISITOR_COOKIE].value
    client.get("/help/artikel/omvormer/")
    old = SearchQuery.objects.create(visitor=visitor, query="oud", results_count=0)
    SearchQuery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=45))
    other = SearchQuery.objects.create(visitor="iemand-anders", query="omvormer", results_count=1)

    assert record_contact(visitor) == 1
    recent = SearchQuery.objects.get(query="omvormer", visitor=visitor)
    assert recent.contacted_at is not None
    assert SearchQuery.objects.get(pk=old.pk).contacted_at is None  # too long ago
    assert SearchQuery.objects.get(pk=other.pk).contacted_at is None  # someone else
    assert HelpEvent.objects.get(kind="view").contacted_at is not None
    # calling again marks nothing twice; unknown visitors are fine
    assert record_contact(visitor) == 0
    assert record_contact("") == 0


def test_contact_page_from_an_article_counts_as_asking_for_a_person(client, make_article):
    a = make_article("omvormer", "Omvormer foutcode", "Rood lampje.")
    client.get("/help/artikel/omvormer/")
    client.post("/help/artikel/omvormer/stem/", {"helpful": "no"})
    r = client.get("/contact/?from=omvormer")
    assert r.status_code == 200
    assert HelpEvent.objects.filter(kind="contact", article=a).count() == 1
    record_contact(client.cookies[VISITOR_COOKIE].value)
    stats = {s["slug"]: s for s in deflection.article_stats()}["omvormer"]
    assert stats["views"] == 1 and stats["not_helpful"] == 1
    assert stats["asked_for_person"] == 1 and stats["contacted"] == 1
    assert stats["deflection_rate"] == 0


def test_search_stats(db):
    SearchQuery.objects.create(visitor="a", query="x", results_count=0)
    SearchQuery.objects.create(visitor="b", query="y", results_count=3)
    record_contact("a")
    s = deflection.search_stats()
    assert (s["searches"], s["no_results"], s["contacted"]) == (2, 1, 1)
    assert s["deflection_rate"] == 0.5
