"""Helpers for the visitor socket: the real ASGI stack, a foreign origin (the widget lives on
other sites), and one event loop per test body."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from bereikbaar.asgi import application
from bereikbaar.channels.webchat import limits
from bereikbaar.intake.worker import drain

HOST_SITE = (b"origin", b"https://www.zonnestroom.example")


@pytest.fixture(autouse=True)
def _fresh_limits():
    limits.reset()
    yield
    limits.reset()


def run(coroutine_function):
    async_to_sync(coroutine_function)()


def chat(ip: str = "203.0.113.5") -> WebsocketCommunicator:
    ws = WebsocketCommunicator(application, "/ws/chat/", headers=[HOST_SITE])
    ws.scope["client"] = (ip, 50000)
    return ws


async def open_chat(token: str = "", ip: str = "203.0.113.5", **hello) -> tuple:
    ws = chat(ip)
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "hello", "token": token, "lang": "nl"} | hello)
    welcome = await ws.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome"
    return ws, welcome


async def send_message(ws, client_id: str, text: str, **extra) -> dict:
    await ws.send_json_to({"type": "message", "client_id": client_id, "text": text, **extra})
    return await ws.receive_json_from(timeout=5)


intake = database_sync_to_async(drain)


ALWAYS = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def open_now(service):
    """The default team open around the clock (and on holidays), so 'online' depends on agents."""
    service.opening_hours = ALWAYS
    service.open_on_holidays = True
    service.save()
    return service
