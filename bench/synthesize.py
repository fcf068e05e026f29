"""Write N synthetic cables, deterministic for a seed, as files or as a cablegate CSV.

Varied like real traffic: every precedence and level in realistic proportions, hundreds of
origins, thousands of tags, 3 to 40 paragraphs, 1 to 30 KB each (log-uniform, so most are a
few KB as in the release), with and without the ACP-127 header, some partial extracts, and
REF lines naming earlier synthetic cables (so threads form) in realistic proportions.

    python bench/synthesize.py --count 1000 --seed 1 --out /tmp/cables        # files
    python bench/synthesize.py --count 1000 --seed 1 --csv /tmp/cables.csv    # cablegate CSV
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from collections.abc import Iterator
from pathlib import Path

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
PRECEDENCES = [("R", 0.33), ("P", 0.30), ("O", 0.31), ("NIACT", 0.03), ("Z", 0.02), ("OR", 0.01)]
LEVELS = [
    ("UNCLASSIFIED", 0.18),
    ("SBU", 0.16),
    ("CONFIDENTIAL", 0.40),
    ("SECRET", 0.24),
    ("TOP SECRET", 0.02),
]
SPACED = {
    "UNCLASSIFIED": "UNCLAS",
    "SBU": "UNCLAS",
    "CONFIDENTIAL": "C O N F I D E N T I A L",
    "SECRET": "S E C R E T",
    "TOP SECRET": "T O P S E C R E T",
}
SEC = {
    "UNCLASSIFIED": "ZNR UUUUU",
    "SBU": "ZNR UUUUU",
    "CONFIDENTIAL": "ZNY CCCCC",
    "SECRET": "ZNY SSSSS",
    "TOP SECRET": "ZNY TTTTT",
}
MARK = {"UNCLASSIFIED": "U", "SBU": "SBU", "CONFIDENTIAL": "C", "SECRET": "S", "TOP SECRET": "TS"}
WORD_DIST = (1, 30_000)


def pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    x = rng.random()
    acc = 0.0
    for value, p in table:
        acc += p
        if x < acc:
            return value
    return table[-1][0]


class World:
    """Origins, tags, people and a vocabulary, all made up from the seed."""

    def __init__(self, rng: random.Random) -> None:
        syll = [
            "ka",
            "ro",
            "mi",
            "ta",
            "ne",
            "sul",
            "dor",
            "va",
            "li",
            "ber",
            "an",
            "to",
            "gra",
            "pel",
            "os",
            "ur",
            "zan",
            "qui",
            "fe",
            "mon",
            "hal",
            "ri",
            "bo",
            "len",
            "cas",
        ]

        def name(n: int) -> str:
            return "".join(rng.choice(syll) for _ in range(n)).upper()

        cities = sorted({name(rng.randint(2, 4)) for _ in range(450)})
        self.posts = [("AMEMBASSY " if k % 5 else "AMCONSUL ") + c for k, c in enumerate(cities)]
        self.posts.append("SECSTATE WASHDC")
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        tags = {
            rng.choice("PEKMSAOT") + "".join(rng.choice(letters) for _ in range(3))
            for _ in range(3500)
        }
        tags |= {"".join(rng.choice(letters) for _ in range(2)) for _ in range(250)}
        self.tags = sorted(tags)
        self.words = sorted({name(rng.randint(1, 3)).lower() for _ in range(25_000)})
        self.common = [
            "the",
            "of",
            "and",
            "to",
            "in",
            "that",
            "said",
            "government",
            "minister",
            "would",
            "embassy",
            "meeting",
            "officials",
            "not",
            "with",
            "on",
            "for",
        ]
        self.people = [f"{name(2).title()} {name(3).title()}" for _ in range(2000)]
        # (year, serial) of the cables written so far, by station: what later cables cite
        self.sent: dict[str, list[tuple[int, int]]] = {}


def sentence(rng: random.Random, w: World) -> str:
    n = rng.randint(8, 24)
    words = [rng.choice(w.common) if rng.random() < 0.45 else rng.choice(w.words) for _ in range(n)]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, n), rng.choice(w.people))
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def wrap(text: str, width: int = 68) -> str:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(line)
    return "\n".join(out)


# REF blocks in the proportions of a sample of 1,304 real cables: 55% carry references, 2.2
# each on average; a post cites its own earlier reporting and the Department's instructions
# most, another post's cables less (those name posts the parser's station table does not know,
# so they stay unresolved, as references to cables not held do)
REF_SHARE = 0.55
REF_KINDS = [("own", 0.50), ("state", 0.30), ("other", 0.20)]
RECENT = 60  # a reference names one of the station's last RECENT cables


def references(rng: random.Random, w: World, station: str, year: int) -> list[str]:
    if rng.random() >= REF_SHARE:
        return []
    n = min(8, 1 + int(rng.expovariate(1 / 1.2)))
    entries: list[str] = []
    for _ in range(n):
        kind = pick(rng, REF_KINDS)
        pool = w.sent.get(station if kind == "own" else "STATE", []) if kind != "other" else []
        earlier = [(y, s) for y, s in pool[-RECENT:] if y <= year]
        if earlier:
            y, s = rng.choice(earlier)
            st = station if kind == "own" else "STATE"
            # the year is written when it is not the citing cable's, as cables do
            entries.append(f"{y % 100:02d} {st} {s}" if y != year else f"{st} {s}")
        else:
            other = rng.choice(w.posts).split(" ", 1)[1]
            entries.append(f"{other} {rng.randint(1, 9999)}")
    if len(entries) == 1:
        return [f"REF: {entries[0]}"]
    letters = "ABCDEFGH"
    return [("REF: " if k == 0 else "     ") + f"{letters[k]}. {e}" for k, e in enumerate(entries)]


def cable(rng: random.Random, w: World, k: int) -> tuple[str, dict[str, str]]:
    post = rng.choice(w.posts)
    station = post.split(" ", 1)[1] if not post.startswith("SECSTATE") else "STATE"
    if station == "WASHDC":
        station = "STATE"
    year = rng.randint(1985, 2010)
    yy = year % 100
    mon = rng.randint(1, 12)
    day = rng.randint(1, 28)
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    serial = 1 + k  # unique per cable in the corpus
    prec = pick(rng, PRECEDENCES)
    level = pick(rng, LEVELS)
    noforn = level in ("CONFIDENTIAL", "SECRET", "TOP SECRET") and rng.random() < 0.25
    prosign = {"NIACT": "O", "OR": "O R"}.get(prec, prec)
    action = {
        "R": "ROUTINE",
        "P": "PRIORITY",
        "O": "IMMEDIATE",
        "NIACT": "NIACT IMMEDIATE",
        "Z": "FLASH",
        "OR": "IMMEDIATE",
    }[prec]
    info_prec = "ROUTINE" if prec == "OR" else action.replace("NIACT ", "")
    dtg = f"{day:02d}{hh:02d}{mm:02d}Z {MONTHS[mon - 1]} {yy:02d}"
    shape = rng.random()
    lines: list[str] = []
    if shape < 0.05:
        lines += [
            "This record is a partial extract of the original cable. The full text of the "
            "original cable is not available.",
            "",
            f"{dtg[:7]} {MONTHS[mon - 1].title()} {yy:02d}",
            "",
        ]
    else:
        if shape < 0.8:
            lines += [
                f"VZCZCXRO{k % 10000:04d}",
                f"{prosign[0] * 2} RUEHWEB",
                "",
                f"DE RUEH{station[:2]} #{serial % 10000:04d}/01 {((mon - 1) * 30 + day):03d}{hh:02d}{mm:02d}",
                f"{SEC[level]} ZZH",
            ]
        lines.append(f"{prosign} {dtg}")
        lines.append(f"FM {post}")
        to = rng.sample(w.posts, rng.randint(1, 3))
        for j, a in enumerate(to):
            lines.append(f"{'TO ' if j == 0 else ''}{a} {action} {rng.randint(0, 9999):04d}")
        for j, a in enumerate(rng.sample(w.posts, rng.randint(0, 6))):
            lines.append(f"{'INFO ' if j == 0 else ''}{a} {info_prec} {rng.randint(0, 9999):04d}")
        lines.append("")
    banner = SPACED[level] + f" SECTION 01 OF 0{rng.randint(2, 4)}" * (rng.random() < 0.2)
    lines += [f"{banner} {station} {serial:06d}", "", "SIPDIS", ""]
    if noforn:
        lines += ["NOFORN", ""]
    if level == "SBU":
        lines += ["SENSITIVE BUT UNCLASSIFIED", ""]
    decl = (
        f"E.O. 12958: DECL: {mon:02d}/{day:02d}/{year + 10}"
        if level not in ("UNCLASSIFIED", "SBU")
        else "E.O. 12958: N/A"
    )
    tags = rng.sample(w.tags, rng.randint(2, 7))
    subject = " ".join(rng.choice(w.words) for _ in range(rng.randint(3, 10))).upper()
    lines += [decl, "TAGS: " + " ".join(tags), f"SUBJECT: {subject}", ""]
    refs = references(rng, w, station, year)
    if refs:
        lines += refs + [""]
    if level not in ("UNCLASSIFIED", "SBU"):
        lines += [
            f"Classified By: Ambassador {rng.choice(w.people)} for reasons 1.4 (b) and (d).",
            "",
        ]
    target = int(math.exp(rng.uniform(math.log(1024), math.log(30 * 1024))))
    size = sum(len(x) + 1 for x in lines)
    n_paras = rng.randint(3, 40)
    per_para = max(60, (target - size) // n_paras)
    mark = MARK[level] + ("//NF" if noforn else "")
    for p in range(1, n_paras + 1):
        text = ""
        while len(text) < per_para:
            text += sentence(rng, w) + " "
        lines += [f"¶{p}. ({mark}) " + wrap(text.strip()), ""]
    lines.append(rng.choice(w.people).split()[-1].upper())
    body = "\n".join(lines) + "\n"
    w.sent.setdefault(station, []).append((year, serial))
    meta = {
        "reference_id": f"{yy:02d}{station.replace(' ', '')}{serial}",
        "date": f"{mon:02d}/{day:02d}/{year} {hh:02d}:{mm:02d}",
    }
    return body, meta


def generate(count: int, seed: int) -> Iterator[tuple[int, str, dict[str, str]]]:
    rng = random.Random(seed)
    world = World(random.Random(seed ^ 0x5EED))
    for k in range(count):
        text, meta = cable(rng, world, k)
        yield k, text, meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", type=Path, help="folder for one .txt file per cable")
    g.add_argument("--csv", type=Path, help="a cablegate-layout CSV file")
    args = ap.parse_args(argv)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for k, text, _meta in generate(args.count, args.seed):
            sub = args.out / f"{k // 1000:04d}"
            if k % 1000 == 0:
                sub.mkdir(exist_ok=True)
            (sub / f"{k:07d}.txt").write_text(text, encoding="utf-8")
    else:
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            wcsv = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
            for k, text, meta in generate(args.count, args.seed):
                header, _, body = text.partition("\n\n")
                wcsv.writerow([k + 1, meta["date"], meta["reference_id"], "", "", "", header, body])
    print(f"wrote {args.count} cables", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
