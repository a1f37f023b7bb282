"""A loopback HTTP server for download tests: each path answers with a scripted status, headers
and a body that is generated lazily (a 30 MB body never exists in memory), and every request's
path and Authorization header is recorded. Used by the media tests of several channels."""

import hashlib
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 * 1024
Answer = tuple[int, dict[str, str], Iterable[bytes]]


def pattern(size: int, head: bytes = b"") -> Iterator[bytes]:
    """`size` bytes: `head`, then blocks that differ from each other (a shifted or repeated
    block would show in a byte-exact comparison). The same arguments give the same bytes."""
    sent = 0
    block = 0
    while sent < size:
        chunk = (head if block == 0 else b"") + hashlib.sha256(str(block).encode()).digest() * (
            CHUNK // 32
        )
        chunk = chunk[: min(CHUNK, size - sent)]
        sent += len(chunk)
        block += 1
        yield chunk


def gzipped_zeros(size: int) -> bytes:
    """A gzip stream that inflates to `size` zero bytes (about size / 1000 on the wire)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [packer.compress(b"\0" * CHUNK) for _ in range(size // CHUNK)]
    return b"".join(out) + packer.flush()


class BodyServer:
    """`routes[path] = answer`: an Answer, or a callable giving one per request."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer | Callable[[], Answer]] = {}
        self.seen: list[tuple[str, str | None]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.seen.append((self.path, self.headers.get("Authorization")))
                route = outer.routes.get(self.path, (404, {}, [b"not found"]))
                status, headers, body = route() if callable(route) else route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for chunk in body:
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what a size cap does

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
