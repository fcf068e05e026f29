"""Does this tree parse every input exactly as another tree (main's) does?

    python bench/parse_same.py --base /tmp/base            # corpus, samples, hostile, damage
    python bench/parse_same.py --base /tmp/base --damage 40 --seed 7

Each tree parses the same inputs in a subprocess of its own venv (`TREE/.venv/bin/python`, which
imports that tree's `triage`), through `parse_bytes` as `triage parse` does, and prints each
Cable's repr (every field, the warnings too) and `to_json()`. Inputs: the corpus's cables (both
folders, read at run time, never kept), sample_cables/, tests/hostile's cases, and `--damage`
damaged copies of each of those (seeded): lines dropped, doubled, swapped, joined, split, cased,
indented; header, banner, page-break, pseudo-header and paragraph lines from the format put in
at random places; lines from another cable; keywords misspelt; the text cut; CRLF, double
spacing, line-end backslashes, NULs, HTML references, control and non-ASCII characters.
Exit 1 and the first differences (inputs kept in --keep) when any output differs.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

CHILD = r"""
import pickle, sys, json
from triage.cable import parse_bytes
from triage.cable.text import looks_binary
inputs = pickle.load(open(sys.argv[1], "rb"))
out = open(sys.argv[2], "w", encoding="utf-8", errors="surrogatepass")
for name, data in inputs:
    c = parse_bytes(data)
    out.write(json.dumps([name, looks_binary(data), repr(c), c.to_json()], ensure_ascii=True) + "\n")
"""

FORMAT_LINES = [
    "VZCZCXRO1234",
    "VZCZCXYZ0099 OO RUEHWEB",
    "OO RUEHAG RUEHROV",
    "RUEHBC RUEHDE RUEHKUK",
    "DE RUEHFR #1234/01 3311200",
    "DE RUEHC #0001",
    "ZNY CCCCC ZZH",
    "ZNR UUUUU ZZH",
    "ZNY SSSSS",
    "O 271200Z NOV 26",
    "R 010000Z JAN 09",
    "P R 151230Z MAR 07",
    "Z 311259Z FEB 08",
    "271200Z NOV 26",
    "FM AMEMBASSY PARIS",
    "FM SECSTATE WASHDC",
    "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0001",
    "TO SECSTATE WASHDC NIACT IMMEDIATE 12 - 34",
    "RUEHLO/AMEMBASSY LONDON PRIORITY 0002",
    "AMEMBASSY ROME",
    "INFO RUEHLO/AMEMBASSY LONDON PRIORITY 0002",
    "INFO EUROPEAN POLITICAL COLLECTIVE",
    "XMT AMEMBASSY BERN",
    "BT",
    "NNNN",
    "C O N F I D E N T I A L PARIS 001234",
    "S E C R E T SECTION 01 OF 03 ANKARA 004567",
    "UNCLAS SECTION 02 OF 02 STATE 012345",
    "SECRET//NOFORN",
    "CONFIDENTIAL//NOFORN",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "LIMITED OFFICIAL USE ROME 000123",
    "SENSITIVE BUT UNCLASSIFIED",
    "CORRECTED COPY (ADDED PARA MARKINGS)",
    "CONFIDENTIAL PAGE 02 ANKARA 01234 151200Z",
    "PARIS 00001877 002 OF 003",
    "PAGE 01 STATE 061194",
    "ACTION EUR-00",
    "INFO LOG-00 EEB-00 AID-00",
    "DRAFTED BY: EUR/WE:JDOE",
    "Friday, 12 March 2004, 14:05",
    "SIPDIS",
    "NOFORN",
    "EXDIS",
    "E.O. 12958: DECL: 11/27/2036",
    "E.O. 12356: OADR",
    "EO 13526: DECL 2019/12/01",
    "E.O. 11652: N/A",
    "DECL: 1.4(B), (D)",
    "TAGS: PREL PGOV KNNP IR",
    "TAGS PRELPGOVKNNPIR",
    "TAGS: OVIP (ROE, JANE A.), ECON",
    "TAG: ECONTU",
    "SUBJECT: A SUBJECT THAT RUNS ON",
    "SUBJ: SHORT",
    "SUBJECT: LONG SUBJECT Classified By: Jane Roe",
    "REF: A. STATE 1234 B. 08 LIMA 355",
    "REF A LONDON 2768",
    "REFTEL: PARIS 1877 (07)",
    "REFS: (A) ROME 1301 AND 1311",
    "B. 2008 STATE 61194",
    "Classified By: Ambassador Helen Marsh, reasons 1.4 (b) and (d).",
    "CLASSIFIED BY: POL COUNSELOR JOHN Q. DOE, JR., FOR REASONS 1.4 (B)",
    "Sensitive but unclassified",
    "1. (C) A paragraph opens.",
    "¶2. (S//NF) Another paragraph.",
    "3. (SBU) Summary: it goes on.",
    "(U) Unnumbered.",
    "12. Plain numbered.",
    "A. (C) Lettered.",
    "END SUMMARY.",
    "END TEXT. HOLLAND",
    "HOLLAND##",
    "MARSH.",
    "VAN DYKE",
    "RICE",
    "ID: 190648",
    "ORIGIN: 09KUWAIT110",
    "DATE: 2009-02-01 11:11:00",
    "---- PARTIAL EXTRACT ----",
    "This record is a partial extract of the original cable. The full text of the original cable is not available.",
    "TELEGRAM",
    "Declassified/Released US Department of State EO Systematic Review 30 JUN 2005",
    "-----",
    "",
    "   ",
]
NOISE = [
    "\x00",
    "\x1b[31m",
    "\x07",
    "&amp;",
    "&#8217;",
    "&#x1b;",
    "\u202e",
    "é",
    "\ufeff",
    "\t",
    "\\",
    "\r",
    "  ",
    "¶",
    "//",
    "(",
    ")",
    ".",
    ":",
    "#",
]
TYPOS = [
    ("TAGS", "TAGSS"),
    ("TAGS:", "TAGS"),
    ("TAGS", "TGAS"),
    ("SUBJECT", "SUBJET"),
    ("SUBJECT", "SUBJECTT"),
    ("SUBJECT", "UBJECT"),
    ("E.O.", "E. O."),
    ("E.O.", "EO"),
    ("REF:", "REF"),
    ("REF", "RE"),
    ("Classified By", "Classified by"),
    ("CONFIDENTIAL", "CONFIDENTAL"),
    ("SECRET", "SECERT"),
    ("\n", " "),
    ("\n\n", "\n"),
    ("1.", "1"),
    ("(C)", "(c)"),
    ("FM ", "FM"),
    ("TO ", "TO\n"),
]


def damage(rng: random.Random, text: str, others: list[str]) -> str:
    for _ in range(rng.randint(1, 4)):
        lines = text.split("\n")
        n = len(lines)
        k = rng.randrange(n) if n else 0
        op = rng.randrange(18)
        if op == 0 and n > 1:
            del lines[k]
        elif op == 1:
            lines.insert(k, lines[k] if n else "")
        elif op == 2 and n > 1:
            k = min(k, n - 2)
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
        elif op in (3, 4, 5):  # a format line somewhere, most often near the top
            at = rng.randrange(min(n, 40) + 1) if rng.random() < 0.6 else rng.randrange(n + 1)
            lines.insert(at, rng.choice(FORMAT_LINES))
        elif op == 6 and n:
            lines[k] = rng.choice([str.upper, str.lower, str.title, str.strip, lambda s: "  " + s])(
                lines[k]
            )
        elif op == 7 and n > 1:
            k = min(k, n - 2)
            lines[k : k + 2] = [lines[k] + rng.choice(["", " "]) + lines[k + 1]]
        elif op == 8 and n and lines[k]:
            c = rng.randrange(len(lines[k]) + 1)
            lines[k : k + 1] = [lines[k][:c], lines[k][c:]]
        elif op == 9:
            return "\n".join(lines)[: rng.randrange(len(text) + 1)]
        elif op == 10:
            t = "\n".join(lines)
            return rng.choice(
                [
                    t.replace("\n", "\r\n"),
                    t.replace("\n", "\r\r\n"),
                    t.replace("\n", "\n\n"),
                    t.replace("\n", " \\\n"),
                    t.replace("\n", "\r"),
                ]
            )
        elif op == 11 and n:
            s = lines[k]
            c = rng.randrange(len(s) + 1)
            lines[k] = s[:c] + rng.choice(NOISE) + s[c:]
        elif op == 12 and n and lines[k]:
            c = rng.randrange(len(lines[k]))
            lines[k] = lines[k][:c] + lines[k][c + rng.randint(1, 5) :]
        elif op == 13:
            a, b = rng.choice(TYPOS)
            t = "\n".join(lines)
            at = [m.start() for m in re.finditer(re.escape(a), t[:200_000])][:50]
            if at:
                i = rng.choice(at)
                t = t[:i] + b + t[i + len(a) :]
            return t
        elif op == 14 and others:  # a run of lines from another cable
            o = rng.choice(others).split("\n")
            a = rng.randrange(len(o))
            lines[k:k] = o[a : a + rng.randint(1, 8)]
        elif op == 15 and n > 3:  # a block of the first lines shuffled
            m = min(n, rng.randint(3, 30))
            head = lines[:m]
            rng.shuffle(head)
            lines[:m] = head
        elif op == 16:
            lines = (
                [ln.strip() for ln in lines] if rng.random() < 0.5 else ["\t" + ln for ln in lines]
            )
        elif op == 17:
            lines = [ln for ln in lines if ln.strip()] if rng.random() < 0.5 else lines[k:]
        text = "\n".join(lines)
    return text


def gather(damage_n: int, seed: int) -> list[tuple[str, bytes]]:
    from run import default_corpus

    inputs: list[tuple[str, bytes]] = []
    corpus = default_corpus()
    for folder in (corpus, corpus.parent / "cables_pdf_converted"):
        for f in sorted(folder.glob("*.txt")):
            inputs.append((f"corpus:{folder.name}/{f.name}", f.read_bytes()))
    for f in sorted((ROOT / "sample_cables").glob("*.txt")):
        inputs.append((f"sample:{f.name}", f.read_bytes()))
    from tests.hostile.cases import cases

    for c in cases():
        inputs.append((f"hostile:{c.name}", c.data))
    rng = random.Random(seed)
    texts = [d.decode("utf-8", "replace") for _, d in inputs]
    plain = [t for t in texts if t.strip()]
    damaged: list[tuple[str, bytes]] = []
    for (name, _), t in zip(list(inputs), texts, strict=True):
        for i in range(damage_n if len(t) < 1_000_000 else 1):  # the hostile sizes: once
            d = damage(rng, t, plain)
            enc = rng.choice(["utf-8", "utf-8", "utf-8", "cp1252", "latin-1"])
            damaged.append((f"damaged:{name}#{i}", d.encode(enc, "replace")))
    # cables built from format lines alone
    for i in range(damage_n * 20):
        lines = [rng.choice(FORMAT_LINES) for _ in range(rng.randint(1, 60))]
        damaged.append((f"format#{i}", "\n".join(lines).encode()))
    return inputs + damaged


def run_tree(tree: Path, inputs_file: Path, out: Path) -> subprocess.Popen[bytes]:
    py = tree / ".venv" / "bin" / "python"
    return subprocess.Popen([str(py), "-c", CHILD, str(inputs_file), str(out)], cwd=tree)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the other tree (with its .venv)")
    ap.add_argument("--tree", type=Path, default=ROOT)
    ap.add_argument("--damage", type=int, default=20, help="damaged copies of each input")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "parse_same_diffs")
    args = ap.parse_args()
    inputs = gather(args.damage, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "inputs.pickle"
        inp.write_bytes(pickle.dumps(inputs))
        outs = [Path(tmp) / "a.jsonl", Path(tmp) / "b.jsonl"]
        procs = [run_tree(t, inp, o) for t, o in zip((args.base, args.tree), outs, strict=True)]
        if any(p.wait() for p in procs):
            raise SystemExit("a tree's parse failed")
        a = outs[0].read_text(encoding="utf-8").splitlines()
        b = outs[1].read_text(encoding="utf-8").splitlines()
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    print(f"{len(inputs):,} inputs; {len(diffs)} parsed differently")
    if diffs:
        args.keep.mkdir(parents=True, exist_ok=True)
        for i in diffs[:10]:
            name, data = inputs[i]
            f = args.keep / f"{i}.txt"
            f.write_bytes(data)
            x, y = json.loads(a[i]), json.loads(b[i])
            print(f"--- {name} (kept as {f})")
            print(f"  base: {x[2][:2000]}")
            print(f"  tree: {y[2][:2000]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
