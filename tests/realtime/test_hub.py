"""The hub: events made in a worker process reach the sockets of the serving process."""

import asyncio
import json
import socket

import pytest

from bereikbaar.realtime.hub import HubChannelLayer, socket_path


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 10))


async def listening() -> tuple[HubChannelLayer, asyncio.AbstractServer, str]:
    hub = HubChannelLayer()
    server = await hub.listen()
    assert server is not None
    channel = await hub.new_channel()
    await hub.group_add("team.service", channel)
    return hub, server, channel


def test_a_worker_process_s_event_reaches_the_server_s_group():
    async def scenario():
        hub, server, channel = await listening()
        worker = HubChannelLayer()  # as in another process: not serving
        await worker.group_send("team.service", {"type": "inbox.event", "event": "x", "n": 1})
        received = await hub.receive(channel)
        server.close()
        return received

    assert run(scenario()) == {"type": "inbox.event", "event": "x", "n": 1}


def test_without_a_hub_events_are_delivered_in_this_process():
    async def scenario():
        layer = HubChannelLayer()
        channel = await layer.new_channel()
        await layer.group_add("team.service", channel)
        await layer.group_send("team.service", {"type": "inbox.event", "n": 2})
        return await layer.receive(channel)

    assert not socket_path().exists()
    assert run(scenario())["n"] == 2


def test_a_line_that_is_not_an_event_is_dropped_and_the_hub_keeps_listening():
    async def scenario():
        hub, server, channel = await listening()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
            raw.connect(str(socket_path()))
            raw.sendall(b"<script>not json</script>\n")
            raw.sendall(json.dumps(["team.service", {"type": "inbox.event", "n": 3}]).encode())
            raw.sendall(b"\n")
            received = await hub.receive(channel)
        server.close()
        return received

    assert run(scenario())["n"] == 3


def test_a_socket_left_by_a_crashed_server_is_replaced():
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(socket_path()))
    stale.close()  # the file stays; nobody listens on it

    async def scenario():
        hub, server, channel = await listening()
        await HubChannelLayer().group_send("team.service", {"type": "inbox.event", "n": 4})
        received = await hub.receive(channel)
        server.close()
        return received

    assert run(scenario())["n"] == 4


def test_a_second_server_on_one_data_dir_does_not_take_over():
    async def scenario():
        _hub, server, _channel = await listening()
        second = HubChannelLayer()
        taken = await second.listen()
        server.close()
        return taken, second.serving

    taken, serving = run(scenario())
    assert taken is None and serving is False


def test_a_worker_s_whole_commit_goes_to_the_hub_in_one_write_and_in_order():
    async def scenario():
        hub, server, channel = await listening()
        other = await hub.new_channel()
        await hub.group_add("team.billing", other)
        worker = HubChannelLayer()
        await worker.group_send_many(
            [
                ("team.service", {"type": "inbox.event", "n": 1}),
                ("team.billing", {"type": "inbox.event", "n": 2}),
                ("team.service", {"type": "inbox.event", "n": 3}),
            ]
        )
        got = [await hub.receive(channel), await hub.receive(channel), await hub.receive(other)]
        server.close()
        return [m["n"] for m in got]

    assert run(scenario()) == [1, 3, 2]
