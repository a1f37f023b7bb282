"""Catalogue L6 for the phone: erasing a caller deletes their calls' recordings at Twilio
(listed per call, then deleted one by one); a PBX call has no Twilio copy to delete."""

import pytest
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.contacts.privacy import erase
from bereikbaar.contacts.provider_copies import ProviderDeletion
from bereikbaar.contacts.provider_erasure import delete_copy
from bereikbaar.contacts.resolve import resolve
from tests.contacts.twilio_standin import ACCOUNT_SID, API, AUTH_TOKEN, TwilioDeletes, twilio_error

pytestmark = pytest.mark.django_db

CALL = "CA" + "1" * 32
REC_1, REC_2 = "RE" + "2" * 32, "RE" + "3" * 32


@pytest.fixture
def twilio():
    server = TwilioDeletes()
    yield server
    server.close()


@pytest.fixture
def caller(service):
    return resolve([("phone", "0612345678")], name="Piet")


def twilio_line(twilio) -> Line:
    return Line.objects.create(
        name="Zonnestroom",
        kind=Line.Kind.TWILIO,
        token="twilio:+31201234567",
        number="+31201234567",
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base=twilio.base,
    )


def run(row: ProviderDeletion) -> str:
    DBTaskResult.objects.all().delete()
    return delete_copy.call(row.pk)


def test_it_deletes_every_recording_of_the_call_and_names_them(caller, twilio):
    Call.objects.create(line=twilio_line(twilio), call_id=CALL, contact=caller)
    twilio.recordings[CALL] = [REC_1, REC_2]
    erase(caller)
    row = ProviderDeletion.objects.get()
    assert (row.kind, row.account, row.object_id) == ("twilio_call_recordings", ACCOUNT_SID, CALL)
    assert run(row) == "done"
    assert twilio.requests[0]["path"] == f"{API}/Calls/{CALL}/Recordings.json"
    assert twilio.deletes() == [f"{API}/Recordings/{REC_1}.json", f"{API}/Recordings/{REC_2}.json"]
    row.refresh_from_db()
    assert row.answer == f"204 {REC_1}, {REC_2}"


def test_a_recording_already_gone_is_named_as_gone(caller, twilio):
    Call.objects.create(line=twilio_line(twilio), call_id=CALL, contact=caller)
    twilio.recordings[CALL] = [REC_1]
    erase(caller)
    row = ProviderDeletion.objects.get()
    listed = f"{API}/Calls/{CALL}/Recordings.json"
    twilio.queue.append((200, twilio.page(CALL, listed)))  # listed, then deleted elsewhere
    twilio.recordings[CALL] = []  # deleted meanwhile (in Twilio's console)
    assert run(row) == "gone"
    row.refresh_from_db()
    assert row.answer == f"404 {REC_1}"


def test_a_call_still_in_progress_is_tried_again_later(caller, twilio):
    Call.objects.create(line=twilio_line(twilio), call_id=CALL, contact=caller)
    twilio.recordings[CALL] = [REC_1]
    erase(caller)
    row = ProviderDeletion.objects.get()
    twilio.queue.append(
        twilio_error(409, 20009, "Cannot delete this resource before it is complete")
    )
    assert run(row) == "pending"
    assert DBTaskResult.objects.get().args_kwargs["args"] == [row.pk, 1]
    assert twilio.recordings[CALL] == [REC_1]


def test_a_pbx_call_has_no_twilio_copy(caller, twilio):
    pbx = Line.objects.create(name="Centrale", token="pbx-1", number="+31201234567")
    Call.objects.create(line=pbx, call_id="c1", contact=caller)
    erase(caller)
    assert not ProviderDeletion.objects.exists()
    assert twilio.requests == []
