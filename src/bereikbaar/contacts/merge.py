"""merge() and unmerge(): two records of one person become one, and back, exactly.

Everything that belongs to a contact moves in one transaction. What lives on this floor
(identities, consents, preferences, the contact's own fields) is moved here; what lives on
higher floors (conversations and their messages) is moved by *movers* those floors register
with :func:`register_mover` (contacts never imports them). The MergeRecord stores the ids each
mover moved, so :func:`unmerge` moves back exactly those and nothing that arrived later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bereikbaar.contacts.audit import audit
from bereikbaar.contacts.models import AuditEntry, Consent, Contact, Identity, MergeRecord

MERGEABLE_FIELDS = ("name", "language")


class MergeError(ValueError):
    """The merge (or undo) cannot happen; the message says why, for the agent."""


@dataclass(frozen=True)
class Mover:
    """Moves one kind of thing from one contact to another and back, by id."""

    move: Callable[[Contact, Contact], list[int]]  # (from, to) -> ids moved
    move_back: Callable[[list[int], Contact], None]  # (ids, to)


_MOVERS: dict[str, Mover] = {}


def register_mover(name: str, mover: Mover) -> None:
    _MOVERS[name] = mover


def _identity_mover() -> Mover:
    def move(src: Contact, dst: Contact) -> list[int]:
        ids = list(Identity.objects.filter(contact=src).values_list("pk", flat=True))
        Identity.objects.filter(pk__in=ids).update(contact=dst)
        return ids

    def back(ids: list[int], dst: Contact) -> None:
        Identity.objects.filter(pk__in=ids).update(contact=dst)

    return Mover(move, back)


def _consent_mover() -> Mover:
    def move(src: Contact, dst: Contact) -> list[int]:
        ids = list(Consent.objects.filter(contact=src).values_list("pk", flat=True))
        Consent.objects.filter(pk__in=ids).update(contact=dst)
        return ids

    def back(ids: list[int], dst: Contact) -> None:
        Consent.objects.filter(pk__in=ids).update(contact=dst)

    return Mover(move, back)


register_mover("identities", _identity_mover())
register_mover("consents", _consent_mover())


def _lock(*pks: int) -> dict[int, Contact]:
    """Lock both rows in id order (so two merges of the same pair cannot deadlock or interleave)."""
    rows = Contact.objects.select_for_update().filter(pk__in=sorted(pks)).order_by("pk")
    return {c.pk: c for c in rows}


def merge(
    survivor: Contact | int,
    other: Contact | int,
    chosen: dict[str, str] | None = None,
    by=None,
) -> MergeRecord:
    """Merge ``other`` into ``survivor``. ``chosen`` picks field values on conflict
    (``{"name": "Karin de Vries"}``); without a choice the survivor's non-empty value wins and
    an empty one is filled from ``other`` (combined, never dropped: other stays readable in the
    record and comes back on undo)."""
    s_pk = survivor if isinstance(survivor, int) else survivor.pk
    o_pk = other if isinstance(other, int) else other.pk
    if s_pk == o_pk:
        raise MergeError("een contact kan niet met zichzelf worden samengevoegd")
    chosen = chosen or {}
    unknown = set(chosen) - set(MERGEABLE_FIELDS)
    if unknown:
        raise MergeError(f"onbekende velden: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _lock(s_pk, o_pk)
        if len(locked) != 2:
            raise MergeError("contact bestaat niet (meer)")
        s, o = locked[s_pk], locked[o_pk]
        for c in (s, o):
            if c.merged_into_id:
                raise MergeError(f"contact #{c.pk} is al samengevoegd met #{c.merged_into_id}")
            if c.erased_at:
                raise MergeError(f"contact #{c.pk} is gewist")
        fields = _combine(s, o, chosen)
        moved = {name: mover.move(o, s) for name, mover in _MOVERS.items()}
        moved["preference"] = _move_preference(o, s)
        o.merged_into = s
        o.save(update_fields=["merged_into"])
        record = MergeRecord.objects.create(survivor=s, merged=o, moved=moved, fields=fields, by=by)
        audit(by, AuditEntry.Action.MERGE, s.pk, {"merged": o.pk, "record": record.pk})
    return record


def _combine(s: Contact, o: Contact, chosen: dict[str, str]) -> dict[str, list[str]]:
    changed: dict[str, list[str]] = {}
    for name in MERGEABLE_FIELDS:
        before = getattr(s, name)
        if name in chosen:
            value = chosen[name]
            if value not in (before, getattr(o, name)):
                raise MergeError(f"{name}: kies de waarde van een van beide contacten")
        else:
            value = before or getattr(o, name)
        if value != before:
            changed[name] = [before, value]
            setattr(s, name, value)
    if changed:
        s.save(update_fields=list(changed))
    return changed


def _move_preference(src: Contact, dst: Contact) -> list[int]:
    """The survivor's own preferences win; the other's move only when it has none."""
    from bereikbaar.contacts.models import Preference

    if Preference.objects.filter(contact=dst).exists():
        return []
    ids = list(Preference.objects.filter(contact=src).values_list("pk", flat=True))
    Preference.objects.filter(pk__in=ids).update(contact=dst)
    return ids


def unmerge(record: MergeRecord | int, by=None) -> Contact:
    """Undo a merge exactly: what moved goes back, the survivor's fields are restored (unless
    changed since), the merged contact lives again. Returns the restored contact."""
    pk = record if isinstance(record, int) else record.pk
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=pk)
        if record.undone_at:
            raise MergeError("deze samenvoeging is al ongedaan gemaakt")
        locked = _lock(record.survivor_id, record.merged_id)
        s, o = locked[record.survivor_id], locked[record.merged_id]
        if s.merged_into_id:
            raise MergeError(
                f"contact #{s.pk} is daarna samengevoegd met #{s.merged_into_id}; "
                "maak eerst die samenvoeging ongedaan"
            )
        if s.erased_at:
            raise MergeError(f"contact #{s.pk} is gewist")
        for name, ids in record.moved.items():
            if name == "preference":
                from bereikbaar.contacts.models import Preference

                Preference.objects.filter(pk__in=ids).update(contact=o)
            elif name in _MOVERS:
                _MOVERS[name].move_back(ids, o)
        _consents_follow_numbers(s, o)
        restore = []
        for name, (before, after) in record.fields.items():
            if getattr(s, name) == after:
                setattr(s, name, before)
                restore.append(name)
        if restore:
            s.save(update_fields=restore)
        o.merged_into = None
        o.save(update_fields=["merged_into"])
        record.undone_at = timezone.now()
        record.save(update_fields=["undone_at"])
        audit(by, AuditEntry.Action.UNMERGE, s.pk, {"restored": o.pk, "record": record.pk})
    return o


def _consents_follow_numbers(survivor: Contact, restored: Contact) -> None:
    """Consent entries that arrived on the survivor after the merge from a number or address
    that goes back with the restored contact (a STOP sent from it meanwhile) go back too: the
    opt-out is that person's, and leaving it behind would let them be messaged again."""
    addresses = restored.identities.values_list("value", flat=True)
    Consent.objects.filter(contact=survivor, address__in=addresses).exclude(address="").update(
        contact=restored
    )
