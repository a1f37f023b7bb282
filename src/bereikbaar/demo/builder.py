"""The demo history: people, their conversations over eight weeks, and the agents' answers,
planned deterministically from a seed and written with bulk inserts.

Builder.build() plans first (who writes when, on which channel, who answers, what is resolved)
and then writes contacts, conversations and messages in bulk, keeping the timestamps it chose.
The words come from texts.py (templates in content.py); this module only decides.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bereikbaar.contacts.normalise import normalise
from bereikbaar.conversations.models import CannedResponse, Conversation
from bereikbaar.demo import content as C
from bereikbaar.demo import texts as T
from bereikbaar.demo.history_writer import HISTORY_DAYS, write_contacts, write_conversations
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()


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
DOUBLE_SHARE = 0.08  # of all conversations; 0.68 below is the share DOUBLE_NEXT can follow
NEEDS = {"phone": "phone", "sms": "phone", "whatsapp": "phone", "email": "email", "api": "email"}
# An agent keeps room for new work: the demo never fills anyone up to their limit.
SPARE_ROOM = 4


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
        write_contacts(self)
        write_conversations(self, plans)

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
                person.email = T.unique_email(rng, first, last, emails)
            if has_phone:
                while True:
                    phone = normalise("phone", f"06{rng.randint(10000000, 99999999)}")
                    if phone not in phones:
                        phones.add(phone)
                        person.phone = phone
                        break
            self.people.append(person)

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
        agent = replier = rng.choice(self.members[topic["team"]])
        signed = self.first_names[replier]
        v = T.placeholders(rng, person, timezone.localtime(created, self.tz), signed)
        plan = PlannedConversation(
            person=index,
            topic=topic,
            created=created,
            status=status,
            subject=T.fill(rng, topic["subjects"], v),
            priority=priority,
            tags=tags,
            team=topic["team"],
            assignee=agent,
        )
        msgs = plan.messages
        first_text = T.customer_text(rng, channel, topic, person, v)
        msgs.append(PlannedMessage("inbound", channel, first_text, created))
        at, last_channel = created, channel
        if second:
            at = created + timedelta(minutes=rng.randint(1, 15), seconds=rng.randint(0, 59))
            text = T.double_contact_text(rng, second, topic, v)
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
            note = T.call_note(rng, topic, v)
            msgs.append(PlannedMessage("note", "phone", note, after_call, replier))
            at = after_call
            if person.email and rng.random() < 0.35:
                at += timedelta(minutes=rng.randint(2, 30))
                text = T.agent_text("email", T.after_call_reply(rng, topic, v), person, signed)
                msgs.append(PlannedMessage("outbound", "email", text, at, replier))
        else:
            at += self.reply_delay(last_channel)
            plan.first_response_at = at
            text = T.agent_text(last_channel, T.fill(rng, topic["replies"], v), person, signed)
            msgs.append(PlannedMessage("outbound", last_channel, text, at, replier))
        # sometimes the customer answers and the agent answers that
        if rng.random() < 0.4 or status == S.OPEN:
            reply_channel = last_channel
            if last_channel == "phone":
                options = ["phone"] + (["email"] if person.email else [])
                reply_channel = rng.choice(options + (["whatsapp"] if person.whatsapp else []))
            at += timedelta(minutes=rng.randint(5, 60 * 20))
            text = T.followup_text(rng, reply_channel, topic, v)
            msgs.append(PlannedMessage("inbound", reply_channel, text, at))
            if status != S.OPEN:
                if reply_channel == "phone":
                    at += timedelta(minutes=rng.randint(2, 10))
                    note = T.callback_note(rng, topic, v)
                    msgs.append(PlannedMessage("note", "phone", note, at, replier))
                else:
                    at += self.reply_delay(reply_channel)
                    answer = T.second_reply(rng, topic, v)
                    text = T.agent_text(reply_channel, answer, person, signed)
                    msgs.append(PlannedMessage("outbound", reply_channel, text, at, replier))
        if rng.random() < 0.25 and msgs[-1].direction != "note":
            at += timedelta(minutes=rng.randint(1, 30))
            note = T.fill(rng, topic["notes"], v)
            msgs.append(PlannedMessage("note", msgs[-1].channel, note, at, replier))
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
