"""Which WhatsApp number, Twilio number or CTI line the simulator plays against; what to tell
the person when there is none; and, for staff, a clearly labelled demo account with made-up
credentials (its replies go to 127.0.0.1:9, the discard port, so nothing leaves the machine and
the agent sees the delivery fail honestly)."""

import secrets

from django.utils.translation import gettext_lazy

from bereikbaar.channels.sms.models import Account as SmsAccount
from bereikbaar.channels.voice.models import Line
from bereikbaar.channels.whatsapp.models import Account as WhatsAppAccount

NOWHERE = "http://127.0.0.1:9"  # the discard port: demo accounts never reach a real provider
DEMO_SMS_NUMBER = "+3197010000000"

HOW_TO = {
    "whatsapp": gettext_lazy(
        "Er is nog geen WhatsApp-nummer. Zet er een op met: bereikbaar channel add whatsapp "
        "--phone-number-id ID --app-secret GEHEIM --verify-token T --access-token T "
        "(of in het beheer: WhatsApp-nummers)."
    ),
    "sms": gettext_lazy(
        "Er is nog geen Twilio-nummer voor sms. Zet er een op met: bereikbaar channel add "
        "twilio --account-sid AC… --auth-token T --number +31…"
        " (of in het beheer: Twilio-nummers)."
    ),
    "phone": gettext_lazy(
        "Er is nog geen CTI-telefoonlijn. Zet er een op met: bereikbaar channel add cti "
        "--token T (of in het beheer: Telefoonlijnen)."
    ),
}

DEMO_LABEL = {
    "whatsapp": gettext_lazy("Maak een demo-WhatsApp-nummer met nepgegevens"),
    "sms": gettext_lazy("Maak een demo-Twilio-nummer met nepgegevens"),
    "phone": gettext_lazy("Maak een demo-CTI-lijn"),
}


def whatsapp_account() -> WhatsAppAccount | None:
    return WhatsAppAccount.objects.exclude(app_secret="").order_by("id").first()


def sms_account() -> SmsAccount | None:
    return SmsAccount.objects.exclude(auth_token="").order_by("id").first()


def cti_line() -> Line | None:
    return Line.objects.filter(kind=Line.Kind.CTI).order_by("id").first()


def missing() -> dict[str, str]:
    """channel → how to set it up, for the channels the simulator cannot play yet."""
    found = {"whatsapp": whatsapp_account(), "sms": sms_account(), "phone": cti_line()}
    return {channel: str(HOW_TO[channel]) for channel, thing in found.items() if thing is None}


def create_demo(channel: str) -> None:
    """A demo account for `channel`, with made-up credentials that only this server knows."""
    if channel == "whatsapp":
        WhatsAppAccount.objects.get_or_create(
            phone_number_id="simulator-demo",
            defaults={
                "name": "WhatsApp (demo, nepgegevens)",
                "app_secret": secrets.token_urlsafe(24),
                "verify_token": secrets.token_urlsafe(16),
                "access_token": "demo-geen-echte-token",
                "api_base": NOWHERE,
            },
        )
    elif channel == "sms":
        SmsAccount.objects.get_or_create(
            number=DEMO_SMS_NUMBER,
            defaults={
                "name": "SMS (demo, nepgegevens)",
                "account_sid": "AC" + secrets.token_hex(16),
                "auth_token": secrets.token_hex(16),
                "api_base": NOWHERE,
            },
        )
    elif channel == "phone":
        Line.objects.get_or_create(
            name="Telefoon (demo-simulator)",
            defaults={"token": "simulator-" + secrets.token_urlsafe(16)},
        )
    else:
        raise ValueError(channel)
