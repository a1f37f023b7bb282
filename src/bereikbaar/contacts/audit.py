"""The audit log: one row per view, export, merge, unmerge or erasure of a contact."""

from bereikbaar.contacts.models import AuditEntry


def audit(
    actor, action: str, contact_id: int, detail: dict | None = None, ip: str | None = None
) -> AuditEntry:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor, action=action, contact_id=contact_id, detail=detail or {}, ip=ip or None
    )


def history(contact_id: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(contact_id=contact_id).select_related("actor"))
