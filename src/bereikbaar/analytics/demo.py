"""Demo extras, so every chart of /analytics/ is filled from the demo's eight weeks: CSAT
answers on resolved conversations, help-centre searches and callback requests (the voice
channel's table, found through the app registry). Idempotent; call after the demo
history is loaded (bereikbaar.demo.load)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bereikbaar.analytics.calls import _voice_model
from bereikbaar.analytics.history import own_timestamps
from bereikbaar.analytics.models import LOW_SCORE, CsatResponse, CsatSurvey
from bereikbaar.conversations.models import Conversation

COMMENTS = {
    1: ["Drie keer gebeld en nog steeds geen oplossing.", "Niemand belde terug."],
    2: ["Het duurde erg lang voordat ik antwoord kreeg."],
    3: ["Uiteindelijk opgelost, maar het kostte moeite."],
    4: ["Vriendelijk geholpen.", ""],
    5: ["Super snel geholpen, dank!", "Heel fijn dat ik meteen een mens sprak.", ""],
}
SEARCHES = [
    ("terugleveren zonnepanelen", 4),
    ("storing stroom", 3),
    ("factuur te hoog", 5),
    ("laadpaal werkt niet", 2),
    ("verhuizen", 3),
    ("warmtepomp subsidie", 0),
    ("dynamisch contract opzeggen", 0),
]


def seed_demo(seed: int = 7, answer_share: float = 0.35, searches: int = 600) -> dict:
    """Add CSAT answers and help searches once; returns what was added."""
    if CsatResponse.objects.exists():
        return {"csat": 0, "searches": 0, "callbacks": 0}
    rng = random.Random(seed)
    resolved = list(
        Conversation.objects.filter(status=Conversation.Status.RESOLVED, resolved_at__isnull=False)
        .exclude(last_inbound_channel="")
        .only("pk", "team_id", "assignee_id", "last_inbound_channel", "resolved_at")
    )
    surveys, responses = [], []
    for conversation in resolved:
        if rng.random() >= answer_share:
            continue
        score = rng.choices([1, 2, 3, 4, 5], weights=[4, 5, 12, 34, 45])[0]
        survey = CsatSurvey(
            conversation=conversation,
            channel=conversation.last_inbound_channel,
            status=CsatSurvey.Status.ANSWERED,
        )
        surveys.append(survey)
        responses.append(
            CsatResponse(
                survey=survey,
                conversation=conversation,
                channel=conversation.last_inbound_channel,
                team_id=conversation.team_id,
                agent_id=conversation.assignee_id,
                score=score,
                comment=rng.choice(COMMENTS[score]),
                created_at=conversation.resolved_at + timedelta(hours=rng.uniform(0.2, 30)),
                needs_follow_up=score <= LOW_SCORE,
            )
        )
    with transaction.atomic():
        CsatSurvey.objects.bulk_create(surveys, batch_size=500)
        for response in responses:
            response.survey_id = response.survey.pk
        with own_timestamps(CsatResponse):
            CsatResponse.objects.bulk_create(responses, batch_size=500)
        added = _searches(rng, searches)
        callbacks = seed_callbacks(rng, searches // 10)
    return {"csat": len(responses), "searches": added, "callbacks": callbacks}


def _searches(rng: random.Random, n: int) -> int:
    try:
        from bereikbaar.helpcenter.models import SearchQuery
    except ImportError:
        return 0
    if SearchQuery.objects.exists():
        return 0
    now = timezone.now()
    rows = []
    for i in range(n):
        query, results = rng.choice(SEARCHES)
        at = now - timedelta(seconds=rng.uniform(60, 56 * 86400))
        contacted = rng.random() < (0.55 if results == 0 else 0.2)
        rows.append(
            SearchQuery(
                visitor=f"demo-{i}",
                query=query,
                results_count=results,
                created_at=at,
                contacted_at=at + timedelta(minutes=rng.uniform(1, 29)) if contacted else None,
            )
        )
    with own_timestamps(SearchQuery):
        SearchQuery.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def seed_callbacks(rng: random.Random, n: int) -> int:
    """Callback requests over the eight weeks: a third with a chosen slot, most dialled in
    time, some late, a few not yet."""
    model = _voice_model("CallbackRequest")
    if model is None or model.objects.exists():
        return 0
    now = timezone.now()
    rows = []
    for i in range(n):
        at = now - timedelta(seconds=rng.uniform(3600, 56 * 86400))
        slot_end = at + timedelta(hours=rng.randint(2, 30)) if rng.random() < 0.33 else None
        promised = slot_end - timedelta(hours=1) if slot_end else at
        placed = promised + timedelta(minutes=rng.choice([5, 20, 40, 50, 90, 180]))
        rows.append(
            model(
                number=f"+3161234{i:04d}",
                source=rng.choice(["missed", "abandoned", "ivr", "page"]),
                due_at=promised,
                first_due_at=promised,
                slot_end=slot_end,
                placed_at=placed if placed < now else None,
                last_attempt_at=placed if placed < now else None,
                completed_at=placed if placed < now else None,
                status="done" if placed < now else "open",
                attempts=1 if placed < now else 0,
                created_at=at,
            )
        )
    with own_timestamps(model):
        model.objects.bulk_create(rows, batch_size=500)
    return len(rows)
