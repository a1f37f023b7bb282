"""The lexicon files load, are well-formed and keep the rules they document."""

from importlib import resources

import pytest

from bereikbaar.text.lexicon import cue_set, emoji_cues, language_words, word_classes
from bereikbaar.text.signals import EMOTIONS, analyse

URGENCY_KINDS = {"time", "service", "money", "security", "escalation"}
FLAGS = {"thanks", "polite", "sarcasm", "sarcasm?", "posadj", "noq", "q"}


def test_files_ship_with_a_readme():
    folder = resources.files("bereikbaar.text.lexicons")
    for name in ("README.md", "emotion.txt", "urgency.txt", "words.txt", "emoji.txt"):
        assert folder.joinpath(name).is_file(), name
    readme = folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "NRC" in readme and "licence" in readme.lower()


def test_emotion_cues_are_valid():
    cues = cue_set("emotion").cues
    assert len(cues) > 200
    for cue in cues:
        assert cue.label in {*EMOTIONS, "neutral"}, cue
        assert cue.flags <= FLAGS, cue
        assert 0 <= cue.weight <= 2, cue
        assert cue.resolve in {None, "bezorgd"}, cue


def test_urgency_cues_are_valid():
    for cue in cue_set("urgency").cues:
        assert cue.label in URGENCY_KINDS, cue
        assert cue.flags <= FLAGS, cue
        assert cue.resolve in {None, "afgesloten"}, cue


def test_word_classes_emoji_and_languages():
    classes = word_classes()
    for name in ("negator", "intensifier", "diminisher", "complaint", "delivery", "utility"):
        assert classes[name], name
    assert {label for label, _ in emoji_cues().values()} <= set(EMOTIONS)
    assert set(language_words()) == {"nl", "en", "de", "fr"}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Ik wacht uw reactie af. Met vriendelijke groet, Sandra", "neutral"),
        ("Is de actie nog steeds geldig?", "neutral"),
        ("Het is nog niet binnen, dat is prima.", "neutral"),  # niet is not niets
        ("Heel fijn, nu kan ik weer verder. Dank!", "grateful"),  # weer = again, not sarcasm
        ("Ik schaam me een beetje, maar ik snap de brief niet. Moet ik nu iets doen?", "nervous"),
        ("Jullie moeten je diep schamen.", "angry"),
        ("Geweldig geholpen, ik had niet verwacht dat het zo makkelijk was.", "grateful"),
    ],
)
def test_exceptions_and_traps(text, label):
    assert analyse(text).emotion == label


def test_naming_a_lawyer_is_not_a_threat():
    assert not analyse("Mijn advocaat regelt mijn zaken, mag hij namens mij bellen?").urgent
    threat = analyse("Als dit morgen niet geregeld is, stap ik naar de rechter.")
    assert threat.urgent
    assert any(r.kind == "escalation" for r in threat.reasons)


def test_security_scare_makes_nervous_without_an_emotion_word():
    sig = analyse("Er staat een onbekende aankoop van 800 euro op mijn creditcard. Wat moet ik nu?")
    assert sig.emotion == "nervous"
    assert sig.urgent
