"""Channel-layer group names (ASCII, well under 100 characters, as Redis layers require)."""


def visitor_group(visitor: str) -> str:
    return f"webchat-v-{visitor}"


def conversation_group(conversation_id: int) -> str:
    """The agents looking at one conversation (for the visitor's typing indicator)."""
    return f"webchat-c-{int(conversation_id)}"


def outbound_id(message_pk: int) -> str:
    """Our provider id for a reply, which the widget names in its read receipts."""
    return f"out-{int(message_pk)}"


def message_pk(provider_id: str) -> int | None:
    prefix, _, number = str(provider_id).partition("-")
    return int(number) if prefix == "out" and number.isdigit() else None
