"""`bereikbaar demo`: a Dutch energy company with teams, agents, customers and eight weeks of
history, made deterministically from a seed and written with bulk inserts (a few seconds).

load_demo() is idempotent: when the demo organisation is there it only makes sure the API token
file exists. reset=True throws away contacts, conversations, messages and inbound rows first —
meant for a demo database, not for one with real customers in it.
"""

import os
import random
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from bereikbaar.api.models import ApiToken, hash_token
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import normalise
from bereikbaar.conversations.models import Attachment, CannedResponse, Conversation, Message
from bereikbaar.demo import content as C
from bereikbaar.demo.concurrent_stories import load_concurrent_stories
from bereikbaar.intake.models import Inbound
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()

TOKEN_FILE = "demo_token"
HISTORY_DAYS = 56

# How customers first get in touch (phone and email first; WhatsApp a supplement, ~12%).
FIRST_CHANNELS = [
    ("phone", 32),
    ("email", 30),
    ("webchat", 13),
    ("whatsapp", 12),
    ("sms", 8),
    ("api", 5),
]
# The second channel when someone contacts us twice at once about one question.
DOUBLE_NEXT = {
    "email": [("whatsapp", 5), ("phone", 4), ("sms", 1)],
    "webchat": [("email", 1)],
    "whatsapp": [("phone", 1)],
    "api": [("phone", 1)],
    "sms": [("email", 1)],
}
DOUBLE_SHARE = 0.08
NEEDS = {"phone": "phone", "sms": "phone", "whatsapp": "phone", "email": "email", "api": "email"}
DELIVERED = {
    "email": Message.Delivery.DELIVERED,
    "whatsapp": Message.Delivery.READ,
    "sms": Message.Delivery.DELIVERED,
    "webchat": Message.Delivery.READ,
    "api": Message.Delivery.DELIVERED,
}
# An agent keeps room for new work: the demo never fills anyone up to their limit.
SPARE_ROOM = 4


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
    with transaction.atomic(), _own_timestamps(Contact, Identity, Conversation, Message):
        Builder(random.Random(seed), started, out).build(contacts, conversations)
    _ensure_token()
    _ensure_email_inbox()
    _routing_setup(out)
    _help_articles(out)
    _demo_calls(random.Random(seed), out)
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
    from bereikbaar.routing.models import AgentProfile, SlaPolicy
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


def _demo_calls(rng: random.Random, out: TextIO) -> None:
    """A call record behind every phone contact of the history (most answered, some missed or
    hung up while waiting), on a CTI line of the default team, so the phone figures fill."""
    import secrets

    from bereikbaar.channels.voice.models import Call, Line
    from bereikbaar.routing.models import Team

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
    with _own_timestamps(Call):
        Call.objects.bulk_create(calls, ignore_conflicts=True)
    print(f"  {len(calls)} telefoongesprekken in het gesprekslogboek", file=out)


def _analytics_history() -> None:
    """CSAT answers and help searches for the history, so every chart has data."""
    from bereikbaar.analytics.demo import seed_demo

    seed_demo()


def _help_articles(out: TextIO) -> None:
    """The help centre's Dutch articles for the demo company (upsert by slug)."""
    from pathlib import Path

    from bereikbaar.helpcenter.importer import import_file

    articles = Path(__file__).resolve().parent.parent / "helpcenter/fixtures/articles.jsonl"
    import_file(str(articles), out=out)


def _ensure_email_inbox() -> None:
    """The support address the demo's SMTP receiver accepts mail for."""
    from bereikbaar.channels.email.models import EmailInbox

    EmailInbox.objects.get_or_create(
        address=C.SUPPORT_ADDRESS, defaults={"name": C.ORGANISATION, "enabled": True}
    )


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


@contextmanager
def _own_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at we set instead of auto_now_add's 'now'."""
    fields = [m._meta.get_field("created_at") for m in model_classes]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


# --- the builder -------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    first: str
    email: str = ""
    phone: str = ""
    language: str = "nl"
    city: str = ""
    street: str = ""
    weight: float = 1.0
    whatsapp: bool = False
    webchat: str = ""
    first_seen: datetime | None = None
    active: bool = False
    pk: int | None = None


@dataclass
class PlannedMessage:
    direction: str
    channel: str
    text: str
    at: datetime
    author: str = ""


@dataclass
class PlannedConversation:
    person: int
    topic: dict
    created: datetime
    status: str
    subject: str
    priority: int
    tags: list
    team: str
    assignee: str = ""
    messages: list[PlannedMessage] = field(default_factory=list)
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None


class Builder:
    def __init__(self, rng: random.Random, now: datetime, out: TextIO) -> None:
        self.rng = rng
        self.now = now.replace(microsecond=0)
        self.out = out
        self.teams: dict[str, Team] = {}
        self.users: dict[str, int] = {}
        self.members: dict[str, list[str]] = {}
        self.first_names: dict[str, str] = {}
        self.load: dict[str, int] = {}
        self.caps: dict[str, int] = {}
        self.people: list[Person] = []
        self.tz = timezone.get_current_timezone()

    # progress on the terminal: one updating line on a tty, one line per step otherwise
    def progress(self, label: str, done: int, total: int) -> None:
        tty = getattr(self.out, "isatty", lambda: False)()
        if tty:
            end = "\n" if done >= total else ""
            self.out.write(f"\r  {label} {done}/{total}{end}")
            self.out.flush()
        elif done >= total:
            print(f"  {label} {done}/{total}", file=self.out)

    def build(self, n_contacts: int, n_conversations: int) -> None:
        self.organisation()
        self.make_people(n_contacts)
        plans = self.plan_conversations(n_conversations)
        self.write_contacts()
        self.write_conversations(plans)

    # teams, agents, admin, canned responses
    def organisation(self) -> None:
        for slug, name, is_default in C.TEAMS:
            self.teams[slug], _ = Team.objects.get_or_create(
                slug=slug, defaults={"name": name, "is_default": is_default}
            )
        agent_hash = make_password(C.AGENT_PASSWORD)
        existing = set(
            User.objects.filter(username__in=[a[0] for a in C.AGENTS]).values_list(
                "username", flat=True
            )
        )
        for username, first, last, teams, languages, limit, presence in C.AGENTS:
            self.first_names[username] = first
            if username in existing:
                user = User.objects.get(username=username)
            else:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@zonnestroom.example",
                    password=agent_hash,
                )
                user.save()
            profile, _ = AgentProfile.objects.get_or_create(
                user=user,
                defaults={"languages": languages, "max_concurrent": limit, "presence": presence},
            )
            profile.teams.set([self.teams[t] for t in teams])
            self.users[username] = user.pk
            self.load[username] = 0
            self.caps[username] = max(3, limit - SPARE_ROOM)
            for team in teams:
                self.members.setdefault(team, []).append(username)
        if not User.objects.filter(username=C.ADMIN_USERNAME).exists():
            User.objects.create_superuser(
                C.ADMIN_USERNAME,
                "beheer@zonnestroom.example",
                C.ADMIN_PASSWORD,
                first_name="Beheerder",
            )
        for shortcut, title, text in C.CANNED_RESPONSES:
            CannedResponse.objects.get_or_create(
                shortcut=shortcut, defaults={"title": title, "text": text}
            )
        print(f"  teams {len(C.TEAMS)}, agenten {len(C.AGENTS)}, beheerder 1", file=self.out)

    # customers with unique, normalised addresses and numbers
    def make_people(self, n: int) -> None:
        rng = self.rng
        emails: set[str] = set()
        phones: set[str] = set()
        for _ in range(n):
            first = rng.choice(C.FIRST_NAMES)
            last = rng.choice(C.LAST_NAMES)
            person = Person(
                name=f"{first} {last}",
                first=first,
                language="en" if rng.random() < 0.05 else "nl",
                city=rng.choice(C.CITIES),
                street=f"{rng.choice(C.STREETS)} {rng.randint(1, 180)}",
                weight=rng.paretovariate(1.6),
            )
            has_email = rng.random() < 0.85
            has_phone = rng.random() < 0.78 or not has_email
            if has_email:
                person.email = self.unique_email(first, last, emails)
            if has_phone:
                while True:
                    phone = normalise("phone", f"06{rng.randint(10000000, 99999999)}")
                    if phone not in phones:
                        phones.add(phone)
                        person.phone = phone
                        break
            self.people.append(person)

    def unique_email(self, first: str, last: str, taken: set[str]) -> str:
        rng = self.rng
        plain = unicodedata.normalize("NFKD", f"{first}|{last}").encode("ascii", "ignore").decode()
        f, last_part = (p.lower().replace(" ", "") for p in plain.split("|"))
        styles = [f"{f}.{last_part}", f"{f[0]}.{last_part}", f"{f}{last_part}", f"{f}_{last_part}"]
        local = rng.choice(styles)
        domain = rng.choice(C.EMAIL_DOMAINS)
        email = normalise("email", f"{local}@{domain}")
        while email in taken:
            email = normalise("email", f"{local}{rng.randint(1, 999)}@{domain}")
        taken.add(email)
        return email

    def pick_person(self, needs: set[str], language: str, active: bool) -> int | None:
        rng = self.rng
        pool = [
            i
            for i, p in enumerate(self.people)
            if ("email" not in needs or p.email)
            and ("phone" not in needs or p.phone)
            and not (active and p.active)
        ]
        if not pool:
            return None
        if language == "en":
            preferred = [i for i in pool if self.people[i].language == "en"]
            pool = preferred or pool
        return rng.choices(pool, weights=[self.people[i].weight for i in pool])[0]

    # the conversations, as plans in memory first
    def plan_conversations(self, n: int) -> list[PlannedConversation]:
        rng = self.rng
        starts = sorted(self.random_start() for _ in range(n))
        topics = C.TOPICS
        plans = []
        for created in starts:
            topic = rng.choices(topics, weights=[t["weight"] for t in topics])[0]
            channel = rng.choices(*zip(*FIRST_CHANNELS, strict=True))[0]
            second = ""
            if channel in DOUBLE_NEXT and rng.random() < DOUBLE_SHARE / 0.68:
                second = rng.choices(*zip(*DOUBLE_NEXT[channel], strict=True))[0]
            created = self.fit_hours(created, channel)
            status = self.target_status(created)
            active = status != Conversation.Status.RESOLVED
            needs = {NEEDS[c] for c in (channel, second) if c in NEEDS}
            language = "en" if topic["key"] == "english" else "nl"
            index = self.pick_person(needs, language, active)
            if index is None and active:
                status, active = Conversation.Status.RESOLVED, False
                index = self.pick_person(needs, language, False)
            if index is None:
                continue
            person = self.people[index]
            for c in (channel, second):
                if c == "whatsapp":
                    person.whatsapp = True
                if c == "webchat" and not person.webchat:
                    person.webchat = f"bezoeker-{rng.getrandbits(48):012x}"
            if person.first_seen is None or created < person.first_seen:
                person.first_seen = created
            plan = self.plan_one(index, topic, created, channel, second, status)
            if plan.status != Conversation.Status.RESOLVED:
                if person.active:  # one active story per customer, as ingest keeps it
                    plan.status = Conversation.Status.RESOLVED
                    last = plan.messages[-1].at + timedelta(minutes=1)
                    plan.resolved_at = min(last, self.now - timedelta(seconds=30))
                person.active = True
            plans.append(plan)
            self.progress("gesprekken gepland", len(plans), n)
        self.balance(plans)
        return plans

    def random_start(self) -> datetime:
        rng = self.rng
        seconds = rng.random() ** 1.15 * HISTORY_DAYS * 86400  # a little busier lately
        return self.now - timedelta(seconds=seconds + 600)

    def fit_hours(self, moment: datetime, channel: str) -> datetime:
        """Calls come in office hours; messages mostly by day, some in the evening."""
        rng = self.rng
        local = timezone.localtime(moment, self.tz)
        if channel == "phone":
            while local.weekday() >= 5:
                local -= timedelta(days=1)
            hour = rng.choices(range(8, 18), weights=[5, 9, 10, 9, 6, 7, 8, 7, 6, 4])[0]
        else:
            hour = rng.choices(
                range(7, 23), weights=[2, 5, 8, 9, 9, 7, 7, 8, 7, 6, 5, 4, 5, 5, 4, 2]
            )[0]
        local = local.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
        moment = local.astimezone(self.tz)
        if moment > self.now - timedelta(minutes=5):
            moment = self.now - timedelta(minutes=rng.randint(5, 90))
        return moment

    def target_status(self, created: datetime) -> str:
        age = (self.now - created).total_seconds() / 86400
        S = Conversation.Status
        if age >= 7:
            options = [(S.RESOLVED, 97), (S.PENDING, 2), (S.SNOOZED, 1)]
        elif age >= 2:
            options = [(S.RESOLVED, 80), (S.PENDING, 10), (S.OPEN, 6), (S.SNOOZED, 4)]
        else:
            options = [(S.RESOLVED, 35), (S.PENDING, 30), (S.OPEN, 35)]
        return self.rng.choices(*zip(*options, strict=True))[0]

    def values(self, person: Person, created: datetime, agent: str) -> dict:
        rng = self.rng
        later = timezone.localtime(created, self.tz) + timedelta(days=rng.randint(-6, 21))
        return {
            "voornaam": person.first,
            "naam": person.name,
            "order": f"ZN-{rng.randint(100000, 999999)}",
            "bedrag": f"{rng.randint(25, 480)},{rng.choice(['00', '50', '95', '18', '42'])}",
            "maand": rng.choice(C.MONTHS),
            "datum": f"{later.day} {C.MONTHS[later.month - 1]}",
            "dagen": rng.randint(3, 12),
            "meter": rng.randint(1, 9),
            "stad": person.city,
            "straat": person.street,
            "agent": self.first_names.get(agent, ""),
        }

    def customer_text(self, channel: str, topic: dict, person: Person, v: dict) -> str:
        rng = self.rng
        if channel == "phone":
            minutes = rng.randint(2, 14)
            return f"Inkomend gesprek ({minutes} min). " + rng.choice(topic["call"]).format(**v)
        if channel in ("email", "api"):
            body = rng.choice(topic["long"]).format(**v)
            if channel == "api":
                return body
            if person.language == "en" or topic["key"] == "english":
                return f"Hello,\n\n{body}\n\nKind regards,\n{person.name}"
            opening, closing = rng.choice(C.EMAIL_OPENINGS), rng.choice(C.EMAIL_CLOSINGS)
            return f"{opening}\n\n{body}\n\n{closing}\n{person.name}"
        return rng.choice(topic["short"]).format(**v)

    def agent_text(self, channel: str, reply: str, person: Person, agent: str) -> str:
        first = self.first_names[agent]
        english = person.language == "en"
        if channel == "email":
            greeting = f"Dear {person.first}," if english else f"Beste {person.first},"
            closing = "Kind regards," if english else "Met vriendelijke groet,"
            return f"{greeting}\n\n{reply}\n\n{closing}\n{first}\n{C.ORGANISATION}"
        if channel in ("whatsapp", "webchat"):
            hello = "Hi" if english else "Hoi"
            return f"{hello} {person.first}, {reply[0].lower()}{reply[1:]} ^{first[0]}"
        return reply

    def choose_agent(self, team: str) -> str:
        return self.rng.choice(self.members[team])

    def balance(self, plans: list[PlannedConversation]) -> None:
        """Active work stays under each agent's limit (with room to spare); the rest queues."""
        for plan in sorted(plans, key=lambda plan: plan.created):
            if plan.status == Conversation.Status.RESOLVED or not plan.assignee:
                continue
            if self.load[plan.assignee] >= self.caps[plan.assignee]:
                room = [m for m in self.members[plan.team] if self.load[m] < self.caps[m]]
                plan.assignee = self.rng.choice(room) if room else ""
            if plan.assignee:
                self.load[plan.assignee] += 1

    def plan_one(
        self, index: int, topic: dict, created: datetime, channel: str, second: str, status: str
    ) -> PlannedConversation:
        rng = self.rng
        person = self.people[index]
        S = Conversation.Status
        priority = Conversation.Priority.NORMAL
        roll = rng.random()
        if topic["key"] in ("storing", "laadpaal"):
            priority = 3 if roll < 0.05 else 2 if roll < 0.35 else 1
        elif topic["key"] in ("factuur", "opzeggen"):
            priority = 2 if roll < 0.15 else 1
        elif roll < 0.15:
            priority = 0
        tags = [topic["key"]] + (["meerdere-kanalen"] if second else [])
        agent = replier = self.choose_agent(topic["team"])
        v = self.values(person, created, replier)
        plan = PlannedConversation(
            person=index,
            topic=topic,
            created=created,
            status=status,
            subject=rng.choice(topic["subjects"]).format(**v),
            priority=priority,
            tags=tags,
            team=topic["team"],
            assignee=agent,
        )
        msgs = plan.messages
        first_text = self.customer_text(channel, topic, person, v)
        msgs.append(PlannedMessage("inbound", channel, first_text, created))
        at, last_channel = created, channel
        if second:
            at = created + timedelta(minutes=rng.randint(1, 15), seconds=rng.randint(0, 59))
            short = rng.choice(topic["short"]).format(**v)
            text = rng.choice(C.DOUBLE_CONTACT[second]).format(kort=short)
            if second == "phone":
                text = f"Inkomend gesprek ({rng.randint(2, 9)} min). {text}"
            msgs.append(PlannedMessage("inbound", second, text, at))
            last_channel = second

        no_reply_yet = status == S.OPEN and rng.random() < 0.5
        if no_reply_yet:
            if rng.random() < 0.4:
                plan.assignee = ""
            return self.settle(plan)

        # the first answer: a call is answered within minutes, the rest takes a while
        if last_channel == "phone":
            answered = at + timedelta(seconds=rng.randint(15, 420))
            plan.first_response_at = answered
            after_call = answered + timedelta(minutes=rng.randint(3, 14))
            note = "Gespreksnotitie: " + rng.choice(topic["notes"]).format(**v)
            msgs.append(PlannedMessage("note", "phone", note, after_call, replier))
            at = after_call
            if person.email and rng.random() < 0.35:
                at += timedelta(minutes=rng.randint(2, 30))
                reply = "Zoals telefonisch besproken: " + rng.choice(topic["replies"]).format(**v)
                msgs.append(
                    PlannedMessage(
                        "outbound",
                        "email",
                        self.agent_text("email", reply, person, replier),
                        at,
                        replier,
                    )
                )
        else:
            at += self.reply_delay(last_channel)
            plan.first_response_at = at
            reply = rng.choice(topic["replies"]).format(**v)
            msgs.append(
                PlannedMessage(
                    "outbound",
                    last_channel,
                    self.agent_text(last_channel, reply, person, replier),
                    at,
                    replier,
                )
            )
        # sometimes the customer answers and the agent answers that
        if rng.random() < 0.4 or status == S.OPEN:
            reply_channel = last_channel
            if last_channel == "phone":
                options = ["phone"] + (["email"] if person.email else [])
                reply_channel = rng.choice(options + (["whatsapp"] if person.whatsapp else []))
            at += timedelta(minutes=rng.randint(5, 60 * 20))
            text = rng.choice(topic["followup"]).format(**v)
            if reply_channel == "phone":
                text = f"Inkomend gesprek ({rng.randint(1, 6)} min). {text}"
            msgs.append(PlannedMessage("inbound", reply_channel, text, at))
            if status != S.OPEN:
                if reply_channel == "phone":
                    at += timedelta(minutes=rng.randint(2, 10))
                    note = "Teruggebeld: " + rng.choice(topic["notes"]).format(**v)
                    msgs.append(PlannedMessage("note", "phone", note, at, replier))
                else:
                    at += self.reply_delay(reply_channel)
                    answer = rng.choice(topic["replies"] + [c[2] for c in C.CANNED_RESPONSES[-1:]])
                    msgs.append(
                        PlannedMessage(
                            "outbound",
                            reply_channel,
                            self.agent_text(reply_channel, answer.format(**v), person, replier),
                            at,
                            replier,
                        )
                    )
        if rng.random() < 0.25 and msgs[-1].direction != "note":
            at += timedelta(minutes=rng.randint(1, 30))
            msgs.append(
                PlannedMessage(
                    "note", msgs[-1].channel, rng.choice(topic["notes"]).format(**v), at, replier
                )
            )
        if status == S.RESOLVED:
            plan.resolved_at = at + timedelta(minutes=rng.randint(1, 60 * 30))
        return self.settle(plan)

    def reply_delay(self, channel: str) -> timedelta:
        rng = self.rng
        minutes = {
            "webchat": (1, 6),
            "whatsapp": (3, 90),
            "sms": (10, 240),
            "api": (20, 480),
            "email": (25, 1440),
        }[channel]
        return timedelta(minutes=rng.randint(*minutes), seconds=rng.randint(0, 59))

    def settle(self, plan: PlannedConversation) -> PlannedConversation:
        """Nothing may lie in the future: cut the story at 'now' and let the status follow."""
        horizon = self.now - timedelta(minutes=1)
        plan.messages = [m for m in plan.messages if m.at <= horizon] or plan.messages[:1]
        S = Conversation.Status
        if plan.first_response_at and plan.first_response_at > horizon:
            plan.first_response_at = None
        if plan.resolved_at and plan.resolved_at > horizon:
            plan.resolved_at = None
            plan.status = S.PENDING
        if plan.status != S.RESOLVED:
            plan.resolved_at = None
            last = [m for m in plan.messages if m.direction != "note"][-1]
            if last.direction == "inbound":
                plan.status = S.OPEN
            elif plan.status == S.OPEN:
                plan.status = S.PENDING
        if plan.first_response_at is None:
            replies = [m.at for m in plan.messages if m.direction != "inbound"]
            plan.first_response_at = min(replies) if replies else None
        return plan

    # writing: contacts and identities, then conversations, then messages
    def write_contacts(self) -> None:
        rng = self.rng
        people = self.people
        for p in people:
            first_seen = p.first_seen or self.now - timedelta(days=rng.randint(1, HISTORY_DAYS))
            p.first_seen = first_seen - timedelta(
                days=rng.randint(0, 30), minutes=rng.randint(0, 600)
            )
        objs = [Contact(name=p.name, language=p.language, created_at=p.first_seen) for p in people]
        for start in range(0, len(objs), 100):
            Contact.objects.bulk_create(objs[start : start + 100])
            self.progress("contacten", min(start + 100, len(objs)), len(objs))
        identities = []
        for p, contact in zip(people, objs, strict=True):
            p.pk = contact.pk
            at = p.first_seen
            if p.email:
                identities.append(
                    Identity(
                        contact=contact,
                        kind="email",
                        value=p.email,
                        verified=rng.random() < 0.6,
                        created_at=at,
                    )
                )
            if p.phone:
                identities.append(
                    Identity(
                        contact=contact,
                        kind="phone",
                        value=p.phone,
                        verified=rng.random() < 0.4,
                        created_at=at,
                    )
                )
            if p.whatsapp:
                identities.append(
                    Identity(
                        contact=contact,
                        kind="whatsapp",
                        value=p.phone,
                        verified=True,
                        created_at=at,
                    )
                )
            if p.webchat:
                identities.append(
                    Identity(contact=contact, kind="webchat", value=p.webchat, created_at=at)
                )
        for identity in identities:  # the same normalising Identity.save() applies
            identity.value = normalise(identity.kind, identity.value)
        Identity.objects.bulk_create(identities, batch_size=500)
        print(f"  identiteiten {len(identities)}", file=self.out)

    def write_conversations(self, plans: list[PlannedConversation]) -> None:
        plans = sorted(plans, key=lambda plan: plan.created)  # ids follow time
        convs = []
        for plan in plans:
            spoken = [m for m in plan.messages if m.direction != "note"]
            inbound = [m for m in plan.messages if m.direction == "inbound"]
            convs.append(
                Conversation(
                    contact_id=self.people[plan.person].pk,
                    subject=plan.subject[:300],
                    status=plan.status,
                    priority=plan.priority,
                    team=self.teams[plan.team],
                    assignee_id=self.users.get(plan.assignee),
                    tags=plan.tags,
                    created_at=plan.created,
                    last_message_at=(spoken or plan.messages)[-1].at,
                    last_inbound_channel=inbound[-1].channel,
                    first_response_at=plan.first_response_at,
                    resolved_at=plan.resolved_at,
                )
            )
        total = len(convs)
        for start in range(0, total, 200):
            Conversation.objects.bulk_create(convs[start : start + 200])
            self.progress("gesprekken", min(start + 200, total), total)
        messages = []
        counter = 0
        for plan, conv in zip(plans, convs, strict=True):
            for m in plan.messages:
                counter += 1
                if m.direction == "inbound":
                    delivery, provider_id = Message.Delivery.RECEIVED, f"demo-in-{counter}"
                elif m.direction == "outbound":
                    recent = self.now - m.at < timedelta(minutes=10)
                    delivery = Message.Delivery.SENT if recent else DELIVERED[m.channel]
                    provider_id = f"demo-out-{counter}"
                else:
                    delivery, provider_id = Message.Delivery.NONE, None
                messages.append(
                    Message(
                        conversation_id=conv.pk,
                        direction=m.direction,
                        channel=m.channel,
                        provider_id=provider_id,
                        text=m.text,
                        delivery_status=delivery,
                        author_id=self.users.get(m.author) if m.author else None,
                        created_at=m.at,
                    )
                )
        total = len(messages)
        for start in range(0, total, 500):
            Message.objects.bulk_create(messages[start : start + 500])
            self.progress("berichten", min(start + 500, total), total)
