"""Drive an ASGI door (fastdoor.py) with a fake receive/send, as uvicorn would."""

import asyncio
import json


def drive(door, path: str, body: bytes, headers: dict[str, str], chunk: int = 0):
    """POST `body` in `chunk`-sized pieces (0: at once); returns (status, JSON body, headers)."""
    raw = [(b"content-type", b"application/json")]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {"type": "http", "method": "POST", "path": path, "headers": raw}
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] if chunk else [body]
    events = [
        {"type": "http.request", "body": piece, "more_body": n < len(pieces) - 1}
        for n, piece in enumerate(pieces)
    ]
    sent = []

    async def receive():
        return events.pop(0) if events else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    assert door.matches(scope)
    asyncio.run(door.app(scope, receive, send))
    start, answer = sent
    assert start["type"] == "http.response.start"
    assert answer["type"] == "http.response.body"
    return start["status"], json.loads(answer["body"]), dict(start["headers"])
