"""`bereikbaar signals`: JSON Lines in, JSON Lines out, bad lines reported and skipped."""

import io
import json
import subprocess
import sys
from pathlib import Path

from bereikbaar.text.signals_cli import run

KEYS = {"id", "language", "emotion", "scores", "urgent", "urgency", "reasons"}


def roundtrip(lines):
    out = io.StringIO()
    status = run(io.StringIO("".join(lines)), out)
    return status, [json.loads(x) for x in out.getvalue().splitlines()]


def test_round_trip():
    status, rows = roundtrip(
        [
            json.dumps({"id": "a", "text": "Dit is belachelijk!!"}) + "\n",
            json.dumps({"id": 2, "text": "ok bedankt"}) + "\n",
            "\n",
            json.dumps({"id": "c", "text": "Mijn account is gehackt, help!"}) + "\n",
        ]
    )
    assert status == 0
    assert [r["id"] for r in rows] == ["a", 2, "c"]
    for r in rows:
        assert set(r) == KEYS
        assert set(r["scores"]) == {"nervous", "angry", "impatient", "grateful"}
        assert all(0 <= v <= 1 for v in r["scores"].values())
        assert isinstance(r["urgent"], bool)
        assert 0 <= r["urgency"] <= 1
    assert rows[0]["emotion"] == "angry"
    assert {"label": "angry", "cue": "belachelijk", "weight": 1.2} in rows[0]["reasons"]
    assert rows[1]["language"] == "nl" and rows[1]["emotion"] == "grateful"
    assert rows[2]["urgent"] is True


def test_bad_lines_get_an_error_and_processing_continues():
    status, rows = roundtrip(
        [
            "not json\n",
            "[1, 2]\n",
            json.dumps({"id": "x"}) + "\n",
            json.dumps({"id": "y", "text": 5}) + "\n",
            json.dumps({"id": "z", "text": ""}) + "\n",
            json.dumps({"id": "ok", "text": "Ik wacht al drie weken"}) + "\n",
        ]
    )
    assert status == 0
    assert len(rows) == 6
    assert all("error" in r for r in rows[:4])
    assert rows[2]["id"] == "x" and rows[3]["id"] == "y"
    assert rows[4]["emotion"] == "neutral"
    assert rows[5]["emotion"] == "impatient"


def test_behaviour_fields_are_optional_input():
    _, rows = roundtrip(
        [
            json.dumps(
                {
                    "id": 1,
                    "text": "Hoe staat het met mijn aanvraag?",
                    "behaviour": {"repeat_contacts_48h": 2, "broken_promise": True},
                }
            )
            + "\n"
        ]
    )
    assert rows[0]["emotion"] == "impatient"


def test_the_bereikbaar_command():
    exe = Path(sys.executable).with_name("bereikbaar")
    cmd = (
        [str(exe), "signals"]
        if exe.exists()
        else [sys.executable, "-m", "bereikbaar.cli", "signals"]
    )
    lines = [
        {"id": i, "text": t} for i, t in enumerate(["Waar blijft mijn pakket??", "Top, dankjewel!"])
    ]
    proc = subprocess.run(
        cmd,
        input="\n".join(json.dumps(x) for x in lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["emotion"] for r in rows] == ["impatient", "grateful"]
