"""Conversations and their messages over the REST API: read, reply, note, assign, status, tags.

Every route starts from routing.access.visible_conversations(), so a conversation of another
team answers exactly like one that does not exist (404): the API never confirms what an agent
may not see. The changes themselves go through delivery.reply and routing.casework, the same
functions the inbox uses, so the API cannot bypass their rules or their realtime events.
"""

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from bereikbaar.api.errors import ApiError
from bereikbaar.api.paging import Paged
from bereikbaar.api.schemas import (
    AssignIn,
    ChannelName,
    ConversationDetail,
    ConversationOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    StatusIn,
    StatusName,
    TagsIn,
)
from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.conversations.search import matching
from bereikbaar.delivery import reply as delivery
from bereikbaar.routing import casework
from bereikbaar.routing.access import visible_conversations

router = Router(tags=["conversations"])
User = get_user_model()

ONE = "/conversations/{int:conversation_id}"
MAX_ID = 2**63 - 1


def visible(request: HttpRequest) -> QuerySet[Conversation]:
    return visible_conversations(request.user).select_related("team", "assignee")


def get_visible(request: HttpRequest, conversation_id: int) -> Conversation:
    """The conversation if this user may see it; otherwise the same 404 as a missing id."""
    conversation = (
        visible(request)
        .select_related("contact")
        .prefetch_related("contact__identities")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        access_log.refused(request, conversation_id)  # the answer stays the missing id's
        raise ApiError(404, "not_found", f"no conversation {conversation_id}")
    return conversation


def is_id(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²', which int() refuses."""
    return value.isascii() and value.isdigit()


def filter_by_id(conversations: QuerySet, field: str, value: str) -> QuerySet:
    """An id from the query string; one no database row can have matches nothing (SQLite would
    raise OverflowError on it, which must not become a 500)."""
    if int(value) > MAX_ID:
        return conversations.none()
    return conversations.filter(**{field: int(value)})


def filter_assignee(conversations: QuerySet, request: HttpRequest, assignee: str) -> QuerySet:
    if assignee == "me":
        return conversations.filter(assignee=request.user)
    if assignee == "none":
        return conversations.filter(assignee__isnull=True)
    if is_id(assignee):
        return filter_by_id(conversations, "assignee_id", assignee)
    raise ApiError(400, "invalid", "assignee: use 'me', 'none' or a user id")


@router.get("/conversations", response=list[ConversationOut])
@paginate(Paged)
def list_conversations(
    request: HttpRequest,
    status: Query[StatusName | None] = None,
    team: Query[str | None] = None,
    assignee: Query[str | None] = None,
    channel: Query[ChannelName | None] = None,
    q: Query[str | None] = None,
):
    """The conversations you may see, most recent activity first.

    Filters: `status`; `team` (id or slug); `assignee` = `me`, `none` or a user id; `channel`
    (conversations with at least one message on that channel — one case spans channels); `q`
    searches as the inbox does: `#1234`, an e-mail address or part of one, a phone number in
    any spelling, or words (all of them) in the name, identities, subject or messages.
    """
    conversations = visible(request)
    if q:
        conversations = conversations.filter(matching(q.replace("\x00", "")))
    if status:
        conversations = conversations.filter(status=status)
    if team:
        if is_id(team):
            conversations = filter_by_id(conversations, "team_id", team)
        else:
            conversations = conversations.filter(team__slug=team.replace("\x00", ""))
    if assignee:
        conversations = filter_assignee(conversations, request, assignee)
    if channel:
        on_channel = Message.objects.filter(channel=channel).values("conversation_id")
        conversations = conversations.filter(pk__in=on_channel)
    return conversations.order_by(F("last_message_at").desc(nulls_last=True), "-id")


@router.get(ONE, response=ConversationDetail)
def get_conversation(request: HttpRequest, conversation_id: int):
    """One conversation with its contact. Audited (at most once per 10 minutes per user)."""
    conversation = get_visible(request, conversation_id)
    access_log.opened(request, conversation.pk)
    return conversation


@router.get(ONE + "/messages", response=list[MessageOut])
@paginate(Paged)
def list_messages(request: HttpRequest, conversation_id: int):
    """The conversation's messages (inbound, outbound and internal notes), oldest first."""
    conversation = get_visible(request, conversation_id)
    access_log.opened(request, conversation.pk)
    return conversation.messages.prefetch_related("attachments").order_by("created_at", "id")


@router.get("/messages/{int:message_id}", response=MessageOut, tags=["messages"])
def get_message(request: HttpRequest, message_id: int):
    """One message, if its conversation is visible to you."""
    message = (
        Message.objects.filter(pk=message_id, conversation__in=visible_conversations(request.user))
        .prefetch_related("attachments")
        .first()
    )
    if message is None:
        raise ApiError(404, "not_found", f"no message {message_id}")
    return message


@router.post(ONE + "/reply", response={201: MessageOut})
def post_reply(request: HttpRequest, conversation_id: int, body: ReplyIn):
    """Answer the customer; stored and queued for sending in one transaction.

    The channel defaults to the one the customer last wrote on. 400 if the text is empty or
    bereikbaar cannot send on that channel. Send an `Idempotency-Key` header (up to 64
    characters, unique per reply) to retry safely: the same key again answers with the reply
    already stored and sends nothing twice; reused for another reply, it is a 400.
    """
    conversation = get_visible(request, conversation_id)
    key = request.headers.get("Idempotency-Key", "")
    message = delivery.reply(conversation, request.user, body.text, body.channel, client_key=key)
    return Status(201, message)


@router.post(ONE + "/note", response={201: MessageOut})
def post_note(request: HttpRequest, conversation_id: int, body: NoteIn):
    """An internal note: visible to agents, never sent to the customer."""
    conversation = get_visible(request, conversation_id)
    return Status(201, delivery.note(conversation, request.user, body.text))


@router.post(ONE + "/assign", response=ConversationOut)
def post_assign(request: HttpRequest, conversation_id: int, body: AssignIn):
    """Assign to an agent of the conversation's team, or unassign with null."""
    conversation = get_visible(request, conversation_id)
    assignee = None
    if body.assignee_id is not None:
        assignee = User.objects.filter(pk=body.assignee_id, is_active=True).first()
        if assignee is None:
            raise ApiError(400, "invalid", f"assignee_id: no active user {body.assignee_id}")
    return casework.assign(conversation, assignee)


@router.post(ONE + "/status", response=ConversationOut)
def post_status(request: HttpRequest, conversation_id: int, body: StatusIn):
    """Set the status; resolving stamps resolved_at."""
    conversation = get_visible(request, conversation_id)
    return casework.set_status(conversation, body.status)


@router.post(ONE + "/tags", response=ConversationOut)
def post_tags(request: HttpRequest, conversation_id: int, body: TagsIn):
    """Replace the tags (trimmed, lower-cased, de-duplicated)."""
    conversation = get_visible(request, conversation_id)
    return casework.set_tags(conversation, body.tags)
