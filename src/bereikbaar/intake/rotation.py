"""Secret rotation for the channels' webhooks: a previous secret counts until a moment.

A provider signs with the new secret only after the switch, and retries with the old one for a
while; each channel keeps its secret, a previous one and `previous_valid_until`. The rule and
the admin section for it are the same for every channel, so they live here, at the door.
"""

from datetime import datetime

from django.utils.translation import gettext_lazy as _


def in_force(current: str, previous: str, valid_until: datetime | None, now: datetime) -> list:
    """The secrets a webhook may be signed with at `now`: the current one, and the previous
    one until its window closes (no date: it does not count)."""
    secrets = [current] if current else []
    if previous and valid_until is not None and now < valid_until:
        secrets.append(previous)
    return secrets


class RotationFieldsets:
    """A ModelAdmin mixin: the rotation fields in a section of their own, with the steps."""

    rotation_fields: tuple[str, ...] = ()
    rotation_steps = ""

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if f not in self.rotation_fields]
        rotation = {"fields": self.rotation_fields, "description": self.rotation_steps}
        return [(None, {"fields": fields}), (_("Sleutelwissel"), rotation)]
