"""Provider-side deletion on erasure: channels register a deleter, erasure records what to
delete, a task deletes it.

Erasure never waits for a provider and never fails because of one: inside the erasure's
transaction :func:`collect` asks every registered deleter which provider objects belong to the
person, stores one :class:`ProviderDeletion` row per object and enqueues one task each (the
database is the queue, so the rows and their tasks commit with the erasure or not at all).
The task calls the provider, retries transient failures with back-off and records the outcome:
done, gone (the provider had it no longer: a 404 counts as deleted) or failed with the answer.

An object is recorded once (unique kind + id): erasing again after a backup restore
(reapply_erasures) finds the rows already there and deletes nothing twice. This floor imports
no channel: channels register here, as they register senders in delivery.

A failed row stays failed until a superuser asks again (:func:`retry`, the admin's "try
again", e.g. after fixing the account's credentials): it is pending again with a fresh run of
tries, and the request is audited on the contact, as part of carrying out its erasure.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bereikbaar.contacts.audit import audit
from bereikbaar.contacts.models import AuditEntry, Contact
from bereikbaar.contacts.provider_copies import ProviderDeletion

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the back-off below: at most ~21 hours of waiting before "failed"


class DeleteFailed(Exception):
    """The provider did not delete it now; `permanent` says whether trying again can help."""

    def __init__(self, answer: str, *, permanent: bool = False) -> None:
        super().__init__(answer)
        self.permanent = permanent


@dataclass(frozen=True)
class Deleted:
    """What the provider answered: `gone` when it no longer had the object."""

    answer: str
    gone: bool = False


@dataclass(frozen=True)
class Deleter:
    # (account, object id) of every provider object of this contact; runs before the
    # contact's rows are erased, so it may read them.
    find: Callable[[Contact], Iterable[tuple[str, str]]]
    # Delete one object; raise DeleteFailed when it could not be deleted now.
    delete: Callable[[str, str], Deleted]


_deleters: dict[str, Deleter] = {}


def register(kind: str, deleter: Deleter) -> None:
    _deleters[kind] = deleter


def collect(contact: Contact) -> int:
    """Record and enqueue the deletion of every provider object of `contact` (inside the
    erasure's transaction). Returns how many new objects were recorded."""
    found = [
        ProviderDeletion(contact_id=contact.pk, kind=kind, account=account, object_id=object_id)
        for kind, deleter in _deleters.items()
        for account, object_id in dict.fromkeys(deleter.find(contact))
        if object_id
    ]
    if not found:
        return 0
    known = {
        (kind, object_id)
        for kind, object_id in ProviderDeletion.objects.filter(
            object_id__in=[f.object_id for f in found]
        ).values_list("kind", "object_id")
    }
    new = [f for f in found if (f.kind, f.object_id) not in known]
    for row in new:
        row.save()
        delete_copy.enqueue(row.pk)
    return len(new)


def retry(ids: Iterable[int], by=None, ip: str | None = None) -> int:
    """Set the failed rows among `ids` pending again and enqueue their tasks (in one
    transaction, so a row is never pending without its task); one audit line per contact,
    naming the rows and what the provider had answered. Returns how many were retried."""
    with transaction.atomic():
        rows = list(
            ProviderDeletion.objects.select_for_update()
            .filter(pk__in=list(ids), status=ProviderDeletion.Status.FAILED)
            .order_by("pk")
        )
        per_contact: dict[int, list[dict]] = {}
        for row in rows:
            per_contact.setdefault(row.contact_id, []).append(
                {"id": row.pk, "kind": row.kind, "object_id": row.object_id, "answer": row.answer}
            )
        ProviderDeletion.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=ProviderDeletion.Status.PENDING, attempts=0, finished_at=None
        )
        for row in rows:
            delete_copy.enqueue(row.pk)
        for contact_id, retried in per_contact.items():
            audit(by, AuditEntry.Action.ERASE, contact_id, {"provider_retry": retried}, ip=ip)
    return len(rows)


def backoff(attempt: int, rng: random.Random | None = None) -> timedelta:
    """Full jitter between 0 and 30·3ⁿ s, at most 6 hours: a message Twilio is still sending
    (error 20009) may take minutes, an outage hours."""
    ceiling = min(30 * 3**attempt, 6 * 3600)
    return timedelta(seconds=(rng or _jitter).uniform(0, ceiling))


_jitter = random.Random()


@task(queue_name="default")
def delete_copy(row_id: int, attempt: int = 0) -> str:
    row = ProviderDeletion.objects.filter(pk=row_id).first()
    if row is None or row.status != ProviderDeletion.Status.PENDING:
        return row.status if row else "missing"  # done already: a re-run deletes nothing twice
    deleter = _deleters.get(row.kind)
    try:
        if deleter is None:
            raise DeleteFailed(f"no deleter registered for {row.kind!r}", permanent=True)
        outcome = deleter.delete(row.account, row.object_id)
    except DeleteFailed as exc:
        return _failed(row, exc, attempt)
    row.status = ProviderDeletion.Status.GONE if outcome.gone else ProviderDeletion.Status.DONE
    _finish(row, outcome.answer)
    return row.status


def _failed(row: ProviderDeletion, exc: DeleteFailed, attempt: int) -> str:
    retry = not exc.permanent and attempt + 1 < MAX_ATTEMPTS
    with transaction.atomic():
        if retry:
            row.attempts = attempt + 1
            row.answer = str(exc)[:500]
            row.save(update_fields=["attempts", "answer"])
            delete_copy.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                row.pk, attempt + 1
            )
        else:
            row.status = ProviderDeletion.Status.FAILED
            _finish(row, str(exc))
    log.warning("provider deletion %s failed (attempt %d, retry=%s): %s", row, attempt, retry, exc)
    return row.status


def _finish(row: ProviderDeletion, answer: str) -> None:
    row.attempts += 1
    row.answer = answer[:500]
    row.finished_at = timezone.now()
    row.save(update_fields=["status", "attempts", "answer", "finished_at"])
