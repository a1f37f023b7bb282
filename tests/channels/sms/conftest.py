"""A Twilio REST stand-in on 127.0.0.1 (its wire format: form bodies, basic auth, JSON
answers and error bodies), a configured number, and webhooks signed by the twilio library."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from twilio.request_validator import RequestValidator

from bereikbaar.channels.sms.models import Account

DATA = Path(__file__).resolve().parents[2] / "data" / "twilio"
ACCOUNT_SID = "AC8f3f0c2b7e1d4a5b9c6d7e8f9a0b1c2d"
AUTH_TOKEN = "twilio-auth-token-for-tests"
NUMBER = "+3197010203040"
PUBLIC_URL = "https://klantcontact.example.nl"
FORM = "application/x-www-form-urlencoded"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


def form(name: str) -> dict[str, str]:
    return dict(parse_qsl((DATA / f"{name}.form").read_text().strip(), keep_blank_values=True))


def twilio_error(status: int, code: int, message: str) -> tuple[int, bytes]:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return status, json.dumps(body).encode()


class TwilioStandIn:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.queue: list[tuple[int, bytes]] = []
        self.media: dict[str, tuple[str, bytes]] = {}
        self.sent = 0
        # Twilio's idempotency: the same I-Twilio-Idempotency-Token gets the first successful
        # answer again and sends nothing more. `delays`: seconds to wait before the next
        # answers (a slow Twilio, or one whose answer is lost to the client's timeout after it
        # accepted the message).
        self.by_token: dict[str, tuple[int, str, bytes]] = {}
        self.delays: list[float] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.handle(self, b"")

            def do_POST(self):
                outer.handle(self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        auth = handler.headers.get("Authorization", "")
        record = {
            "method": handler.command,
            "path": handler.path,
            "auth": base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else "",
            "form": dict(parse_qsl(body.decode())),
            "token": handler.headers.get("I-Twilio-Idempotency-Token", ""),
        }
        with self.lock:
            self.requests.append(record)
            delay = self.delays.pop(0) if self.delays else 0.0
            answer = self.by_token.get(record["token"]) or self.answer(handler, record)
            if record["token"] and handler.command == "POST" and answer[0] < 300:
                self.by_token[record["token"]] = answer
        status, ctype, payload = answer
        time.sleep(delay)
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting (its timeout): the answer is lost, as on a network

    def answer(self, handler: BaseHTTPRequestHandler, record: dict) -> tuple[int, str, bytes]:
        ctype = "application/json"
        if record["auth"] != f"{ACCOUNT_SID}:{AUTH_TOKEN}":
            status, payload = twilio_error(401, 20003, "Authenticate")
        elif self.queue:
            status, payload = self.queue.pop(0)
        elif handler.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            status, payload = 201, self.message(record["form"])
        elif handler.path.split("/")[-1] in self.media:
            ctype, payload = self.media[handler.path.split("/")[-1]]
            status = 200
        else:
            status, payload = twilio_error(404, 20404, "The requested resource was not found")
        return status, ctype, payload

    def message(self, data: dict) -> bytes:
        self.sent += 1
        sid = f"SM{self.sent:032x}"
        return json.dumps(
            {
                "account_sid": ACCOUNT_SID,
                "api_version": "2010-04-01",
                "body": data.get("Body"),
                "date_created": "Mon, 24 Nov 2025 15:30:00 +0000",
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": data.get("From"),
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "sid": sid,
                "status": "queued",
                "to": data.get("To"),
                "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
            }
        ).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def twilio():
    server = TwilioStandIn()
    yield server
    server.close()


@pytest.fixture
def account(db, twilio) -> Account:
    return Account.objects.create(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        number=NUMBER,
        api_base=twilio.base,
        public_url=PUBLIC_URL,
    )


@pytest.fixture
def post_sms(client, account):
    """POST form params as Twilio does, signed over the public URL by the twilio library."""

    def post(params: dict | str, path: str = "/channels/twilio/sms", signature: str | None = None):
        if isinstance(params, str):
            params = form(params)
        if signature is None:
            signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return client.post(path, data=urlencode(params), content_type=FORM, headers=headers)

    return post
