"""{% whatsapp_reply_box %}: the WhatsApp part of the inbox's reply box, rendered by this
channel so the inbox needs only a hook line and never imports a channel."""

from django import template

from bereikbaar.channels.whatsapp.agent_box import box

register = template.Library()


@register.inclusion_tag("whatsapp/_reply_box.html", takes_context=True)
def whatsapp_reply_box(context: template.Context) -> dict:
    conversation = context.get("conversation")
    if conversation is None:
        return {"show": False}
    # an inclusion tag starts a fresh context: hand on what its form needs
    return {
        **box(conversation, context.get("reply_channel", "")),
        "csrf_token": context.get("csrf_token"),
    }
