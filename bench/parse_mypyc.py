"""The parser compiled by mypyc, as it is: does it parse as the interpreted tree does, and how
many instructions a cable does it take? (A measurement, not a build: the project installs and
runs the interpreted modules.)

    python bench/parse_mypyc.py --base /work/main       # compile, parse_same, parse_instr
    python bench/parse_mypyc.py --base /work/main --speed --keep /tmp/compiled

The stage modules of triage/cable (all but model.py, whose classes the rest of the project
subclasses and replaces, and the package's __init__) are copied to a scratch tree and compiled
there with mypyc (it comes with mypy, a test dependency; it needs a C compiler and Python's
headers). Then bench/parse_same.py compares that tree's output with --base's, and
bench/parse_instr.py counts its instructions (the cold pass; the per-stage replay cannot patch
calls between compiled modules, so it is not run; for the same reason `--speed` gives the compiled
tree's whole time to "the rest").
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SKIP = {"__init__.py", "model.py"}


def build(tree: Path) -> None:
    shutil.copytree(ROOT / "triage", tree / "triage", ignore=shutil.ignore_patterns("__pycache__"))
    (tree / ".venv").symlink_to(ROOT / ".venv")  # parse_same.py runs TREE/.venv/bin/python
    mods = sorted(
        str(p.relative_to(tree))
        for p in (tree / "triage" / "cable").glob("*.py")
        if p.name not in SKIP
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypyc", *mods], cwd=tree, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stdout[-3000:] + out.stderr[-3000:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the tree to compare with")
    ap.add_argument("--keep", type=Path, help="build the compiled tree here (an empty folder)")
    ap.add_argument("--speed", action="store_true", help="also parse_speed.py, this tree then it")
    args = ap.parse_args()
    scratch = None
    if args.keep:
        tree = args.keep.resolve()
        tree.mkdir(parents=True, exist_ok=True)
    else:
        scratch = tempfile.TemporaryDirectory(prefix="parse_mypyc_")
        tree = Path(scratch.name)
    try:
        build(tree)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        bench = [sys.executable]
        subprocess.run(
            [*bench, str(HERE / "parse_same.py"), "--base", str(args.base), "--tree", str(tree)],
            check=False,
        )
        print("interpreted: ", end="", flush=True)
        subprocess.run([*bench, str(HERE / "parse_instr.py")], check=True)
        print("compiled:    ", end="", flush=True)
        subprocess.run([*bench, str(HERE / "parse_instr.py")], check=True, env=env)
        if args.speed:
            subprocess.run([*bench, str(HERE / "parse_speed.py")], check=True)
            subprocess.run([*bench, str(HERE / "parse_speed.py")], check=True, env=env)
    finally:
        if scratch is not None:
            scratch.cleanup()


if __name__ == "__main__":
    main()
