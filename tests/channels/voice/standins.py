"""Local stand-ins on 127.0.0.1 for the two ways a call is placed: Twilio's REST Calls API
(form bodies, basic auth, JSON answers and Twilio's error bodies) and a PBX's click-to-dial
URL (JSON in, optional {"callId"} out, as 3CX / Asterisk bridges answer)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "12345678901234567890123456789012"
CALLS_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"


def twilio_error(status: int, code: int, message: str) -> tuple[int, bytes]:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return status, json.dumps(body).encode()


class StandIn:
    """A threaded HTTP server that records every request and answers from `answer()`, or
    from `queue` (status, body) first when a test wants an error."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.queue: list[tuple[int, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = outer.receive(self, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def receive(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, bytes]:
        record = {"path": handler.path, "headers": dict(handler.headers), "body": body}
        self.requests.append(record)
        if self.queue:
            return self.queue.pop(0)
        return self.answer(record)

    def answer(self, record: dict) -> tuple[int, bytes]:
        raise NotImplementedError

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class TwilioCalls(StandIn):
    """POST /2010-04-01/Accounts/{Sid}/Calls.json as Twilio answers it (201, a call resource)."""

    def __init__(self) -> None:
        super().__init__()
        self.placed = 0

    def receive(self, handler, body):
        auth = handler.headers.get("Authorization", "")
        user = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        if user != f"{ACCOUNT_SID}:{AUTH_TOKEN}":
            self.requests.append({"path": handler.path, "form": {}, "auth": user})
            return twilio_error(401, 20003, "Authenticate")
        return super().receive(handler, body)

    def answer(self, record: dict) -> tuple[int, bytes]:
        record["form"] = parse_qsl(record["body"].decode(), keep_blank_values=True)
        if record["path"] != CALLS_PATH:
            return twilio_error(404, 20404, "The requested resource was not found")
        form = dict(record["form"])
        if not form.get("Url") and not form.get("Twiml"):
            return twilio_error(400, 21205, "Url parameter is required.")
        self.placed += 1
        sid = f"CA{self.placed:032x}"
        return 201, json.dumps(
            {
                "sid": sid,
                "account_sid": ACCOUNT_SID,
                "api_version": "2010-04-01",
                "date_created": None,
                "direction": "outbound-api",
                "from": form.get("From"),
                "from_formatted": form.get("From"),
                "to": form.get("To"),
                "to_formatted": form.get("To"),
                "status": "queued",
                "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{sid}.json",
            }
        ).encode()

    def form(self, index: int = -1) -> dict[str, list[str]]:
        """The posted form of one request; repeated keys (StatusCallbackEvent) as lists."""
        out: dict[str, list[str]] = {}
        for key, value in self.requests[index]["form"]:
            out.setdefault(key, []).append(value)
        return out


class PbxDial(StandIn):
    """A PBX's click-to-dial endpoint: answers {"callId": "pbx-N"} like a bridge that names
    the call its CTI events will carry (or {} when `echo` is off, keeping ours)."""

    def __init__(self) -> None:
        super().__init__()
        self.own_ids = True

    def answer(self, record: dict) -> tuple[int, bytes]:
        record["json"] = json.loads(record["body"])
        if not self.own_ids:
            return 200, b"{}"
        return 200, json.dumps({"callId": f"pbx-{len(self.requests)}"}).encode()
