"""`bereikbaar channel add twilio …` stores the number; `channel list --json` shows it."""

import json

from bereikbaar.channels.sms.models import Account
from bereikbaar.cli import main


def test_it_adds_and_lists_a_number(db, capsys):
    argv = ["channel", "add", "twilio", "--account-sid", "AC123", "--auth-token", "tok"]
    argv += ["--number", "097010203040", "--public-url", "https://kc.example.nl/"]
    assert main(argv) == 0
    account = Account.objects.get()
    assert (account.number, account.public_url, account.api_base) == (
        "+3197010203040",
        "https://kc.example.nl",
        "https://api.twilio.com",
    )
    capsys.readouterr()
    assert main(["channel", "list", "--json"]) == 0
    [row] = [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "twilio"]
    assert row["number"] == "+3197010203040"
    assert "tok" not in row.values()


def test_an_impossible_number_is_refused(db, capsys):
    argv = ["channel", "add", "twilio", "--account-sid", "AC1", "--auth-token", "t"]
    assert main([*argv, "--number", "12"]) == 2
    assert "--number" in capsys.readouterr().out
