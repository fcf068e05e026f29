"""Write sample_cables/: cables written for this project (invented events and people, the real
format), and tests/sample_expected.jsonl with what each one states, taken from the inputs here,
not from the parser. Run: python tests/make_samples.py

Each sample is built from a small spec; the variants cover what cable-format.md catalogues.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "sample_cables"

RI = {
    "SECSTATE WASHDC": "RUEHC",
    "AMEMBASSY PARIS": "RUEHFR",
    "AMEMBASSY LONDON": "RUEHLO",
    "AMEMBASSY BERLIN": "RUEHRL",
    "AMEMBASSY MADRID": "RUEHMD",
    "AMEMBASSY ROME": "RUEHRO",
    "AMEMBASSY ANKARA": "RUEHAK",
    "AMEMBASSY NAIROBI": "RUEHNR",
    "AMEMBASSY TOKYO": "RUEHKO",
    "AMEMBASSY BRASILIA": "RUEHBR",
    "AMEMBASSY OTTAWA": "RUEHOT",
    "AMEMBASSY CANBERRA": "RUEHBY",
    "AMEMBASSY VALLETTA": "RUEHVL",
    "AMEMBASSY REYKJAVIK": "RUEHRK",
    "AMEMBASSY MONTEVIDEO": "RUEHMN",
    "AMEMBASSY WELLINGTON": "RUEHWL",
    "AMCONSUL RIO DE JANEIRO": "RUEHRI",
    "AMCONSUL MUNICH": "RUEHMZ",
    "USMISSION USNATO": "RUEHNO",
    "USMISSION USUN NEW YORK": "RUCNDT",
    "NSC WASHDC": "RHEHNSC",
    "JOINT STAFF WASHDC": "RUEKJCS",
}

STATION = {
    "SECSTATE WASHDC": ("STATE", "Secretary of State"),
    "USMISSION USNATO": ("USNATO", "Mission USNATO"),
    "USMISSION USUN NEW YORK": ("USUN NEW YORK", "Mission USUN"),
    "JOINT STAFF WASHDC": ("JCS", "Joint Staff Washdc"),
}

PREC_WORD = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE", "Y": "EMERGENCY"}
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
SPACED = {
    "UNCLASSIFIED": "UNCLAS",
    "CONFIDENTIAL": "C O N F I D E N T I A L",
    "SECRET": "S E C R E T",
    "TOP SECRET": "T O P S E C R E T",
}
SEC_LINE = {
    "UNCLASSIFIED": "ZNR UUUUU ZZH",
    "CONFIDENTIAL": "ZNY CCCCC ZZH",
    "SECRET": "ZNY SSSSS ZZH",
    "TOP SECRET": "ZNY TTTTT ZZH",
}
MARK = {"UNCLASSIFIED": "U", "CONFIDENTIAL": "C", "SECRET": "S", "TOP SECRET": "TS"}

SUBJECTS = [
    "FISHERIES TALKS STALL OVER QUOTA FORMULA",
    "MINISTER OUTLINES PLAN FOR PORT CONCESSION",
    "ELECTION COMMISSION DELAYS VOTER ROLL AUDIT",
    "HARBOR PILOTS STRIKE THREATENS GRAIN EXPORTS",
    "NEW CUSTOMS CHIEF PROMISES BORDER REFORM",
    "PARLIAMENT DEBATES DATA PROTECTION BILL",
    "REGIONAL GOVERNORS SEEK LARGER BUDGET SHARE",
    "CENTRAL BANK SIGNALS RATE PAUSE",
    "OPPOSITION LEADER VISITS NORTHERN PROVINCES",
    "AIRLINE MERGER RAISES COMPETITION CONCERNS",
]
NAMES = [
    "Deputy Minister Aurelio Venn",
    "State Secretary Maren Holt",
    "Director General Ilse Marrow",
    "Senator Tobias Quell",
    "Governor Anika Strand",
    "Chief of Staff Pavel Drummond",
    "Ambassador Celia Fontaine",
    "Mayor Ruben Castell",
]
SENTENCES = [
    "{name} told PolOff on {day} that the government would not reopen the question before the summer recess.",
    "The ministry has asked for technical help with the tender documents, and the request is under review.",
    "Local press coverage has been muted, though two weekly magazines ran critical pieces.",
    "We expect the cabinet to take up the matter at its next regular session.",
    "{name} was candid that the coalition partners remain divided on the timing.",
    "Business groups welcomed the announcement but asked for clearer rules on foreign ownership.",
    "Post will continue to press for a transparent process and will report further developments.",
    "The opposition has called for hearings, but its motion lacks the votes to pass.",
    "Our contacts in the finance ministry describe the projections as optimistic.",
    "A working group of senior officials is due to report within sixty days.",
]


def para_text(rng: random.Random, n_sent: int) -> str:
    out = []
    for _ in range(n_sent):
        s = rng.choice(SENTENCES).format(
            name=rng.choice(NAMES), day=rng.choice(["March 3", "May 12", "October 20", "June 8"])
        )
        out.append(s)
    words = " ".join(out).split()
    lines, cur = [], ""
    for w in words:
        if len(cur) + len(w) + 1 > 66:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines)


def build(spec: dict, rng: random.Random) -> tuple[str, dict]:
    fm = spec["fm"]
    station, origin = STATION.get(fm, (fm.split(" ", 1)[1], None))
    if origin is None:
        kind, place = fm.split(" ", 1)
        origin = ("Embassy " if kind == "AMEMBASSY" else "Consulate ") + place.title()
    serial = spec["serial"]
    day, hh, mm, mon, yy = spec["dtg"]
    dtg = f"{day:02d}{hh:02d}{mm:02d}Z {MONTHS[mon - 1]} {yy:02d}"
    year = 2000 + yy if yy < 50 else 1900 + yy
    level = spec["level"]
    caveats = spec.get("caveats", [])
    prosigns = spec["prosigns"]
    to = spec.get("to", ["SECSTATE WASHDC"] if fm != "SECSTATE WASHDC" else ["AMEMBASSY PARIS"])
    info = spec.get("info", ["AMEMBASSY LONDON", "NSC WASHDC"])
    niact = spec.get("niact", False)
    action_word = PREC_WORD[prosigns[0]]
    info_word = PREC_WORD[prosigns[1]] if len(prosigns) > 1 else action_word
    tags = spec.get("tags", ["PREL", "PGOV", "ECON"])
    subject = spec.get("subject") or rng.choice(SUBJECTS)
    n_paras = spec.get("paras", 4)
    lines: list[str] = []
    if spec.get("partial"):
        lines += [
            "This record is a partial extract of the original cable. The full text of the original cable is not available.",
            "",
        ]
        dtg_line = f"{day:02d}{hh:02d}{mm:02d}Z {MONTHS[mon - 1].title()} {yy:02d}"
        lines += [dtg_line, ""]
        dtg_raw = dtg_line
    else:
        dtg_raw = f"{' '.join(prosigns)} {dtg}"
        if spec.get("acp", True):
            fl2 = prosigns[0] * 2
            julian = f"{(mon - 1) * 30 + day:03d}{hh:02d}{mm:02d}"
            lines += [f"VZCZCXYZ{spec['csn']:04d}", f"{fl2} RUEHWEB", ""]
            de_ri = RI.get(fm, "RUEHXX")
            sec = "/01" if spec.get("sections") else ""
            lines += [f"DE {de_ri} #{int(serial) % 10000:04d}{sec} {julian}", SEC_LINE[level]]
        lines.append(dtg_raw)
        lines.append(f"FM {fm}")
        for k, a in enumerate(to):
            ri = RI.get(a)
            head = "TO " if k == 0 else ""
            prec = ("NIACT " if niact else "") + action_word
            lines.append(
                f"{head}{ri + '/' if ri else 'ZEN/'}{a} {prec} {1000 + 37 * k + serial % 900:04d}"
            )
        for k, a in enumerate(info):
            ri = RI.get(a)
            head = "INFO " if k == 0 else ""
            lines.append(f"{head}{ri + '/' if ri else ''}{a} {info_word} {2000 + 41 * k:04d}")
        lines.append("BT") if spec.get("bt") else None
        lines.append("")
    banner_level = SPACED[level]
    sect = " SECTION 01 OF 02" if spec.get("sections") else ""
    banner_extra = " NOFORN" if spec.get("noforn_in_banner") else ""
    serial_txt = f"{serial:06d}"
    lines.append(f"{banner_level}{sect} {station} {serial_txt}{banner_extra}")
    lines.append("")
    if spec.get("corrected"):
        lines += ["C O R R E C T E D C O PY (TEXT ADDED TO PARA 3)", ""]
    if "SIPDIS" in caveats:
        lines += ["SIPDIS", ""]
    for c in caveats:
        if c in ("NOFORN", "EXDIS", "NODIS", "LIMDIS", "STADIS"):
            lines += [c, ""]
    if spec.get("sbu"):
        lines += ["SENSITIVE BUT UNCLASSIFIED", ""]
    if spec.get("passing"):
        lines += [spec["passing"], ""]
    eo = spec.get("eo", f"E.O. 12958: DECL: {mon:02d}/{day:02d}/{year + 10}")
    if level == "UNCLASSIFIED" and "eo" not in spec:
        eo = "E.O. 12958: N/A"
    tag_line = spec.get("tag_line") or "TAGS: " + " ".join(tags)
    subj_line = spec.get("subj_line") or f"SUBJECT: {subject}"
    if spec.get("glued"):
        lines += [f"{eo} {tag_line} {subj_line}", ""]
    else:
        lines += [eo, tag_line, subj_line, ""]
    if spec.get("refs_text"):
        lines += spec["refs_text"].split("\n") + [""]
    classified_by = spec.get("classified_by", "Ambassador Helen Marsh")
    if level != "UNCLASSIFIED":
        lines += [f"Classified By: {classified_by} for reasons 1.4 (b) and (d).", ""]
    paragraphs = []
    mark = spec.get("mark") or MARK[level]
    for p in range(1, n_paras + 1):
        text = para_text(rng, rng.randint(2, 5))
        if spec.get("redact") and p == 2:
            text = "XXXXXXXXXXXX told us " + text
        m = spec.get("marks", {}).get(p, mark)
        num = f"¶{p}."
        if spec.get("garbled") and p in (1, 3):
            num = f"- 1{p}."
        elif spec.get("garbled") and p == 2:
            num = f"- ¶{p}."
        elif spec.get("no_pilcrow"):
            num = f"{p}."
        lines.append(f"{num} ({m}) {text}" if m else f"{num} {text}")
        lines.append("")
        paragraphs.append({"number": p, "marking": (spec.get("norm_marks", {}).get(p) or m)})
        if spec.get("sections") and p == n_paras // 2:
            lines += [f"{station} {serial:08d} 002 OF 002", ""]
    sig = spec.get("signature", "MARSH")
    lines.append(sig)
    if spec.get("nnnn"):
        lines.append("NNNN")
    text = "\n".join(lines) + "\n"
    classification = level
    if "NOFORN" in caveats or spec.get("noforn_in_banner"):
        classification = f"{level}//NOFORN"
    if level == "UNCLASSIFIED" and spec.get("sbu"):
        classification = "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    precedence = "NIACT IMMEDIATE" if niact else action_word
    compact = station.replace(" ", "")
    expected = {
        "reference_id": f"{yy:02d}{compact}{serial}",
        "precedence": None if spec.get("partial") else precedence,
        "info_precedence": None if spec.get("partial") else info_word,
        "dtg": f"{year:04d}-{mon:02d}-{day:02d}T{hh:02d}:{mm:02d}:00Z",
        "dtg_raw": dtg_raw,
        "classification": classification,
        "level": level,
        "origin": origin,
        "tags": spec.get("expected_tags", tags),
        "subject": subject,
        "partial": bool(spec.get("partial")),
        "corrected": bool(spec.get("corrected")),
        "signature": sig,
        "paragraphs": paragraphs,
        "references": spec.get("expected_refs", []),
        "caveats_include": [c for c in caveats],
        "transmission_id": f"VZCZCXYZ{spec['csn']:04d}"
        if spec.get("acp", True) and not spec.get("partial")
        else None,
        "to_count": 0 if spec.get("partial") else len(to),
        "info_count": 0 if spec.get("partial") else len(info),
        "repaired": bool(spec.get("garbled")),
    }
    return text, expected


SPECS: list[dict] = [
    # every precedence, including FLASH, EMERGENCY and NIACT IMMEDIATE
    dict(
        name="flash_hijack",
        fm="SECSTATE WASHDC",
        serial=104233,
        dtg=(27, 12, 0, 11, 26),
        level="SECRET",
        caveats=["SIPDIS", "NOFORN"],
        prosigns="Z",
        to=["AMEMBASSY VALLETTA", "AMEMBASSY ROME"],
        subject="DIVERSION OF CARGO VESSEL M/V NORTHERN STAR",
        tags=["EWWT", "PTER", "MOPS", "MT", "IT"],
        marks={1: "S//NF", 2: "S//NF"},
    ),
    dict(
        name="emergency_y",
        fm="JOINT STAFF WASHDC",
        serial=911,
        dtg=(2, 3, 15, 6, 26),
        level="TOP SECRET",
        caveats=["NODIS"],
        prosigns="Y",
        to=["SECSTATE WASHDC"],
        subject="EMERGENCY ACTION NOTICE EXERCISE SPRING GALE",
        tags=["MARR", "MOPS"],
    ),
    dict(
        name="niact_evacuation",
        fm="SECSTATE WASHDC",
        serial=98412,
        dtg=(14, 4, 33, 9, 26),
        level="SECRET",
        caveats=["SIPDIS"],
        prosigns="O",
        niact=True,
        to=["AMEMBASSY NAIROBI", "AMEMBASSY ANKARA"],
        subject="AUTHORIZED DEPARTURE: INSTRUCTIONS FOR ACTION ADDRESSEES",
        tags=["ASEC", "AMGT", "CASC", "KE", "TU"],
    ),
    dict(
        name="immediate_paris",
        fm="AMEMBASSY PARIS",
        serial=1877,
        dtg=(16, 20, 23, 11, 26),
        level="CONFIDENTIAL",
        caveats=["SIPDIS"],
        prosigns="O",
        tags=["PREL", "FR", "EUN"],
    ),
    dict(
        name="priority_berlin",
        fm="AMEMBASSY BERLIN",
        serial=702,
        dtg=(3, 9, 41, 3, 26),
        level="CONFIDENTIAL",
        caveats=["SIPDIS", "NOFORN"],
        prosigns="P",
        tags=["PGOV", "GM"],
        mark="C//NF",
    ),
    dict(
        name="routine_tokyo",
        fm="AMEMBASSY TOKYO",
        serial=2291,
        dtg=(21, 6, 5, 5, 26),
        level="UNCLASSIFIED",
        caveats=["SIPDIS"],
        prosigns="R",
        tags=["ECON", "ETRD", "JA"],
    ),
    # dual precedence
    dict(
        name="dual_o_r_madrid",
        fm="AMEMBASSY MADRID",
        serial=455,
        dtg=(26, 16, 12, 2, 26),
        level="SECRET",
        caveats=["SIPDIS"],
        prosigns="OR",
        tags=["PTER", "SP"],
    ),
    dict(
        name="dual_p_r_oldstyle",
        fm="AMEMBASSY MONTEVIDEO",
        serial=2481,
        dtg=(28, 18, 48, 12, 66),
        level="CONFIDENTIAL",
        prosigns="PR",
        acp=False,
        eo="GDS",
        tags=["PBOR", "UY"],
        signature="HOLLIS",
        no_pilcrow=True,
    ),
    dict(
        name="dual_o_p_rome",
        fm="AMEMBASSY ROME",
        serial=1301,
        dtg=(9, 11, 30, 4, 26),
        level="CONFIDENTIAL",
        caveats=["SIPDIS"],
        prosigns="OP",
        tags=["PREL", "IT"],
    ),
    # every level, NOFORN, EXDIS, NODIS, SBU
    dict(
        name="top_secret_nodis",
        fm="SECSTATE WASHDC",
        serial=50112,
        dtg=(5, 22, 10, 10, 26),
        level="TOP SECRET",
        caveats=["NODIS"],
        prosigns="O",
        to=["AMEMBASSY LONDON"],
        info=[],
        tags=["PREL", "PINR"],
        classified_by="Under Secretary Graham Lowe",
    ),
    dict(
        name="secret_exdis",
        fm="AMEMBASSY ANKARA",
        serial=3388,
        dtg=(11, 14, 2, 8, 26),
        level="SECRET",
        caveats=["EXDIS"],
        prosigns="O",
        tags=["PREL", "MARR", "TU"],
    ),
    dict(
        name="secret_noforn_banner",
        fm="AMEMBASSY NAIROBI",
        serial=877,
        dtg=(7, 8, 45, 7, 26),
        level="SECRET",
        caveats=["SIPDIS"],
        noforn_in_banner=True,
        prosigns="P",
        tags=["PTER", "KE", "SO"],
        mark="S//NF",
    ),
    dict(
        name="sbu_unclas",
        fm="AMEMBASSY BRASILIA",
        serial=1542,
        dtg=(19, 12, 0, 9, 26),
        level="UNCLASSIFIED",
        caveats=["SIPDIS"],
        sbu=True,
        prosigns="R",
        tags=["ECON", "SENV", "BR"],
        mark="SBU",
    ),
    dict(
        name="unclas_plain",
        fm="AMEMBASSY WELLINGTON",
        serial=301,
        dtg=(2, 2, 2, 2, 26),
        level="UNCLASSIFIED",
        prosigns="R",
        tags=["OEXC", "SCUL", "NZ"],
    ),
    # header shapes
    dict(
        name="no_acp_header",
        fm="AMEMBASSY OTTAWA",
        serial=1204,
        dtg=(23, 15, 53, 2, 25),
        level="CONFIDENTIAL",
        prosigns="O",
        acp=False,
        tags=["PREL", "CA"],
    ),
    dict(
        name="partial_extract",
        fm="AMEMBASSY ANKARA",
        serial=348,
        dtg=(20, 12, 47, 1, 25),
        level="CONFIDENTIAL",
        caveats=["SIPDIS"],
        partial=True,
        prosigns="O",
        tags=["PREL", "PGOV", "TU"],
    ),
    dict(
        name="partial_glued",
        fm="AMEMBASSY MADRID",
        serial=1290,
        dtg=(6, 11, 11, 4, 25),
        level="SECRET",
        partial=True,
        glued=True,
        prosigns="O",
        tags=["PREL", "PTER", "SP"],
    ),
    dict(
        name="consulate_rio",
        fm="AMCONSUL RIO DE JANEIRO",
        serial=214,
        dtg=(8, 16, 4, 12, 25),
        level="UNCLASSIFIED",
        sbu=True,
        caveats=["SIPDIS"],
        prosigns="P",
        tags=["SNAR", "KCRM", "BR"],
        mark="SBU",
    ),
    dict(
        name="consulate_munich",
        fm="AMCONSUL MUNICH",
        serial=88,
        dtg=(12, 10, 0, 6, 25),
        level="CONFIDENTIAL",
        prosigns="R",
        tags=["PGOV", "GM"],
    ),
    dict(
        name="mission_usnato",
        fm="USMISSION USNATO",
        serial=412,
        dtg=(30, 17, 45, 9, 25),
        level="SECRET",
        caveats=["SIPDIS"],
        prosigns="O",
        tags=["NATO", "MARR", "PREL"],
    ),
    dict(
        name="mission_usun",
        fm="USMISSION USUN NEW YORK",
        serial=1034,
        dtg=(16, 20, 23, 11, 25),
        level="CONFIDENTIAL",
        caveats=["SIPDIS"],
        prosigns="O",
        tags=["PREL", "UNSC", "IZ"],
    ),
    dict(
        name="bt_and_nnnn",
        fm="AMEMBASSY CANBERRA",
        serial=620,
        dtg=(1, 1, 1, 1, 26),
        level="UNCLASSIFIED",
        prosigns="R",
        bt=True,
        nnnn=True,
        tags=["AS", "PREL"],
    ),
    # multi-section cable with page markers
    dict(
        name="multisection",
        fm="AMEMBASSY LONDON",
        serial=2768,
        dtg=(18, 9, 30, 10, 25),
        level="SECRET",
        caveats=["SIPDIS", "NOFORN"],
        prosigns="P",
        sections=True,
        paras=8,
        tags=["PREL", "PTER", "UK"],
        mark="S//NF",
    ),
    # REF variants
    dict(
        name="ref_single",
        fm="AMEMBASSY PARIS",
        serial=2001,
        dtg=(3, 3, 3, 3, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REF: PARIS 1877",
        expected_refs=[{"letter": None, "text": "PARIS 1877"}],
    ),
    dict(
        name="ref_lettered",
        fm="AMEMBASSY PARIS",
        serial=2002,
        dtg=(4, 3, 3, 3, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REF: A. 25 PARIS 1500\n     B. STATE 98412\n     C. PARIS 1877 (NOTAL)",
        expected_refs=[
            {"letter": "A", "text": "25 PARIS 1500"},
            {"letter": "B", "text": "STATE 98412"},
            {"letter": "C", "text": "PARIS 1877 (NOTAL)"},
        ],
    ),
    dict(
        name="ref_parens",
        fm="AMEMBASSY BERLIN",
        serial=705,
        dtg=(5, 3, 3, 3, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REFS: (A) BERLIN 702 (B) 2025 BERLIN 1999",
        expected_refs=[
            {"letter": "A", "text": "BERLIN 702"},
            {"letter": "B", "text": "2025 BERLIN 1999"},
        ],
    ),
    dict(
        name="reftels_pilcrow",
        fm="AMEMBASSY ROME",
        serial=1311,
        dtg=(10, 3, 3, 4, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REFTELS: A) ROME 1301\n¶B) STATE 50112",
        expected_refs=[
            {"letter": "A", "text": "ROME 1301"},
            {"letter": "B", "text": "STATE 50112"},
        ],
    ),
    dict(
        name="ref_nontelegram",
        fm="AMEMBASSY MADRID",
        serial=460,
        dtg=(27, 3, 3, 2, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REF(S): HOLT-MARSH E-MAIL 02/20/26",
        expected_refs=[{"letter": None, "text": "HOLT-MARSH E-MAIL 02/20/26"}],
    ),
    # garbled paragraph numbers, redactions, glued and odd TAGS, portion-mark variants
    dict(
        name="garbled_numbers",
        fm="USMISSION USUN NEW YORK",
        serial=1190,
        dtg=(2, 14, 0, 12, 25),
        level="CONFIDENTIAL",
        caveats=["SIPDIS"],
        prosigns="O",
        garbled=True,
        paras=3,
        tags=["PREL", "UNSC"],
    ),
    dict(
        name="redacted",
        fm="AMEMBASSY NAIROBI",
        serial=912,
        dtg=(2, 8, 0, 8, 26),
        level="SECRET",
        caveats=["SIPDIS"],
        prosigns="P",
        redact=True,
        tags=["PHUM", "KE"],
    ),
    dict(
        name="tags_commas",
        fm="AMEMBASSY REYKJAVIK",
        serial=77,
        dtg=(9, 9, 9, 9, 25),
        level="CONFIDENTIAL",
        prosigns="R",
        tag_line="TAGS PREL, PGOV, ECON, IC",
        expected_tags=["PREL", "PGOV", "ECON", "IC"],
    ),
    dict(
        name="tags_person",
        fm="SECSTATE WASHDC",
        serial=70021,
        dtg=(9, 19, 9, 7, 26),
        level="UNCLASSIFIED",
        prosigns="P",
        tag_line="TAGS: OVIP (HOLT, MAREN) PREL XF",
        expected_tags=["OVIP (HOLT, MAREN)", "PREL", "XF"],
        to=["AMEMBASSY LONDON"],
    ),
    dict(
        name="tags_continuation",
        fm="AMEMBASSY LONDON",
        serial=2801,
        dtg=(21, 9, 30, 10, 25),
        level="CONFIDENTIAL",
        prosigns="P",
        tag_line="TAGS: PGOV PREL PINR ECON\nUK, EUN, NATO",
        expected_tags=["PGOV", "PREL", "PINR", "ECON", "UK", "EUN", "NATO"],
    ),
    dict(
        name="tags_keyword_typo",
        fm="AMEMBASSY TOKYO",
        serial=2300,
        dtg=(22, 6, 5, 5, 26),
        level="CONFIDENTIAL",
        prosigns="R",
        tag_line="TGS: ETRD JA KS",
        expected_tags=["ETRD", "JA", "KS"],
    ),
    dict(
        name="marks_variants",
        fm="AMEMBASSY LONDON",
        serial=2790,
        dtg=(19, 9, 30, 10, 25),
        level="SECRET",
        caveats=["SIPDIS", "NOFORN"],
        prosigns="P",
        paras=5,
        marks={1: "S/NF", 2: "S//REL UK", 3: "c", 4: "SBU", 5: "U"},
        norm_marks={1: "S//NF", 2: "S//REL UK", 3: "C"},
    ),
    dict(
        name="corrected_copy",
        fm="SECSTATE WASHDC",
        serial=99001,
        dtg=(15, 4, 4, 9, 26),
        level="SECRET",
        caveats=["SIPDIS"],
        prosigns="O",
        corrected=True,
        to=["AMEMBASSY ANKARA"],
    ),
    # old E.O. lines
    dict(
        name="eo_11652",
        fm="AMEMBASSY ROME",
        serial=5120,
        dtg=(12, 10, 30, 5, 74),
        level="CONFIDENTIAL",
        prosigns="R",
        acp=False,
        eo="E.O. 11652: GDS",
        tags=["PINT", "IT"],
        signature="VOLPE",
    ),
    dict(
        name="eo_12356_oadr",
        fm="AMEMBASSY MADRID",
        serial=5480,
        dtg=(14, 11, 15, 4, 86),
        level="SECRET",
        prosigns="P",
        acp=False,
        eo="E.O. 12356: DECL: OADR",
        tags=["PREL", "SP"],
        signature="ENDERS",
    ),
    dict(
        name="eo_12065",
        fm="AMEMBASSY ANKARA",
        serial=8980,
        dtg=(3, 7, 20, 11, 79),
        level="CONFIDENTIAL",
        prosigns="O",
        acp=False,
        eo="E.O. 12065: GDS 11/3/85 (DILLON, ROBERT) OR-P",
        tags=["PINS", "TU"],
    ),
    dict(
        name="eo_13526",
        fm="SECSTATE WASHDC",
        serial=12004,
        dtg=(6, 18, 40, 2, 26),
        level="SECRET",
        caveats=["SIPDIS"],
        prosigns="P",
        eo="E.O. 13526: DECL: 02/06/2041",
        tags=["KNNP", "PARM"],
        to=["USMISSION USNATO"],
    ),
    dict(
        name="passing_line",
        fm="AMEMBASSY VALLETTA",
        serial=140,
        dtg=(26, 11, 0, 11, 26),
        level="CONFIDENTIAL",
        caveats=["SIPDIS"],
        prosigns="O",
        passing="DEPARTMENT FOR EUR/WE; ROME FOR FAO",
        tags=["EWWT", "MT"],
    ),
    dict(
        name="flash_ts_noforn",
        fm="AMEMBASSY ANKARA",
        serial=3401,
        dtg=(27, 11, 50, 11, 26),
        level="TOP SECRET",
        caveats=["NOFORN"],
        prosigns="Z",
        tags=["PTER", "ASEC", "TU"],
        mark="TS//NF",
        subject="THREAT REPORTING ON CONSULATE PERIMETER",
    ),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    rng = random.Random(20261127)
    rows = []
    for k, spec in enumerate(SPECS):
        spec.setdefault("csn", k + 2)
        text, expected = build(spec, rng)
        name = f"{k + 1:02d}_{spec['name']}.txt"
        (OUT / name).write_text(text, encoding="utf-8")
        rows.append({"file": name, **expected})
    with (Path(__file__).resolve().parent / "sample_expected.jsonl").open(
        "w", encoding="utf-8"
    ) as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} cables to {OUT}")


if __name__ == "__main__":
    main()
