"""{% sms_segments %}: the SMS segment counter under the inbox's reply field, rendered by this
channel so the inbox needs only a hook line and never imports a channel."""

from django import template

from bereikbaar.channels.sms.agent_box import box

register = template.Library()


@register.inclusion_tag("sms/_segments.html", takes_context=True)
def sms_segments(context: template.Context) -> dict:
    channel = context.get("reply_channel", "")
    conversation = context.get("conversation")
    if not channel and conversation is not None:
        channel = conversation.last_inbound_channel
    return box(context.get("reply_text", "") or "", channel)
