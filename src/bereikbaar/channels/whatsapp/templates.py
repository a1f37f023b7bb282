"""Approved templates: the only messages allowed outside the 24-hour window.

For the inbox: templates_for(conversation) lists what the reply box may offer, and
send_template(conversation, agent, template, parameters) stores and enqueues one like reply().
A template that starts a conversation (the window is closed) needs the customer's opt-in.
"""

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from bereikbaar.channels.whatsapp import consent, graph
from bereikbaar.channels.whatsapp.models import Account, Template, TemplateSend
from bereikbaar.channels.whatsapp.window import numbers, window_open
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery.reply import ReplyRefused, reply

PLACEHOLDER = re.compile(r"\{\{\s*(\d+)\s*\}\}")


def templates_for(conversation: Conversation) -> QuerySet[Template]:
    return Template.objects.filter(status="APPROVED").order_by("name", "language")


def placeholders(template: Template) -> int:
    return len(set(PLACEHOLDER.findall(template.body)))


def render(template: Template, parameters: list[str]) -> str:
    def fill(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return parameters[index] if 0 <= index < len(parameters) else match.group(0)

    return PLACEHOLDER.sub(fill, template.body) or f"[sjabloon {template.name}]"


def send_template(
    conversation: Conversation,
    author: AbstractBaseUser,
    template: Template,
    parameters: list[str],
) -> Message:
    if template.status != "APPROVED":
        raise ReplyRefused(f"template {template.name} is not approved ({template.status})")
    if len(parameters) != placeholders(template):
        raise ReplyRefused(f"{template.name} needs {placeholders(template)} parameters")
    to = numbers(conversation.contact)
    if not to:
        raise ReplyRefused("the customer has no WhatsApp number")
    if consent.opted_out(conversation.contact):
        raise ReplyRefused(f"{to[0]} opted out of WhatsApp")
    if not window_open(conversation) and not consent.opted_in(conversation.contact):
        raise ReplyRefused(
            f"no recorded WhatsApp opt-in for {to[0]}: a conversation we start needs one"
        )
    with transaction.atomic():
        text = render(template, parameters)
        message = reply(conversation, author, text, channel="whatsapp", prechecked=True)
        TemplateSend.objects.create(message=message, template=template, parameters=parameters)
    return message


def sync_templates(account: Account) -> int:
    """Fetch the account's templates from the Graph API; returns how many were stored."""
    if not account.waba_id:
        raise ValueError("set the WhatsApp Business Account id (--waba-id) to list templates")
    answer = graph.call(account, "GET", f"{account.waba_id}/message_templates?limit=250")
    stored = 0
    for row in answer.get("data") or []:
        if not isinstance(row, dict) or not row.get("name"):
            continue
        body = next(
            (
                c.get("text", "")
                for c in row.get("components") or []
                if isinstance(c, dict) and c.get("type") == "BODY"
            ),
            "",
        )
        Template.objects.update_or_create(
            account=account,
            name=row["name"],
            language=row.get("language") or "nl",
            defaults={
                "category": row.get("category") or "",
                "status": row.get("status") or "",
                "body": body,
            },
        )
        stored += 1
    return stored
