"""Build caches of several sizes and print one table of what a desk officer would feel.

    python bench/run.py                       # 1,000 10,000 100,000 250,000
    python bench/run.py --sizes 1000 10000    # a quicker look
    python bench/run.py --sizes 1000 --quick  # the smoke run the tests use
    python bench/run.py --sizes 100000 --real-only   # real text (../shared/corpus) vs the floor
    python bench/run.py --sizes 100000 --real        # both tables
    python bench/run.py --backend postgresql  # the same on PostgreSQL (a private server is
                                              # started unless --pg names one)

For each size: synthesize the cables (bench/synthesize.py, seed 1) as a cablegate CSV; time the
floor (SQLite storing and FTS-indexing the same texts with the same schema, no parsing); time
`triage ingest`; start the console headless in a fresh process and time its first screen next to
a bare Textual app showing one line; then, in that console, time FTS search, a tag filter, a
status filter, one row down, a page down, to the end, and opening a cable (median and p95); the
console's peak RSS; and `triage export` of the whole cache (time and peak RSS). Last, the cache
is given a working day's shape (bench/overview_probe.py) and the Overview's first draw and live
update are timed in a fresh console, and `triage report` (text and JSON) as a command; before
that, the Thread tab and its related cables in another (bench/thread_probe.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PY = sys.executable


def synth(n: int, out: Path) -> None:
    subprocess.run(
        [PY, str(HERE / "synthesize.py"), "--count", str(n), "--seed", "1", "--csv", str(out)],
        check=True,
        stderr=subprocess.DEVNULL,
    )


def default_corpus() -> Path:
    """The real cables beside the project (`../shared/corpus/cables`), from a worktree too."""
    for up in (HERE.parent.parent, HERE.parent.parent.parent):
        cand = up / "shared" / "corpus" / "cables"
        if cand.is_dir():
            return cand
    return HERE.parent.parent / "shared" / "corpus" / "cables"


def real_csv(n: int, corpus: Path, out: Path) -> None:
    """A cablegate CSV of `n` real cables: the corpus texts over and over, each copy under a new
    serial (written into its banner, page markers and reference id), so every row is a new
    cable and the parser reads real traffic. Built at run time; never committed."""
    import csv
    import re

    from triage.cable.parse import parse_bytes

    texts = []
    for f in sorted(corpus.glob("*.txt")):
        data = f.read_bytes()
        cable = parse_bytes(data)
        if not cable.reference_id or not cable.station_serial:
            continue
        texts.append((data.decode("utf-8", "replace"), cable))
    if not texts:
        raise SystemExit(f"{corpus}: no cables to build real-text traffic from")
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for k in range(n):
            text, cable = texts[k % len(texts)]
            serial = 900_000 + k
            old = str(int(cable.station_serial or "0"))
            body = re.sub(rf"\b0*{old}\b", f"{serial:06d}", text)
            ref = re.sub(r"\d+$", str(serial), cable.reference_id or "")
            date = (cable.dtg or "")[:16].replace("T", " ")
            w.writerow([k + 1, date, ref, "", "", "", "", body])


def floor(csv_path: Path, db: Path) -> float:
    """Seconds SQLite spends storing and FTS-indexing the texts, with triage's schema, batches
    and pragmas, and no parsing: the limit ingest is measured against."""
    import hashlib

    from triage.cable.parse import decode
    from triage.store import connect
    from triage.store.clock import utcnow
    from triage.store.inputs import iter_cablegate_csv

    conn = connect(db)
    conn.execute("PRAGMA cache_size = -65536")
    spent = 0.0
    pending = 0
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    spent += time.perf_counter() - t
    for k, item in enumerate(iter_cablegate_csv(csv_path)):
        assert item.data is not None
        text, _ = decode(item.data)
        sha = hashlib.sha256(item.data).hexdigest()
        now = utcnow()
        t = time.perf_counter()
        cid = conn.execute(
            "INSERT INTO cables (reference_id, sha256, received_at, updated_at) VALUES (?, ?, ?, ?)",
            (f"R{k}", sha, now, now),
        ).lastrowid
        conn.execute(
            "INSERT INTO cable_versions (cable_id, version, sha256, raw, source, received_at) "
            "VALUES (?, 1, ?, ?, ?, ?)",
            (cid, sha, item.data, item.source, now),
        )
        conn.execute(
            "INSERT INTO cables_fts (rowid, reference_id, subject, tags, body) VALUES (?, ?, ?, ?, ?)",
            (cid, f"R{k}", "", "", text),
        )
        pending += 1
        if pending >= 200:
            conn.execute("COMMIT")
            conn.execute("BEGIN IMMEDIATE")
            pending = 0
        spent += time.perf_counter() - t
    t = time.perf_counter()
    conn.execute("COMMIT")
    spent += time.perf_counter() - t
    conn.close()
    return spent


def floor_pg(csv_path: Path, url: str) -> float:
    """PostgreSQL's floor: COPY of the same rows (reference, digest, times; the raw text) into
    the same tables and indexes in the same batches, and each text's search document built by
    the server from the text (words cut as triage cuts them), no parsing."""
    import hashlib

    from triage.cable.parse import decode
    from triage.store import connect
    from triage.store.clock import utcnow
    from triage.store.inputs import iter_cablegate_csv
    from triage.store.postgres.search import normalise

    conn = connect(url)
    raw = conn.raw  # type: ignore[attr-defined]
    spent = 0.0
    batch: list[tuple[int, bytes, str, str]] = []

    def flush() -> float:
        t = time.perf_counter()
        now = utcnow()
        with raw.transaction():
            ids = [
                r[0]
                for r in raw.execute(
                    "SELECT nextval(pg_get_serial_sequence('cables', 'id')) "
                    "FROM generate_series(1, %s)",
                    (len(batch),),
                )
            ]
            cur = raw.cursor()
            with cur.copy(
                "COPY cables (id, reference_id, sha256, received_at, updated_at) FROM STDIN"
            ) as cp:
                for cid, (k, _d, sha, _t) in zip(ids, batch, strict=True):
                    cp.write_row([cid, f"R{k}", sha, now, now])
            with cur.copy(
                "COPY cable_versions (cable_id, version, sha256, raw, source, received_at) FROM STDIN"
            ) as cp:
                for cid, (_k, data, sha, _t) in zip(ids, batch, strict=True):
                    cp.write_row([cid, 1, sha, data, "x", now])
            raw.execute(
                "INSERT INTO cables_fts (cable_id, doc) SELECT i, triage_doc(r, '', '', b) "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS d(i, r, b)",
                (ids, [f"R{k}" for k, *_ in batch], [t for *_, t in batch]),
            )
        return time.perf_counter() - t

    for k, item in enumerate(iter_cablegate_csv(csv_path)):
        assert item.data is not None
        text = normalise(decode(item.data)[0].replace("\x00", " "))
        batch.append((k, item.data, hashlib.sha256(item.data).hexdigest(), text))
        if len(batch) >= 200:
            spent += flush()
            batch = []
    if batch:
        spent += flush()
    conn.close()
    return spent


def floor_in_child(csv_path: Path, db: Path) -> float:
    """The floor, in a process of its own: this process stays small, so the peak memory the
    console and export children report is theirs (Linux hands a parent's peak RSS down at fork
    to ru_maxrss)."""
    res = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--floor-only", str(csv_path), _arg(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(res.stdout.strip().splitlines()[-1])


def _arg(db: Path) -> str:
    """A cache path or a PostgreSQL URL (store.api.DbUrl) as a command-line argument."""
    return str(getattr(db, "url", db))


def console(mode: str, db: Path) -> dict[str, object]:
    """Run bench/console_probe.py in a fresh process and read its JSON."""
    t0 = time.time()
    res = subprocess.run(
        [PY, str(HERE / "console_probe.py"), mode, repr(t0), _arg(db)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def timed_cmd(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{args}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def overview(db: Path, triage: str) -> dict[str, object]:
    """The Overview and the report, on the cache shaped as a working day."""
    probe = str(HERE / "overview_probe.py")
    subprocess.run([PY, probe, "shape", _arg(db)], check=True, stdout=subprocess.DEVNULL)
    res = subprocess.run(
        [PY, probe, "console", _arg(db)], capture_output=True, text=True, timeout=1800
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    out: dict[str, object] = {"overview": json.loads(res.stdout.strip().splitlines()[-1])}
    out["report_s"], _ = timed_cmd([triage, "report", "--db", _arg(db)])
    out["report_json_s"], _ = timed_cmd([triage, "report", "--db", _arg(db), "--format", "json"])
    return out


def threads(db: Path, samples: int = 40) -> dict[str, object]:
    """The Thread tab and "more like this" in a fresh headless console (bench/thread_probe.py),
    before the Overview reshapes the cache; empty when no cable cites a held one."""
    probe = str(HERE / "thread_probe.py")
    res = subprocess.run(
        [PY, probe, str(db), "--samples", str(samples)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if res.returncode != 0:
        return {}
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def fmt_ms(d: object) -> str:
    assert isinstance(d, dict)
    return f"{d['median'] * 1000:.0f} / {d['p95'] * 1000:.0f}"


# the console's and the export's columns, the same in the full table and in --measure's
CONSOLE_HEAD = ["1st screen s", "bare s", "ratio", "RSS MB", "search ms", "tag ms", "status ms"]
CONSOLE_HEAD += ["row ms", "page ms", "end ms", "open ms", "export s", "exp RSS"]


def console_cells(r: dict[str, object]) -> list[str]:
    c = r["console"]
    assert isinstance(c, dict)
    bare = float(r["bare"])  # type: ignore[arg-type]
    return [
        f"{c['first_screen']:.2f}",
        f"{bare:.2f}",
        f"{c['first_screen'] / bare:.2f}",
        f"{c['peak_rss_mb']:.0f}",
        fmt_ms(c["fts_search"]),
        fmt_ms(c["tag_filter"]),
        fmt_ms(c["status_filter"]),
        fmt_ms(c["cursor_row"]),
        fmt_ms(c["cursor_page"]),
        fmt_ms(c["cursor_end"]),
        fmt_ms(c["open_cable"]),
        f"{float(r['export_s']):.2f}",  # type: ignore[arg-type]
        f"{float(r['export_rss_mb']):.0f}",  # type: ignore[arg-type]
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 250_000])
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--quick", action="store_true", help="skip the floor (for the smoke test)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument(
        "--real",
        action="store_true",
        help="also ingest real text: the corpus cables under new serials, against the floor",
    )
    ap.add_argument("--real-only", action="store_true", help="only the real-text rows")
    ap.add_argument("--corpus", type=Path, default=None, help="real cables (default: ../shared)")
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument(
        "--pg",
        help="with --backend postgresql: a server's URL whose role may create databases "
        "(default: a private throwaway server, started here)",
    )
    ap.add_argument("--floor-only", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument(
        "--measure",
        metavar="DB",
        help="only the console and export measures (first screen, search, filters, moves, "
        "opening, export), on a cache or PostgreSQL database that is already built; nothing "
        "in it is changed but the export's audit row",
    )
    args = ap.parse_args(argv)
    if args.measure:
        return measure_only(args.measure, args.json)
    if args.floor_only:
        csv_arg, db_arg = args.floor_only
        from triage.store.postgres import is_postgres

        if is_postgres(db_arg):
            print(floor_pg(Path(csv_arg), db_arg))
        else:
            print(floor(Path(csv_arg), Path(db_arg)))
        return 0
    server = None
    if args.backend == "postgresql" and not args.pg:
        sys.path.insert(0, str(HERE.parent))
        from tests.pgserver import Server

        server = Server()
        server.init()
        args.pg = server.dsn()
    try:
        return _run(args)
    finally:
        if server is not None:
            server.close()


def measure_only(db_arg: str, json_out: Path | None) -> int:
    """The console and export columns of the table, on a database built before (an ingest
    of 250,000 cables on PostgreSQL is most of an hour: built once, measured as often as
    wanted)."""
    from triage.store.api import as_target

    triage = shutil.which("triage", path=str(Path(PY).parent)) or "triage"
    import triage as triage_pkg

    subprocess.run(
        [PY, "-m", "compileall", "-q", str(Path(triage_pkg.__file__).parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    db = as_target(db_arg)
    from triage.store import connect

    conn = connect(db)
    n = int(conn.execute("SELECT count(*) FROM cables").fetchone()[0])
    conn.close()
    row: dict[str, object] = {"n": n, "load_before": os.getloadavg()}
    row["bare"] = console("bare", db)["first_screen"]
    row["console"] = console("triage", db)
    with tempfile.TemporaryDirectory() as tmp:
        wall, rss = timed_cmd([triage, "export", "--db", _arg(db), "-o", f"{tmp}/export.csv"])
    row["export_s"], row["export_rss_mb"] = wall, rss
    row["load_after"] = os.getloadavg()
    head = ["cables", *CONSOLE_HEAD]
    cells = [f"{n:,}", *console_cells(row)]
    widths = [max(len(h), len(v)) for h, v in zip(head, cells, strict=True)]
    print(" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    print(" | ".join(v.rjust(w) for v, w in zip(cells, widths, strict=True)))
    la, lb = row["load_before"], row["load_after"]
    print(f"(ms columns: median / p95; load average before {la[0]:.1f}, after {lb[0]:.1f})")  # type: ignore[index]
    if json_out:
        json_out.write_text(json.dumps(row, indent=2))
    return 0


def _pg_database(admin_url: str, name: str) -> Path:
    """A new, empty database `name` on the server (dropped first if it is there)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from triage.store.api import DbUrl

    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(admin_url)
    params["dbname"] = name
    return DbUrl(make_conninfo(**params))


def _run(args: argparse.Namespace) -> int:
    work = args.work or Path(tempfile.mkdtemp(prefix="triage-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    triage = shutil.which("triage", path=str(Path(PY).parent)) or "triage"
    # byte-compile triage as `pip install .` does (an editable install under
    # PYTHONDONTWRITEBYTECODE would compile it from source at every start)
    import triage as triage_pkg

    subprocess.run(
        [PY, "-m", "compileall", "-q", str(Path(triage_pkg.__file__).parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results = []
    real_rows: list[dict[str, object]] = []
    try:
        if args.real or args.real_only:
            for n in args.sizes:
                real_rows.append(real_ingest(n, args.corpus or default_corpus(), work, triage))
                print(f"done real {n}", file=sys.stderr, flush=True)
        for n in [] if args.real_only else args.sizes:
            csv_path = work / f"cables-{n}.csv"
            if not csv_path.exists():
                synth(n, csv_path)
            row: dict[str, object] = {"n": n, "csv_mb": csv_path.stat().st_size / 1e6}
            pg = args.backend == "postgresql"
            if not args.quick:
                if pg:
                    fdb = _pg_database(args.pg, f"triage_floor_{n}")
                    _init(triage, fdb)
                else:
                    fdb = work / f"floor-{n}.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(fdb) + suffix).unlink(missing_ok=True)
                row["floor_s"] = floor_in_child(csv_path, fdb)
                if not pg:
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(fdb) + suffix).unlink(missing_ok=True)
            if pg:
                db = _pg_database(args.pg, f"triage_bench_{n}")
                _init(triage, db)
            else:
                db = work / f"cache-{n}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
            wall, _rss = timed_cmd([triage, "ingest", "--db", _arg(db), str(csv_path)])
            row["ingest_s"] = wall
            row["ingest_rate"] = n / wall
            # some workflow state, so status filters have something to find
            from triage.store import connect

            conn = connect(db)
            conn.execute(
                "UPDATE workflow SET status = 'ASSIGNED', officer = 'kwalker' WHERE cable_id % 7 = 0"
            )
            conn.execute("UPDATE workflow SET status = 'DONE' WHERE cable_id % 11 = 0")
            if pg:
                conn.execute("VACUUM ANALYZE")
                row["cache_mb"] = (
                    conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6
                )
            else:
                row["cache_mb"] = db.stat().st_size / 1e6
            conn.close()
            row["bare"] = console("bare", db)["first_screen"]
            row["console"] = console("triage", db)
            out = work / f"export-{n}.csv"
            wall, rss = timed_cmd([triage, "export", "--db", _arg(db), "-o", str(out)])
            row["export_s"], row["export_rss_mb"] = wall, rss
            out.unlink(missing_ok=True)
            row["thread"] = threads(db, 5 if args.quick else 40)
            row.update(overview(db, triage))
            results.append(row)
            print(f"done {n}", file=sys.stderr, flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if results:
        print_table(results, args.backend)
    if real_rows:
        print_real_table(real_rows)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _init(triage: str, db: Path) -> None:
    subprocess.run([triage, "init", "--db", _arg(db)], check=True, capture_output=True)


def _ms(probe: object, key: str) -> str:
    """A thread_probe figure (already in ms), or - when the cache had no thread."""
    if not isinstance(probe, dict) or "console" not in probe:
        return "-"
    d = probe["console"][key]
    return f"{d['median']:.0f} / {d['p95']:.0f}"


def print_table(results: list[dict[str, object]], backend: str = "sqlite") -> None:
    uname = platform.uname()
    engine = f"SQLite {sqlite3.sqlite_version}"
    if backend == "postgresql":
        engine = "PostgreSQL (server on this machine, Unix socket)"
    print(
        f"machine: {uname.system} {uname.machine}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{engine}"
    )
    head = [
        "cables",
        "ingest/s",
        "floor x",
        "cache MB",
        *CONSOLE_HEAD,
        "overview ms",
        "live ms",
        "report s",
        "json s",
        "thread ms",
        "related ms",
    ]
    rows = []
    for r in results:
        floor_x = f"{float(r['ingest_s']) / float(r['floor_s']):.2f}" if "floor_s" in r else "-"  # type: ignore[arg-type]
        rows.append(
            [
                f"{r['n']:,}",
                f"{float(r['ingest_rate']):,.0f}",
                floor_x,
                f"{float(r['cache_mb']):,.0f}",  # type: ignore[arg-type]
                *console_cells(r),
                fmt_ms(r["overview"]["first_draw"]),  # type: ignore[index]
                fmt_ms(r["overview"]["live_update"]),  # type: ignore[index]
                f"{float(r['report_s']):.2f}",  # type: ignore[arg-type]
                f"{float(r['report_json_s']):.2f}",  # type: ignore[arg-type]
                _ms(r.get("thread"), "tab_tree"),
                _ms(r.get("thread"), "tab_related"),
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print(" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    print(
        "(ms columns: median / p95; floor x = triage ingest time / the database's own time to "
        "store the same texts)"
    )


def real_ingest(n: int, corpus: Path, work: Path, triage: str) -> dict[str, object]:
    """Real-text traffic of `n` cables: the floor, then `triage ingest`, on fresh caches."""
    csv_path = work / f"real-{n}.csv"
    real_csv(n, corpus, csv_path)
    row: dict[str, object] = {"n": n, "csv_mb": csv_path.stat().st_size / 1e6}
    for name in ("floor", "cache"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(work / f"real-{name}-{n}.db") + suffix).unlink(missing_ok=True)
    row["floor_s"] = floor_in_child(csv_path, work / f"real-floor-{n}.db")
    db = work / f"real-cache-{n}.db"
    wall, rss = timed_cmd([triage, "ingest", "-q", "--db", str(db), str(csv_path)])
    row["ingest_s"], row["ingest_rss_mb"] = wall, rss
    row["cache_mb"] = db.stat().st_size / 1e6
    conn = sqlite3.connect(db)
    row["stored"] = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    conn.close()
    for name in ("floor", "cache"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(work / f"real-{name}-{n}.db") + suffix).unlink(missing_ok=True)
    csv_path.unlink(missing_ok=True)
    return row


def print_real_table(rows: list[dict[str, object]]) -> None:
    head = ["real-text cables", "CSV MB", "stored", "floor s", "ingest s", "ingest/s", "floor x"]
    out = []
    for r in rows:
        ingest_s, floor_s = float(r["ingest_s"]), float(r["floor_s"])  # type: ignore[arg-type]
        out.append(
            [
                f"{r['n']:,}",
                f"{float(r['csv_mb']):,.0f}",  # type: ignore[arg-type]
                f"{r['stored']:,}",
                f"{floor_s:.1f}",
                f"{ingest_s:.1f}",
                f"{int(r['n']) / ingest_s:,.0f}",  # type: ignore[call-overload]
                f"{ingest_s / floor_s:.2f}",
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in out)) for i, h in enumerate(head)]
    print(" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in out:
        print(" | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    print("(real text: the corpus cables under new serials, built at run time; floor x as above)")


if __name__ == "__main__":
    raise SystemExit(main())
