"""How signals read to an agent: Dutch labels and the words behind each one."""

LABELS = {
    "angry": "boos",
    "nervous": "nerveus",
    "impatient": "ongeduldig",
    "grateful": "dankbaar",
    "neutral": "neutraal",
    "urgent": "urgent",
}


def explain(label: str, reasons: list[dict], limit: int = 5) -> str:
    """ "boos: 'belachelijk', '!!'": the cues behind one label, strongest first."""
    cues: list[str] = []
    ranked = sorted(reasons, key=lambda r: -_weight(r))
    for r in ranked:
        cue = str(r.get("cue", ""))
        if r.get("label") == label and _weight(r) > 0 and cue and cue not in cues:
            cues.append(cue)
    name = LABELS.get(label, label)
    return f"{name}: " + ", ".join(f"'{c}'" for c in cues[:limit]) if cues else name


def _weight(reason: dict) -> float:
    try:
        return float(reason.get("weight", 0))
    except (TypeError, ValueError):
        return 0.0
