"""`bereikbaar demo`: a Dutch energy company with teams, agents, customers and eight weeks of
history, made deterministically from a seed and written with bulk inserts (a few seconds).

load_demo() is idempotent: when the demo organisation is there it only makes sure the API token
file exists. reset=True throws away contacts, conversations, messages and inbound rows first —
meant for a demo database, not for one with real customers in it.
"""

import io
import os
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bereikbaar.analytics.history import own_timestamps
from bereikbaar.api.models import ApiToken, hash_token
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import Attachment, CannedResponse, Conversation, Message
from bereikbaar.demo import content as C
from bereikbaar.demo.builder import Builder
from bereikbaar.demo.concurrent_stories import load_concurrent_stories
from bereikbaar.intake.models import Inbound
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()

TOKEN_FILE = "demo_token"


def token_path() -> Path:
    return Path(settings.DATA_DIR) / TOKEN_FILE


def demo_exists() -> bool:
    slugs = [slug for slug, _, _ in C.TEAMS]
    return Team.objects.filter(slug__in=slugs).count() == len(slugs)


def load_demo(
    seed: int = 7,
    reset: bool = False,
    contacts: int = 300,
    conversations: int = 1000,
    out: TextIO | None = None,
) -> None:
    """Load the demo organisation unless it is already there (then only the token is checked)."""
    out = out or sys.stdout
    if reset:
        _reset(out)
    if demo_exists():
        _ensure_token()
        _ensure_email_inbox()
        print("Demo-gegevens zijn al geladen (gebruik --reset om opnieuw te beginnen).", file=out)
        return
    started = timezone.now()
    print(f"Demo laden: {C.ORGANISATION} (seed {seed})", file=out)
    with transaction.atomic(), own_timestamps(Contact, Identity, Conversation, Message):
        Builder(random.Random(seed), started, out).build(contacts, conversations)
    _ensure_token()
    _ensure_email_inbox()
    _routing_setup(out)
    _help_articles(out)
    _demo_calls(random.Random(seed), out)
    _simulator_accounts()
    load_concurrent_stories(_ensure_token(), C.SUPPORT_ADDRESS, C.AGENTS[0][0], out)
    _analytics_history()
    seconds = (timezone.now() - started).total_seconds()
    print(f"Klaar in {seconds:.1f} s.", file=out)


def print_logins(host: str, port: int, out: TextIO | None = None) -> None:
    """Where to go and how to log in."""
    out = out or sys.stdout
    callback = settings.BEREIKBAAR_API_CALLBACK_URL
    base = f"http://{_reachable(host)}:{port}"
    agents = ", ".join(f"{username}" for username, *_ in C.AGENTS)
    lines = [
        "",
        f"bereikbaar demo — {C.ORGANISATION}",
        f"  inbox:          {base}/",
        f"  klantsimulator: {base}/simulator/",
        f"  demo-website:   {base}/demo/site/  (met de chatwidget)",
        f"  helpcentrum:    {base}/help/  ·  contact: {base}/contact/",
        f"  beheer:         {base}/admin/",
        f"  beheerder:      {C.ADMIN_USERNAME} / {C.ADMIN_PASSWORD}",
        f"  agenten:        {agents} (wachtwoord: {C.AGENT_PASSWORD})",
    ]
    token = _read_token()
    if token:
        lines.append(f"  API-token ({C.ADMIN_USERNAME}): {token}")
        lines.append(f"                  (ook in {token_path()})")
    if callback:
        lines.append(f"  antwoorden via het API-kanaal gaan naar {callback}")
    lines.append(
        f"  e-mail:         stuur naar {C.SUPPORT_ADDRESS} via smtp://127.0.0.1:"
        f"{settings.BEREIKBAAR_SMTP_PORT}"
    )
    lines.append("")
    print("\n".join(lines), file=out)


def _reachable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104


# --- the API token file ------------------------------------------------------------------------


def _read_token() -> str:
    path = token_path()
    if not path.exists():
        return ""
    token = path.read_text().strip()
    if not ApiToken.objects.filter(key_hash=hash_token(token)).exists():
        return ""
    return token


DE_ESCALATORS = ("sanne", "jeroen", "mohammed")
SLA_POLICIES = [
    # name, channel, first response, resolution (minutes, in business hours)
    ("Telefoon", "phone", 2, 60 * 8),
    ("Chat", "webchat", 2, 60 * 8),
    ("WhatsApp", "whatsapp", 30, 60 * 16),
    ("SMS", "sms", 60, 60 * 16),
    ("E-mail", "email", 60 * 4, 60 * 24),
]


def _routing_setup(out: TextIO) -> None:
    """De-escalation skills, SLA policies, and signals for the bulk-loaded history."""
    from bereikbaar.routing import sla
    from bereikbaar.routing.models import SlaPolicy
    from bereikbaar.routing.triage import backfill

    for profile in AgentProfile.objects.filter(user__username__in=DE_ESCALATORS):
        profile.skills = sorted({*profile.skills, "de-escalation"})
        profile.save(update_fields=["skills"])
    for name, channel, first, resolution in SLA_POLICIES:
        SlaPolicy.objects.get_or_create(
            name=name,
            channel=channel,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )
    print("Emotie- en urgentiesignalen berekenen …", file=out)
    with transaction.atomic():
        done = backfill()
    print(f"  {done} berichten geanalyseerd", file=out)
    with transaction.atomic():
        clocks = sla.backfill()
    print(f"  {clocks} gesprekken met een servicenorm (SLA) ingeklokt", file=out)


def _demo_calls(rng: random.Random, out: TextIO) -> None:
    """A call record behind every phone contact of the history (most answered, some missed or
    hung up while waiting), on a CTI line of the default team, so the phone figures fill."""
    import secrets

    from bereikbaar.channels.voice.models import Call, Line

    line, _ = Line.objects.get_or_create(
        name="Klantenservice (demo)",
        defaults={
            "token": "demo-" + secrets.token_urlsafe(16),
            "number": "+31201234567",
            "team": Team.objects.filter(is_default=True).first(),
        },
    )
    phones = Message.objects.filter(channel="phone", direction=Message.Direction.INBOUND)
    calls = []
    for message in phones.select_related("conversation").order_by("id"):
        number = (
            Identity.objects.filter(contact_id=message.conversation.contact_id, kind="phone")
            .values_list("value", flat=True)
            .first()
        )
        ringing = timedelta(seconds=rng.randint(5, 240))
        started = message.created_at - ringing
        outcome = rng.choices(["answered", "missed", "abandoned"], weights=[88, 5, 7])[0]
        answered = message.created_at if outcome == "answered" else None
        calls.append(
            Call(
                line=line,
                call_id=f"demo-{message.pk}",
                number=number or "",
                state=Call.State.ENDED,
                outcome=outcome,
                cause="normal" if answered else "cancel",
                started_at=started,
                answered_at=answered,
                ended_at=(answered or message.created_at) + timedelta(seconds=rng.randint(60, 900))
                if answered
                else message.created_at,
                answered_by_id=message.conversation.assignee_id if answered else None,
                contact_id=message.conversation.contact_id,
                message=message,
                created_at=started,
            )
        )
    with own_timestamps(Call):
        Call.objects.bulk_create(calls, ignore_conflicts=True)
    print(f"  {len(calls)} telefoongesprekken in het gesprekslogboek", file=out)


def _analytics_history() -> None:
    """CSAT answers and help searches for the history, so every chart has data."""
    from bereikbaar.analytics.demo import seed_demo

    seed_demo()


def _help_articles(out: TextIO) -> None:
    """The help centre's Dutch articles for the demo company (upsert by slug)."""
    from bereikbaar.helpcenter.importer import import_file
    from bereikbaar.helpcenter.models import Article

    articles = Path(__file__).resolve().parent.parent / "helpcenter/fixtures/articles.jsonl"
    report = io.StringIO()  # the importer speaks to admins in English; the demo in Dutch
    if import_file(str(articles), out=report):
        out.write(report.getvalue())
    print(f"  helpcentrum: {Article.objects.count()} artikelen", file=out)


def _ensure_email_inbox() -> None:
    """The support address the demo's SMTP receiver accepts mail for."""
    from bereikbaar.channels.email.models import EmailInbox

    EmailInbox.objects.get_or_create(
        address=C.SUPPORT_ADDRESS, defaults={"name": C.ORGANISATION, "enabled": True}
    )


def _simulator_accounts() -> None:
    """A WhatsApp and a Twilio number with made-up credentials, so the customer simulator can
    play every channel from the start (replies to them fail delivery, visibly)."""
    from bereikbaar.demo import simulator_accounts

    for channel in simulator_accounts.missing():
        simulator_accounts.create_demo(channel)


def _ensure_token() -> str:
    """The admin's demo token, issued once and kept in DATA_DIR/demo_token (mode 600)."""
    admin = User.objects.filter(username=C.ADMIN_USERNAME).first()
    if admin is None:
        return ""
    if token := _read_token():
        return token
    token = ApiToken.issue(admin)
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    path.chmod(0o600)
    return token


# --- reset -------------------------------------------------------------------------------------


def _reset(out: TextIO) -> None:
    print("Bestaande demo-gegevens verwijderen …", file=out)
    with transaction.atomic():
        Attachment.objects.all().delete()
        Message.objects.all().delete()
        Conversation.objects.all().delete()
        Identity.objects.all().delete()
        Contact.objects.all().delete()
        Inbound.objects.all().delete()
        CannedResponse.objects.filter(shortcut__in=[s for s, _, _ in C.CANNED_RESPONSES]).delete()
        usernames = [C.ADMIN_USERNAME, *(a[0] for a in C.AGENTS)]
        User.objects.filter(username__in=usernames).delete()
        Team.objects.filter(slug__in=[slug for slug, _, _ in C.TEAMS]).delete()
    token_path().unlink(missing_ok=True)
