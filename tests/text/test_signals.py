"""Emotion, urgency and language signals: the hard Dutch cases, one by one."""

import pytest

from bereikbaar.text.signals import EMOTIONS, Behaviour, analyse


def cues(sig, label=None, counted=True):
    return [
        r.cue.lower()
        for r in sig.reasons
        if (label is None or r.label == label) and (r.weight > 0 or not counted)
    ]


def test_reasons_name_the_words_and_weights():
    sig = analyse("Dit is echt belachelijk. Drie keer gebeld!!")
    assert sig.emotion == "angry"
    d = sig.as_dict()
    assert {"label": "angry", "cue": "belachelijk", "weight": 1.8, "note": "intensified"} in d[
        "reasons"
    ]
    assert any(r["cue"] == "!!" for r in d["reasons"])
    assert set(d["scores"]) == set(EMOTIONS)


@pytest.mark.parametrize("text", ["Wat een waardeloze service.", "De service is waardeloos."])
def test_inflection_matches_through_stems(text):
    sig = analyse(text)
    assert sig.emotion == "angry"
    assert any(c.startswith("waardelo") for c in cues(sig, "angry"))


@pytest.mark.parametrize("text", ["Ik ben boos.", "Jullie boze klanten", "Ik ben woedende"])
def test_inflected_anger(text):
    assert analyse(text).scores["angry"] > 0


def test_negation_cancels_the_cue_in_its_clause():
    sig = analyse("Ik ben niet boos, ik wil alleen weten wanneer de monteur komt.")
    assert sig.emotion == "neutral"
    assert sig.scores["angry"] == 0
    assert any(r.note == "negated" and "boos" in r.cue for r in sig.reasons)


def test_negation_stops_at_the_clause_boundary():
    assert analyse("Ik ben niet boos, maar wel heel erg teleurgesteld.").emotion == "angry"
    # a negator in an earlier sentence does not reach this one
    assert analyse("Geen idee wat er gebeurd is. Ik ben woedend.").emotion == "angry"
    assert analyse("Ik heb geen internet. Bang dat het lang duurt.").scores["nervous"] > 0


def test_no_worries_is_not_nervous():
    assert analyse("Geen zorgen, ik ben niet bang.").scores["nervous"] == 0
    assert analyse("I'm not worried about it").scores["nervous"] == 0


@pytest.mark.parametrize("text", ["Ik pik het niet langer.", "Dit pik ik niet langer."])
def test_verb_second_word_order(text):
    sig = analyse(text)
    assert sig.emotion == "angry"


def test_intensifiers_raise_the_score():
    plain = analyse("Ik ben boos.").scores["angry"]
    assert analyse("Ik ben echt heel boos.").scores["angry"] > plain
    assert (
        analyse("Ik ben een beetje ongerust.").scores["nervous"]
        < analyse("Ik ben ongerust.").scores["nervous"]
    )


def test_capitals_and_exclamation_marks_raise_anger():
    calm = analyse("Waarom is mijn geld nog niet terug, dit is diefstal.")
    loud = analyse("WAAROM IS MIJN GELD NOG NIET TERUG??? DIT IS DIEFSTAL!!")
    assert loud.emotion == "angry"
    assert loud.scores["angry"] > calm.scores["angry"]
    assert any(r.note == "capitals" for r in loud.reasons)


def test_shouting_alone_is_anger():
    sig = analyse("JULLIE LUISTEREN GEWOON NOOIT NAAR MIJ")
    assert sig.scores["angry"] > 0


def test_emoji_carry_emotion():
    sig = analyse("Ik heb 300 euro betaald voor niets 😡")
    assert "😡" in cues(sig, "angry")
    assert analyse("Dankjewel 😊").emotion == "grateful"
    assert analyse("Waar is het ⏳").scores["impatient"] > 0


class TestBezorgd:
    def test_delivered(self):
        for text in [
            "Mijn pakket is vanochtend bezorgd.",
            "Wordt mijn bestelling ook op zaterdag bezorgd?",
            "Wanneer wordt het bezorgd?",
        ]:
            sig = analyse(text)
            assert sig.scores["nervous"] == 0, text
            assert any((r.note or "").startswith("ambiguous") for r in sig.reasons), text

    def test_worried(self):
        for text in [
            "Ik ben erg bezorgd over mijn gegevens.",
            "Ik ben bezorgd dat de aanvraag te laat is.",
            "We zijn heel bezorgd.",
        ]:
            assert analyse(text).emotion == "nervous", text


class TestAfgesloten:
    def test_cut_off_is_urgent(self):
        for text in [
            "We worden volgende week afgesloten van het gas.",
            "Ze dreigen onze stroom af te sluiten.",
            "Ons internet is afgesloten.",
        ]:
            sig = analyse(text)
            assert any(r.kind == "service" and r.weight > 0 for r in sig.reasons), text

    def test_taken_out_is_not(self):
        for text in [
            "Ik heb vorige week een reisverzekering afgesloten.",
            "Ik wil een hypotheek afsluiten, wat zijn de voorwaarden?",
        ]:
            sig = analyse(text)
            assert not sig.urgent, text
            assert not any(r.kind == "service" and r.weight > 0 for r in sig.reasons), text
            assert any(
                (r.note or "").startswith("ambiguous: read as taken out") for r in sig.reasons
            )


@pytest.mark.parametrize(
    "text",
    [
        "Kunt u mij terugbellen? Alvast bedankt.",
        "Hoe wijzig ik mijn IBAN? Bij voorbaat dank, Karin",
        "Can you send me the invoice? Thanks in advance.",
        "Kunt u mijn adres wijzigen? Bedankt!",
        "Ik wil graag een kopie van mijn contract. Met vriendelijke groet, Johan",
    ],
)
def test_politeness_is_not_gratitude(text):
    sig = analyse(text)
    assert sig.emotion == "neutral"
    assert any(r.note == "politeness" for r in sig.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Dank je wel voor de snelle hulp, alles werkt weer!",
        "ok bedankt",
        "Super geholpen, echt top.",
        "Thank you so much, you saved my day!",
    ],
)
def test_real_gratitude(text):
    assert analyse(text).emotion == "grateful"


@pytest.mark.parametrize(
    "text",
    [
        "Bedankt voor niks.",
        "Geweldig hoor, weer niks geleverd.",
        "Fantastisch hoor, de derde kapotte telefoon op rij.",
        "Top service 🙄",
        "Thanks for nothing, three weeks and still no refund.",
        "Great, another broken delivery.",
        "Dank je de koekoek, nu moet ik alles opnieuw invullen.",
    ],
)
def test_sarcasm_is_anger(text):
    sig = analyse(text)
    assert sig.emotion == "angry"
    assert sig.scores["grateful"] == 0
    assert any(r.note == "sarcasm" for r in sig.reasons)


def test_sincere_praise_stays_gratitude():
    assert analyse("Geweldig, het geld staat er al op. Bedankt!").emotion == "grateful"


def test_questions_are_not_relief():
    sig = analyse("Wanneer wordt dit opgelost?")
    assert sig.scores["grateful"] == 0


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Ik maak me echt zorgen over mijn rekening.", "nervous"),
        ("Ik weet niet wat ik moet doen, de deurwaarder staat voor de deur.", "nervous"),
        ("Ik wacht al drie weken op mijn terugbetaling.", "impatient"),
        ("Hoe lang gaat dit nog duren?", "impatient"),
        ("Waar blijft mijn pakket??", "impatient"),
        ("Schandalig hoe jullie met klanten omgaan.", "angry"),
        ("Wat zijn jullie openingstijden?", "neutral"),
        ("I'm furious, you cancelled my order.", "angry"),
        ("Still waiting for my refund.", "impatient"),
    ],
)
def test_primary_labels(text, label):
    assert analyse(text).emotion == label


class TestUrgency:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("Nog steeds geen internet sinds maandag.", "service"),
            ("Al vijf dagen geen warm water.", "service"),
            ("Er is 300 euro afgeschreven zonder toestemming.", "money"),
            ("Mijn account is gehackt!", "security"),
            ("Ik heb op een link geklikt en mijn wachtwoord ingevuld.", "security"),
            ("Mijn advocaat neemt contact met jullie op.", "escalation"),
            ("Als dit vandaag niet geregeld is, ga ik naar de Consumentenbond.", "escalation"),
            ("Mijn vlucht vertrekt morgen en ik heb nog geen bevestiging.", "time"),
        ],
    )
    def test_urgent(self, text, kind):
        sig = analyse(text)
        assert sig.urgent, text
        assert any(r.label == "urgent" and r.kind == kind and r.weight > 0 for r in sig.reasons)

    @pytest.mark.parametrize(
        "text",
        [
            "Wat zijn de openingstijden?",
            "Het is niet dringend, maar kunt u mijn adres wijzigen?",
            "Ik heb een verzekering afgesloten.",
        ],
    )
    def test_not_urgent(self, text):
        sig = analyse(text)
        assert not sig.urgent
        assert 0.0 <= sig.urgency < 0.5


class TestLanguage:
    @pytest.mark.parametrize(
        ("text", "lang"),
        [
            ("ok bedankt", "nl"),
            ("hallo??", "nl"),
            ("thanks", "en"),
            ("Mijn pakket is nog steeds niet bezorgd, wat is er aan de hand?", "nl"),
            ("My parcel has not arrived yet, where is it?", "en"),
            ("Ich warte seit drei Wochen auf mein Paket.", "de"),
            ("Bonjour, je n'ai pas reçu ma commande.", "fr"),
            ("", "nl"),
            ("12345", "nl"),
        ],
    )
    def test_detect(self, text, lang):
        assert analyse(text).language == lang


class TestBehaviour:
    def test_adds_impatience_with_reasons(self):
        plain = analyse("Hoe staat het met mijn aanvraag?")
        assert plain.emotion == "neutral"
        sig = analyse(
            "Hoe staat het met mijn aanvraag?",
            Behaviour(
                repeat_contacts_48h=2,
                second_channel_while_open=True,
                minutes_waited=45,
                broken_promise=True,
            ),
        )
        assert sig.emotion == "impatient"
        behaviour = [r for r in sig.reasons if r.note == "behaviour"]
        assert {r.label for r in behaviour} == {"impatient"}
        assert len(behaviour) == 4
        assert any("48 h" in r.cue for r in behaviour)
        assert any("45 min" in r.cue for r in behaviour)

    def test_short_wait_adds_nothing(self):
        sig = analyse("Hallo", Behaviour(minutes_waited=3))
        assert not any(r.note == "behaviour" for r in sig.reasons)

    @pytest.mark.parametrize(
        "b",
        [
            Behaviour(repeat_contacts_48h=True),
            Behaviour(repeat_contacts_48h=-4, minutes_waited=-10),
            Behaviour(minutes_waited=float("nan")),
            Behaviour(minutes_waited=float("inf")),
            Behaviour(repeat_contacts_48h=10**9, minutes_waited=10**9),
            Behaviour(minutes_waited="veel"),  # type: ignore[arg-type]
        ],
    )
    def test_odd_values_never_raise(self, b):
        sig = analyse("Waar blijft mijn pakket?", b)
        assert all(0.0 <= v <= 1.0 for v in sig.scores.values())

    def test_behaviour_on_empty_text(self):
        sig = analyse("", Behaviour(broken_promise=True))
        assert sig.scores["impatient"] > 0


def test_a_text_read_in_advance_gives_the_same_analysis_as_one_read_now():
    """The worker reads texts before it takes the write turn; analyse() must not differ."""
    from bereikbaar.text import evidence
    from bereikbaar.text.evidence import _gather, gather
    from bereikbaar.text.signals import Behaviour, analyse

    text = "Dit is nu al de DERDE keer!! Mijn stroom is afgesloten en ik heb een baby thuis."
    seen = Behaviour(repeat_contacts_48h=2, minutes_waited=45.0)
    assert gather(text) is gather(text)  # kept
    assert gather(text) == _gather(text)
    kept = analyse(text, seen).as_dict()
    evidence._GATHERED.clear()
    assert analyse(text, seen).as_dict() == kept  # the same, read anew
    assert analyse(text).as_dict() != kept  # what the platform knows still counts


def test_a_full_cache_forgets_the_oldest_text_first():
    """A worker reads a batch of texts, then files them: filling the cache past its size must
    keep the batch it just read (emptying it all made a quarter of the texts be read twice)."""
    from bereikbaar.text import evidence
    from bereikbaar.text.evidence import gather

    evidence._GATHERED.clear()
    texts = [f"Bericht nummer {i} over mijn rekening" for i in range(evidence._GATHERED_KEPT + 50)]
    kept = [gather(t) for t in texts]
    assert len(evidence._GATHERED) == evidence._GATHERED_KEPT
    assert texts[0] not in evidence._GATHERED  # the oldest went
    last_batch = texts[-100:]
    assert all(gather(t) is k for t, k in zip(last_batch, kept[-100:], strict=True))
