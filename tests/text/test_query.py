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
