"""For the customer simulator and benchmarks: a webhook exactly as Meta would send it, signed
with the number's app secret, to POST to /channels/whatsapp/webhook."""

import json
import time
import uuid

from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.channels.whatsapp.signature import sign


def text_webhook(
    account: Account, sender: str, text: str, name: str = "", wamid: str = ""
) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a signed webhook carrying one text message from `sender` (E.164)."""
    wa_id = sender.lstrip("+")
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "", "phone_number_id": account.phone_number_id},
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [
            {
                "from": wa_id,
                "id": wamid or f"wamid.SIM{uuid.uuid4().hex}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": text},
            }
        ],
    }
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": account.waba_id or "0", "changes": [{"value": value, "field": "messages"}]}
            ],
        },
        ensure_ascii=False,
    ).encode()
    headers = {
        "X-Hub-Signature-256": sign(account.app_secret, body),
        "Content-Type": "application/json",
    }
    return body, headers
