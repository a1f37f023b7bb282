"""Catalogue H2 in the inbox: the "same contact moment" suggestions on a conversation page name
only cases this agent may open; another team's open case for the same customer is not shown
(not its number, not the evidence taken from its text)."""

import pytest

from bereikbaar.conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing_case(conversation, billing) -> Conversation:
    case = Conversation.objects.create(
        contact=conversation.contact, team=billing, subject="Factuur"
    )
    Message.objects.create(
        conversation=case,
        direction="inbound",
        channel="whatsapp",
        text="Mijn pakket is niet aangekomen",
    )
    return case


def test_h2_link_suggestions_never_name_another_teams_case(
    anna_client, alice, conversation, billing_case
):
    from tests.inbox.conftest import logged_in

    url = f"/conversations/{conversation.pk}/links/"
    as_admin = logged_in(alice).get(url).content.decode()
    assert f'name="other" value="{billing_case.pk}"' in as_admin  # the check can see it
    as_anna = anna_client.get(url)
    assert as_anna.status_code == 200
    assert f'value="{billing_case.pk}"' not in as_anna.content.decode()
    assert f"#{billing_case.pk}," not in as_anna.content.decode()
