"""The API channel's customer system on loopback, for the outbox tests: a real HTTP server that
records what it receives and answers with the status the test sets."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings


class Callback:
    """A customer system on loopback that records what it receives and answers `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, dict]] = []
        self.status = 200
        self.delay = 0.0  # seconds before each answer: a slow customer system
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), json.loads(body), body))
                time.sleep(outer.delay)
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def callback():
    server = Callback()
    with override_settings(
        BEREIKBAAR_API_CALLBACK_URL=server.url, BEREIKBAAR_API_CALLBACK_SECRET="s3cret"
    ):
        yield server
    server.close()
