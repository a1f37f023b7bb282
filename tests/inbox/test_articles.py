"""Agents manage the help centre from the inbox: write with a safe preview, keep revisions and
restore one, maintain synonyms the search uses at once, and see each article's figures."""

import pytest

from bereikbaar.helpcenter import deflection
from bereikbaar.helpcenter.models import Article, HelpEvent, SearchQuery, Synonym
from bereikbaar.helpcenter.search import search
from tests.inbox.conftest import logged_in

pytestmark = pytest.mark.django_db


def make_article(slug: str, title: str, body: str = "") -> Article:
    article = Article(slug=slug, title=title, body=body, language="nl")
    article.save()
    return article


FORM = {
    "title": "Wachtwoord vergeten",
    "slug": "wachtwoord-vergeten",
    "category": "Account",
    "language": "nl",
    "status": "published",
    "tags_text": "inloggen, wachtwoord, inloggen",
    "body": "Vraag een **nieuw wachtwoord** aan via de inlogpagina.",
    "note": "eerste versie",
}


@pytest.mark.parametrize(
    "path", ["/artikelen/", "/artikelen/nieuw/", "/synoniemen/", "/artikelen/1/revisies/"]
)
def test_the_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_agent_writes_an_article_that_the_help_centre_finds(anna_client, anna):
    response = anna_client.post("/artikelen/nieuw/", FORM)
    article = Article.objects.get(slug="wachtwoord-vergeten")
    assert response.status_code == 302
    assert response["Location"] == f"/artikelen/{article.pk}/"
    assert article.tags == ["inloggen", "wachtwoord"]
    assert "<strong>nieuw wachtwoord</strong>" in article.body_html
    revision = article.revisions.get()
    assert (revision.author, revision.note) == (anna, "eerste versie")
    assert [h.slug for h in search("wachtwoord kwijt")] == ["wachtwoord-vergeten"]
    assert "wachtwoord-vergeten" in anna_client.get("/artikelen/").content.decode()


def test_a_bad_form_says_what_is_wrong_and_saves_nothing(anna_client):
    make_article("wachtwoord-vergeten", "Bestaat al")
    response = anna_client.post("/artikelen/nieuw/", {**FORM, "title": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Dit veld is verplicht." in page
    assert Article.objects.count() == 1
    # the typed body is kept, so nothing the agent wrote is lost
    assert "nieuw wachtwoord" in page


def test_the_preview_renders_markdown_and_never_script(anna_client):
    hostile = "# Titel\n\n<script>alert(1)</script> [klik](javascript:alert(2)) *nadruk*"
    response = anna_client.post("/artikelen/voorbeeld/", {"body": hostile})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<em>nadruk</em>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html  # left as plain text, never a link


def test_every_edit_is_a_revision_and_an_old_one_can_be_restored(anna_client, anna):
    anna_client.post("/artikelen/nieuw/", FORM)
    article = Article.objects.get()
    first = article.revisions.get()
    anna_client.post(
        f"/artikelen/{article.pk}/",
        {**FORM, "body": "Bel ons voor een nieuw wachtwoord.", "note": "anders"},
    )
    assert article.revisions.count() == 2

    history = anna_client.get(f"/artikelen/{article.pk}/revisies/").content.decode()
    assert '<span class="add">+ Bel ons voor een nieuw wachtwoord.</span>' in history
    assert "- Vraag een **nieuw wachtwoord** aan via de inlogpagina." in history

    response = anna_client.post(f"/artikelen/{article.pk}/revisies/{first.pk}/terugzetten/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == FORM["body"]
    assert article.revisions.count() == 3
    assert article.revisions.first().note.startswith("teruggezet naar de versie van")


def test_a_revision_of_another_article_cannot_be_restored(anna_client):
    one = make_article("een", "Een", "tekst een")
    two = make_article("twee", "Twee", "tekst twee")
    other = two.revisions.get()
    response = anna_client.post(f"/artikelen/{one.pk}/revisies/{other.pk}/terugzetten/")
    assert response.status_code == 404
    one.refresh_from_db()
    assert one.body == "tekst een"


def test_only_an_admin_deletes_an_article(anna_client, alice):
    article = make_article("weg", "Weg ermee")
    assert anna_client.post(f"/artikelen/{article.pk}/verwijderen/").status_code == 302
    assert Article.objects.filter(pk=article.pk).exists()
    assert logged_in(alice).post(f"/artikelen/{article.pk}/verwijderen/").status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert search("weg") == []


def test_synonyms_added_by_an_agent_change_the_search_at_once(anna_client):
    make_article("saldering", "Saldering", "Hoe saldering werkt voor teruglevering.")
    assert search("streepjesregeling") == []  # a word no built-in lexicon knows
    before = Synonym.objects.count()
    response = anna_client.post(
        "/synoniemen/",
        {
            "term": "saldering",
            "synonyms": "streepjesregeling, , tegen elkaar wegstrepen",
            "language": "nl",
        },
    )
    assert response.status_code == 302
    stored = Synonym.objects.get(term="saldering").synonyms
    assert stored == "streepjesregeling, tegen elkaar wegstrepen"
    assert [h.slug for h in search("streepjesregeling")] == ["saldering"]

    empty = anna_client.post("/synoniemen/", {"term": "x", "synonyms": " , ", "language": "nl"})
    assert empty.status_code == 400
    assert Synonym.objects.count() == before + 1


def test_the_list_shows_each_articles_figures_and_the_searches_that_found_nothing(anna_client):
    article = make_article("factuur", "Factuur downloaden")
    for kind in ("view", "view", "view", "view", "helpful", "not_helpful"):
        HelpEvent.objects.create(kind=kind, article=article, visitor="v1")
    deflection.record_contact("v1")  # v1 read it four times and contacted us anyway
    HelpEvent.objects.create(kind="view", article=article, visitor="v2")
    for _ in range(3):
        SearchQuery.objects.create(query="zonnepanelen op een woonboot", results_count=0)

    page = anna_client.get("/artikelen/").content.decode()
    row = page[page.index('data-slug="factuur"') :].split("</tr>")[0]
    cells = [c.split("<")[0].strip() for c in row.split('<td class="num">')[1:]]
    assert cells == ["5", "1 / 1", "4", "20 %"]
    assert "zonnepanelen op een woonboot</q> × 3" in page
