"""The parser's instructions per corpus cable, in all and stage by stage (callgrind), which do
not move with the machine's load as CPU time does.

    python bench/parse_instr.py                       # the whole parse, per cable
    python bench/parse_instr.py read_paragraphs read_header ...   # those stages, per cable
    python bench/parse_instr.py all                   # every stage parse_speed.py names

Each count is callgrind's for a run less the count for a run that does everything but the part
measured (imports, reads the files; for a stage, records each call's arguments by one parse of
the corpus), divided by the cables (and, for a stage, by REPEAT replays of its recorded calls).
PYTHONHASHSEED is fixed, so two runs of one tree give the same count to a few hundred.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

REPEAT = 3


def child(what: str) -> None:
    from parse_speed import STAGES
    from run import default_corpus

    import triage.cable.parse as parse

    datas = [f.read_bytes() for f in sorted(default_corpus().glob("*.txt"))]
    if what == "read":
        return
    if what == "parse":
        for d in datas:
            parse.parse_bytes(d)
        return
    calls: dict[str, list[tuple[Any, Any]]] = {s: [] for s in STAGES}
    orig = {s: getattr(parse, s) for s in STAGES}

    def recording(name: str) -> Any:
        def rec(*a: Any, **k: Any) -> Any:
            calls[name].append((a, k))
            return orig[name](*a, **k)

        return rec

    for s in STAGES:
        setattr(parse, s, recording(s))
    for d in datas:
        parse.parse_bytes(d)
    if what == "record":
        return
    fn = orig[what]
    for _ in range(REPEAT):
        for a, k in calls[what]:
            fn(*a, **k)


def count(what: str) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
        + [sys.executable, __file__, "--child", what],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    m = re.search(r"Collected : (\d+)", out.stderr)
    if not m:
        raise SystemExit(out.stderr[-2000:])
    return int(m.group(1))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
        return
    from parse_speed import STAGES
    from run import default_corpus

    n = len(list(default_corpus().glob("*.txt")))
    stages = sys.argv[1:]
    if stages == ["all"]:
        stages = STAGES
    if not stages:
        total = count("parse") - count("read")
        print(f"{n} cables: {total / n / 1e6:.3f} M instructions per cable")
        return
    base = count("record")
    for s in stages:
        print(f"{s:28s} {(count(s) - base) / n / REPEAT / 1e3:8.0f} k instructions per cable")


if __name__ == "__main__":
    main()
