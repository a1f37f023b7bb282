"""Dutch help search through the database engine in use (SQLite FTS5 or PostgreSQL)."""

import io
import json
from pathlib import Path

import pytest

from bereikbaar.helpcenter.importer import import_file
from bereikbaar.helpcenter.models import ArticleMeaning, Synonym
from bereikbaar.helpcenter.search import search

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "src/bereikbaar/helpcenter/fixtures/articles.jsonl"
QUERIES = ROOT / "bench/data/search/queries.jsonl"


def slugs(q, lang="nl"):
    return [h.slug for h in search(q, lang)]


@pytest.fixture
def kb(make_article):
    make_article(
        "wachtwoord-herstellen",
        "Toegang tot je account terugkrijgen",
        "Gebruik de wachtwoordherstel-link in de e-mail om een nieuw wachtwoord te kiezen.",
    )
    make_article(
        "wachtwoord-vergeten",
        "Wat te doen als je het niet meer weet",
        "Kijk op de pagina wachtwoord-vergeten en volg de stappen.",
    )
    make_article(
        "financiele-hulp",
        "Financiële hulp bij betalingsproblemen",
        "Wij helpen je met een regeling.",
    )
    make_article("jaarafrekening", "De jaarafrekening", "Eens per jaar krijg je een factuur.")
    make_article(
        "omvormer", "Omvormer storing", "Een rood lampje op de omvormer betekent een storing."
    )
    make_article("meterkast", "De meterkast", "Hier zit de hoofdschakelaar.")


def test_compound_part_finds_the_compound(kb):
    assert "wachtwoord-herstellen" in slugs("wachtwoord")


def test_whole_compound_finds_its_parts(make_article):
    make_article("herstel", "Een nieuw wachtwoord", "Wachtwoord herstellen gaat zo.")
    assert slugs("wachtwoordherstel")[0] == "herstel"


def test_two_words_find_the_hyphenated_form(kb):
    assert slugs("wachtwoord vergeten")[0] == "wachtwoord-vergeten"


def test_diacritics_are_folded_both_ways(kb, make_article):
    assert slugs("financiele")[0] == "financiele-hulp"
    make_article("ideeen", "Ideeën", "Coördinatie van ideeën.")
    assert slugs("ideeen")[0] == "ideeen"
    assert slugs("Ideeën")[0] == "ideeen"


def test_stemming_matches_plural_to_singular(kb):
    assert slugs("facturen")[0] == "jaarafrekening"
    assert slugs("storingen omvormers")[0] == "omvormer"


@pytest.mark.parametrize("typo", ["omvormr", "jaarafrekenig", "meterkats"])
def test_short_queries_tolerate_one_typo(kb, typo):
    assert slugs(typo), typo
    assert slugs(typo)[0] in {"omvormer", "jaarafrekening", "meterkast"}


def test_long_words_tolerate_two_slips_and_slips_inside_compounds(kb):
    assert slugs("wachtwooordhersel")[:1] == ["wachtwoord-herstellen"]
    assert slugs("omvormertsoring")[:1] == ["omvormer"]


def test_everyday_dutch_synonyms_without_agent_rows(make_article):
    Synonym.objects.all().delete()
    make_article("hoger", "Jaarafrekening hoger", "Waarom je jaarafrekening hoger is.")
    make_article("uitleg", "Jaarafrekening begrijpen", "Zo lees je hem.")
    assert slugs("jaarafrekening snap ik niet")[0] == "uitleg"


def test_chat_wrapping_does_not_change_the_answer(kb):
    plain = slugs("rood lampje omvormer")
    assert slugs("Goedemorgen, ik heb een vraagje: rood lampje omvormer?? Alvast bedankt") == plain


def test_agent_synonyms_widen_the_search(kb):
    Synonym.objects.all().delete()  # the starting list already knows "inverter"
    assert "omvormer" not in slugs("inverter")
    Synonym.objects.create(term="omvormer", synonyms="inverter, omzetter", language="nl")
    assert slugs("inverter")[0] == "omvormer"
    assert slugs("omzetter")[0] == "omvormer"


def test_phrase_synonym(kb):
    Synonym.objects.all().delete()
    assert slugs("ligt eruit") == []
    Synonym.objects.create(term="storing", synonyms="ligt eruit", language="nl")
    assert slugs("ligt eruit")[0] == "omvormer"


def test_title_match_ranks_above_body_matches(make_article):
    make_article("body", "Over je energie", "Terugleveren, terugleveren en nog eens terugleveren.")
    make_article("title", "Terugleveren", "Hoe het werkt met je zonnepanelen.")
    assert slugs("terugleveren") == ["title", "body"]


def test_drafts_and_other_languages_are_not_found(make_article):
    make_article("concept", "Geheime omvormer", "omvormer", status="draft")
    make_article("en", "Inverter", "inverter omvormer", language="en")
    assert slugs("omvormer") == []
    assert slugs("inverter", "en") == ["en"]


def test_hits_carry_score_and_plain_snippet(kb):
    hits = search("rood lampje omvormer")
    assert hits[0].slug == "omvormer"
    assert hits[0].score > 0
    assert "rood lampje" in hits[0].snippet
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_empty_and_junk_queries(kb):
    assert search("") == []
    assert search("   ") == []
    assert isinstance(search("\"* OR NEAR( ) AND -- ; ' omvormer"), list)  # no engine error
    assert search("x" * 5000) == []
    assert search("\x00\ud800 omvormer") is not None


def test_deleting_an_article_removes_it(kb):
    from bereikbaar.helpcenter.models import Article

    Article.objects.get(slug="omvormer").delete()
    assert "omvormer" not in slugs("omvormer")


@pytest.mark.django_db
def test_demo_articles_and_query_set_top1_at_least_90_percent():
    """The project's own query set over the demo articles: the same on SQLite and PostgreSQL."""
    assert import_file(FIXTURE, out=io.StringIO()) == 0
    queries = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    assert len(queries) >= 60
    hit = {id(q): slugs(q["q"], q["lang"])[:1] == [q["expected"]] for q in queries}
    later = ("second-set", "third-set", "fourth-set", "fifth-set", "sixth-set", "seventh-set")
    first = [q for q in queries if q["kind"] not in later]
    # The first set was tuned on; the later ones were written afterwards (see bench/RESULTS.md).
    assert sum(hit[id(q)] for q in first) / len(first) >= 0.9
    assert sum(hit.values()) / len(queries) >= 0.85
    blind = [q for q in queries if q["kind"] == "seventh-set"]  # written without the code
    assert sum(hit[id(q)] for q in blind) / len(blind) >= 0.85


GOLDEN = {
    "wachtwoordherstel": "wachtwoord-vergeten",
    "wachtwoord-vergeten": "wachtwoord-vergeten",
    "meterstand doorgevn": "meterstand-doorgeven",
    "financiële vermindering energiebelasting": "energiebelasting-vermindering",
    "beeindigen contract": "contract-opzeggen",
    "opzegboete": "opzegvergoeding",
    "omvormerstoring": "omvormer-foutcode",
    "inlogcode kwijt": "wachtwoord-vergeten",
}


# Everyday words and idioms (lexicons/search_nl.txt), idioms whose words stand apart, vague
# question words and particles: phrasings that are not in the query set.
EVERYDAY = {
    "de laatste rekening van mijn oude huis": "eindafrekening",
    "krijg ik nog geld van jullie terug en wanneer": "teruggave-wanneer",
    "binnenkort gaan we verhuizen, wat moet ik eigenlijk regelen": "verhuizing-doorgeven",
    "de stoppen slaan steeds door": "aardlekschakelaar-zonnepanelen",
    "panelen leveren bijna niks op": "opbrengst-zonnepanelen-laag",
    "ik kan de factuur niet betalen": "betalingsregeling",
    "wordt een kapotte omvormer vergoed": "garantie-zonnepanelen",
    "contract loopt binnenkort af": "contract-verlengen",
}


@pytest.mark.django_db
@pytest.mark.parametrize("query,expected", sorted({**GOLDEN, **EVERYDAY}.items()))
def test_golden_and_everyday_queries_find_the_article(query, expected):
    import_file(FIXTURE, out=io.StringIO())
    assert slugs(query)[0] == expected


@pytest.mark.django_db
def test_meaning_reorders_the_word_search_candidates_but_never_adds_one(monkeypatch):
    """A customer describing what happened rather than naming it: the words find both meter
    articles and rank the general one first; the meaning puts the right one first. A query
    the words do not match at all still finds nothing."""
    from bereikbaar.helpcenter import meaning

    assert import_file(FIXTURE, out=io.StringIO()) == 0
    query = "ik heb per ongeluk een cijfer te veel ingetypt bij de stand"
    assert slugs(query)[0] == "meterstand-verkeerd"
    monkeypatch.setattr(meaning, "ALPHA", 0.0)  # words alone
    assert slugs(query)[0] == "meterstand-doorgeven"
    monkeypatch.undo()
    assert slugs("xyzzy plugh") == []


@pytest.mark.django_db
def test_an_articles_meaning_is_computed_once_and_again_after_an_edit(make_article):
    article = make_article("omvormer", "Omvormer geeft een foutcode", "Lees het display.")
    make_article("omvormer-wifi", "Omvormer offline", "De omvormer heeft geen wifi.")
    assert not ArticleMeaning.objects.exists()  # nothing computed at save
    slugs("omvormer foutcode")
    first = ArticleMeaning.objects.get(article=article)
    assert len(bytes(first.vector)) == 384 * 4 and ArticleMeaning.objects.count() == 2
    slugs("omvormer foutcode")
    assert ArticleMeaning.objects.get(article=article).of == first.of  # kept, not recomputed
    article.body = "Zet de omvormer uit en weer aan."
    article.save()
    slugs("omvormer foutcode")
    again = ArticleMeaning.objects.get(article=article)
    assert again.of != first.of and bytes(again.vector) != bytes(first.vector)


def test_the_order_never_depends_on_how_many_hits_were_asked_for(db, make_article):
    for n, title in enumerate(["Factuur betalen", "Factuur downloaden", "Factuur te hoog"]):
        make_article(f"factuur-{n}", title, "Over je factuur en betalen.")
    first_of_ten = slugs("factuur betalen lukt niet")[:1]
    from bereikbaar.helpcenter.search import search

    assert [h.slug for h in search("factuur betalen lukt niet", limit=1)] == first_of_ten
