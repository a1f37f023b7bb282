"""The identity router (mounted by the lead in api/v1.py), driven through ninja's TestClient."""

import pytest
from ninja.testing import TestClient

from bereikbaar.api.errors import ApiError
from bereikbaar.api.identity import router
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Conversation, Message


@pytest.fixture
def api():
    return TestClient(router)


def test_suggest_merge_undo_and_errors(api, alice):
    a = resolve([("phone", "0612345678")], name="Karin")
    b = resolve([("whatsapp", "+31612345678")])
    found = api.get(f"/contacts/{a.pk}/suggestions", user=alice).json()["results"]
    assert found[0]["contact_id"] == b.pk and found[0]["evidence"]
    made = api.post(f"/contacts/{a.pk}/merge", json={"other": b.pk}, user=alice)
    assert made.status_code == 201
    with pytest.raises(ApiError) as refused:  # the v1 API turns this into its error shape
        api.post(f"/contacts/{a.pk}/merge", json={"other": a.pk}, user=alice)
    assert refused.value.status == 409 and "zichzelf" in refused.value.message
    undone = api.post(f"/merges/{made.json()['merge_id']}/undo", user=alice)
    assert undone.status_code == 200
    assert Contact.objects.get(pk=b.pk).merged_into_id is None


def test_link_and_undo(api, alice):
    k = resolve([("email", "k@example.nl")])
    c1 = Conversation.objects.create(contact=k)
    Message.objects.create(
        conversation=c1, direction="inbound", channel="email", text="Waar blijft 482913?"
    )
    c2 = Conversation.objects.create(contact=k)
    Message.objects.create(
        conversation=c2, direction="inbound", channel="whatsapp", text="waar blijft 482913??"
    )
    conc = api.get(f"/conversations/{c2.pk}/concurrent", user=alice).json()["results"]
    assert conc[0]["conversation"] == c1.pk and conc[0]["signal"] == "same_question"
    made = api.post(f"/conversations/{c2.pk}/link", json={"other": c1.pk}, user=alice).json()
    assert made["case"] == c1.pk and made["explanation"].startswith("ook gevraagd via WhatsApp")
    assert api.post(f"/links/{made['link_id']}/undo", user=alice).status_code == 200


def test_export_and_erase_are_for_admins(api, alice, anna):
    k = resolve([("email", "k@example.nl")], name="Karin")
    with pytest.raises(ApiError) as refused:
        api.get(f"/contacts/{k.pk}/export", user=anna)
    assert refused.value.status == 403
    assert api.get(f"/contacts/{k.pk}/export", user=alice).json()["contact"]["name"] == "Karin"
    assert api.post(f"/contacts/{k.pk}/erase", user=alice).json()["erased"]["identities"] == 1
    assert api.get(f"/contacts/{k.pk}/channels", user=alice).status_code == 200
