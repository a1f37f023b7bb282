"""The SMS part of the inbox's reply box: how many segments the draft costs (GSM-7 or UCS-2)
and how many characters are left in the last one, before the agent sends.

The server renders the first figures from segments.count(); segments.js recounts on every
key with a mirror of count() that tests/browser/test_sms_segments.py holds to the same answers.
The line's wording lives here once, as gettext msgids with {n}/{encoding}/{left} slots.
"""

from django.utils.translation import gettext_lazy

from bereikbaar.channels.sms.segments import count

ONE = gettext_lazy("1 segment · {encoding} · {left} tekens over")
MANY = gettext_lazy("{n} segmenten · {encoding} · {left} tekens over")


def figures(draft: str) -> str:
    """The counter's line for a draft, counted as reply() will store it (stripped)."""
    result = count(draft.strip())
    form = ONE if result.segments == 1 else MANY
    return (
        str(form)
        .replace("{n}", str(result.segments))
        .replace("{encoding}", result.encoding)
        .replace("{left}", str(result.left_in_segment))
    )


def box(draft: str, reply_channel: str) -> dict:
    result = count(draft.strip())
    return {
        "line": figures(draft),
        "encoding": result.encoding,
        "visible": reply_channel == "sms",
        "one": ONE,
        "many": MANY,
    }
