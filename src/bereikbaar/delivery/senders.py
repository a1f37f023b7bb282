"""The sender registry: each channel registers how to send a message out through its provider."""

from typing import Protocol

from bereikbaar.conversations.models import Message


class SendError(Exception):
    """The provider refused or could not be reached; `permanent` says whether to stop trying."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    def __call__(self, message: Message) -> str:
        """Send the message; return the provider's id for it. Raise SendError on failure."""


_senders: dict[str, Sender] = {}


def register(channel: str, sender: Sender) -> None:
    _senders[channel] = sender


def sender_for(channel: str) -> Sender:
    try:
        return _senders[channel]
    except KeyError:
        raise SendError(f"no sender registered for channel {channel!r}", permanent=True) from None


def channels_with_sender() -> list[str]:
    return sorted(_senders)
