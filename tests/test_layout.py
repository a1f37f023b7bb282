"""The floors of DESIGN.md, checked on every import in src/: imports only go down.

edges (inbox, api, analytics, channels/*, contactpage) → intake, delivery → routing,
helpcenter, stories → conversations → contacts → text, realtime (which import nothing of ours).
Packages on one floor do not import each other, channels never import each other, and the
demo and the project modules (settings, urls, cli, server) sit on top.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "bereikbaar"

FLOORS = {
    "env": 0,  # typed environment readers, used by settings and channels alike
    "sqlrows": 0,  # rows read and written by plain SQL on the intake's hot path (any domain)
    "logscrub": 0,  # masks personal data in log records; settings install it
    "fastdoor": 0,  # the ASGI door past Django's request cycle for webhooks (api, channels)
    "text": 0,
    "realtime": 0,
    "contacts": 1,
    "conversations": 2,
    "routing": 3,
    "helpcenter": 3,
    "stories": 3,
    "intake": 4,
    "delivery": 4,
    "inbox": 5,
    "api": 5,
    "analytics": 5,
    "channels": 5,
    "contactpage": 5,
    "demo": 6,
    "project": 7,
}

# Edge-to-edge imports that DESIGN.md itself calls for, each with its reason.
ALLOWED = {
    # api/ is the mount point for /api/v1/; POST /api/v1/inbound is the API channel's door.
    ("api", "channels.api"),
}


def package_of(module: str) -> str:
    """bereikbaar.channels.email.receive → channels.email; bereikbaar.settings → project."""
    parts = module.split(".")
    if len(parts) < 2 or not (SRC / parts[1]).is_dir():
        return (
            parts[1]
            if parts[1:2] in (["env"], ["sqlrows"], ["logscrub"], ["fastdoor"])
            else "project"
        )
    if parts[1] == "channels" and len(parts) > 2:
        return f"channels.{parts[2]}"
    return parts[1]


def floor(package: str) -> int:
    return FLOORS[package.split(".")[0]]


def imports() -> list[tuple[str, str, str]]:
    """(importing file, its package, imported package) for every import of our own code."""
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        mine = package_of(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("bereikbaar.") or name == "bereikbaar":
                    found.append((str(path.relative_to(SRC)), mine, package_of(name)))
    return found


def test_every_package_has_a_floor():
    packages = {mine for _, mine, _ in imports()} | {theirs for _, _, theirs in imports()}
    assert {p.split(".")[0] for p in packages} <= set(FLOORS)


def test_imports_only_go_down():
    climbing = [
        f"{path}: {mine} (floor {floor(mine)}) imports {theirs} (floor {floor(theirs)})"
        for path, mine, theirs in imports()
        if mine != theirs
        and (mine, theirs) not in ALLOWED
        and floor(theirs) >= floor(mine)
        and not (mine == "project" and theirs == "project")
    ]
    assert climbing == []


def test_the_checker_sees_a_climbing_import(tmp_path, monkeypatch):
    """The rule above catches what it is meant to catch: a domain package importing a door."""
    fake = tmp_path / "bereikbaar"
    (fake / "routing").mkdir(parents=True)
    (fake / "delivery").mkdir()
    (fake / "routing" / "climbs.py").write_text("from bereikbaar.delivery import tasks\n")
    monkeypatch.setitem(globals(), "SRC", fake)
    assert imports() == [("routing/climbs.py", "routing", "delivery")]
    assert floor("delivery") >= floor("routing")
