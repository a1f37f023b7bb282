"""Reliability catalogue F2 for POST /api/v1/inbound (docs/reliability-map.md): a body nested
deeper than the JSON parser's recursion limit is a 400 on both doors, never a 500."""

from bereikbaar.api.inbound import handle_post
from bereikbaar.intake.models import Inbound

DEEP = b'{"external_id": "x", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def test_f2_deep_json_through_django_is_400(client, token):
    response = client.post(
        "/api/v1/inbound",
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert not Inbound.objects.exists()


def test_f2_deep_json_through_the_fast_path_is_400(db, token):
    status, data = handle_post(DEEP, f"Bearer {token}")
    assert status == 400, data
    assert not Inbound.objects.exists()
