"""A Twilio REST stand-in on 127.0.0.1 for provider-side deletion: it holds messages, calls
and their recordings, answers DELETE with 204 (404 once gone, or for another account's
credentials), lists a call's recordings as Twilio pages them, and records every request."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID = "AC" + "7" * 32
AUTH_TOKEN = "erasure-tests-auth-token-0123456"
API = f"/2010-04-01/Accounts/{ACCOUNT_SID}"


def twilio_error(status: int, code: int, message: str) -> tuple[int, bytes]:
    body = {"code": code, "message": message, "status": status}
    body["more_info"] = f"https://www.twilio.com/docs/errors/{code}"
    return status, json.dumps(body).encode()


class TwilioDeletes:
    def __init__(self) -> None:
        self.messages: set[str] = set()
        self.recordings: dict[str, list[str]] = {}  # CallSid → RecordingSids
        self.requests: list[dict] = []
        self.queue: list[tuple[int, bytes]] = []  # answers to give first (errors)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.handle(self)

            def do_DELETE(self):
                outer.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deletes(self) -> list[str]:
        return [r["path"] for r in self.requests if r["method"] == "DELETE"]

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        auth = handler.headers.get("Authorization", "")
        user = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        record = {"method": handler.command, "path": handler.path, "auth": user}
        self.requests.append(record)
        status, body = self.answer(record)
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def answer(self, record: dict) -> tuple[int, bytes]:
        if record["auth"] != f"{ACCOUNT_SID}:{AUTH_TOKEN}":
            return twilio_error(401, 20003, "Authenticate")
        if self.queue:
            return self.queue.pop(0)
        path = record["path"].split("?")[0]
        if record["method"] == "DELETE" and path.startswith(f"{API}/Messages/"):
            return self._remove(self.messages, path)
        if record["method"] == "DELETE" and path.startswith(f"{API}/Recordings/"):
            everything = {sid for sids in self.recordings.values() for sid in sids}
            status, body = self._remove(everything, path)
            for sids in self.recordings.values():
                sids[:] = [s for s in sids if s in everything]
            return status, body
        if record["method"] == "GET" and path.endswith("/Recordings.json"):
            call = path.split("/")[-2]
            if call not in self.recordings:
                return twilio_error(404, 20404, "The requested resource was not found")
            return 200, self.page(call, path)
        return twilio_error(404, 20404, "The requested resource was not found")

    def _remove(self, held: set[str], path: str) -> tuple[int, bytes]:
        sid = path.split("/")[-1].removesuffix(".json")
        if sid not in held:
            return twilio_error(404, 20404, f"The requested resource {path} was not found")
        held.discard(sid)
        return 204, b""

    def page(self, call: str, path: str) -> bytes:
        items = [
            {"sid": sid, "call_sid": call, "account_sid": ACCOUNT_SID, "status": "completed"}
            for sid in self.recordings[call]
        ]
        meta = {"page": 0, "page_size": 50, "uri": path, "next_page_uri": None}
        return json.dumps({"recordings": items, **meta}).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
