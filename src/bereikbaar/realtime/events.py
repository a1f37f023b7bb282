"""Every event the agent browsers receive, with the fields its payload carries.

Payloads carry ids, never rendered content: the browser fetches what it may see through the
normal permission-checked views, so an event can never leak a conversation.
"""

MESSAGE_CREATED = "message.created"  # conversation_id, message_id, direction, channel
MESSAGE_UPDATED = "message.updated"  # conversation_id, message_id, delivery_status
CONVERSATION_CREATED = "conversation.created"  # conversation_id
CONVERSATION_UPDATED = "conversation.updated"  # conversation_id, fields: [names changed]
CALL_RINGING = "call.ringing"  # call_id (screen-pop: agents who can take the line)
CALL_UPDATED = "call.updated"  # call_id, state

ALL = {
    MESSAGE_CREATED,
    MESSAGE_UPDATED,
    CONVERSATION_CREATED,
    CONVERSATION_UPDATED,
    CALL_RINGING,
    CALL_UPDATED,
}
