"""Reliability catalogue E2 for WhatsApp media (docs/reliability-map.md): a media URL on an
allowed host that redirects elsewhere is not followed, and the access token never leaves."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bereikbaar.channels.whatsapp import graph as graph_module
from bereikbaar.channels.whatsapp.media import fetch_media
from bereikbaar.channels.whatsapp.models import MediaDownload

from .conftest import JPEG


class Server:
    """A loopback HTTP server answering every GET with `answer(path)` and recording headers."""

    def __init__(self, answer) -> None:
        self.seen: list[tuple[str, str | None]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.seen.append((self.path, self.headers.get("Authorization")))
                status, headers, body = answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def elsewhere():
    server = Server(lambda path: (200, {"Content-Type": "image/jpeg"}, JPEG))
    yield server
    server.close()


@pytest.fixture
def redirector(elsewhere):
    # "localhost" is another host name than the allowed 127.0.0.1 of the configured API base
    target = {"Location": f"http://localhost:{elsewhere.port}/steal"}
    server = Server(lambda path: (302, target, b""))
    yield server
    server.close()


def test_e2_a_redirect_off_the_allowed_hosts_is_refused_and_the_token_kept(
    post_webhook, run_intake, service, redirector, elsewhere, monkeypatch
):
    assert post_webhook("image").status_code == 200
    run_intake()
    download = MediaDownload.objects.get()
    url = f"http://127.0.0.1:{redirector.port}/files/1"  # on the API base's host: allowed
    monkeypatch.setattr(graph_module, "call", lambda *a, **k: {"url": url})
    assert fetch_media.call(download.pk) == "failed"
    download.refresh_from_db()
    assert "redirect" in download.error
    assert redirector.seen == [("/files/1", "Bearer EAAG-test-token")]
    assert elsewhere.seen == []  # neither followed nor handed the token
