"""The WhatsApp sender: POST {api_base}/{phone-number-id}/messages with the bearer token.

Free-form text only inside the 24-hour window; a template message at any time. A number
that opted out gets nothing. Returns the wamid, which status webhooks later refer to.
"""

from bereikbaar.channels.whatsapp import consent, graph
from bereikbaar.channels.whatsapp.models import Account, CustomerWindow, TemplateSend
from bereikbaar.channels.whatsapp.window import contact_window_open, numbers
from bereikbaar.conversations.models import Conversation, Message
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
    try:
        answer = graph.call(account, "POST", f"{account.phone_number_id}/messages", payload)
    except graph.GraphError as exc:
        text = OUTSIDE_WINDOW if exc.code == RE_ENGAGEMENT else str(exc)
        raise SendError(text, permanent=not exc.transient) from None
    ids = [m.get("id") for m in answer.get("messages") or [] if isinstance(m, dict)]
    if not ids or not isinstance(ids[0], str):
        raise SendError("the Graph API accepted the message but gave no wamid", permanent=True)
    return ids[0]


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
