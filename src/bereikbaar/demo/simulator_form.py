"""The simulator's form: who the customer is, on which channel, what they say — and for a
phone call, how long it rings and what happens then."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bereikbaar.contacts.normalise import InvalidIdentity, normalise

CHANNELS = [
    ("api", gettext_lazy("API-kanaal (zoals POST /api/v1/inbound)")),
    ("email", gettext_lazy("E-mail (echte SMTP naar onze ontvanger)")),
    ("whatsapp", gettext_lazy("WhatsApp (ondertekende webhook zoals Meta)")),
    ("sms", gettext_lazy("SMS (ondertekende webhook zoals Twilio)")),
    ("phone", gettext_lazy("Telefoon (gesprek via CTI, zoals een telefooncentrale)")),
]
NEEDS_PHONE = {"whatsapp", "sms", "phone"}
NEEDS_PHONE_TEXT = {
    "whatsapp": gettext_lazy("Een WhatsApp-bericht heeft een telefoonnummer nodig."),
    "sms": gettext_lazy("Een sms heeft een telefoonnummer nodig."),
    "phone": gettext_lazy("Een telefoongesprek heeft een telefoonnummer nodig."),
}


def agent_logins() -> list[str]:
    """Who can be asked to pick up: active agents, by login (what a PBX's CTI event names)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, agent__isnull=False)
        .order_by("username")
        .values_list("username", flat=True)
    )


def then_choices(logins: list[str]) -> list[tuple[str, str]]:
    return [
        ("wait", _("niets: ik kies zelf met de knoppen")),
        ("hangup", _("ik hang op (gemist gesprek)")),
        *[(f"answer:{login}", _("opnemen door %(login)s") % {"login": login}) for login in logins],
    ]


class CustomerForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Kanaal"), choices=CHANNELS, initial="api", required=False
    )
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200, required=False)
    address = forms.CharField(
        label=gettext_lazy("E-mailadres of telefoonnummer"),
        max_length=320,
        help_text=gettext_lazy("Hiermee herkent bereikbaar de klant, ook bij een volgend bericht."),
    )
    text = forms.CharField(
        label=gettext_lazy("Bericht"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=64 * 1024,
        required=False,
        help_text=gettext_lazy("Niet nodig voor een telefoongesprek."),
    )
    ring_seconds = forms.IntegerField(
        label=gettext_lazy("Laat zoveel seconden overgaan"),
        min_value=0,
        max_value=600,
        initial=10,
        required=False,
    )
    then = forms.ChoiceField(label=gettext_lazy("Daarna"), required=False)
    talk_seconds = forms.IntegerField(
        label=gettext_lazy("Gesprek duurt (seconden) na opnemen"),
        min_value=1,
        max_value=3600,
        initial=60,
        required=False,
    )

    CALL_FIELDS = ("ring_seconds", "then", "talk_seconds")

    def __init__(self, *args, logins: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["then"].choices = then_choices(agent_logins() if logins is None else logins)

    def message_fields(self):
        return [self[name] for name in self.fields if name not in self.CALL_FIELDS]

    def call_fields(self):
        return [self[name] for name in self.CALL_FIELDS]

    def clean_address(self) -> tuple[str, str]:
        raw = self.cleaned_data["address"].strip()
        kind = "email" if "@" in raw else "phone"
        try:
            return kind, normalise(kind, raw)
        except InvalidIdentity:
            if kind == "email":
                raise forms.ValidationError(_("Dit is geen geldig e-mailadres.")) from None
            raise forms.ValidationError(_("Dit is geen geldig telefoonnummer.")) from None

    def clean(self) -> dict:
        data = super().clean()
        channel = data["channel"] = data.get("channel") or "api"
        kind = (data.get("address") or ("", ""))[0]
        if channel == "email" and kind and kind != "email":
            self.add_error("address", _("Een e-mail heeft een e-mailadres nodig."))
        if channel in NEEDS_PHONE and kind and kind != "phone":
            self.add_error("address", str(NEEDS_PHONE_TEXT[channel]))
        if channel != "phone" and "text" in data and not data["text"].strip():
            self.add_error("text", _("Schrijf een bericht."))
        data["ring_seconds"] = 10 if data.get("ring_seconds") is None else data["ring_seconds"]
        data["talk_seconds"] = data.get("talk_seconds") or 60
        data["then"] = data.get("then") or "wait"
        return data
