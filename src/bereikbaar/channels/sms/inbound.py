"""What the intake worker runs for a stored Twilio webhook: parse it and, in the same
transaction, record STOP/START at once and schedule MMS media downloads. Idempotent."""

from bereikbaar.channels.sms import consent
from bereikbaar.channels.sms.media import fetch_media
from bereikbaar.channels.sms.models import Account, MediaDownload
from bereikbaar.channels.sms.parse import Item, parse_item
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage

# Twilio's Advanced Opt-Out names the keyword it recognised.
OPT_OUT_TYPES = {"STOP": "opt_out", "START": "opt_in"}


def handle(raw: bytes) -> list[InboundMessage | DeliveryUpdate]:
    item = parse_item(raw)
    if item is None:
        return []
    if isinstance(item, Item):
        _side_effects(item)
        return [item.message]
    return [item]


def _side_effects(item: Item) -> None:
    state = OPT_OUT_TYPES.get(item.opt_out_type) or consent.keyword(item.message.text)
    if state:
        method = f"SMS-trefwoord {item.message.text.strip()[:40]!r} ({item.message.provider_id})"
        consent.record_keyword(item.sender, state, method)
    if not item.media:
        return
    account = (
        Account.objects.filter(number=item.to).first()
        or Account.objects.filter(account_sid=item.account_sid).first()
    )
    if account is None:
        return
    for media in item.media:
        download, created = MediaDownload.objects.get_or_create(
            url=media.url,
            defaults={
                "account": account,
                "message_sid": item.message.provider_id,
                "content_type": media.content_type,
            },
        )
        if created:
            fetch_media.enqueue(download.pk)
