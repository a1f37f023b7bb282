"""One spelling per identity, so 06-12345678 and +31 6 1234 5678 are the same person."""

import phonenumbers

DEFAULT_REGION = "NL"


class InvalidIdentity(ValueError):
    """The value cannot be an identity of this kind (says why, for a 4xx or a quarantine)."""


def normalise_email(value: str) -> str:
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or " " in value:
        raise InvalidIdentity(f"not an email address: {value!r}")
    try:
        domain = domain.strip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidIdentity(f"the domain of {value!r} is not a valid host name") from None
    return f"{local.lower()}@{domain.lower()}"


def normalise_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164, reading national numbers as Dutch unless they say otherwise."""
    raw = value.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentity(f"not a phone number: {value!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidIdentity(f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise(kind: str, value: str) -> str:
    if kind == "email":
        return normalise_email(value)
    if kind in ("phone", "whatsapp"):
        return normalise_phone(value)
    value = value.strip()
    if not value:
        raise InvalidIdentity(f"an empty {kind} identity")
    return value
