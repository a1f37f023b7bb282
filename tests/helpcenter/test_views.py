"""Public help pages: search, article, "Did this help?", and one click to a person."""

from bereikbaar.helpcenter.deflection import VISITOR_COOKIE
from bereikbaar.helpcenter.models import HelpEvent, SearchQuery


def test_index_lists_categories_and_offers_a_person(client, make_article):
    make_article("meter", "Meterstand doorgeven", "x", category="Meterstanden")
    make_article("concept", "Nog niet af", "x", category="Meterstanden", status="draft")
    r = client.get("/help/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Meterstanden" in html and "Meterstand doorgeven" in html
    assert "Nog niet af" not in html
    assert 'role="search"' in html and 'for="q"' in html
    assert "Nog steeds vast? Praat met een mens" in html
    assert 'href="/contact/"' in html
    assert VISITOR_COOKIE in r.cookies


def test_search_page_records_the_search_and_links_results(client, make_article):
    make_article("omvormer", "Omvormer foutcode", "Rood lampje op de omvormer.")
    r = client.get("/help/zoeken/", {"q": "omvormer rood"})
    html = r.content.decode()
    s = SearchQuery.objects.get()
    assert (s.query, s.results_count, s.top_article.slug) == ("omvormer rood", 1, "omvormer")
    assert s.visitor == r.cookies[VISITOR_COOKIE].value
    assert f"/help/artikel/omvormer/?s={s.pk}" in html

    r = client.get("/help/zoeken/", {"q": "helemaal niets hierover"})
    assert r.status_code == 200
    assert SearchQuery.objects.filter(results_count=0).count() == 1
    assert "Praat met een mens" in r.content.decode()


def test_search_page_escapes_the_query(client, db):
    r = client.get("/help/zoeken/", {"q": "<script>alert(1)</script>"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.content.decode()


def test_article_records_click_and_vote(client, make_article):
    a = make_article("omvormer", "Omvormer foutcode", "Rood lampje.")
    client.get("/help/zoeken/", {"q": "omvormer"})
    s = SearchQuery.objects.get()
    r = client.get(f"/help/artikel/omvormer/?s={s.pk}")
    html = r.content.decode()
    assert "Heeft dit geholpen?" in html
    assert 'href="/contact/?from=omvormer"' in html  # one click, no form first
    click = HelpEvent.objects.get(kind="click")
    assert (click.article, click.search) == (a, s)

    r = client.post("/help/artikel/omvormer/stem/", {"helpful": "no"})
    assert r.status_code == 302
    assert HelpEvent.objects.filter(kind="not_helpful", article=a).count() == 1
    r = client.post(
        "/help/artikel/omvormer/stem/", {"helpful": "yes"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "Bedankt" in r.content.decode()
    assert HelpEvent.objects.filter(kind="helpful", article=a).count() == 1


def test_unknown_and_draft_articles_404(client, make_article):
    make_article("concept", "Concept", "x", status="draft")
    assert client.get("/help/artikel/concept/").status_code == 404
    assert client.get("/help/artikel/bestaat-niet/").status_code == 404
    assert client.get("/help/artikel/concept/?s=abc").status_code == 404


def test_odd_search_ids_and_votes_are_harmless(client, make_article):
    make_article("a", "A artikel", "x")
    for s in ("abc", "-1", "99999999999999999999999", "0"):
        assert client.get(f"/help/artikel/a/?s={s}").status_code == 200
    assert client.post("/help/artikel/a/stem/", {"helpful": "misschien"}).status_code == 302
    assert not HelpEvent.objects.filter(kind__in=["helpful", "not_helpful"]).exists()
    assert client.get("/help/artikel/a/stem/").status_code == 405


def test_english_ui_via_gettext(client, db):
    html = client.get("/help/", headers={"Accept-Language": "en"}).content.decode()
    assert "Still stuck? Talk to a person" in html
    html = client.get("/help/", headers={"Accept-Language": "nl"}).content.decode()
    assert "Nog steeds vast? Praat met een mens" in html


def test_admin_edits_keep_revisions(client, alice, make_article):
    a = make_article("meter", "Meterstand", "oud")
    client.force_login(alice)
    assert client.get("/admin/helpcenter/article/").status_code == 200
    r = client.post(
        f"/admin/helpcenter/article/{a.pk}/change/",
        {
            "title": "Meterstand doorgeven",
            "slug": "meter",
            "category": "",
            "language": "nl",
            "status": "published",
            "tags": "[]",
            "body": "nieuw",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "1",
            "revisions-MIN_NUM_FORMS": "0",
            "revisions-MAX_NUM_FORMS": "1000",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    rev = a.revisions.order_by("-id").first()
    assert (rev.title, rev.author, rev.note) == ("Meterstand doorgeven", alice, "admin")


def test_every_page_has_an_icon_and_favicon_ico_finds_it(client, db):
    """Browsers ask for /favicon.ico on pages that name no icon; a 404 there fills logs."""
    page = client.get("/help/").content.decode()
    assert 'rel="icon" href="/static/helpcenter/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/helpcenter/favicon.svg"
    svg = client.get("/static/helpcenter/favicon.svg")
    assert svg.status_code == 200
    assert b"<svg" in b"".join(svg.streaming_content)
