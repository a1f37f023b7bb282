"""The WhatsApp part of the inbox's reply box: the 24-hour window's time left, and outside it
the approved templates (or another channel the customer accepts) instead of free text.

The server renders the state once; window.js counts down from `ends_at` in the browser and
switches to the closed state at zero without a reload, and re-fetches the box when a new
inbound WhatsApp message may have reopened the window. The texts live here (as gettext
msgids with {h}/{m}/{s} slots) so the server's first render and the browser's ticks agree.
"""

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from bereikbaar.channels.whatsapp import consent
from bereikbaar.channels.whatsapp.models import Template
from bereikbaar.channels.whatsapp.templates import placeholders, render, templates_for
from bereikbaar.channels.whatsapp.window import numbers, window_ends_at
from bereikbaar.conversations.models import CHANNELS, Conversation, Message
from bereikbaar.delivery.senders import channels_with_sender, refusal

OPEN_HOURS = gettext_lazy("WhatsApp: nog {h} u {m} min om vrij te antwoorden")
OPEN_MINUTES = gettext_lazy("WhatsApp: nog {m} min om vrij te antwoorden")
OPEN_SECONDS = gettext_lazy("WhatsApp: nog {s} s om vrij te antwoorden")
CLOSED = gettext_lazy(
    "WhatsApp: 24-uursvenster gesloten. Vrije tekst kan niet meer; "
    "stuur een goedgekeurd sjabloon of kies een ander kanaal."
)
CLOSED_NO_TEMPLATES = gettext_lazy(
    "WhatsApp: 24-uursvenster gesloten en er zijn geen goedgekeurde sjablonen; "
    "kies een ander kanaal."
)
OPTED_OUT = gettext_lazy("WhatsApp: {number} heeft zich afgemeld (STOP); kies een ander kanaal.")


def time_left(seconds: int) -> str:
    """The open window's line, rounded down like the browser's countdown."""
    hours, rest = divmod(max(0, seconds), 3600)
    if hours:
        return str(OPEN_HOURS).format(h=hours, m=rest // 60)
    if rest >= 60:
        return str(OPEN_MINUTES).format(m=rest // 60)
    return str(OPEN_SECONDS).format(s=rest)


def box(
    conversation: Conversation,
    reply_channel: str = "",
    chosen: Template | None = None,
    kept: list[str] | None = None,
) -> dict:
    """Everything _reply_box.html needs; {"show": False} when the customer has no number.

    `chosen` and `kept`: the template and parameters the agent sent, kept after a refusal.
    """
    to = numbers(conversation.contact)
    if not to:
        return {"show": False}
    now = timezone.now()
    ends_at = window_ends_at(conversation)
    seconds = max(0, int((ends_at - now).total_seconds())) if ends_at else 0
    latest = consent.current(conversation.contact)
    opted_out = latest is not None and not latest.granted
    templates = [template_row(t, chosen, kept or []) for t in templates_for(conversation)]
    if opted_out:
        state, line = "opted-out", str(OPTED_OUT).format(number=to[0])
    elif seconds > 0:
        state, line = "open", time_left(seconds)
    else:
        state, line = "closed", str(CLOSED if templates else CLOSED_NO_TEMPLATES)
    return {
        "show": True,
        "conversation": conversation,
        "number": to[0],
        "state": state,
        "line": line,
        "ends_at": ends_at,
        "now": now,
        "seconds_left": seconds,
        "opted_in": latest is not None and latest.granted,
        "templates": templates,
        "chosen": chosen,
        "key": "|".join(
            [ends_at.isoformat() if ends_at else "", str(latest.pk) if latest else ""]
            + [str(row["template"].pk) for row in templates]
        ),
        "others": other_channels(conversation),
        "visible": (reply_channel or conversation.last_inbound_channel) == "whatsapp",
        "texts": {
            "hours": OPEN_HOURS,
            "minutes": OPEN_MINUTES,
            "seconds": OPEN_SECONDS,
            "closed": CLOSED if templates else CLOSED_NO_TEMPLATES,
        },
    }


def template_row(template: Template, chosen: Template | None, kept: list[str]) -> dict:
    """One template with a (number, value) pair per parameter and its preview."""
    values = kept if chosen is not None and chosen.pk == template.pk else []
    count = placeholders(template)
    padded = (values + [""] * count)[:count]
    return {
        "template": template,
        "params": list(enumerate(padded, start=1)),
        "preview": render(template, values) if values else template.body,
    }


def other_channels(conversation: Conversation) -> list[tuple[str, str]]:
    """(channel, label) of the channels the customer can be answered on now instead of
    WhatsApp: ones they wrote us on or hold an address for (a phone number for SMS), and
    that the channel's own precheck (consent, opt-out) allows."""
    contact = conversation.contact
    kinds = set(contact.identities.values_list("kind", flat=True))
    used = set(
        Message.objects.filter(conversation__contact=contact, direction=Message.Direction.INBOUND)
        .values_list("channel", flat=True)
        .distinct()
    )
    reachable = used | kinds | ({"sms"} if kinds & {"phone", "whatsapp"} else set())
    labels = dict(CHANNELS)
    return [
        (ch, str(labels.get(ch, ch)))
        for ch in channels_with_sender()
        if ch != "whatsapp" and ch in reachable and not refusal(ch, conversation)
    ]


def refused_parameters(values: list[str], needed: int) -> str:
    """Why these template parameters cannot go out (Meta's rules), or ""."""
    if len(values) != needed or any(not v for v in values):
        return gettext("Vul alle parameters van het sjabloon in.")
    if any("\n" in v or "\t" in v or "     " in v for v in values):
        return gettext(
            "Een parameter mag geen regeleinde, tab of meer dan vier spaties achter elkaar "
            "bevatten (regel van WhatsApp)."
        )
    return ""
