import pytest
from hypothesis import given
from hypothesis import strategies as st

from bereikbaar.contacts.normalise import InvalidIdentity, normalise


@pytest.mark.parametrize(
    "raw",
    ["06-12345678", "+31612345678", "0031 6 1234 5678", "06 12 34 56 78", "+31 (0)6 12345678"],
)
def test_it_reads_dutch_mobile_numbers_as_one_identity(raw):
    assert normalise("phone", raw) == "+31612345678"


def test_it_keeps_foreign_numbers_foreign():
    assert normalise("phone", "+32 470 12 34 56") == "+32470123456"


def test_it_lowercases_emails_and_encodes_idna_domains():
    assert normalise("email", " Karin.Klant@Bücher.Example ") == "karin.klant@xn--bcher-kva.example"


@pytest.mark.parametrize("kind,raw", [("email", "geen-adres"), ("email", "a@"), ("phone", "abc")])
def test_it_refuses_what_is_no_identity(kind, raw):
    with pytest.raises(InvalidIdentity):
        normalise(kind, raw)


@given(st.text(max_size=40))
def test_it_never_crashes_on_any_text(raw):
    for kind in ("email", "phone", "webchat"):
        try:
            normalise(kind, raw)
        except InvalidIdentity:
            pass
