"""Query analysis for help search (pure Python): chat spelling, inflections, synonym phrases,
slips of the keyboard."""

from bereikbaar.text.dutch import inflection_variants, stem
from bereikbaar.text.query import analyse_query, normalise_words, parse_synonyms
from bereikbaar.text.search import CorpusStats, Doc, score_docs
from bereikbaar.text.typos import TypoIndex


def stats_for(*texts: str) -> CorpusStats:
    from bereikbaar.text.dutch import index_tokens, words

    df: dict[str, int] = {}
    for t in texts:
        for tok in set(index_tokens(t)):
            df[tok] = df.get(tok, 0) + 1
    known = frozenset(w for t in texts for w in words(t) if len(w) >= 3 and w.isalpha())
    return CorpusStats(doc_count=len(texts), avg_len=10.0, df=df, known_words=known)


def alternatives(groups, why):
    return [alt.terms for g in groups for alt in g.alternatives if alt.why == why]


def test_chat_spelling_and_greetings_are_written_out_or_dropped():
    assert normalise_words("hoi, mn ww ff resetten? alvast bedankt") == [
        "mijn",
        "wachtwoord",
        "even",
        "resetten",
    ]
    assert normalise_words("waar staat mijn klantnr") == ["waar", "staat", "mijn", "klantnummer"]


def test_inflections_snowball_leaves_apart():
    assert "werk" in inflection_variants("werkt")
    assert "storten" in inflection_variants("gestort")
    assert "lamp" in inflection_variants("lampje")
    assert "kabel" in inflection_variants("kabeltje")
    assert "bal" in inflection_variants("balletje")
    assert inflection_variants("app") == ()


def test_a_verb_form_finds_the_indexed_verb():
    stats = stats_for("De app werken", "Iets anders")
    groups = analyse_query("app werkt", stats)
    assert (stem("werk"),) in alternatives(groups, "variant")


def test_synonym_phrase_with_stop_words_is_found():
    sets = parse_synonyms([("overstappen", "klant worden")])
    stats = stats_for("Overstappen naar ons", "Klantnummer vinden van een klant")
    groups = analyse_query("klant worden", stats, sets)
    phrase = [g for g in groups if g.covers]
    assert phrase and (stem("overstappen"),) in [a.terms for a in phrase[0].alternatives]
    # … and it stands in for "klant" instead of adding to it.
    docs = [
        Doc(1, [stem("overstappen")], []),
        Doc(2, [stem("klantnummer"), "klant", "vind"], ["klant"]),
    ]
    assert [d for d, _, _ in score_docs(groups, docs, stats)][0] == 1


def test_a_vague_phrase_is_a_trigger_but_never_a_target():
    sets = parse_synonyms([("storing", "doet het niet")])
    assert len(sets) == 1
    vague = [p for p in sets[0] if p.match == ("doet", "het", "niet")][0]
    assert vague.terms == ()


def test_overlapping_synonym_rows_merge():
    sets = parse_synonyms([("teruggave", "geld terug"), ("teruggestort", "geld terug")])
    assert len(sets) == 1
    assert {p.match for p in sets[0]} >= {(stem("teruggave"),), (stem("teruggestort"),)}


def test_two_slips_in_a_long_word_and_one_in_a_short_one():
    index = TypoIndex(["wachtwoordherstel", "omvormer", "storing"])
    assert index.near("wachtwooordherstl") == ["wachtwoordherstel"]
    assert index.near("omvormr") == ["omvormer"]
    assert index.near("omvrmr") == []  # a short word: one slip only
    assert index.near("omvormer") == []


def test_slip_inside_a_compound_finds_its_parts():
    stats = stats_for("Omvormer geeft een storing", "Iets anders")
    groups = analyse_query("omvormertsoring", stats)
    assert (stem("omvormer"), stem("storing")) in alternatives(groups, "compound typo")


def test_slip_of_a_stop_word_is_not_searched_for():
    stats = stats_for("Overstappen naar ons", "Een klant")
    words_searched = [g.word for g in analyse_query("klant woden", stats)]
    assert words_searched == ["klant"]


def test_words_of_an_idiom_may_stand_apart_within_a_window():
    sets = parse_synonyms([("teruggave", "geld ~ terug")])
    assert [p.gap for p in sets[0]] == [False, True]
    stats = stats_for("Wanneer krijg je je teruggave", "Geld overmaken, terug naar de app")
    near = analyse_query("krijg ik het geld van de jaarafrekening terug", stats, sets)
    idiom = [g for g in near if g.covers]
    assert idiom and idiom[0].loose
    assert (stem("teruggave"),) in [a.terms for a in idiom[0].alternatives]
    docs = [Doc(1, [], ["geld", "overmak", "terug", "app"]), Doc(2, [stem("teruggave")], [])]
    assert [d for d, _, _ in score_docs(near, docs, stats)][0] == 2
    far_apart = "geld over van de jaarafrekening van vorig jaar komt dat terug"
    far = analyse_query(far_apart, stats, sets)
    assert not [g for g in far if g.covers]


def test_vague_question_words_are_not_searched_for():
    stats = stats_for("Verhuizing doorgeven", "Een regeling treffen")
    groups = analyse_query("binnenkort verhuizen, wat moet ik regelen", stats)
    words_searched = [g.word for g in groups]
    assert words_searched == ["verhuizen"]


def test_a_verb_with_its_particle_stuck_on_finds_the_plain_verb():
    stats = stats_for("Betalen in delen", "Iets anders")
    groups = analyse_query("afbetalen", stats)
    assert (stem("betalen"),) in alternatives(groups, "particle")


def test_a_synonym_of_a_compounds_head_finds_the_articles_compound():
    sets = parse_synonyms([("batterij", "accu")])
    stats = stats_for("Een thuisbatterij aansluiten", "De accu van je auto")
    groups = analyse_query("thuisaccu", stats, sets)
    assert (stem("thuisbatterij"),) in alternatives(groups, "compound synonym")


def test_neighbouring_query_words_close_together_in_an_article_rank_it_higher():
    stats = stats_for("contract beeindigen", "contract x y z w v beeindigen", "anders")
    groups = analyse_query("contract beeindigen", stats)
    apart = Doc(1, [], ["contract", "x", "y", "z", "w", "v", stem("beeindigen")])
    close = Doc(2, [], ["contract", stem("beeindigen"), "x", "y", "z", "w", "v"])
    assert [d for d, _, _ in score_docs(groups, [apart, close], stats)] == [2, 1]


def test_one_article_word_answers_only_one_query_word():
    from bereikbaar.text.search import Group

    changed, pas, email = Group("veranderd"), Group("pas"), Group("email")
    changed.add(("verander",), 1.0, "exact")
    changed.add(("aanpas",), 0.9, "synonym")
    pas.add(("pas",), 1.0, "exact")
    pas.add(("aanpas",), 1.0, "separable")
    email.add(("email",), 1.0, "exact")
    stats = CorpusStats(doc_count=4, avg_len=4.0, df={"aanpas": 2, "email": 2, "verander": 1})
    docs = [Doc(1, ["termijn", "aanpas"], ["aanpas"]), Doc(2, ["email", "wijzig"], ["aanpas"])]
    assert [d for d, _, _ in score_docs([changed, pas, email], docs, stats)][0] == 2
