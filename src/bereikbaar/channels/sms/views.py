"""POST /channels/twilio/sms (inbound SMS/MMS and status callbacks) and .../sms/status.

The X-Twilio-Signature is checked with the twilio library's RequestValidator over the public
URL (from the account's --public-url when behind a proxy) and every parameter received, with
the account's auth token or, until `previous_valid_until`, its previous token (rotation). Then
one durable INSERT keyed by MessageSid, and only after that commit an empty TwiML answer:
Twilio does not retry an SMS webhook, so what we answer 200 to must already be stored.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from bereikbaar.channels.sms.models import Account
from bereikbaar.channels.sms.parse import e164, is_status
from bereikbaar.intake.accept import accept


@csrf_exempt
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return _plain(413, "the body is too large")
    body = request.body
    params = request.POST
    if not signed(request, params):
        return _plain(403, "X-Twilio-Signature does not match")
    sid = params.get("MessageSid") or params.get("SmsMessageSid") or params.get("SmsSid") or ""
    if not sid:
        return _plain(400, "no MessageSid")
    if is_status(params):
        key, order_key = f"{sid}:{params.get('MessageStatus', '')}", ""
    else:
        sender = e164(params.get("From", ""))
        key, order_key = sid, (f"phone:{sender}" if sender else "")
    if request.content_type != "application/x-www-form-urlencoded":  # Twilio never does this
        body = urlencode(list(params.lists()), doseq=True).encode()
    try:
        accept("sms", key, body, order_key=order_key)
    except DatabaseError:
        return _plain(503, "could not store the message; retry later")
    return HttpResponse(str(MessagingResponse()), content_type="text/xml")


def signed(request: HttpRequest, params) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    algorithm = get_signature_algorithm(
        request.headers.get("X-Twilio-Webhooks-Signature-Settings", "")
    )
    sid = params.get("AccountSid", "")
    if "bodySHA256" in request.GET:  # a JSON body: Twilio signs the URL and hashes the body
        params = request.body.decode("utf-8", "replace")  # the validator then checks that hash
    accounts = list(Account.objects.all())
    accounts.sort(key=lambda a: a.account_sid != sid)  # the named account first
    now = timezone.now()
    for account in accounts:
        url = public_url(request, account)
        for token in account.webhook_tokens(now):
            if RequestValidator(token).validate(url, params, signature, algorithm):
                return True
    return False


def public_url(request: HttpRequest, account: Account) -> str:
    """The URL Twilio requested: behind a proxy Host and scheme lie, so a configured base wins."""
    if account.public_url:
        return account.public_url.rstrip("/") + request.get_full_path()
    return request.build_absolute_uri()


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain")
