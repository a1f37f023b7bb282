"""Masks e-mail addresses and phone numbers in log records before any handler writes them.

Log lines outlive the data they mention: an erased customer's number must not live on in a
log file or an error tracker (docs/reliability-map-g-l.md L8). The intake worker, for one,
logs why it quarantined a row, and that reason can quote the sender's number or address.

ScrubFilter sits on the root handler (settings.LOGGING). It masks the message template, its
arguments, and the traceback text, keeping just enough to tell lines apart: the first letter
and the domain of an address (k***@example.nl) and the last two digits of a number (***78).
It never raises and never drops a record: a log line it cannot read is passed on untouched
for logging's own error handling.

Imports nothing of ours (floor 0 in tests/test_layout.py): settings load it.
"""

import logging
import re
from collections.abc import Mapping
from contextlib import suppress

EMAIL = re.compile(r"(?<![\w.%+'-])([\w%+'-])[\w.%+'-]*@((?:[\w-]+\.)+[A-Za-z]{2,})\b")

PHONE = re.compile(
    r"""
    (?<![\w+])                    # not the tail of a word or of a longer number
    (?:
        \+\d(?:[ -]?\d){6,14}     # E.164: +31612345678, +31 6 12345678
      | 00\d(?:[ -]?\d){7,13}     # the 00 prefix: 0031612345678, 0031 6 1234 5678
      | 0(?:[ -]?\d){9}           # Dutch national: 0612345678, 06-12345678, 020 123 4567
      | 316\d{8}                  # WhatsApp's wa_id: a Dutch mobile, E.164 without the +
    )
    (?!\w)
    """,
    re.VERBOSE,
)


def _email(match: re.Match) -> str:
    return f"{match[1]}***@{match[2]}"


def _phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match[0])
    return "***" + digits[-2:]


def scrub(text: str) -> str:
    """The text with every e-mail address and phone number masked; idempotent."""
    return PHONE.sub(_phone, EMAIL.sub(_email, text))


def _scrubbed(value: object) -> object:
    """A str comes back masked; another object comes back as is, or as its masked str when
    that str holds something to mask (an exception quoting a number, a dict of fields).
    Numbers stay numbers so that %d still works."""
    if isinstance(value, str):
        return scrub(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    try:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    except Exception:  # an unprintable object: the formatter will have its own go and fail
        return value
    masked = scrub(text)
    return value if masked == text else masked


class ScrubFilter(logging.Filter):
    """Masks personal data in place, so every handler after this one sees the masked record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for step in (_message, _args, _traceback):
            with suppress(Exception):  # a scrubber must never cost a log line (nor log itself)
                step(record)
        return True


def _message(record: logging.LogRecord) -> None:
    record.msg = _scrubbed(record.msg)


def _args(record: logging.LogRecord) -> None:
    args = record.args
    if isinstance(args, tuple):
        record.args = tuple(_scrubbed(a) for a in args)
    elif isinstance(args, Mapping):
        record.args = {k: _scrubbed(v) for k, v in args.items()}


def _traceback(record: logging.LogRecord) -> None:
    if record.exc_info and not record.exc_text:
        # Formatter.format() uses a cached exc_text as is; fill it in, masked.
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
