"""MMS media fetched by a task with Twilio's credentials; SMS segment counting."""

import pytest

from bereikbaar.channels.sms.media import fetch_media
from bereikbaar.channels.sms.models import MediaDownload
from bereikbaar.channels.sms.segments import count
from bereikbaar.conversations.models import Message

from .conftest import ACCOUNT_SID, JPEG, form

MEDIA_ID = "ME0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"


@pytest.fixture
def mms(post_sms, run_intake, twilio, service):
    params = form("inbound_mms")
    params["MediaUrl0"] = params["MediaUrl0"].replace("https://api.twilio.com", twilio.base)
    assert post_sms(params).status_code == 200
    run_intake()
    return MediaDownload.objects.get()


def test_an_mms_image_is_fetched_and_attached(mms, twilio):
    twilio.media[MEDIA_ID] = ("image/jpeg", JPEG)
    assert Message.objects.get().text == "[mms: 1 bijlage(n)]"
    assert fetch_media.call(mms.pk) == "done"
    attachment = Message.objects.get().attachments.get()
    assert (attachment.content_type, attachment.size) == ("image/jpeg", len(JPEG))
    assert twilio.requests[-1]["auth"].startswith(ACCOUNT_SID)


def test_a_failing_mms_download_is_retried(mms, twilio):
    twilio.media[MEDIA_ID] = ("image/jpeg", JPEG)
    twilio.queue.append((503, b"{}"))
    assert fetch_media.call(mms.pk) == "pending"
    assert fetch_media.call(mms.pk, 1) == "done"


def test_a_missing_mms_fails_visibly(mms, twilio):
    assert fetch_media.call(mms.pk) == "failed"
    mms.refresh_from_db()
    assert mms.error == "Twilio answered 404"


def test_media_off_twilios_hosts_are_not_fetched(mms):
    MediaDownload.objects.filter(pk=mms.pk).update(url="http://169.254.169.254/latest")
    assert fetch_media.call(mms.pk) == "failed"


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("Hallo", "GSM-7", 1),
        ("x" * 160, "GSM-7", 1),
        ("x" * 161, "GSM-7", 2),
        ("€" * 80, "GSM-7", 1),  # an extension character costs two septets
        ("€" * 81, "GSM-7", 2),
        ("Dank je 😊", "UCS-2", 1),
        ("ç" * 70, "UCS-2", 1),
        ("ç" * 71, "UCS-2", 2),
        ("😊" * 35, "UCS-2", 1),  # an emoji is two UTF-16 units
        ("😊" * 36, "UCS-2", 2),
    ],
)
def test_segments_are_counted_like_the_networks_do(text, encoding, segments):
    result = count(text)
    assert (result.encoding, result.segments) == (encoding, segments)


def test_any_form_is_parsed_or_refused_never_crashed_on():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bereikbaar.channels.sms.parse import parse
    from bereikbaar.intake.registry import UnparseablePayload

    keys = st.sampled_from(
        [
            "MessageSid",
            "From",
            "To",
            "Body",
            "NumMedia",
            "MediaUrl0",
            "MessageStatus",
            "ErrorCode",
            "OptOutType",
            "AccountSid",
        ]
    )

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(keys, st.text(max_size=30), max_size=8))
    def check(params):
        from urllib.parse import urlencode

        try:
            parse(urlencode(params).encode())
        except UnparseablePayload:
            pass

    check()
