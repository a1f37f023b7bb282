"""The sender registry: each channel registers how to send a message out through its provider."""

from collections.abc import Callable
from typing import Protocol

from bereikbaar.conversations.models import Conversation, Message

# Why a reply on this channel cannot go out now ("" when it can): asked before it is stored,
# so the agent hears "outside the 24-hour window" at once instead of a failed send later.
Precheck = Callable[[Conversation], str]


class SendError(Exception):
    """The provider refused or could not be reached; `permanent` says whether to stop trying.

    `unsure`: the request went out and the answer was lost (a read timeout), so the provider
    may have the message already. A sender that cannot send the same message twice safely
    says so, and the outbox then does not try again (see delivery.claims).
    """

    def __init__(self, message: str, *, permanent: bool = False, unsure: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unsure = unsure


class Sender(Protocol):
    """A channel's send function. It may carry `resend_when_unsure = False` (default True) when
    its provider has no idempotency key, so a send that may have gone out is never repeated."""

    def __call__(self, message: Message) -> str:
        """Send the message; return the provider's id for it. Raise SendError on failure."""


def resends_when_unsure(sender: Sender) -> bool:
    return bool(getattr(sender, "resend_when_unsure", True))


_senders: dict[str, Sender] = {}
_prechecks: dict[str, Precheck] = {}


def register(channel: str, sender: Sender, precheck: Precheck | None = None) -> None:
    _senders[channel] = sender
    if precheck is not None:
        _prechecks[channel] = precheck


def refusal(channel: str, conversation: Conversation) -> str:
    """Why a reply on `channel` would be refused now, or ""."""
    if channel not in _senders:
        return f"bereikbaar cannot send on {channel!r} yet"
    check = _prechecks.get(channel)
    return check(conversation) if check else ""


def sender_for(channel: str) -> Sender:
    try:
        return _senders[channel]
    except KeyError:
        raise SendError(f"no sender registered for channel {channel!r}", permanent=True) from None


def channels_with_sender() -> list[str]:
    return sorted(_senders)
