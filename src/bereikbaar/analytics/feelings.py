"""The emotion figure: how customers felt in their first message and in their last one, per
first channel (did anger turn into gratitude?). Emotions come from text.signals, cached."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bereikbaar.analytics import cube
from bereikbaar.analytics.base import (
    CHANNEL_KEYS,
    CHANNEL_LABELS,
    EMOTION_KEYS,
    Figure,
    Filters,
    share,
)

PHASES = ("start", "end")


def emotion_mix(user, f: Filters) -> Figure:
    table: dict[tuple[str, str], dict[str, int]] = {}
    # One pass: counts per (channel, start, end), summed per phase here.
    for r in cube.counts(user, f, "first_channel", *PHASES):
        for phase in PHASES:
            if r["first_channel"] is None or r[phase] is None:
                continue
            row = table.setdefault((r["first_channel"], phase), dict.fromkeys(EMOTION_KEYS, 0))
            row[r[phase]] = row.get(r[phase], 0) + r["n"]
    phase_label = {"start": _("begin"), "end": _("eind")}
    rows = []
    totals = {p: dict.fromkeys(EMOTION_KEYS, 0) for p in PHASES}
    for channel in CHANNEL_KEYS:
        for phase in PHASES:
            counts = table.get((channel, phase))
            if counts:
                rows.append(
                    [f"{CHANNEL_LABELS[channel]} {phase_label[phase]}"]
                    + [counts[e] for e in EMOTION_KEYS]
                )
                for e in EMOTION_KEYS:
                    totals[phase][e] += counts[e]
    summary = {}
    for phase, counts in totals.items():
        whole = sum(counts.values())
        summary[phase] = {e: share(v, whole) for e, v in counts.items()}
        summary[f"{phase}_n"] = whole
    labels = {
        "neutral": _("neutraal"),
        "nervous": _("nerveus"),
        "angry": _("boos"),
        "impatient": _("ongeduldig"),
        "grateful": _("dankbaar"),
    }
    return Figure(
        "emotions",
        _("Emotie aan het begin en aan het eind, per kanaal"),
        [_("kanaal en moment"), *(labels[e] for e in EMOTION_KEYS)],
        rows,
        summary=summary,
        note=_("Eind = het laatste bericht van de klant, als er meer dan één was."),
        chart="hstacked",
    )
