"""What the reference links cost at ingest: the same CSV ingested with the links (as shipped)
and without them (their rows, their resolution on arrival and the cable_ids rules switched off).
Run it alternately on one machine and compare the times:

    python bench/links_ab.py on  CABLES.csv /tmp/ab-on.db
    python bench/links_ab.py off CABLES.csv /tmp/ab-off.db
"""

import sys
import time
from pathlib import Path

mode, csv_path, db = sys.argv[1], sys.argv[2], Path(sys.argv[3])
for suffix in ("", "-wal", "-shm"):
    Path(str(db) + suffix).unlink(missing_ok=True)
if mode == "off":
    import triage.cable.parse as parse
    import triage.store.ingest as ingest_module

    parse.with_cable_ids = lambda refs, year, station: tuple(refs)  # type: ignore[assignment]
    ingest_module.store_links = lambda *a, **k: None  # type: ignore[assignment]

from triage.store import connect  # noqa: E402
from triage.store.ingest import ingest  # noqa: E402
from triage.store.inputs import iter_paths  # noqa: E402

conn = connect(db)
t = time.perf_counter()
summary = ingest(conn, iter_paths([csv_path]))
print(mode, f"{time.perf_counter() - t:.1f} s", summary.added)
