"""Concurrent contacts of one customer become one case, explained, and one click undoes it."""

import datetime as dt

import pytest
from django.utils import timezone

from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.stories.caselink import LinkError, candidates, link, link_concurrent, unlink


def conv(contact, channel, text, minutes_ago=0, assignee=None):
    c = Conversation.objects.create(contact=contact, subject=text[:30], assignee=assignee)
    m = Message.objects.create(conversation=c, direction="inbound", channel=channel, text=text)
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Message.objects.filter(pk=m.pk).update(created_at=at)
    Conversation.objects.filter(pk=c.pk).update(last_message_at=at)
    c.refresh_from_db()
    return c


def test_same_question_on_two_channels_is_one_case(db, anna):
    karin = resolve([("email", "karin@example.nl"), ("whatsapp", "0612345678")], name="Karin")
    email = conv(karin, "email", "Waar blijft bestelling 482913? Nog niets ontvangen.", 4, anna)
    wa = conv(karin, "whatsapp", "waar blijft mn pakket?? 482913")
    found = candidates(wa)
    assert [c.conversation.pk for c in found] == [email.pk]
    assert found[0].signal == "same_question"
    assert found[0].explanation == "ook gevraagd via e-mail 4 minuten geleden"

    [made] = link_concurrent(wa)
    assert made.case_id == email.pk  # the first-asked case survives
    assert email.messages.count() == 2
    wa.refresh_from_db()
    assert wa.status == "resolved" and "gekoppeld" in wa.tags
    email.refresh_from_db()
    assert email.assignee == anna

    unlink(made)
    wa.refresh_from_db()
    assert wa.status == "open" and wa.messages.count() == 1 and email.messages.count() == 1


def test_different_order_numbers_stay_apart(db):
    karin = resolve([("email", "karin@example.nl")], name="Karin")
    conv(karin, "email", "Waar blijft bestelling 482913?", 3)
    other = conv(karin, "whatsapp", "Waar blijft bestelling 482977?")
    assert candidates(other) == []


def test_a_second_channel_within_the_window_is_linked_with_its_reason(db, anna):
    karin = resolve([("email", "karin@example.nl")], name="Karin")
    first = conv(karin, "email", "Mijn factuur klopt niet.", 10)
    call = conv(karin, "phone", "Inkomend gesprek", 0, anna)
    [cand] = candidates(call)
    assert cand.signal == "second_channel"
    record = link(first, call, cand.signal, cand.explanation, by=anna)
    first.refresh_from_db()
    assert first.assignee == anna  # one assignee: the case had none, takes the call's
    unlink(record)
    first.refresh_from_db()
    assert first.assignee is None


def test_after_a_contact_merge_the_concurrent_cases_can_be_linked(db):
    a = resolve([("email", "karin@example.nl")], name="Karin")
    b = resolve([("whatsapp", "0612345678")])
    email = conv(a, "email", "Ik wil mijn abonnement opzeggen.", 5)
    wa = conv(b, "whatsapp", "hoe kan ik opzeggen? abonnement stoppen")
    merge(a, b)
    [made] = link_concurrent(wa)
    assert made.case_id == email.pk


def test_bad_links_are_refused(db):
    a = resolve([("email", "a@example.nl")])
    b = resolve([("email", "b@example.nl")])
    ca, cb = conv(a, "email", "x"), conv(b, "email", "y")
    with pytest.raises(LinkError, match="zichzelf"):
        link(ca, ca)
    with pytest.raises(LinkError, match="hetzelfde contact"):
        link(ca, cb)
    ca2 = conv(a, "sms", "z")
    record = link(ca, ca2)
    with pytest.raises(LinkError, match="al gekoppeld"):
        link(ca2, ca)
    unlink(record)
    with pytest.raises(LinkError, match="al ongedaan"):
        unlink(record)


def test_undoing_the_merge_undoes_the_links_it_led_to(db):
    from bereikbaar.contacts.merge import unmerge
    from bereikbaar.stories.caselink import after_merge

    a = resolve([("email", "karin@example.nl")], name="Karin")
    b = resolve([("whatsapp", "0612345678")])
    email = conv(a, "email", "Waar blijft bestelling 482913?", 5)
    wa = conv(b, "whatsapp", "waar blijft mn pakket 482913")
    record = merge(a, b)
    [made] = after_merge(a.pk)
    assert made.case_id == email.pk and made.explanation == "ook gevraagd via WhatsApp zojuist"
    unmerge(record)
    wa.refresh_from_db()
    assert wa.contact_id == b.pk and wa.status == "open"
    assert list(wa.messages.values_list("text", flat=True)) == ["waar blijft mn pakket 482913"]
    assert email.messages.count() == 1
