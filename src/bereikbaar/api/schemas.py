"""Request and response shapes of the REST API, kept apart from the routes so OpenAPI and the
code read the same names.

Request bodies are strict: "5" is not an id and 1 is not a text, so a client's type mistake is a
400 naming the field instead of a silent coercion.
"""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message

MAX_TEXT = 64 * 1024
MAX_TAGS = 50

StatusName = Literal["open", "pending", "snoozed", "resolved"]
ChannelName = Literal["phone", "email", "whatsapp", "sms", "webchat", "api"]


def no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text: refuse it here as a 400, not later as a 500.
    if "\x00" in value:
        raise ValueError("may not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(no_nul)]


class StrictBody(Schema):
    """Base for request bodies: no type coercion, so wrong types are reported, not guessed."""

    model_config = ConfigDict(strict=True)


# --- out -------------------------------------------------------------------------------------


class IdentityOut(Schema):
    kind: str
    value: str
    verified: bool


class ContactOut(Schema):
    id: int
    name: str
    display_name: str
    language: str
    created_at: datetime
    identities: list[IdentityOut]

    @staticmethod
    def resolve_display_name(contact: Contact) -> str:
        return contact.display_name()

    @staticmethod
    def resolve_identities(contact: Contact) -> list:
        return list(contact.identities.all())


class ConversationOut(Schema):
    id: int
    subject: str
    status: str
    priority: int
    contact_id: int
    team_id: int | None
    team: str | None = Field(None, description="the team's slug")
    assignee_id: int | None
    assignee: str | None = Field(None, description="the assignee's username")
    tags: list[str]
    created_at: datetime
    last_message_at: datetime | None
    last_inbound_channel: str
    first_response_at: datetime | None
    resolved_at: datetime | None

    @staticmethod
    def resolve_team(conversation: Conversation) -> str | None:
        return conversation.team.slug if conversation.team_id else None

    @staticmethod
    def resolve_assignee(conversation: Conversation) -> str | None:
        return conversation.assignee.get_username() if conversation.assignee_id else None


class ContactDetail(ContactOut):
    conversations: list[ConversationOut] = Field(
        description="only the conversations visible to you"
    )

    @staticmethod
    def resolve_conversations(contact: Contact) -> list:
        # Never contact.conversations: that would list other teams' cases too.
        return getattr(contact, "conversations_visible", [])


class ConversationDetail(ConversationOut):
    contact: ContactOut


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    state: Literal["stored", "pending", "failed"] = Field(
        description="pending: the store failed when the message was filed (a full disk) and "
        "the file is stored later; failed: it could not be stored after all"
    )


class MessageOut(Schema):
    id: int
    conversation_id: int
    direction: str
    channel: str
    text: str
    html: str = Field(description="sanitised with nh3 before it was stored")
    delivery_status: str
    delivery_error: str
    author_id: int | None
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(message: Message) -> list:
        return list(message.attachments.all())


# --- in --------------------------------------------------------------------------------------


class ReplyIn(StrictBody):
    text: Text = Field(max_length=MAX_TEXT)
    channel: ChannelName | Literal[""] = Field(
        "", description="default: the channel of the customer's last message"
    )


class NoteIn(StrictBody):
    text: Text = Field(max_length=MAX_TEXT)


class AssignIn(StrictBody):
    assignee_id: int | None = Field(description="a user id, or null to unassign")


class StatusIn(StrictBody):
    status: StatusName


class TagsIn(StrictBody):
    tags: list[Text] = Field(max_length=MAX_TAGS, description="replaces the tags; lower-cased")
