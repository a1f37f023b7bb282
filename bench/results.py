"""bench/RESULTS.md is shared: each benchmark replaces only its own "## " section."""

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results"


def write_section(body: str, path: Path = RESULTS) -> None:
    """Replace the section headed by body's first line ("## …"), or append it."""
    heading = body.strip().splitlines()[0].strip()
    if not heading.startswith("## "):
        raise ValueError(f"a section starts with a '## ' heading, not {heading!r}")
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE + "\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    section = body.strip("\n").splitlines() + [""]
    if start is None:
        lines = [*lines, "", *section] if lines and lines[-1].strip() else [*lines, *section]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), None)
        lines = lines[:start] + section + (lines[end:] if end is not None else [])
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
