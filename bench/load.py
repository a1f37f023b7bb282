"""Load: `concurrency` http.client threads send exactly len(bodies) POSTs.

Closed loop by default (each thread sends its next POST when the last is answered). With a
`rate`, open loop: POST i is sent at start + i / rate whatever the answers, so a server that
keeps up shows its latency at that load rather than how fast it can go.

Each thread keeps one connection alive for as long as the server allows (a server that answers
`Connection: close`, like gunicorn's sync workers, gets a fresh connection per request).
Only 127.0.0.1 is ever contacted.
"""

import http.client
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    label: str
    n: int
    concurrency: int
    wall: float = 0.0
    started: float = 0.0  # time.time() when the first request was sent
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: dict[int, int] = field(default_factory=dict)  # status -> count (0 = socket error)
    ok: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def ok_per_s(self) -> float:
        return self.ok / self.wall if self.wall else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(
    label: str,
    port: int,
    path: str,
    headers: dict[str, str],
    bodies: list[bytes],
    concurrency: int,
    expect: int,
    timeout: float = 30.0,
    on_response: Callable[[int, float, bytes], None] | None = None,
    rate: float | None = None,
) -> Result:
    """on_response(index, time.time() when sent, body) is called for each expected answer."""
    result = Result(label=label, n=len(bodies), concurrency=concurrency)
    lock = threading.Lock()
    next_index = [0]
    done = [0]

    def take() -> int | None:
        with lock:
            i = next_index[0]
            if i >= len(bodies):
                return None
            next_index[0] = i + 1
            return i

    def record(status: int, latency: float, detail: str) -> None:
        with lock:
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == expect:
                result.ok += 1
                result.latencies.append(latency)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{status}: {detail[:200]}")
            done[0] += 1

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            while (i := take()) is not None:
                if rate:  # its scheduled moment
                    time.sleep(max(0.0, begun + i / rate - time.perf_counter()))
                body = bodies[i]
                sent = time.time()
                t0 = time.perf_counter()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    status = response.status
                    if response.will_close:
                        conn.close()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    record(0, 0.0, repr(exc))
                    continue
                record(status, time.perf_counter() - t0, data.decode("utf-8", "replace"))
                if status == expect and on_response is not None:
                    on_response(i, sent, data)
        finally:
            conn.close()

    finished: list[float] = []  # perf_counter() when each thread had its last answer

    def timed_worker() -> None:
        try:
            worker()
        finally:
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=timed_worker, daemon=True) for _ in range(concurrency)]
    result.started = time.time()
    begun = time.perf_counter()  # read by the workers: set before they start
    for t in threads:
        t.start()
    tty = sys.stderr.isatty()
    last_line = time.perf_counter()
    while any(t.is_alive() for t in threads):
        time.sleep(0.25)
        line = f"  {label} c={concurrency}: {done[0]}/{len(bodies)}"
        if tty:
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
        elif time.perf_counter() - last_line > 2:
            print(line, file=sys.stderr, flush=True)
            last_line = time.perf_counter()
    for t in threads:
        t.join()
    # not the time this loop noticed, which is up to one 0.25 s nap late
    result.wall = max(finished) - begun
    end = "\n" if tty else ""
    print(
        f"{end}  {label} c={concurrency}: {done[0]}/{len(bodies)} in {result.wall:.2f} s "
        f"({result.ok_per_s:.0f}/s, {result.errors} errors)",
        file=sys.stderr,
        flush=True,
    )
    return result
