"""What the intake worker runs for a stored webhook: parse it and, in the same transaction,
keep the customer-service window, record STOP/START keywords and schedule media downloads.

Everything here is idempotent, so a batch Meta sends twice changes nothing the second time.
"""

from datetime import UTC, datetime

from django.utils import timezone

from bereikbaar.channels.whatsapp import consent
from bereikbaar.channels.whatsapp.media import fetch_media
from bereikbaar.channels.whatsapp.models import Account, CustomerWindow, MediaDownload
from bereikbaar.channels.whatsapp.parse import Item, parse_items
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage, SetAside


def handle(raw: bytes) -> list[InboundMessage | DeliveryUpdate | SetAside]:
    items = parse_items(raw)
    accounts = {a.phone_number_id: a for a in Account.objects.all()}
    out: list[InboundMessage | DeliveryUpdate | SetAside] = []
    for item in items:
        if isinstance(item, Item):
            _side_effects(item, accounts.get(item.phone_number_id))
            out.append(item.message)
        else:
            out.append(item)
    return out


def _side_effects(item: Item, account: Account | None) -> None:
    at = _when(item.timestamp)
    if state := consent.keyword(item.message.text):
        method = f"WhatsApp-trefwoord {item.message.text.strip()!r}"
        consent.record_keyword(item.wa_id, state, method, at)
    if account is None:
        return  # a number we do not know: nothing to keep a window for or fetch media with
    _open_window(account, item.wa_id, at)
    for media in item.media:
        download, created = MediaDownload.objects.get_or_create(
            media_id=media.media_id,
            defaults={
                "account": account,
                "wamid": item.message.provider_id,
                "kind": media.kind,
                "mime_type": media.mime_type,
                "filename": media.filename,
            },
        )
        if created:
            fetch_media.enqueue(download.pk)


def _open_window(account: Account, wa_id: str, at: datetime) -> None:
    window, created = CustomerWindow.objects.get_or_create(
        account=account, wa_id=wa_id, defaults={"last_inbound_at": at}
    )
    if not created and window.last_inbound_at < at:  # statuses and retries never move it back
        CustomerWindow.objects.filter(pk=window.pk, last_inbound_at__lt=at).update(
            last_inbound_at=at
        )


def _when(timestamp: float | None) -> datetime:
    now = timezone.now()
    if timestamp is None:
        return now
    at = datetime.fromtimestamp(timestamp, tz=UTC)
    return min(at, now)  # a clock ahead of ours never stretches the window
