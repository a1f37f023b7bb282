"""A Graph API stand-in on 127.0.0.1 speaking the Cloud API's wire format, a configured
number pointing at it, and a helper that posts webhooks signed as Meta signs them."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.channels.whatsapp.signature import sign

DATA = Path(__file__).resolve().parents[2] / "data" / "whatsapp"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-me"
ACCESS_TOKEN = "EAAG-test-token"

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 64


def fixture(name: str) -> bytes:
    return (DATA / f"{name}.json").read_bytes()


def graph_error(code: int, message: str, details: str = "", status: int = 400) -> tuple:
    body = {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details},
            "fbtrace_id": "AZ3ZsYBNf1r2Yb0bk0b4hTM",
        }
    }
    return status, "application/json", json.dumps(body).encode()


class GraphStandIn:
    """Answers like graph.facebook.com; tests script failures with `queue`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.queue: list[tuple[int, str, bytes]] = []  # next answers, before the default ones
        self.media: dict[str, tuple[str, bytes]] = {}  # media id -> (declared type, bytes)
        self.templates: list[dict] = []
        self.sent = 0
        # seconds to wait before the next answers: a slow Graph API, or one whose answer is
        # lost to the client's timeout after it accepted the message
        self.delays: list[float] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.handle(self, None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.handle(self, self.rfile.read(length))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/v21.0"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        record = {
            "method": handler.command,
            "path": handler.path,
            "auth": handler.headers.get("Authorization"),
            "json": json.loads(body) if body else None,
        }
        with self.lock:
            self.requests.append(record)
            delay = self.delays.pop(0) if self.delays else 0.0
            status, ctype, payload = self.answer(record)
        time.sleep(delay)
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting (its timeout): the answer is lost

    def answer(self, record: dict) -> tuple[int, str, bytes]:
        if record["auth"] != f"Bearer {ACCESS_TOKEN}":
            return graph_error(190, "Invalid OAuth access token.", status=401)
        if self.queue:
            return self.queue.pop(0)
        path = record["path"]
        if record["method"] == "POST" and path.endswith("/messages"):
            self.sent += 1
            to = record["json"]["to"]
            body = {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": f"wamid.OUT-{self.sent}"}],
            }
            return 200, "application/json", json.dumps(body).encode()
        if m := re.fullmatch(r"/v21\.0/files/(\w+)", path):
            declared, content = self.media[m.group(1)]
            return 200, declared, content
        if m := re.fullmatch(r"/v21\.0/(\d+)/message_templates.*", path):
            return 200, "application/json", json.dumps({"data": self.templates}).encode()
        if m := re.fullmatch(r"/v21\.0/(\d+)", path):
            media_id = m.group(1)
            if media_id not in self.media:
                return graph_error(100, "Unsupported get request.", status=400)
            declared, content = self.media[media_id]
            body = {
                "messaging_product": "whatsapp",
                "url": f"{self.base}/files/{media_id}",
                "mime_type": declared,
                "sha256": "HgDpUDVBOWMvJ3a6mLKh2o0lI9lBb6MAkJv1Ub3W7nA=",
                "file_size": str(len(content)),
                "id": media_id,
            }
            return 200, "application/json", json.dumps(body).encode()
        return 404, "application/json", b'{"error": {"message": "unknown path", "code": 803}}'

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def graph():
    server = GraphStandIn()
    yield server
    server.close()


@pytest.fixture
def account(db, graph) -> Account:
    return Account.objects.create(
        phone_number_id=PHONE_NUMBER_ID,
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        access_token=ACCESS_TOKEN,
        api_base=graph.base,
        waba_id="102290129340398",
    )


@pytest.fixture
def post_webhook(client, account):
    """POST a body to the webhook, signed with the app secret unless told otherwise."""

    def post(body: bytes | str, signature: str | None = None):
        if isinstance(body, str):
            body = fixture(body)
        header = sign(APP_SECRET, body) if signature is None else signature
        return client.post(
            "/channels/whatsapp/webhook",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": header} if header else {},
        )

    return post


def text_payload(wamid: str, text: str, at: float, sender: str = "31612345678") -> bytes:
    """The text fixture with another id, text, time and sender."""
    data = json.loads(fixture("text"))
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    value["messages"][0].update(
        {"id": wamid, "from": sender, "timestamp": str(int(at)), "text": {"body": text}}
    )
    return json.dumps(data).encode()


def status_payload(wamid: str, status: str, errors: list | None = None) -> bytes:
    data = json.loads(fixture(f"status_{status}"))
    entry = data["entry"][0]["changes"][0]["value"]["statuses"][0]
    entry["id"] = wamid
    if errors is not None:
        entry["errors"] = errors
    return json.dumps(data).encode()


@pytest.fixture
def customer_writes(post_webhook, run_intake, service):
    """The customer sends a WhatsApp message (signed, through the webhook) `ago` seconds ago."""

    def write(text: str = "Hallo", ago: float = 60, wamid: str = "", sender: str = "31612345678"):
        import time

        from bereikbaar.conversations.models import Message

        wamid = wamid or f"wamid.IN-{time.time_ns()}"
        assert post_webhook(text_payload(wamid, text, time.time() - ago, sender)).status_code == 200
        run_intake()
        return Message.objects.get(channel="whatsapp", provider_id=wamid)

    return write
