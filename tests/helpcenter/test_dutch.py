"""The pure-Python Dutch normaliser: folding, stemming, compounds, edit distance."""

from bereikbaar.text.dutch import fold, index_tokens, osa_distance, split_compound, stem, words


def test_fold_strips_diacritics():
    assert fold("Financiële Coördinatie café") == "financiele coordinatie cafe"
    assert fold("beëindigen") == "beeindigen"


def test_singular_and_plural_share_a_stem():
    assert stem("factuur") == stem("facturen")
    assert stem("wachtwoord") == stem("wachtwoorden")
    assert stem("zonnepaneel") == stem("zonnepanelen")
    assert stem("storing") == stem("storingen")


def test_participles_meet_their_verb():
    assert stem("opgezegd") == stem("opzeggen")
    assert stem("ingelogd") == stem("inloggen")
    assert stem("geleverd") == stem("leveren")


def test_compounds_split_into_known_parts():
    assert split_compound("wachtwoordherstel") == ["wachtwoord", "herstel"]
    assert split_compound("opzegtermijn") == ["opzeg", "termijn"]
    assert split_compound("meterstanden") == ["meter", "standen"]
    # everyday words whose parts mean something else stay whole
    assert split_compound("wachtwoord") == []
    assert split_compound("betaling") == []


def test_index_tokens_add_parts_and_hyphen_joins():
    toks = index_tokens("Wachtwoordherstel")
    assert stem("wachtwoord") in toks and stem("herstel") in toks
    toks = index_tokens("wachtwoord-vergeten")
    assert stem("wachtwoord") in toks and stem("vergeten") in toks
    assert stem("wachtwoordvergeten") in toks
    # stop words are not indexed
    assert "de" not in index_tokens("de meter")


def test_words_keep_numbers_and_fold():
    assert words("Foutcode F-02 op de OMVORMER") == [
        "foutcode",
        "f",
        "02",
        "f02",
        "op",
        "de",
        "omvormer",
    ]


def test_osa_distance():
    assert osa_distance("wachtwoord", "wachtwoort") == 1
    assert osa_distance("factuur", "fatcuur") == 1  # a swap counts once
    assert osa_distance("meter", "meterstand", limit=2) == 3
