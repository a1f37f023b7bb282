"""For the customer simulator and benchmarks: an inbound SMS exactly as Twilio would post it,
signed with the account's auth token over the public URL."""

import uuid
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bereikbaar.channels.sms.models import Account

PATH = "/channels/twilio/sms"


def sms_webhook(
    account: Account, sender: str, text: str, base_url: str = ""
) -> tuple[bytes, dict[str, str]]:
    """(body, headers) to POST to /channels/twilio/sms; `base_url` is how the server is reached
    when the account has no public URL (e.g. http://127.0.0.1:8000)."""
    sid = f"SM{uuid.uuid4().hex}"
    params = {
        "ToCountry": "NL",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": text,
        "To": account.number,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account.account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    url = (account.public_url or base_url).rstrip("/") + PATH
    signature = RequestValidator(account.auth_token).compute_signature(url, params)
    headers = {
        "X-Twilio-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return urlencode(params).encode(), headers
