"""How the simulator's customer message travels, per channel, always the real way in.

- API: the JSON a customer's system would POST to /api/v1/inbound, through accept_api_message().
- E-mail: a real SMTP conversation with the running receiver.
- WhatsApp: a webhook exactly as Meta sends it, signed with the number's app secret, POSTed over
  HTTP to /channels/whatsapp/webhook (signature check, accept, intake worker).
- SMS: a Twilio inbound SMS signed with the twilio library, POSTed over HTTP to
  /channels/twilio/sms.

Each returns the Inbound id the message was stored as (None when the channel's own key cannot
tell), or raises SendError with a text for the person.
"""

import hashlib
import json
import uuid
from urllib.parse import parse_qs

from django.conf import settings
from django.utils.translation import gettext as _

from bereikbaar.channels.api.inbound import accept_api_message
from bereikbaar.channels.api.payload import InvalidPayload
from bereikbaar.demo import simulator_accounts as accounts
from bereikbaar.demo.self_http import Target, Unreachable, post
from bereikbaar.intake.models import Inbound

WHATSAPP_PATH = "/channels/whatsapp/webhook"


class SendError(Exception):
    """The message did not get in; the text says why, for the person playing the customer."""


def send_api(name: str, kind: str, value: str, text: str) -> int:
    try:
        return accept_api_message(build_body(name, kind, value, text)).id
    except InvalidPayload as exc:
        raise SendError(str(exc)) from None


def build_body(name: str, kind: str, value: str, text: str) -> bytes:
    """The JSON a customer's system would POST to /api/v1/inbound."""
    sender = {"name": name, kind: value} if name else {kind: value}
    body = {"external_id": f"simulator-{uuid.uuid4()}", "from": sender, "text": text}
    return json.dumps(body).encode()


def send_email(name: str, address: str, text: str) -> int | None:
    """Mail the support inbox through the running SMTP receiver."""
    from bereikbaar.channels.email.ids import dedupe_key
    from bereikbaar.channels.email.models import EmailInbox
    from bereikbaar.channels.email.simulate import compose, send

    inbox = EmailInbox.objects.filter(enabled=True).order_by("id").first()
    if inbox is None:
        raise SendError(_("Er is nog geen e-mailinbox: bereikbaar channel add email …"))
    subject = text.strip().splitlines()[0][:80]
    mail = compose(address, name, inbox.address, subject, text)
    try:
        message_id = send(mail, settings.BEREIKBAAR_SMTP_PORT)
    except OSError as exc:
        raise SendError(_("De SMTP-ontvanger weigerde of is niet bereikbaar: %s") % exc) from None
    key = dedupe_key(message_id, mail.as_bytes())
    return _stored("email", key)


def send_whatsapp(target: Target, name: str, number: str, text: str) -> int | None:
    from bereikbaar.channels.whatsapp.simulate import text_webhook

    account = accounts.whatsapp_account()
    if account is None:
        raise SendError(accounts.HOW_TO["whatsapp"])
    body, headers = text_webhook(account, number, text, name=name)
    _post(target, WHATSAPP_PATH, body, headers, "WhatsApp")
    return _stored("whatsapp", hashlib.sha256(body).hexdigest())


def send_sms(target: Target, number: str, text: str) -> int | None:
    from bereikbaar.channels.sms.simulate import PATH, sms_webhook

    account = accounts.sms_account()
    if account is None:
        raise SendError(accounts.HOW_TO["sms"])
    body, headers = sms_webhook(account, number, text, base_url=target.base_url)
    _post(target, PATH, body, headers, "Twilio")
    sid = parse_qs(body.decode())["MessageSid"][0]
    return _stored("sms", sid)


def _post(target: Target, path: str, body: bytes, headers: dict, provider: str) -> None:
    try:
        status, answer = post(target, path, body, headers)
    except Unreachable as exc:
        raise SendError(str(exc)) from None
    if not 200 <= status < 300:
        said = " ".join(answer.decode("utf-8", "replace").split())[:200]
        raise SendError(
            _("%(path)s weigerde het %(provider)s-bericht (%(status)s): %(said)s")
            % {"path": path, "provider": provider, "status": status, "said": said}
        )


def _stored(channel: str, key: str) -> int | None:
    row = Inbound.objects.filter(channel=channel, dedupe_key=key[:255]).only("id").first()
    return row.pk if row else None
