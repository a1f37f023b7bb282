"""The WhatsApp sender: POST {api_base}/{phone-number-id}/messages with the bearer token.

Free-form text only inside the 24-hour window; a template message at any time. A number
that opted out gets nothing. Returns the wamid, which status webhooks later refer to.

The Cloud API takes no idempotency key: a POST repeated after its answer was lost is a second
message on the customer's phone. So a send is never repeated when it may have gone out: a
request that was written and then timed out or was cut off (the answer lost) raises an
"unsure" SendError, and `send.resend_when_unsure = False` tells the outbox not to take over a
claim left by a run that died mid-call (delivery.claims). Such a reply keeps its status with a
note for the agent until Meta's status webhooks tell: every send carries the message's claim
reference as `biz_opaque_callback_data`, which Meta echoes in that message's statuses, so a
status naming a wamid we never learnt is matched to its reply (delivery.claims.adopt): the
wamid is recorded, the status applied and the note cleared. A refused connection or a DNS
failure (urllib's URLError: nothing was sent) is retried as before.
"""

import http.client
import urllib.error

from bereikbaar.channels.whatsapp import consent, graph
from bereikbaar.channels.whatsapp.models import Account, CustomerWindow, TemplateSend
from bereikbaar.channels.whatsapp.window import contact_window_open, numbers
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery import claims
from bereikbaar.delivery.senders import SendError

MAX_TEXT = 4096
OUTSIDE_WINDOW = (
    "Buiten het 24-uursvenster van WhatsApp: de klant schreef meer dan 24 uur geleden. "
    "Stuur een goedgekeurd sjabloon of kies een ander kanaal."
)
RE_ENGAGEMENT = 131047


def send(message: Message) -> str:
    contact = message.conversation.contact
    to_numbers = numbers(contact)
    if not to_numbers:
        raise SendError("de klant heeft geen WhatsApp- of telefoonnummer", permanent=True)
    to = to_numbers[0]
    if consent.opted_out(contact):
        raise SendError(f"{to} heeft zich afgemeld voor WhatsApp (STOP)", permanent=True)
    account = account_for(to)
    template = TemplateSend.objects.select_related("template").filter(message=message).first()
    if template is not None:
        payload = template_payload(to, template)
    else:
        if not contact_window_open(contact):
            raise SendError(OUTSIDE_WINDOW, permanent=True)
        if len(message.text) > MAX_TEXT:
            raise SendError(f"WhatsApp takes at most {MAX_TEXT} characters", permanent=True)
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "text",
            "text": {"preview_url": False, "body": message.text},
        }
    payload["biz_opaque_callback_data"] = claims.reference_for(message)
    try:
        answer = graph.call(account, "POST", f"{account.phone_number_id}/messages", payload)
    except graph.GraphError as exc:
        text = OUTSIDE_WINDOW if exc.code == RE_ENGAGEMENT else str(exc)
        raise SendError(text, permanent=not exc.transient, unsure=answer_lost(exc)) from None
    ids = [m.get("id") for m in answer.get("messages") or [] if isinstance(m, dict)]
    if not ids or not isinstance(ids[0], str):
        raise SendError("the Graph API accepted the message but gave no wamid", permanent=True)
    return ids[0]


send.resend_when_unsure = False


def answer_lost(exc: graph.GraphError) -> bool:
    """The request went out and no answer came back (a read timeout, a connection cut off).

    urllib wraps errors while *sending* the request in URLError (nothing reached Meta) and lets
    errors while *reading* the answer through as they are (TimeoutError, RemoteDisconnected,
    IncompleteRead); graph keeps the original as the GraphError's context.
    """
    cause = exc.__context__
    lost = isinstance(cause, (OSError, http.client.HTTPException))
    return lost and not isinstance(cause, urllib.error.URLError)


def precheck(conversation: Conversation) -> str:
    """Why a free-form WhatsApp reply cannot go out now, or "" (for the reply box)."""
    to = numbers(conversation.contact)
    if not to:
        return "de klant heeft geen WhatsApp- of telefoonnummer"
    if consent.opted_out(conversation.contact):
        return f"{to[0]} heeft zich afgemeld voor WhatsApp (STOP)"
    if not contact_window_open(conversation.contact):
        return OUTSIDE_WINDOW
    return ""


def account_for(number: str) -> Account:
    """The number the customer last wrote to, else the first one set up."""
    window = (
        CustomerWindow.objects.select_related("account")
        .filter(wa_id=number)
        .order_by("-last_inbound_at")
        .first()
    )
    if window is not None:
        return window.account
    account = Account.objects.order_by("id").first()
    if account is None:
        raise SendError(
            "no WhatsApp number is set up: run 'bereikbaar channel add whatsapp …'", permanent=True
        )
    return account


def template_payload(to: str, send: TemplateSend) -> dict:
    template: dict = {"name": send.template.name, "language": {"code": send.template.language}}
    if send.parameters:
        template["components"] = [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": str(p)} for p in send.parameters],
            }
        ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": template,
    }
