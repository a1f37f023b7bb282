"""What happens to a conversation when a customer message arrives: routing decisions live here,
so intake only says "this came in" and routing decides who, how urgent and by when."""

from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing.assign import route


def on_inbound(conversation: Conversation, message: Message, created: bool) -> None:
    """Called by intake.ingest inside the transaction that filed `message`."""
    if created or conversation.assignee_id is None:
        route(conversation)
