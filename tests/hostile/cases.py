"""Hostile inputs written for this project, each with what the user must see.

Each case is (name, bytes, expectation). `reject` names the reason printed on stderr; `warn` is
a warning the stored cable carries (shown in the console and printed by ingest); `show` is text
the console must show literally (control characters made visible as ␛, ␇ ...).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

HEADER = (
    "VZCZCXYZ0099 OO RUEHWEB\n"
    "DE RUEHFR #{serial:04d} 3311200\n"
    "ZNY CCCCC ZZH\n"
    "O 271200Z NOV 26\n"
    "FM AMEMBASSY PARIS\n"
    "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0001\n"
    "INFO RUEHLO/AMEMBASSY LONDON PRIORITY 0002\n"
)


def cable(
    serial: int,
    subject: str = "ORDINARY SUBJECT",
    body: str = "Nothing unusual here.",
    banner: str = "C O N F I D E N T I A L",
    header: str | None = None,
    tags: str = "PREL FR",
    mark: str = "C",
) -> str:
    head = (header if header is not None else HEADER).format(serial=serial)
    return (
        f"{head}\n{banner} PARIS {serial:06d}\n\nSIPDIS\n\nE.O. 12958: DECL: 11/27/2036\n"
        f"TAGS: {tags}\nSUBJECT: {subject}\n\nClassified By: Ambassador Helen Marsh, reasons 1.4 (b).\n\n"
        f"¶1. ({mark}) {body}\n\n¶2. ({mark}) A second paragraph.\n\nMARSH\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + bytes([x % 256, 0, 0] * 8) for x in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class Case:
    name: str
    data: bytes
    reject: str | None = None
    warn: list[str] = field(default_factory=list)
    show: list[str] = field(default_factory=list)
    ref: str | None = None


def cases() -> list[Case]:
    c: list[Case] = []

    def add(name: str, data: bytes | str, **kw: object) -> None:
        c.append(Case(name, data.encode("utf-8") if isinstance(data, str) else data, **kw))  # type: ignore[arg-type]

    add("empty.txt", b"", reject="empty file")
    add("blank-lines.txt", b"\n\n   \n\t\n", reject="empty file")
    add("random.bin", bytes((i * 97 + 13) % 256 for i in range(4096)), reject="binary data")
    add("image.png", png(), reject="binary data (PNG image)")
    add(
        "doc.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        reject="binary data (PDF document)",
    )
    add("archive.zip", b"PK\x03\x04" + bytes(200), reject="binary data (ZIP archive)")
    add(
        "nul-bytes.txt",
        cable(101).replace("Nothing", "No\x00thing"),
        warn=["NUL bytes in the text were ignored"],
        ref="26PARIS101",
    )
    add(
        "cp1252.txt",
        cable(102, subject="CAF\xc9 TALKS \u2018QUOTED\u2019").encode("cp1252"),
        warn=["not valid UTF-8"],
        show=["CAF\xc9 TALKS \u2018QUOTED\u2019"],
        ref="26PARIS102",
    )
    add(
        "latin1.txt",
        cable(103, subject="S\xc3O TOM\xc9 VISIT").encode("latin-1"),
        warn=["not valid UTF-8"],
        show=["S\xc3O TOM\xc9 VISIT"],
        ref="26PARIS103",
    )
    add(
        "bom.txt",
        b"\xef\xbb\xbf" + cable(104).encode(),
        ref="26PARIS104",
        show=["ORDINARY SUBJECT"],
    )
    add(
        "crlf.txt",
        cable(105, subject="WINDOWS LINE ENDS").replace("\n", "\r\n"),
        ref="26PARIS105",
        show=["WINDOWS LINE ENDS"],
    )
    add(
        "lone-cr.txt",
        cable(106, subject="OLD MAC LINE ENDS").replace("\n", "\r"),
        ref="26PARIS106",
        show=["OLD MAC LINE ENDS"],
    )
    add(
        "huge-20mb.txt",
        cable(107, body=("A long paragraph of ordinary words. " * 40 + "\n") * 14_000),
        ref="26PARIS107",
    )
    add("long-line.txt", cable(108, body="x" * 100_000), ref="26PARIS108")
    many = "".join(f"¶{i}. (C) Paragraph {i} of many.\n\n" for i in range(3, 10_001))
    add("ten-thousand-paragraphs.txt", cable(109) + many, ref="26PARIS109")
    add("header-only.txt", HEADER.format(serial=110), warn=["no classification banner"])
    add(
        "body-only.txt",
        "¶1. (C) Just a paragraph, no header at all.\n\n¶2. (C) And another.\n",
        warn=["no classification banner", "no date-time group"],
    )
    add(
        "cut-mid-header.txt",
        "VZCZCXYZ0111 OO RUEHWEB\nDE RUEHFR #0111 3311200\nZNY CCC",
        warn=["no date-time group"],
    )
    add(
        "impossible-dtg.txt",
        cable(112, header=HEADER.replace("271200Z", "321200Z")),
        warn=["impossible date-time group"],
        ref=None,
    )
    add(
        "bad-month.txt",
        cable(113, header=HEADER.replace("NOV 26", "XYZ 26")),
        warn=["impossible date-time group"],
    )
    add("unknown-prosign.txt", cable(114, header=HEADER.replace("O 271200Z", "Q 271200Z")), warn=[])
    add(
        "banner-contradicts.txt",
        cable(115, banner="S E C R E T"),
        warn=["classification banner says SECRET but the security line says CONFIDENTIAL"],
        ref="26PARIS115",
    )
    add(
        "ansi-colour-subject.txt",
        cable(116, subject="\x1b[31mRED\x1b[0m ALERT"),
        show=["␛[31mRED␛[0m ALERT"],
        ref="26PARIS116",
    )
    add(
        "ansi-cursor-body.txt",
        cable(117, body="before\x1b[2J\x1b[H\x1b[10;10Hafter"),
        show=["before␛[2J␛[H␛[10;10Hafter"],
        ref="26PARIS117",
    )
    add(
        "osc-title.txt",
        cable(118, subject="\x1b]0;owned terminal\x07 TITLE"),
        show=["␛]0;owned terminal␇ TITLE"],
        ref="26PARIS118",
    )
    add(
        "osc-hyperlink.txt",
        cable(119, body="\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ here"),
        show=["␛]8;;http://evil.example/␛\\click␛]8;;␛\\ here"],
        ref="26PARIS119",
    )
    add(
        "c1-controls.txt",
        cable(120, subject="CSI\x9b31m AND DEL\x7f"),
        show=["CSI<U+009B>31m AND DEL␡"],
        ref="26PARIS120",
    )
    add(
        "bidi-override.txt",
        cable(121, subject="INVOICE \u202eFDP.EXE"),
        show=["INVOICE <U+202E>FDP.EXE"],
        ref="26PARIS121",
    )
    add(
        "markup-close.txt",
        cable(122, subject="[/b] CLOSING TAG"),
        show=["[/b] CLOSING TAG"],
        ref="26PARIS122",
    )
    add(
        "markup-click.txt",
        cable(123, subject="[@click=app.quit]QUIT[/]"),
        show=["[@click=app.quit]QUIT[/]"],
        ref="26PARIS123",
    )
    add(
        "markup-link.txt",
        cable(124, body="[link=http://evil.example]link[/link] text"),
        show=["[link=http://evil.example]link[/link] text"],
        ref="26PARIS124",
    )
    add("markup-dangling.txt", cable(125, subject="ref [/"), show=["ref [/"], ref="26PARIS125")
    add(
        "markup-style.txt",
        cable(126, body="[bold red on white]shout[/] and [reverse]x"),
        show=["[bold red on white]shout[/] and [reverse]x"],
        ref="26PARIS126",
    )
    add("long-subject.txt", cable(127, subject="WORD " * 1000), ref="26PARIS127")
    add("collision-a.txt", cable(128, subject="FIRST TEXT"), ref="26PARIS128")
    add(
        "collision-b.txt",
        cable(128, subject="SECOND TEXT WITH THE SAME REFERENCE"),
        ref="26PARIS128",
        warn=[],
    )
    add("tags-garbage.txt", cable(129, tags="(((( ,,,, ;;;; ))))"), ref="26PARIS129")
    add(
        "many-tags.txt",
        cable(130, tags=" ".join(f"T{i:04d}" for i in range(3000))),
        ref="26PARIS130",
    )
    add("paragraph-bomb.txt", cable(131, body="1.4 (b) 1.4 (c)\n" * 2000), ref="26PARIS131")
    add("decl-garbage.txt", cable(132).replace("11/27/2036", "99/99/9999"), ref="26PARIS132")
    add(
        "only-banner.txt",
        "S E C R E T PARIS 000133\n",
        ref="26PARIS133" if False else None,
        warn=["no date-time group"],
    )
    add(
        "emoji-and-wide.txt",
        cable(134, subject="\u6771\u4eac TALKS \U0001f600 WIDE"),
        show=["\u6771\u4eac TALKS \U0001f600 WIDE"],
        ref="26PARIS134",
    )
    add(
        "tabs-and-ff.txt",
        cable(135, body="col1\tcol2\x0cnext page"),
        show=["col1"],
        ref="26PARIS135",
    )
    add(
        "deep-refs.txt",
        cable(136).replace(
            "Classified By",
            "REF: "
            + " ".join(f"{chr(65 + i % 26)}. PARIS {i}" for i in range(500))
            + "\n\nClassified By",
        ),
        ref="26PARIS136",
    )
    add(
        "sql-ish.txt",
        cable(137, subject="'; DROP TABLE cables; --"),
        show=["'; DROP TABLE cables; --"],
        ref="26PARIS137",
    )
    return c


CSV_ROWS = 10
BROKEN_ROW = 3


def broken_csv() -> bytes:
    """A cablegate CSV of 10 rows whose row 3 has a quote that is never closed."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for k in range(1, CSV_ROWS + 1):
        text = cable(900 + k, subject=f"CSV ROW {k}")
        header, _, body = text.partition("\n\n")
        w.writerow(
            [
                k,
                "11/27/2026 12:00",
                f"26PARIS{900 + k}",
                "Embassy Paris",
                "CONFIDENTIAL",
                "",
                header,
                body,
            ]
        )
    lines = buf.getvalue().split("\n")
    for i, ln in enumerate(lines):
        if ln.startswith(f'"{BROKEN_ROW}","'):
            lines[i] = ln.replace('"11/27/2026 12:00",', '"11/27/2026 12:00,', 1)
            break
    return "\n".join(lines).encode()
