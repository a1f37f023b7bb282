"""Erasure reaches Meta: the media an erased person sent us on WhatsApp is deleted there too
(catalogue L6).

Meta keeps each inbound media file under its media id; `DELETE /{version}/{media-id}` with the
number's token answers 200 {"success": true} (Cloud API Media reference; the optional
`phone_number_id` query deletes only media of that number). Media ids from webhooks expire
after 7 days on Meta's side, so an older one is recorded as gone without a call. The age is
counted from our MediaDownload row, made when the webhook was filed: never before Meta had the
file, so an id we count as expired is expired. An unknown id (404, or Graph error 100 "does not
exist / unsupported delete request") is gone already.

The evidence row (contacts.ProviderDeletion) holds the number's phone_number_id and the media
id; the MediaDownload row keeps the id and its time after erasure (erasure.py), so the task
finds the age and the token again.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bereikbaar.channels.whatsapp import graph
from bereikbaar.channels.whatsapp.erasure import media_of
from bereikbaar.channels.whatsapp.models import Account, MediaDownload
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.provider_erasure import Deleted, DeleteFailed, Deleter

KIND = "whatsapp_media"
KEPT_AT_META = timedelta(days=7)
NO_SUCH_OBJECT = 100  # Graph: "Unsupported delete request" / "Object … does not exist"


def find(contact: Contact) -> list[tuple[str, str]]:
    rows = media_of(contact).order_by("pk")
    return list(rows.values_list("account__phone_number_id", "media_id"))


def delete(phone_number_id: str, media_id: str) -> Deleted:
    download = MediaDownload.objects.select_related("account").filter(media_id=media_id).first()
    if download is not None and download.created_at < timezone.now() - KEPT_AT_META:
        return Deleted(
            "expired at Meta (media ids from webhooks live 7 days): not asked", gone=True
        )
    account = (
        download.account
        if download is not None
        else Account.objects.filter(phone_number_id=phone_number_id).first()
    )
    if account is None:
        raise DeleteFailed(f"no WhatsApp number {phone_number_id} to delete with", permanent=True)
    try:
        answer = graph.call(
            account, "DELETE", f"{media_id}?phone_number_id={account.phone_number_id}"
        )
    except graph.GraphError as exc:
        if exc.status == 404 or exc.code == NO_SUCH_OBJECT:
            return Deleted(str(exc)[:500], gone=True)
        raise DeleteFailed(str(exc)[:500], permanent=not exc.transient) from None
    if answer.get("success") is True:
        return Deleted('200 {"success": true}')
    raise DeleteFailed(f"Meta did not confirm the deletion: {answer!r}"[:500])


DELETER = Deleter(find=find, delete=delete)
