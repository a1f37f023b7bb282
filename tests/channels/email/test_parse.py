"""The parser on the corpus of real-shaped and hostile mail: never a crash, always safe."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bereikbaar.channels.email import envelope
from bereikbaar.channels.email.mime import MAX_PARTS, html_to_text
from bereikbaar.channels.email.parse import parse
from bereikbaar.channels.email.quotes import forwarded_sender, strip_quotes
from bereikbaar.conversations.sanitise import sanitise_html
from bereikbaar.intake.registry import UnparseablePayload

from .conftest import DATA, eml

CORPUS = sorted(p.name for p in DATA.glob("*.eml"))


def one(name: str):
    [message] = parse(envelope.wrap(eml(name), to=["service@bedrijf.nl"]))
    return message


@pytest.mark.parametrize("name", CORPUS)
def test_it_parses_every_corpus_mail_into_safe_parts(db, name):
    for item in parse(eml(name)):
        html = sanitise_html(item.html)
        assert "<script" not in html and "onerror" not in html and "javascript:" not in html
        assert "\n" not in item.subject and "\r" not in item.subject
        assert item.provider_id and len(item.provider_id) <= 255


def test_it_reads_a_plain_dutch_mail(db):
    message = one("plain_nl.eml")
    assert message.identities == [("email", "karin.klant@example.nl")]
    assert message.sender_name == "Karin Klant"
    assert message.provider_id == "CAK7q2n1-plain-nl@mail.example.nl"
    assert "bestelling 48213 geplaatst, maar hij is nog steeds niet aangekomen" in message.text
    assert not message.automated and message.attachments == []


@pytest.mark.parametrize(
    ("name", "new_words", "quoted"),
    [
        ("gmail_reply_nl.eml", "Dank u, het pakket is net bezorgd!", "afhaalpunt"),
        ("outlook_reply_nl.eml", "€ 12,50 te veel", "factuur aangepast"),
        ("outlook_header_block_nl.eml", "morgen terug", "30 dagen"),
        ("apple_mail_nl.eml", "Donderdag om 14:00", "Wanneer schikt"),
        ("english_reply.eml", "that works for me", "delivery address"),
    ],
)
def test_it_strips_quoted_history_and_keeps_the_original(db, name, new_words, quoted):
    message = one(name)
    assert new_words in message.text
    assert quoted not in message.text
    assert "schreef" not in message.text and "Senior Buyer" not in message.text
    assert quoted not in sanitise_html(message.html)
    original = [a for a in message.attachments if a.filename == "original.eml"]
    assert quoted.encode() in original[0].content.replace(b"=\r\n", b"")


def test_it_reads_threading_headers_and_the_case_number(db):
    message = one("gmail_reply_nl.eml")
    assert message.references == [
        "CAK7q2n1-plain-nl@mail.example.nl",
        "bereikbaar.1.abcdef012345@bedrijf.nl",
    ]
    assert message.conversation_ref == 1


def test_it_keeps_nested_inline_images_and_attachments_but_blocks_remote_images(db):
    message = one("nested_inline_attachment.eml")
    assert [(a.filename, a.content_type) for a in message.attachments] == [
        ("schade.png", "image/png"),
        ("pakbon 48213 – kopie.pdf", "application/pdf"),
    ]
    assert message.attachments[1].content.startswith(b"%PDF-1.4")
    assert "tracker.example.com" not in sanitise_html(message.html)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("lying_charset_utf8_as_latin1.eml", "Één ster is nog te veel. Café € 5"),
        ("lying_charset_latin1_as_utf8.eml", "één dag na één december. € 10"),
    ],
)
def test_it_sees_through_lying_charsets(db, name, text):
    assert text in one(name).text


def test_it_decodes_encoded_words_and_raw_8bit_headers(db):
    message = one("encoded_words.eml")
    assert message.sender_name == "José Müller"
    assert message.subject == "Vraag over méér dan één product – dringend"
    assert one("lying_charset_utf8_as_latin1.eml").sender_name == "René Bakker"


def test_an_encoded_newline_in_the_subject_stays_one_line(db):
    assert one("header_injection_subject.eml").subject == "Hallo Bcc: attacker@evil.example"


def test_a_mail_without_message_id_gets_a_stable_hash(db):
    first, second = one("no_message_id.eml"), one("no_message_id.eml")
    assert first.provider_id.startswith("sha256:") and first.provider_id == second.provider_id


def test_winmail_dat_is_stored_as_an_attachment(db):
    [attachment] = one("winmail_dat.eml").attachments
    assert (attachment.filename, attachment.content_type) == ("winmail.dat", "application/ms-tnef")


@pytest.mark.parametrize(
    "name",
    ["autoreply_outlook_nl.eml", "autoreply_precedence.eml", "bounce_unknown.eml"],
)
def test_auto_replies_and_bounces_are_automated(db, name):
    assert one(name).automated


def test_a_normal_outlook_mail_is_not_automated(db):
    assert not one("outlook_reply_nl.eml").automated  # X-Auto-Response-Suppress is no sign


def test_html_only_mail_gets_readable_text(db):
    assert one("html_only.eml").text == (
        "Beste klantenservice,\n\nMijn één vraag: waar is pakket 77?\n\nrood\n\nblauw"
    )


def test_script_and_remote_content_never_survive_sanitising(db):
    message = one("xss_html.eml")
    html = sanitise_html(message.html)
    for bad in ("<script", "onclick", "javascript:", "@import", "<base", "<meta", "<iframe"):
        assert bad not in html
    assert "https://example.nl/help" in html and "tracker.evil.example" not in html


def test_broken_mime_is_read_as_far_as_it_goes(db):
    message = one("broken_mime.eml")
    assert message.text == "Hallo hier is mijn vraag"


def test_a_mime_bomb_is_cut_off_not_followed(db):
    parts = "".join(
        f'--b{i}\r\nContent-Type: multipart/mixed; boundary="b{i + 1}"\r\n\r\n' for i in range(3000)
    )
    raw = (
        "From: bom@example.nl\r\nMessage-ID: <bomb@example.nl>\r\nSubject: bom\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        + parts
        + "--b3000\r\nContent-Type: text/plain\r\n\r\nbinnenin\r\n"
    ).encode()
    [message] = parse(raw)
    assert "meer delen dan getoond" in message.text
    assert any(a.filename == "original.eml" for a in message.attachments)


def test_more_parts_than_the_limit_are_cut_off(db):
    parts = "".join(
        f"--x\r\nContent-Type: application/octet-stream\r\n\r\n{i}\r\n"
        for i in range(MAX_PARTS * 2)
    )
    raw = (
        "From: veel@example.nl\r\nMessage-ID: <many@example.nl>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="x"\r\n\r\n' + parts + "--x--\r\n"
    ).encode()
    [message] = parse(raw)
    assert len(message.attachments) <= MAX_PARTS + 1


def test_a_mail_without_any_sender_is_refused_for_quarantine(db):
    with pytest.raises(UnparseablePayload, match="no sender"):
        parse(b"Subject: wie?\r\n\r\nniemand")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2000))
def test_any_bytes_either_parse_or_are_refused_cleanly(db, raw):
    try:
        parse(b"From: a@example.nl\r\n" + raw)
        parse(raw)
    except UnparseablePayload:
        pass


@given(st.text(max_size=500))
def test_stripping_quotes_never_loses_everything(text):
    if text.strip():
        assert strip_quotes(text).strip()


def test_forwarded_sender_reads_outlook_mailto_style():
    text = "Zie hieronder.\n\nVan: Piet <piet@example.com> [mailto:piet@example.com]\n"
    text += "Verzonden: maandag\nAan: anna@bedrijf.nl\nOnderwerp: kapot\n"
    assert forwarded_sender(text)[1] == "piet@example.com"


def test_html_to_text_drops_scripts_and_styles():
    assert html_to_text("<style>p{}</style><p>a</p><script>x()</script><p>b</p>") == "a\n\nb"


@pytest.mark.parametrize(
    "header",
    [
        "Content-Type: text/plain; " + ";" * 100_000,  # bpo-42909
        "Content-Type: text/plain; " + "".join(f"a{i}=1;" for i in range(50_000)),
        "Content-Disposition: attachment;\r\n" + "".join(f" f{i}=x;\r\n" for i in range(20_000)),
        "X-Long: " + "a" * 1_000_000,
        "To: " + ", ".join(f"u{i}@example.nl" for i in range(20_000)),
    ],
)
def test_header_bombs_parse_in_bounded_time(db, header):
    raw = f"From: a@example.nl\r\nMessage-ID: <h@x>\r\n{header}\r\n\r\nhoi\r\n".encode()
    started = time.monotonic()
    [message] = parse(raw)
    assert time.monotonic() - started < 3
    assert message.provider_id == "h@x"
