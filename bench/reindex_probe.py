"""How long writers wait while `triage reindex` runs (fourth session).

    python bench/reindex_probe.py CACHE.db [TRIAGE]

Runs `triage reindex --db CACHE.db` (on a copy you can spare: it rebuilds the search index) and,
from another connection, makes a workflow write every 50 ms until it ends, timing how long each
write waits for SQLite's write lock. Prints the reindex's own last line and the waits.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time


def main() -> None:
    db = sys.argv[1]
    triage = sys.argv[2] if len(sys.argv) > 2 else shutil.which("triage") or "triage"
    started = time.monotonic()
    proc = subprocess.Popen(
        [triage, "reindex", "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    conn = sqlite3.connect(db, isolation_level=None, timeout=60)
    waits: list[float] = []
    while proc.poll() is None:
        t = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE workflow SET note = ? WHERE cable_id = 1", (f"probe {len(waits)}",))
        conn.execute("COMMIT")
        waits.append(time.monotonic() - t)
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"reindex failed: {err.strip()}")
    waits.sort()
    print(out.strip().splitlines()[-1])
    print(
        f"{len(waits)} writes meanwhile: waited {waits[len(waits) // 2] * 1000:.0f} ms median, "
        f"{waits[int(len(waits) * 0.95)] * 1000:.0f} ms p95, {waits[-1] * 1000:.0f} ms at most "
        f"({time.monotonic() - started:.0f} s in all)"
    )


if __name__ == "__main__":
    main()
