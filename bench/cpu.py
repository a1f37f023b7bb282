"""How much of the machine a run had: CPU used by the bench + server vs. by everything else.

The machine may be shared (other sessions' test runs); a figure measured while something else
burnt the CPUs is reported with that share next to it rather than silently.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _system_busy() -> float:
    """Seconds of non-idle CPU time summed over all CPUs since boot."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields[:8]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK


def _proc_cpu(pid: int) -> tuple[float, int]:
    """(user+system seconds, parent pid) of one process; (0, 0) when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0, 0
    rest = raw.rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / TICK, int(rest[1])


def _tree_cpu(roots: list[int]) -> float:
    """CPU seconds of the given processes and all their descendants."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            pid = int(entry.name)
            cpu[pid], parents[pid] = _proc_cpu(pid)
    wanted = set(roots)
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    return sum(cpu.get(pid, 0.0) for pid in wanted)


@dataclass
class Share:
    wall: float = 0.0
    ours: float = 0.0  # CPU seconds used by the bench process and its server
    server: float = 0.0  # CPU seconds used by the server process (and its workers) alone
    others: float = 0.0  # CPU seconds used by everything else on the machine
    load1: float = 0.0  # 1-minute load average when the run started

    @property
    def others_pct(self) -> float:
        """Share of the machine's total CPU capacity that other processes used."""
        capacity = self.wall * (os.cpu_count() or 1)
        return 100 * self.others / capacity if capacity else 0.0


class Meter:
    """start() before a run, stop() after it (before the server is killed)."""

    def __init__(self, server_pid: int) -> None:
        self.roots = [os.getpid(), server_pid]
        self.share = Share()

    def start(self) -> None:
        self.share.load1 = float(Path("/proc/loadavg").read_text().split()[0])
        self._t = time.monotonic()
        self._busy = _system_busy()
        self._ours = _tree_cpu(self.roots)
        self._server = _tree_cpu(self.roots[1:])

    def stop(self) -> Share:
        self.share.wall = time.monotonic() - self._t
        busy = _system_busy() - self._busy
        self.share.ours = _tree_cpu(self.roots) - self._ours
        self.share.server = _tree_cpu(self.roots[1:]) - self._server
        self.share.others = max(0.0, busy - self.share.ours)
        return self.share


def others_now(window: float = 1.0) -> float:
    """Share (%) of all CPUs busy over `window` seconds while the bench itself is idle."""
    before = _system_busy()
    time.sleep(window)
    return 100 * (_system_busy() - before) / (window * (os.cpu_count() or 1))


def wait_quiet(max_wait: float, threshold: float = 20.0, say=print) -> float:
    """Wait (at most max_wait s) until other processes use under `threshold` % of the CPUs.

    Returns the last share seen; the run goes ahead either way, with that share reported.
    """
    deadline = time.monotonic() + max_wait
    share = others_now()
    while share >= threshold and time.monotonic() < deadline:
        say(f"  machine busy: other processes use {share:.0f} % of the CPUs; waiting …")
        share = others_now(2.0)
    return share
