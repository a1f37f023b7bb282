"""`bereikbaar channel add whatsapp …` stores the number; `channel list --json` shows it."""

import json

from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.cli import main


def test_it_adds_and_lists_a_number(db, capsys):
    argv = ["channel", "add", "whatsapp", "--phone-number-id", "106540352242922"]
    argv += ["--app-secret", "s", "--verify-token", "t", "--access-token", "a"]
    argv += ["--api-base", "http://127.0.0.1:9/v21.0/"]
    assert main(argv) == 0
    account = Account.objects.get()
    assert (account.app_secret, account.verify_token, account.api_base) == (
        "s",
        "t",
        "http://127.0.0.1:9/v21.0",
    )
    assert main([*argv[:-2], "--api-base", "http://127.0.0.1:9/v22.0"]) == 0  # updates
    assert Account.objects.get().api_base.endswith("v22.0")
    capsys.readouterr()
    assert main(["channel", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    [row] = [r for r in rows if r["kind"] == "whatsapp"]
    assert row["name"] == "WhatsApp 106540352242922"
    assert "s" not in row.values()  # no secrets in the listing


def test_setup_imports_no_models_at_load():
    import ast
    from pathlib import Path

    import bereikbaar.channels.whatsapp.setup as setup

    tree = ast.parse(Path(setup.__file__).read_text())
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    assert all("models" not in ast.unparse(n) for n in top)
