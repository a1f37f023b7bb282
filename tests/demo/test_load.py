"""The demo organisation: the right cast, a realistic mix, consistent and repeatable."""

import io
import re
import stat

import pytest
from django.db.models import Count, Q
from django.test import override_settings

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import CannedResponse, Conversation, Message
from bereikbaar.demo.concurrent_stories import CONTACTS as STORY_CONTACTS
from bereikbaar.demo.concurrent_stories import CONVERSATIONS as STORY_CONVERSATIONS
from bereikbaar.demo.load import load_demo, print_logins, token_path
from bereikbaar.routing.models import AgentProfile, Team

CONTACTS, CONVERSATIONS = 30, 100
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db, tmp_path):
    with override_settings(
        DATA_DIR=tmp_path, BEREIKBAAR_API_CALLBACK_URL="", PASSWORD_HASHERS=FAST_HASHER
    ):
        load_demo(seed=7, contacts=CONTACTS, conversations=CONVERSATIONS, out=io.StringIO())
        yield tmp_path


def test_cast(demo):
    assert Team.objects.count() == 3
    assert Team.objects.filter(is_default=True).get().slug == "klantenservice"
    assert AgentProfile.objects.count() == 8
    assert AgentProfile.objects.filter(presence="online").exists()
    for profile in AgentProfile.objects.all():
        assert profile.teams.exists()
        assert "nl" in profile.languages
    assert Team.objects.annotate(n=Count("agents")).filter(n=0).count() == 0
    from django.contrib.auth import authenticate

    assert authenticate(username="admin", password="demo-admin-wachtwoord").is_superuser
    assert authenticate(username="sanne", password="demo") is not None
    assert CannedResponse.objects.count() >= 5


def test_counts_and_channel_mix(demo):
    assert Contact.objects.count() == CONTACTS + STORY_CONTACTS
    assert Conversation.objects.count() == CONVERSATIONS + STORY_CONVERSATIONS
    channels = set(Message.objects.filter(direction="inbound").values_list("channel", flat=True))
    assert {"phone", "email", "whatsapp", "sms", "webchat"} <= channels
    assert Message.objects.filter(direction="outbound").exists()
    assert Message.objects.filter(direction="note").exists()
    statuses = set(Conversation.objects.values_list("status", flat=True))
    assert {"resolved", "open"} <= statuses or {"resolved", "pending"} <= statuses


def test_some_customers_use_two_channels_at_once(demo):
    two = Conversation.objects.annotate(
        n=Count("messages__channel", filter=Q(messages__direction="inbound"), distinct=True)
    ).filter(n__gte=2)
    assert two.exists()


def test_identities_are_normalised(demo):
    for value in Identity.objects.filter(kind__in=["phone", "whatsapp"]).values_list(
        "value", flat=True
    ):
        assert re.fullmatch(r"\+316\d{8}", value), value
    for value in Identity.objects.filter(kind="email").values_list("value", flat=True):
        assert value == value.lower() and "@" in value
    live = Contact.objects.filter(merged_into__isnull=True)  # a merged record keeps nothing
    assert not live.annotate(n=Count("identities")).filter(n=0).exists()


def test_timestamps_are_consistent(demo):
    from django.utils import timezone

    now = timezone.now()
    # a conversation joined into a case gave its messages to that case
    for conversation in Conversation.objects.prefetch_related("messages"):
        if "gekoppeld" in conversation.tags:
            continue
        messages = list(conversation.messages.all())
        assert messages and messages[0].direction == "inbound"
        assert messages[0].created_at >= conversation.created_at
        assert all(m.created_at <= now for m in messages)
        assert conversation.contact.created_at <= conversation.created_at
        if conversation.first_response_at:
            assert conversation.first_response_at >= conversation.created_at
        if conversation.status == "resolved":
            assert conversation.resolved_at >= messages[-1].created_at
            assert conversation.assignee_id is not None
        else:
            assert conversation.resolved_at is None
    # one active story per customer, as ingest keeps it (Linda's two orders are two questions)
    active = Conversation.objects.filter(status__in=Conversation.ACTIVE).exclude(
        contact__identities__value="linda.vos@example.nl"
    )
    assert not active.values("contact").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_agents_keep_room_for_new_work(demo):
    for profile in AgentProfile.objects.select_related("user"):
        load = Conversation.objects.filter(
            assignee=profile.user, status__in=Conversation.ACTIVE
        ).count()
        assert load < profile.max_concurrent


def test_rerun_is_idempotent(demo):
    out = io.StringIO()
    before = (Contact.objects.count(), Conversation.objects.count(), Message.objects.count())
    with override_settings(DATA_DIR=demo):
        load_demo(seed=7, contacts=CONTACTS, conversations=CONVERSATIONS, out=out)
    after = (Contact.objects.count(), Conversation.objects.count(), Message.objects.count())
    assert before == after
    assert "al geladen" in out.getvalue()


def test_reset_loads_again_the_same(demo):
    subjects = list(Conversation.objects.order_by("id").values_list("subject", flat=True))
    with override_settings(DATA_DIR=demo):
        load_demo(
            seed=7, reset=True, contacts=CONTACTS, conversations=CONVERSATIONS, out=io.StringIO()
        )
    assert Team.objects.count() == 3 and AgentProfile.objects.count() == 8
    assert list(Conversation.objects.order_by("id").values_list("subject", flat=True)) == subjects


def test_token_file_and_logins(demo):
    with override_settings(DATA_DIR=demo, BEREIKBAAR_API_CALLBACK_URL=""):
        path = token_path()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        token = path.read_text().strip()
        assert token.startswith("bk_")
        out = io.StringIO()
        print_logins("0.0.0.0", 8123, out=out)
        text = out.getvalue()
    assert "admin / demo-admin-wachtwoord" in text
    assert token in text
    assert "http://127.0.0.1:8123/simulator/" in text
    assert "http://127.0.0.1:8123/demo/site/" in text  # the chat widget on a customer's site


def test_the_token_works_for_the_api(demo, client):
    token = (demo / "demo_token").read_text().strip()
    response = client.post(
        "/api/v1/inbound",
        data='{"external_id": "x1", "from": {"email": "klant@voorbeeld.nl"}, "text": "Hoi"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202


def test_concurrent_contacts_are_linked_and_explained(demo):
    from bereikbaar.contacts.suggest import from_text
    from bereikbaar.stories.models import CaseLink

    sanne = Contact.objects.get(identities__value="sanne.demir@example.nl")
    [link] = CaseLink.objects.filter(case__contact=sanne, undone_at__isnull=True)
    assert link.signal == "same_question"
    assert link.explanation == "ook gevraagd via API zojuist"  # the app message, joined now
    case = link.case
    channels = set(case.messages.values_list("channel", flat=True))
    assert channels == {"email", "api", "phone"}  # the app message moved in, the call joined
    # Linda asked about two different orders: merged, but not linked
    linda = Contact.objects.get(identities__value="linda.vos@example.nl")
    assert linda.conversations.filter(status__in=Conversation.ACTIVE).count() == 2
    assert not CaseLink.objects.filter(case__contact=linda).exists()
    # Ahmed is only suggested, with the evidence, never merged silently
    ahmed = Contact.objects.get(identities__value="ahmed.bakker@example.nl")
    mail = Message.objects.get(conversation__contact=ahmed, channel="email")
    [hint] = from_text(ahmed, mail.text)
    assert hint.contact.identities.get().value == "+31677889900"
    assert "+31677889900" in hint.evidence[0]
    assert ahmed.merged_into_id is None and hint.contact.merged_into_id is None


def test_the_simulator_can_play_every_channel_from_the_start(demo):
    from bereikbaar.demo import simulator_accounts

    assert simulator_accounts.missing() == {}
    assert simulator_accounts.whatsapp_account().api_base == simulator_accounts.NOWHERE
