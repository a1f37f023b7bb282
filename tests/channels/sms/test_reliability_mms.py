"""Catalogue J6: a Twilio MMS with NumMedia=10 (Twilio's maximum) gets all ten media fetched,
with the account's credentials, and attached to the one message, each once; Twilio retrying the
webhook adds no eleventh download."""

import pytest

from bereikbaar.channels.sms.media import fetch_media
from bereikbaar.channels.sms.models import MediaDownload
from bereikbaar.conversations.models import Message

from .conftest import ACCOUNT_SID, AUTH_TOKEN, JPEG, form

pytestmark = pytest.mark.django_db


def test_j6_ten_media_are_all_fetched_with_the_accounts_credentials_and_attached(
    post_sms, run_intake, twilio, service
):
    params = form("inbound_mms")
    base = params["MediaUrl0"].replace("https://api.twilio.com", twilio.base)
    base = base.rsplit("/", 1)[0]
    params["NumMedia"] = "10"
    for n in range(10):
        media_id = f"ME{n:032d}"
        params[f"MediaUrl{n}"] = f"{base}/{media_id}"
        params[f"MediaContentType{n}"] = "image/jpeg"
        twilio.media[media_id] = ("image/jpeg", JPEG + bytes([n]))
    assert post_sms(params).status_code == 200
    assert post_sms(params).status_code == 200  # Twilio's retry
    run_intake()

    downloads = list(MediaDownload.objects.order_by("pk"))
    assert len(downloads) == 10
    assert [fetch_media.call(d.pk) for d in downloads] == ["done"] * 10
    message = Message.objects.get()
    assert message.text == "[mms: 10 bijlage(n)]"
    sizes = sorted(a.file.read()[-1] for a in message.attachments.all())
    assert sizes == list(range(10))  # each its own content, none twice
    fetched = [r for r in twilio.requests if "/Media/" in r["path"]]
    assert len(fetched) == 10
    assert all(r["auth"] == f"{ACCOUNT_SID}:{AUTH_TOKEN}" for r in fetched)
