"""The chat widget's settings, edited in the admin: for now, which sites may run it (G6).

One row for the installation: bereikbaar has one widget (one embed code, one /widget.js), so
the embed code carries no widget key and the socket needs none. No row, or an empty list: any
site, as today. How an origin is compared is in origins.py.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.channels.webchat.origins import site


class WidgetSettings(models.Model):
    allowed_origins = models.TextField(
        _("toegestane websites"),
        blank=True,
        help_text=_(
            "Eén website per regel, met schema en zonder pad, bijvoorbeeld "
            "https://www.zonnestroom.nl of https://*.zonnestroom.nl (alle subdomeinen). "
            "Leeg: de chat werkt op elke website."
        ),
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chatwidget")
        verbose_name_plural = _("chatwidget")

    def __str__(self) -> str:
        return str(_("chatwidget"))

    def entries(self) -> list[str]:
        return [line.strip() for line in self.allowed_origins.splitlines() if line.strip()]

    def clean(self) -> None:
        wrong = [entry for entry in self.entries() if site(entry) is None]
        if wrong:
            raise ValidationError(
                {
                    "allowed_origins": _(
                        "Geen website (schema://host[:poort], of https://*.domein.nl): %(wrong)s"
                    )
                    % {"wrong": ", ".join(wrong[:5])}
                }
            )

    @classmethod
    def listed(cls) -> list[str]:
        """Every site listed in the admin (all rows, though the admin keeps one)."""
        rows = cls.objects.values_list("allowed_origins", flat=True)
        return [e.strip() for text in rows for e in text.splitlines() if e.strip()]
