"""L8 (docs/reliability-map-g-l.md): no e-mail address or phone number reaches a log line.

The filter is installed by settings.LOGGING on the root handler; these tests go through that
installed configuration, and through the real intake worker where it matters."""

import logging
import sys
from urllib.parse import urlencode

import pytest

from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound
from bereikbaar.logscrub import ScrubFilter, scrub

IMPOSSIBLE = "+31612345678901"  # one digit too many for a Dutch mobile


def record(msg, args=(), **extra) -> logging.LogRecord:
    rec = logging.LogRecord("test", logging.WARNING, __file__, 1, msg, args, None)
    rec.__dict__.update(extra)
    return rec


def scrubbed(msg, args=()) -> str:
    rec = record(msg, args)
    assert ScrubFilter().filter(rec) is True
    return rec.getMessage()


def test_the_root_handler_carries_the_filter():
    filters = [f for h in logging.getLogger().handlers for f in h.filters]
    assert any(isinstance(f, ScrubFilter) for f in filters)


def test_a_quarantine_log_line_does_not_carry_the_impossible_number(db, run_intake, caplog):
    raw = urlencode({"MessageSid": "SM-L8", "From": IMPOSSIBLE, "To": "+3197010203040"})
    accept("sms", "SM-L8", raw.encode())
    with caplog.at_level(logging.WARNING):
        run_intake()
    assert Inbound.objects.get().status == Inbound.Status.QUARANTINED
    [line] = [r for r in caplog.records if "quarantined" in r.getMessage()]
    assert "impossible number" in line.getMessage()
    assert IMPOSSIBLE not in line.getMessage() and "612345678" not in line.getMessage()
    assert "***01" in line.getMessage()  # the last two digits, to tell lines apart
    assert IMPOSSIBLE not in caplog.text  # as the handlers wrote it, too


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("van karin.klant@example.nl", "van k***@example.nl"),
        ("<Piet.de.Vries+hd@mail.bedrijf.nl>", "<P***@mail.bedrijf.nl>"),
        ("bel +31612345678", "bel ***78"),
        ("bel +31 6 12345678", "bel ***78"),
        ("bel 0612345678", "bel ***78"),
        ("bel 06-12345678", "bel ***78"),
        ("bel 06 1234 5678", "bel ***78"),
        ("bel 0031612345678", "bel ***78"),
        ("bel 0031 6 1234 5678", "bel ***78"),
        ("bel 020 123 4567", "bel ***67"),
        ("wa_id 31612345678", "wa_id ***78"),
        ("+4915112345678 uit Duitsland", "***78 uit Duitsland"),
    ],
)
def test_addresses_and_numbers_are_masked(text, masked):
    assert scrub(text) == masked
    assert scrub(masked) == masked  # a second handler's filter changes nothing more


@pytest.mark.parametrize(
    "text",
    [
        "intake: row 12345678 processed in 0.25 s",
        "2026-12-05T08:00:00+01:00 port 2525 at 127.0.0.1:44411",
        "epoch 1764921600, uuid 0123456789abcdef",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert scrub(text) == text


def test_message_args_and_mapping_args_are_masked():
    assert scrubbed("mail van %s (%d pogingen)", ("k@example.nl", 3)) == (
        "mail van k***@example.nl (3 pogingen)"
    )
    assert scrubbed("%(who)s belde", ({"who": "0612345678"},)) == "***78 belde"
    assert scrubbed("reden: %s", (ValueError("van +31612345678"),)) == "reden: van ***78"
    assert scrubbed("f-string van k@example.nl") == "f-string van k***@example.nl"
    assert scrubbed("raw %r", (b"From: k@example.nl",)) == "raw 'From: k***@example.nl'"


def test_a_traceback_is_masked_too():
    try:
        raise ValueError("geen nummer: 06-12345678")
    except ValueError:
        rec = logging.LogRecord("t", logging.ERROR, __file__, 1, "mislukt", (), sys.exc_info())
    ScrubFilter().filter(rec)
    text = logging.Formatter().format(rec)
    assert "12345678" not in text and "geen nummer: ***78" in text


class Unprintable:
    def __str__(self):
        raise RuntimeError("no str")

    __repr__ = __str__


@pytest.mark.parametrize(
    ("msg", "args"),
    [
        (None, ()),
        (42, ()),
        ({"from": "k@example.nl"}, ()),
        (Unprintable(), ()),
        ("%s %s", ("only one",)),  # too few args
        ("%d", ("not a number",)),  # wrong type
        ("%(x)s", ("a tuple for a mapping",)),
        ("%s", (Unprintable(),)),
        ("no placeholders", ("extra", "k@example.nl")),
        ("%s", None),
    ],
)
def test_the_filter_never_raises_nor_drops_an_odd_record(msg, args):
    rec = record(msg, args)
    assert ScrubFilter().filter(rec) is True


def test_an_odd_record_still_loses_its_personal_data():
    rec = record({"from": "k@example.nl"})
    ScrubFilter().filter(rec)
    assert "k@example.nl" not in str(rec.msg)
    rec = record("no placeholders", ("k@example.nl",))
    ScrubFilter().filter(rec)
    assert rec.args == ("k***@example.nl",)
