"""SQLite's write turn is shared between processes: `serve` and its intake children queue for
it through an flock beside the database, not through SQLite's sleeping busy handler."""

import subprocess
import sys
import time

import pytest
from django.db import connection

from bereikbaar.intake.writelock import write_turn

HOLD = 0.6

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
print(time.time(), flush=True)  # the moment just before letting go
fcntl.flock(fd, fcntl.LOCK_UN)
"""


@pytest.mark.django_db
def test_a_writer_waits_for_another_process_s_turn():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL needs no write turn")
    lock_file = f"{connection.settings_dict['NAME']}-writer.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock_file, str(HOLD)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with write_turn():
            got_it_at = time.time()
        let_go_at = float(holder.stdout.readline())
        assert got_it_at >= let_go_at  # it could not go before the other process let go
    finally:
        holder.wait(timeout=10)


@pytest.mark.django_db
def test_the_turn_is_free_again_after_use():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL needs no write turn")
    with write_turn():
        pass
    lock_file = f"{connection.settings_dict['NAME']}-writer.lock"
    probe = "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
    probe += "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')"
    done = subprocess.run(
        [sys.executable, "-c", probe, lock_file], capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == "free", done.stderr
