"""What the inbox shows for an SMS reply: segments (GSM-7 or UCS-2) before sending, the
customer's consent, and why a text cannot go out.

Call reply_box(conversation, draft) from the conversation view (e.g. on htmx keyup):
    {"segments": Segments, "consent": Consent | None, "refusal": str}
"""

from bereikbaar.channels.sms import consent
from bereikbaar.channels.sms.segments import Segments, count
from bereikbaar.channels.sms.sender import phone_of, precheck
from bereikbaar.conversations.models import Conversation


def reply_box(conversation: Conversation, draft: str = "") -> dict:
    to = phone_of(conversation)
    segments: Segments = count(draft)
    return {
        "segments": segments,
        "consent": consent.current(to) if to else None,
        "refusal": precheck(conversation, to) if to else "de klant heeft geen telefoonnummer",
    }
