"""GET /api/v1/health and `bereikbaar health` (catalogue M1): a monitor sees when intake is
behind, down, or has rows waiting for a person — and learns no one's name from it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from bereikbaar.cli import main
from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain
from tests.intake.test_reliability_db_outage import database_unreachable


def payload(external_id: str, email: str = "karin@example.nl") -> bytes:
    body = {"external_id": external_id, "from": {"email": email}, "text": "Hallo"}
    return json.dumps(body).encode()


def test_all_filed_is_ok_without_a_token(client, service):
    accept("api", "h1", payload("h1"))
    drain()
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "waiting": 0,
        "oldest_waiting_seconds": None,
        "quarantined": 0,
        "problems": [],
    }


def test_a_row_waiting_over_a_minute_is_degraded_but_still_200(client, service):
    accepted = accept("api", "h2", payload("h2"))
    accept("api", "h3", payload("h3", email="piet@example.nl"))
    response = client.get("/api/v1/health")
    assert response.json()["status"] == "ok"  # just arrived: the worker is on it
    Inbound.objects.filter(pk=accepted.id).update(received_at=timezone.now() - timedelta(minutes=3))
    response = client.get("/api/v1/health")
    assert response.status_code == 200  # it still stores: keep it in the load balancer
    report = response.json()
    assert report["status"] == "degraded"
    assert report["waiting"] == 2 and report["oldest_waiting_seconds"] >= 180
    assert "worker" in report["problems"][0]


def test_a_quarantined_row_is_degraded_and_names_nobody(client, service):
    accept("pigeon", "p1", b'{"from": "karin@example.nl"}')
    drain()
    response = client.get("/api/v1/health")
    report = response.json()
    assert report["status"] == "degraded" and report["quarantined"] == 1
    assert "quarantine" in report["problems"][0]
    assert b"karin" not in response.content


def test_an_unreachable_database_is_503(client, service):
    with database_unreachable():
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


@pytest.mark.parametrize(
    ("setup", "code", "seen"),
    [("filed", 0, "intake: ok"), ("quarantined", 1, "intake: degraded")],
)
def test_the_command_exits_as_monitoring_plugins_expect(service, capsys, setup, code, seen):
    accept("api", "c1", payload("c1"))
    if setup == "quarantined":
        accept("pigeon", "p1", b"coo")
    drain()
    assert main(["health"]) == code
    out = capsys.readouterr().out
    assert seen in out
    assert "api" in out  # the per-channel table
    assert main(["health", "--json"]) == code
    assert json.loads(capsys.readouterr().out)["status"] == seen.split(": ")[1]


def test_the_command_says_down_with_exit_2(service, capsys):
    with database_unreachable():
        assert main(["health"]) == 2
    assert "intake: down" in capsys.readouterr().out
