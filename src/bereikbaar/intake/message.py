"""InboundMessage: the contract every channel's parser fills, whatever the provider sent."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # one of conversations.models.CHANNELS
    provider_id: str  # unique per channel: a second one with this id is the same message
    # (kind, value) pairs as the provider gave them; normalised by contacts on resolve.
    identities: list[tuple[str, str]]
    text: str = ""
    html: str = ""  # raw; ingest sanitises it
    sender_name: str = ""
    subject: str = ""
    language: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
