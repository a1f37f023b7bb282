"""Through the real API channel and intake worker: one person asks by e-mail, then from a phone
number we do not know yet, naming their e-mail address. bereikbaar suggests (never merges), the
agent merges, and the two conversations become one case with its explanation."""

from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.suggest import from_text
from bereikbaar.conversations.models import Conversation
from bereikbaar.stories.caselink import link_concurrent, links_for


def test_two_channels_one_person_one_case(post_inbound, run_intake, anna):
    r1 = post_inbound(
        "mail-1",
        "Goedemiddag, waar blijft bestelling 482913? Ik heb nog niets ontvangen.",
        email="karin@example.nl",
        name="Karin de Vries",
    )
    r2 = post_inbound(
        "app-1",
        "waar blijft mn pakket?? 482913 (karin@example.nl)",
        phone="+31612345678",
        name="Karin",
    )
    assert r1.status_code in (200, 201, 202) and r2.status_code in (200, 201, 202)
    run_intake()
    assert Contact.objects.count() == 2  # different identities: not merged silently
    by_mail = Contact.objects.get(identities__kind="email")
    by_phone = Contact.objects.get(identities__kind="phone")
    texts = by_phone.conversations.get().messages.values_list("text", flat=True)
    [suggestion] = from_text(by_phone, texts[0])
    assert suggestion.contact == by_mail and "karin@example.nl" in suggestion.evidence[0]

    merge(by_mail, by_phone, by=anna)
    first = by_mail.conversations.order_by("created_at").first()
    second = by_mail.conversations.order_by("created_at").last()
    [made] = link_concurrent(second)
    assert made.case_id == first.pk
    assert first.messages.count() == 2
    assert Conversation.objects.filter(contact=by_mail, status="open").count() == 1
    [shown] = links_for(first)
    assert shown.explanation.startswith("ook gevraagd via API")
    assert any("482913" in e for e in shown.evidence)
