"""Write sample_cables/: cables written for this project (invented events and people, the real
format), and tests/sample_expected.jsonl with what each one states, taken from the inputs here,
not from the parser. Run: python tests/make_samples.py

Each sample is built from a small spec (its header, level, markings and quirks: the variants
cable-format.md catalogues) and a story (STORIES: its subject and paragraphs, written out).
"""

from __future__ import annotations

import json
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
    "JOINT STAFF WASHDC": ("JCS", "Joint Staff WASHDC"),
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

# who classifies and signs at each post (invented people)
CHIEF = {
    "SECSTATE WASHDC": ("Assistant Secretary Nora Albrecht", "LANGSTON"),
    "AMEMBASSY PARIS": ("Ambassador Helen Marsh", "MARSH"),
    "AMEMBASSY LONDON": ("Ambassador Edward Hale", "HALE"),
    "AMEMBASSY BERLIN": ("Ambassador Daniel Okafor", "OKAFOR"),
    "AMEMBASSY MADRID": ("Ambassador Peter Iversen", "IVERSEN"),
    "AMEMBASSY ROME": ("Charge d'Affaires Lucia Brandt", "BRANDT"),
    "AMEMBASSY ANKARA": ("Ambassador Ruth Calloway", "CALLOWAY"),
    "AMEMBASSY NAIROBI": ("Ambassador Samuel Ortega", "ORTEGA"),
    "AMEMBASSY TOKYO": ("Ambassador Grace Whitfield", "WHITFIELD"),
    "AMEMBASSY BRASILIA": ("Ambassador Martin Kessler", "KESSLER"),
    "AMEMBASSY OTTAWA": ("Ambassador Joan Pruitt", "PRUITT"),
    "AMEMBASSY CANBERRA": ("Ambassador Neil Ashby", "ASHBY"),
    "AMEMBASSY VALLETTA": ("Ambassador Teresa Lund", "LUND"),
    "AMEMBASSY REYKJAVIK": ("Ambassador Carl Egan", "EGAN"),
    "AMEMBASSY MONTEVIDEO": ("Ambassador Wallace Hollis", "HOLLIS"),
    "AMEMBASSY WELLINGTON": ("Ambassador Irene Falk", "FALK"),
    "AMCONSUL RIO DE JANEIRO": ("Consul General Oscar Pell", "PELL"),
    "AMCONSUL MUNICH": ("Consul General Anna Reiter", "REITER"),
    "USMISSION USNATO": ("Ambassador Paul Whitaker", "WHITAKER"),
    "USMISSION USUN NEW YORK": ("Ambassador Linda Carver", "CARVER"),
    "JOINT STAFF WASHDC": ("Vice Director J3 RDML Owen Tate", "TATE"),
}


def wrap(text: str, width: int = 66) -> str:
    """A paragraph broken into lines the way a cable's text is (first line after the number)."""
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines)


def build(spec: dict) -> tuple[str, dict]:
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
    subject, body = STORIES[spec["name"]]
    n_paras = len(body)
    chief, chief_sig = CHIEF[fm]
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
    # E.O. 13526 replaced E.O. 12958 at the end of 2009
    order = "13526" if year >= 2010 else "12958"
    eo = spec.get("eo", f"E.O. {order}: DECL: {mon:02d}/{day:02d}/{year + 10}")
    if level == "UNCLASSIFIED" and "eo" not in spec:
        eo = f"E.O. {order}: N/A"
    tag_line = spec.get("tag_line") or "TAGS: " + " ".join(tags)
    subj_line = spec.get("subj_line") or f"SUBJECT: {subject}"
    if spec.get("glued"):
        lines += [f"{eo} {tag_line} {subj_line}", ""]
    else:
        lines += [eo, tag_line, subj_line, ""]
    if spec.get("refs_text"):
        lines += spec["refs_text"].split("\n") + [""]
    classified_by = spec.get("classified_by", chief)
    if level != "UNCLASSIFIED" and classified_by:
        lines += [f"Classified By: {classified_by} for reasons 1.4 (b) and (d).", ""]
    paragraphs = []
    mark = spec.get("mark") or MARK[level]
    for p in range(1, n_paras + 1):
        text = wrap(body[p - 1])
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
    sig = spec.get("signature", chief_sig)
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
        classified_by=None,
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
        dtg=(24, 10, 15, 11, 26),
        tags=["PREL", "MARR", "FR", "EUN"],
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REF: PARIS 1877",
        expected_refs=[{"letter": None, "text": "PARIS 1877", "cable_ids": ["26PARIS1877"]}],
    ),
    dict(
        name="ref_lettered",
        fm="AMEMBASSY PARIS",
        serial=2002,
        dtg=(25, 9, 40, 11, 26),
        tags=["PREL", "AMGT", "FR", "KE"],
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REF: A. 25 PARIS 1500\n     B. STATE 98412\n     C. PARIS 1877 (NOTAL)",
        expected_refs=[
            {"letter": "A", "text": "25 PARIS 1500", "cable_ids": ["25PARIS1500"]},
            {"letter": "B", "text": "STATE 98412", "cable_ids": ["26STATE98412"]},
            {"letter": "C", "text": "PARIS 1877 (NOTAL)", "cable_ids": ["26PARIS1877"]},
        ],
    ),
    dict(
        name="ref_parens",
        fm="AMEMBASSY BERLIN",
        serial=705,
        dtg=(5, 3, 3, 3, 26),
        tags=["PGOV", "MARR", "GM"],
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REFS: (A) BERLIN 702 (B) 2025 BERLIN 1999",
        expected_refs=[
            {"letter": "A", "text": "BERLIN 702", "cable_ids": ["26BERLIN702"]},
            {"letter": "B", "text": "2025 BERLIN 1999", "cable_ids": ["25BERLIN1999"]},
        ],
    ),
    dict(
        name="reftels_pilcrow",
        fm="AMEMBASSY ROME",
        serial=1311,
        dtg=(10, 3, 3, 4, 26),
        tags=["PREL", "SMIG", "IT"],
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REFTELS: A) ROME 1301\n¶B) STATE 31877",
        expected_refs=[
            {"letter": "A", "text": "ROME 1301", "cable_ids": ["26ROME1301"]},
            {"letter": "B", "text": "STATE 31877", "cable_ids": ["26STATE31877"]},
        ],
    ),
    dict(
        name="ref_nontelegram",
        fm="AMEMBASSY MADRID",
        serial=460,
        dtg=(27, 3, 3, 2, 26),
        tags=["PTER", "KTFN", "SP"],
        level="CONFIDENTIAL",
        prosigns="P",
        refs_text="REF(S): HOLT-IVERSEN E-MAIL 02/20/26",
        expected_refs=[{"letter": None, "text": "HOLT-IVERSEN E-MAIL 02/20/26", "cable_ids": []}],
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
        tags=["CASC", "PHUM", "TU"],
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
        signature="MARLOWE",
        classified_by=None,
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
        signature="HARLAN",
        classified_by=None,
    ),
    dict(
        name="eo_12065",
        fm="AMEMBASSY ANKARA",
        serial=8980,
        dtg=(3, 7, 20, 11, 79),
        level="CONFIDENTIAL",
        prosigns="O",
        acp=False,
        eo="E.O. 12065: GDS 11/3/85 (FENWICK, ROBERT) OR-P",
        tags=["PINS", "TU"],
        signature="FENWICK",
        classified_by=None,
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
    ),
    # a thread: an instruction, two posts' replies (a fork), the Department's follow-up citing
    # all three; and two cables that cite each other (a cycle: a serial mistyped in a REF)
    dict(
        name="thread_instruction",
        fm="SECSTATE WASHDC",
        serial=110001,
        dtg=(18, 22, 5, 11, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        to=["AMEMBASSY PARIS", "AMEMBASSY LONDON"],
        info=["AMEMBASSY BERLIN"],
        tags=["ETTC", "KNNP", "PREL", "FR", "UK"],
    ),
    dict(
        name="thread_reply_paris",
        fm="AMEMBASSY PARIS",
        serial=2010,
        dtg=(20, 16, 40, 11, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        info=["AMEMBASSY LONDON"],
        tags=["ETTC", "KNNP", "FR"],
        refs_text="REF: STATE 110001",
        expected_refs=[{"letter": None, "text": "STATE 110001", "cable_ids": ["26STATE110001"]}],
    ),
    dict(
        name="thread_reply_london",
        fm="AMEMBASSY LONDON",
        serial=2850,
        dtg=(21, 11, 5, 11, 26),
        level="CONFIDENTIAL",
        prosigns="P",
        info=["AMEMBASSY PARIS"],
        tags=["ETTC", "KNNP", "UK"],
        refs_text="REF: A. STATE 110001\n     B. 25 LONDON 2768",
        expected_refs=[
            {"letter": "A", "text": "STATE 110001", "cable_ids": ["26STATE110001"]},
            {"letter": "B", "text": "25 LONDON 2768", "cable_ids": ["25LONDON2768"]},
        ],
    ),
    dict(
        name="thread_followup",
        fm="SECSTATE WASHDC",
        serial=111560,
        dtg=(23, 19, 30, 11, 26),
        level="CONFIDENTIAL",
        prosigns="R",
        to=["AMEMBASSY PARIS", "AMEMBASSY LONDON"],
        info=["AMEMBASSY BERLIN"],
        tags=["ETTC", "KNNP", "PREL", "FR", "UK"],
        refs_text="REFS: A. STATE 110001\n      B. PARIS 2010\n      C. LONDON 2850",
        expected_refs=[
            {"letter": "A", "text": "STATE 110001", "cable_ids": ["26STATE110001"]},
            {"letter": "B", "text": "PARIS 2010", "cable_ids": ["26PARIS2010"]},
            {"letter": "C", "text": "LONDON 2850", "cable_ids": ["26LONDON2850"]},
        ],
    ),
    dict(
        name="cycle_tokyo_a",
        fm="AMEMBASSY TOKYO",
        serial=2310,
        dtg=(23, 6, 0, 5, 26),
        level="UNCLASSIFIED",
        prosigns="R",
        tags=["ECON", "EFIN", "JA"],
        refs_text="REF: TOKYO 2311",
        expected_refs=[{"letter": None, "text": "TOKYO 2311", "cable_ids": ["26TOKYO2311"]}],
    ),
    dict(
        name="cycle_tokyo_b",
        fm="AMEMBASSY TOKYO",
        serial=2311,
        dtg=(24, 6, 0, 5, 26),
        level="UNCLASSIFIED",
        prosigns="R",
        tags=["ECON", "EFIN", "JA"],
        refs_text="REF: TOKYO 2310",
        expected_refs=[{"letter": None, "text": "TOKYO 2310", "cable_ids": ["26TOKYO2310"]}],
    ),
]


# What each cable says: its subject and its paragraphs, one string a paragraph (wrapped when
# written). Invented events and people; the posts, formats and offices are the real ones.
STORIES: dict[str, tuple[str, list[str]]] = {
    "thread_instruction": (
        "DEMARCHE REQUEST: EXPORT CONTROLS ON FIVE-AXIS MACHINE TOOLS",
        [
            "This is an action request. Embassies Paris and London should approach host "
            "government export control authorities at the appropriate level to raise the sale of "
            "five-axis machine tools by a trading house in Rotterdam to an end user of concern.",
            "Points: we have learned that the trading house has ordered six machines from makers "
            "in France and the United Kingdom for delivery in January; the declared end user is a "
            "bicycle frame maker with no need for tools of this precision; we ask that licenses be "
            "reviewed before the machines ship.",
            "Posts should report the response by November 25.",
        ],
    ),
    "thread_reply_paris": (
        "FRANCE WILL REVIEW MACHINE TOOL LICENSES",
        [
            "Econoff delivered reftel points on November 20 to the head of the dual-use export "
            "office at the Ministry of Economy, who said France shares our concern about the end "
            "user.",
            "She said the French maker applied for two licenses in October; both are still under "
            "review and will now go to the interministerial commission, which meets December 3.",
            "Comment: We expect France to deny the licenses if our information on the end user can "
            "be shared with the commission. Embassy requests guidance on what may be passed.",
        ],
    ),
    "thread_reply_london": (
        "UK EXPORT CONTROL OFFICIALS ASK FOR END-USER DETAILS",
        [
            "Poloff raised ref A points on November 21 with the Export Control Joint Unit, which "
            "recalled our earlier exchange on a similar case (ref B).",
            "Officials said no license has yet been requested for the British machines; they will "
            "flag the maker and the trading house so that any application comes to them.",
            "They asked whether we can share the basis for our assessment of the end user.",
        ],
    ),
    "thread_followup": (
        "FOLLOW-UP: SHARING END-USER INFORMATION ON MACHINE TOOL CASE",
        [
            "The Department thanks posts for their quick work (refs B and C). Posts may now pass "
            "the following to the officials they met.",
            "Points: the declared end user shares an address and two directors with a firm "
            "supplying a missile program; the six machines match the tolerances that program "
            "needs; we would welcome any information host governments have on the trading house.",
            "Posts should report any licensing decision by cable.",
        ],
    ),
    "cycle_tokyo_a": (
        "YEN MOVES AND BANK OF JAPAN COMMENTARY",
        [
            "Summary: The yen rose two percent against the dollar this week after the Bank of "
            "Japan's deputy governor spoke of an end to bond purchases. End summary.",
            "Market contacts told Econoff the move caught dealers short of yen ahead of the "
            "half-year close.",
            "Post will follow the policy board meeting in June and report (reftel gave the "
            "background).",
        ],
    ),
    "cycle_tokyo_b": (
        "BANK OF JAPAN POLICY BOARD OUTLOOK",
        [
            "Reftel reported the yen's rise this week. Contacts at three banks now expect the "
            "policy board to end bond purchases in July rather than June.",
            "A Ministry of Finance official said the government would not object to an end to "
            "purchases but wants it announced well ahead.",
            "Post will report the board's decision.",
        ],
    ),
    "flash_hijack": (
        "DIVERSION OF CARGO VESSEL M/V NORTHERN STAR",
        [
            "This is an action request. At 0940Z today the Maltese-flagged bulk carrier M/V "
            "NORTHERN STAR, bound from Alexandria to Genoa with a crew of 31, left its declared "
            "route 60 nautical miles southeast of Malta and turned south. The master's last "
            "message to the owners reported armed men on the bridge.",
            "Reporting available to Washington indicates that the boarding party came aboard "
            "from a fishing vessel during the night and means to take the ship to a port outside "
            "any government's control. This information is not to be passed to host governments "
            "in this form.",
            "Embassy Valletta should seek an immediate meeting with the Armed Forces of Malta "
            "operations center to learn what it knows of the vessel's position and of any contact "
            "with the crew, and to urge that Maltese units take no action without coordinating "
            "with us. Embassy Rome should make the same approach to the Italian Coast Guard "
            "command and ask whether Italian naval units are within range.",
            "Both posts should report the results of these approaches, and any change in the "
            "vessel's course, by FLASH cable. The Department's task force is in session and can "
            "be reached through the Operations Center.",
        ],
    ),
    "emergency_y": (
        "EMERGENCY ACTION NOTICE EXERCISE SPRING GALE",
        [
            "This message is part of exercise SPRING GALE. Exercise, exercise, exercise. Nothing "
            "in it describes a real event.",
            "At 0300Z the exercise control group declared a notional loss of communications with "
            "two overseas commands. Addressees are to treat this notice as the trigger for the "
            "continuity procedures in their exercise annex.",
            "The Department's Operations Center is asked to confirm receipt on the exercise net "
            "within thirty minutes and to record how long each notified office took to "
            "acknowledge.",
            "Exercise control will end SPRING GALE at 1200Z unless it is extended. Exercise, "
            "exercise, exercise.",
        ],
    ),
    "niact_evacuation": (
        "AUTHORIZED DEPARTURE: INSTRUCTIONS FOR ACTION ADDRESSEES",
        [
            "This is an action cable. The Under Secretary for Management has approved the "
            "authorized departure of eligible family members and non-emergency staff from "
            "Embassy Nairobi and Embassy Ankara, effective on receipt, for thirty days.",
            "Posts should convene their Emergency Action Committees within twelve hours, confirm "
            "how many staff and family members choose to depart, and report those numbers to the "
            "Operations Center by NIACT IMMEDIATE cable.",
            "Posts should not describe the decision to host government officials as a response "
            "to any single threat. Approved press guidance follows by separate cable and is to be "
            "used without change.",
            "Travel orders will be issued under the standard authorized departure fund cite. "
            "Questions on allowances should go to the Office of Allowances through each post's "
            "management officer.",
        ],
    ),
    "immediate_paris": (
        "FRANCE PRESSES EU PARTNERS TO RENEW SAHEL TRAINING MISSION",
        [
            "Summary: France will ask EU foreign ministers on November 23 to renew the EU's "
            "military training mission in the Sahel for two more years with a smaller staff. "
            "Quai d'Orsay officials expect German and Italian support but a difficult discussion "
            "with several northern members. End summary.",
            "Deputy Political Director Camille Roux told PolCouns on November 15 that Paris had "
            "circulated a draft decision cutting the mission's staff by a third and moving its "
            "headquarters to a coastal state. She said France would accept a review clause after "
            "twelve months if that were the price of consensus.",
            "Roux said the Dutch and Swedish delegations had asked for an independent evaluation "
            "of the mission's results before any renewal. France sees an evaluation as a delaying "
            "tactic but would not oppose one that reported within six months.",
            "Comment: Paris would welcome a quiet U.S. word of support in the skeptical capitals "
            "before the ministerial. Post recommends that the Department authorize a short "
            "demarche in The Hague and Stockholm.",
        ],
    ),
    "priority_berlin": (
        "COALITION PARTNERS SPLIT OVER DEFENSE PROCUREMENT LAW",
        [
            "Summary: A draft law to speed up defense procurement has opened the first public "
            "rift in the governing coalition. The junior partner wants parliament to keep a vote "
            "on every contract above 25 million euros; the Chancellery wants that threshold "
            "raised fourfold. End summary.",
            "A senior Chancellery official told PolOff on March 2 that the Chancellor would not "
            "accept a bill that left the threshold unchanged, and that the coalition committee "
            "would take up the dispute on March 10.",
            "Parliamentarians of the junior partner told us the issue is parliamentary control, "
            "not spending. Two of them said privately that they could accept a higher threshold "
            "if the budget committee received quarterly reports on large programs.",
            "Comment: We expect a compromise that raises the threshold and adds reporting. A long "
            "dispute would delay the air defense orders the Defense Ministry wants signed this "
            "year.",
        ],
    ),
    "routine_tokyo": (
        "JAPAN EASES IMPORT RULES FOR BATTERY COMPONENTS",
        [
            "The Ministry of Economy, Trade and Industry (METI) announced on May 20 that from July "
            "1 it will simplify certification of imported battery cells and separators. Importers "
            "will be able to rely on test reports from accredited foreign laboratories instead of "
            "repeating the tests in Japan.",
            "METI officials told EconOff that the change answers complaints from domestic "
            "assemblers about shortages and delays of up to four months. They expect it to cut "
            "certification costs for a typical product line by about forty percent.",
            "The American Chamber of Commerce welcomed the change and asked that the list of "
            "recognized laboratories include those accredited in the United States. METI will "
            "publish the list in June.",
            "Post will follow the implementing notices and report on how U.S. suppliers fare "
            "under the new procedure.",
        ],
    ),
    "dual_o_r_madrid": (
        "SPANISH POLICE DISRUPT FINANCING NETWORK IN VALENCIA",
        [
            "Summary: Spanish National Police arrested six people in Valencia and Alicante on "
            "February 25 on charges of moving money to a foreign terrorist organization through a "
            "chain of money transfer shops. Police say the network moved more than a million "
            "euros over three years. End summary.",
            "The head of the police counterterrorism unit told the Legal Attache that the "
            "investigation began with a suspicious transaction report from a Spanish bank and was "
            "run jointly with two other European services. He asked that the names of those "
            "arrested not be passed to third countries until the judge lifts secrecy.",
            "Police seized records of some four hundred transfers and expect to identify further "
            "recipients abroad. The investigating judge has ordered the shops closed while the "
            "records are examined.",
            "Comment: This is the largest case of its kind in Spain in several years. Post will "
            "seek access to the seized records for U.S. investigators once the judge allows it.",
        ],
    ),
    "dual_p_r_oldstyle": (
        "BORDER COMMISSION MEETING ON RIVER ISLANDS",
        [
            "Uruguayan and Argentine delegations to joint river commission met in Colonia "
            "December 26-27 without agreeing on status of three islands in upper channel. Foreign "
            "Ministry Director of Boundaries Ernesto Laguarda told EMBOFF talks were cordial but "
            "neither side could move before elections.",
            "Laguarda said his government would propose joint survey of channel during dry "
            "season. He believes Buenos Aires will accept if survey is presented as technical "
            "and not as step toward settlement.",
            "Embassy does not expect dispute to affect river navigation agreement now before "
            "Uruguayan Senate.",
            "Embassy will report further when talks resume in March.",
        ],
    ),
    "dual_o_p_rome": (
        "ITALY PROPOSES MEDITERRANEAN CONFERENCE ON MIGRATION ROUTES",
        [
            "Summary: Italy will host a conference of Mediterranean transit and destination "
            "countries on migration routes in Rome in June and wants the United States to attend "
            "at a senior level. Foreign Ministry officials say invitations go out next week. End "
            "summary.",
            "Diplomatic Adviser Stefano Reale told the Charge on April 8 that the conference "
            "would focus on search and rescue coordination and on returns agreements with "
            "countries of origin. Italy hopes to announce a joint fund for coast guard training.",
            "Reale said several northern European governments are wary of any text that implies "
            "new commitments to receive migrants. Italy will keep the final statement short to "
            "secure their attendance.",
            "Action request: Post requests guidance on the level of U.S. participation by April "
            "20, when the Foreign Ministry will send its list of confirmed delegations to the "
            "Prime Minister.",
        ],
    ),
    "top_secret_nodis": (
        "MESSAGE FOR THE FOREIGN SECRETARY ON THE NORTHERN SHIPPING TALKS",
        [
            "Ambassador should deliver the following message from the Secretary to the Foreign "
            "Secretary in person, with no other officials present, at the earliest opportunity. "
            "There is no objection to leaving a non-paper.",
            "Begin message: Dear colleague, before our teams meet next week I want to share with "
            "you our assessment of the proposals on the northern shipping routes that we received "
            "on September 30. We believe they are a genuine offer, and that a reply within a month "
            "would be wise. End message.",
            "Ambassador should not discuss the source of the assessment and should say only that "
            "it reflects our own reporting. If the Foreign Secretary asks whether other allies "
            "have been told, Ambassador should say that they have not.",
            "Please report the Foreign Secretary's response through NODIS channels.",
        ],
    ),
    "secret_exdis": (
        "TURKISH GENERAL STAFF ASKS ABOUT AIR DEFENSE EXERCISE PLANS",
        [
            "Summary: The Turkish General Staff has asked for a written description of the "
            "allied air defense exercise planned for October before it approves the use of two "
            "of its airfields. Officials stressed that the request is procedural. End summary.",
            "The General Staff's chief of foreign relations, Brigadier General Kerem Tosun, told "
            "the Defense Attache on August 10 that the General Staff needs the exercise's "
            "geographic limits, the number of aircraft and the planned flight hours in order to "
            "brief the government.",
            "Tosun said the request reflects no political reservation. He added that a prompt "
            "answer would make it easier to keep the exercise off the agenda of next month's "
            "parliamentary defense committee.",
            "Comment: We recommend that EUCOM answer in a short letter before August 20. Delay "
            "would give the exercise's critics in parliament an opening.",
        ],
    ),
    "secret_noforn_banner": (
        "KENYAN OFFICIALS DESCRIBE BORDER POST ATTACK INVESTIGATION",
        [
            "Summary: Kenyan security officials believe the July 4 attack on a police post near "
            "the northeastern border was carried out by about twenty fighters who crossed from "
            "Somalia the night before. Three police officers were killed. End summary.",
            "The head of the Anti-Terrorism Police Unit, Commander Agnes Wambua, told the RSO on "
            "July 6 that two suspects detained after the attack had named local contacts who "
            "sheltered the group. Police are holding four people from the nearest town.",
            "Wambua said her unit cannot examine the phones recovered at the scene and asked for "
            "help. She also asked that nothing about the detainees appear in the press before "
            "charges are filed.",
            "Comment: The Legal Attache's office can meet the request for forensic help quickly. "
            "Post will coordinate with Washington before answering.",
        ],
    ),
    "sbu_unclas": (
        "STATE GOVERNORS BACK FOREST MONITORING FUND",
        [
            "Summary: Governors of seven Amazon states agreed on September 17 to pool part of "
            "their environmental fines in a common fund for satellite monitoring and field "
            "inspections. Federal officials welcomed the plan but say legal questions remain. End "
            "summary.",
            "The fund would start with about 300 million reais a year and be run by a board of "
            "state environment secretaries. The governors hope to attract matching contributions "
            "from foreign donors.",
            "Environment Ministry contacts told EconOff that the fund may need a change in "
            "federal law, because some fines are now paid into the federal treasury. The ministry "
            "will send the governors a legal opinion within a month.",
            "Comment: This is the states' first joint initiative of its kind. Post will report on "
            "how donors respond.",
        ],
    ),
    "unclas_plain": (
        "FULBRIGHT ALUMNI LAUNCH SCIENCE TEACHER EXCHANGE",
        [
            "New Zealand alumni of the Fulbright program launched on January 30 an exchange that "
            "will bring ten American science teachers to New Zealand schools for one term each "
            "year. The first group arrives in April.",
            "The alumni association will arrange housing with host families, and the Ministry of "
            "Education will pay the teachers' salaries for the term. The Embassy's public "
            "diplomacy section will help with visas and with an orientation in Wellington.",
            "Local media covered the launch widely. Post sees the exchange as an inexpensive way "
            "to build ties with schools outside the main cities.",
        ],
    ),
    "no_acp_header": (
        "CANADA REVIEWS ARCTIC SEARCH AND RESCUE ARRANGEMENTS",
        [
            "Summary: Canada has begun a review of its Arctic search and rescue arrangements "
            "after the loss of a research ship last autumn, and will propose joint exercises "
            "with the United States this summer. End summary.",
            "Global Affairs Canada's Director General for the Arctic, Marie-Claude Thibault, told "
            "PolCouns on February 21 that the review will look at response times, the basing of "
            "aircraft and the sharing of ice data.",
            "Thibault said Ottawa would like a first exercise off Baffin Island in August. She "
            "asked for an early U.S. answer, because Canadian forces must set ship schedules "
            "months in advance.",
            "Comment: Post recommends a positive reply. The exercise would serve our own Arctic "
            "coordination goals.",
        ],
    ),
    "partial_extract": (
        "PARLIAMENT OPENS DEBATE ON LOCAL ELECTION LAW",
        [
            "Summary: The Turkish parliament opened debate on January 16 on a bill that would "
            "change how the mayors of large cities are elected. The opposition says the bill is "
            "meant to help the governing party in the March local elections. End summary.",
            "The bill would add a runoff where no candidate wins half the vote. Governing party "
            "deputies told PolOff the change would give mayors a stronger mandate.",
            "Opposition deputies said they would appeal to the Constitutional Court if the bill "
            "passes less than a year before the elections. Legal scholars we spoke to think the "
            "Court may agree with them.",
            "Post will continue to follow the debate.",
        ],
    ),
    "partial_glued": (
        "SPAIN AGREES TO WIDER EXCHANGE OF AIRPORT SCREENING DATA",
        [
            "Summary: The Interior Ministry has agreed to extend the exchange of passenger "
            "screening data with U.S. authorities to flights from four more Spanish airports from "
            "June. Ministry officials asked that the agreement not be announced until the data "
            "protection authority has been consulted. End summary.",
            "Secretary of State for Security Alvaro Menendez told the DCM on April 4 that the "
            "extension would cover Malaga, Bilbao, Seville and Palma, and that Spain's own "
            "screening capacity at those airports would be raised at the same time.",
            "Menendez asked for U.S. help in training Spanish officers on the targeting system. "
            "Post recommends that DHS offer a course in May.",
            "Post will report when the data protection authority gives its opinion.",
        ],
    ),
    "consulate_rio": (
        "RIO STATE POLICE CHANGE TACTICS IN PORT DISTRICT",
        [
            "Summary: Rio de Janeiro state police have replaced large raids in the port district "
            "with a permanent presence of small patrol units, after October raids left bystanders "
            "wounded. Residents' associations welcomed the change. End summary.",
            "The state security secretary's chief of staff told the Consulate on December 4 that "
            "the new units will stay in the district for at least six months, backed by a tip line "
            "and by closer work with the federal police on drug shipments through the port.",
            "Community leaders told PolOff that residents are cautiously hopeful, but that past "
            "programs of this kind faded once public attention moved elsewhere.",
            "Comment: The new approach is what the Consulate's police training programs have "
            "encouraged. We will watch whether the state budget keeps the units in place.",
        ],
    ),
    "consulate_munich": (
        "BAVARIAN CABINET RESHUFFLE MOVES ECONOMY PORTFOLIO",
        [
            "Summary: The Bavarian Minister-President reshuffled his cabinet on June 10, giving "
            "the economy portfolio to a close ally ahead of next year's state election. Observers "
            "see the move as an attempt to control the debate on energy prices. End summary.",
            "The new Economy Minister, Friedrich Albers, told the Consul General on June 11 that "
            "his first priority is a state program to cut electricity costs for mid-sized "
            "manufacturers. He also wants faster approval of new transmission lines from the "
            "north.",
            "The outgoing minister, who keeps his seat in the state parliament, had criticized "
            "his own party's energy policy. Party contacts say the reshuffle was meant to end that "
            "criticism before the campaign.",
            "Comment: Albers is well known to the Consulate and friendly to U.S. investors.",
        ],
    ),
    "mission_usnato": (
        "ALLIES DISCUSS READINESS TARGETS AHEAD OF DEFENSE MINISTERIAL",
        [
            "Summary: Permanent representatives discussed on September 29 the draft readiness "
            "targets that defense ministers are to approve in October. Most allies support them, "
            "but three asked for longer timelines for their air defense commitments. End summary.",
            "The Deputy Secretary General said the targets would be presented as a package, and "
            "that changes to individual national commitments should be settled with the military "
            "authorities before October 10.",
            "Several allies asked how the targets would be funded. The Ambassador said the United "
            "States expects every ally to meet its commitments in full and on time.",
            "Comment: The three allies seeking delays are likely to accept the targets if the "
            "ministerial text allows a review in two years. Mission recommends that Washington "
            "accept such language.",
        ],
    ),
    "mission_usun": (
        "SECURITY COUNCIL CONSULTATIONS ON IRAQ MISSION MANDATE",
        [
            "Summary: In consultations on November 14, Council members broadly supported a "
            "one-year extension of the UN mission in Iraq, with a smaller staff and a mandate "
            "narrowed to elections and human rights. The Iraqi government has asked for a final "
            "extension. End summary.",
            "The Special Representative told members that the mission would close its regional "
            "offices by June and hand its electoral support over to the Iraqi commission by the "
            "end of the mandate.",
            "Two members asked that the resolution include reporting on the return of displaced "
            "persons. The penholder said it would consider a short reference.",
            "USUN will send the draft resolution to Washington as soon as the penholder shares it.",
        ],
    ),
    "bt_and_nnnn": (
        "AUSTRALIA: CABINET RETREAT TO SET THE YEAR'S PRIORITIES",
        [
            "The Prime Minister will hold a two-day cabinet retreat in Canberra from January 14 "
            "to set the government's priorities for the year. Officials expect energy prices, "
            "housing and regional security to dominate the agenda.",
            "An official of the Department of the Prime Minister and Cabinet told PolOff that "
            "ministers will also review the year's schedule of leader visits, including a "
            "possible visit to Washington in the spring.",
            "Post will report on the outcome of the retreat.",
        ],
    ),
    "multisection": (
        "UK COUNTERTERRORISM STRATEGY REVIEW: MINISTERS SET PRIORITIES",
        [
            "Summary: The UK government will publish its revised counterterrorism strategy in "
            "December. Home Office officials say it will give more weight to online "
            "radicalization and to lone actors, and less to the structure of established groups. "
            "End summary.",
            "The Home Office Director for Counterterrorism Strategy, Alison Pryce, briefed "
            "PolCouns on October 16. She said the review found that most recent plots in the UK "
            "involved people with no formal link to any group, many of them under twenty.",
            "Pryce said the strategy would create a single unit for online threats, joining staff "
            "from the Home Office, the police and the intelligence services. The unit would be "
            "able to require platforms to remove content within an hour.",
            "Ministers have also agreed to expand the prevention program in schools and "
            "universities despite criticism from civil liberties groups. Pryce expects a hard "
            "debate in parliament on this part of the strategy.",
            "Pryce asked for a meeting with U.S. counterparts on online threats before the "
            "strategy is published. London would welcome a joint statement on cooperation with "
            "the platforms in the new year.",
            "She also asked whether the United States would share its experience of assessing "
            "lone actors, including the tools used to rank cases. We told her we would pass the "
            "request to Washington.",
            "Pryce said the strategy would not change the UK's approach to intelligence sharing "
            "with allies, which remains the government's highest priority.",
            "Comment: The review confirms a shift we have reported over the past year. Post "
            "recommends that the Department and DHS agree to the meeting in November.",
        ],
    ),
    "ref_single": (
        "SAHEL TRAINING MISSION: FRANCE CIRCULATES REVISED MANDATE",
        [
            "France circulated to EU partners on November 23 a revised draft mandate for the "
            "EU training mission in the Sahel, taking account of the evaluation several members "
            "asked for (reftel). The draft keeps the smaller staff but drops the move of the "
            "headquarters.",
            "Quai d'Orsay contacts told PolOff that the evaluation's findings were better than "
            "expected, and that the Netherlands and Sweden now say they can support a renewal.",
            "Post expects ministers to approve the mandate at their December meeting.",
        ],
    ),
    "ref_lettered": (
        "FRENCH ASK ABOUT U.S. STAFFING IN EAST AFRICA AND THE SAHEL",
        [
            "The Quai d'Orsay's Director for Africa, Etienne Garnier, asked PolCouns on November "
            "24 whether the authorized departure from Embassy Nairobi (ref B) reflected a new U.S. "
            "view of the threat in the region. France is reviewing the staffing of its own "
            "missions in East Africa and the Sahel.",
            "PolCouns said the decision had been taken for reasons particular to the post and "
            "drew on the approved press guidance. Garnier said France would decide on its own "
            "posture within two weeks and would share its reasoning with us.",
            "Garnier added that the revised training mission mandate (ref C) includes new rules "
            "for staff security, drawn from last year's incident (ref A).",
        ],
    ),
    "ref_parens": (
        "COALITION COMMITTEE BRINGS FORWARD PROCUREMENT LAW TALKS",
        [
            "The coalition committee will meet on March 7, three days earlier than planned, to "
            "settle the dispute over the defense procurement law (ref A). Chancellery contacts "
            "told PolOff that the Chancellor wants the bill passed before the Easter recess.",
            "Officials of the junior partner say they will accept a higher threshold for "
            "parliamentary approval if the budget committee gets quarterly reports, the "
            "compromise foreseen in ref A. The last such dispute (ref B) was settled the same way.",
            "Post will report the committee's decision.",
        ],
    ),
    "reftels_pilcrow": (
        "MIGRATION CONFERENCE: ITALY CONFIRMS DATES AND AGENDA",
        [
            "The Foreign Ministry confirmed on April 9 that the Mediterranean migration "
            "conference (ref A) will be held in Rome on June 15-16. The agenda covers search and "
            "rescue coordination, returns and a training fund for coast guards.",
            "Drawing on ref B, the Charge told Diplomatic Adviser Reale that Washington is "
            "considering participation at the level of Deputy Secretary. Reale welcomed this and "
            "said the Prime Minister would host the heads of delegation at dinner.",
            "Post will report when the invitations are issued.",
        ],
    ),
    "ref_nontelegram": (
        "SPAIN READY TO SHARE FINANCING CASE RECORDS",
        [
            "Following up on the exchange in ref, the Interior Ministry told the Legal Attache on "
            "February 26 that the investigating judge will let U.S. investigators examine the "
            "records seized in the Valencia financing case from March 9.",
            "The Ministry asked for the investigators' names by March 4 and said the records may "
            "be examined only at police headquarters in Madrid, with a Spanish officer present.",
            "Post will coordinate the visit with the Department of Justice and the FBI.",
        ],
    ),
    "garbled_numbers": (
        "COUNCIL PRESS STATEMENT ON CEASEFIRE MONITORS",
        [
            "Summary: The Security Council agreed on December 1 to a press statement welcoming "
            "the deployment of ceasefire monitors along the disputed border and calling on both "
            "parties to let them move freely. End summary.",
            "The statement was agreed after two days of negotiation, in which one member insisted "
            "on removing a reference to the monitors reporting to the Council. The final text "
            "asks the Secretary-General to brief members in January.",
            "Comment: The statement is weaker than we wanted but keeps the Council engaged. USUN "
            "will press for the January briefing to be held in an open session.",
        ],
    ),
    "redacted": (
        "HUMAN RIGHTS GROUPS REPORT DETENTIONS AFTER PROTESTS",
        [
            "Summary: Kenyan human rights groups say that at least forty people detained after "
            "the July 28 protests in Nairobi are held without charge, some in places their "
            "families do not know. Police deny holding anyone beyond the legal limit. End "
            "summary.",
            "XXXXXXXXXXXX told us on August 1 that lawyers had been refused access to detainees "
            "at two police stations, and that at least three detainees had been moved at night to "
            "an unknown location. XXXXXXXXXXXX asked that the Embassy raise the cases with the "
            "Interior Ministry.",
            "The police spokesman told the press on July 31 that everyone arrested had been "
            "charged or released within twenty-four hours.",
            "Comment: The Ambassador will raise the reports with the Interior Minister at their "
            "meeting next week. Post will protect the identity of its sources.",
        ],
    ),
    "tags_commas": (
        "ICELAND SEEKS PARTNERS FOR GEOTHERMAL PROJECTS ABROAD",
        [
            "Summary: The Icelandic government wants U.S. partners for geothermal projects it is "
            "developing in East Africa and Central America, and will send a delegation to "
            "Washington in November. End summary.",
            "The Permanent Secretary of the Ministry of Industry, Helga Sigurdardottir, told the "
            "Ambassador on September 8 that Icelandic firms have the engineering skill but not the "
            "capital for projects of this size.",
            "She asked that the delegation meet the U.S. development finance agency and two U.S. "
            "firms that have worked with Icelandic engineers before.",
            "Comment: The request fits our own energy goals in both regions. Post recommends "
            "support.",
        ],
    ),
    "tags_person": (
        "TRAVEL OF DEPUTY SECRETARY MAREN HOLT TO LONDON, JULY 20-22",
        [
            "Deputy Secretary Maren Holt plans to visit London July 20-22 to meet Foreign Office "
            "officials on Middle East issues and to speak at a conference on maritime security. "
            "The Department requests country clearance for the Deputy Secretary and a party of "
            "six.",
            "Embassy is asked to request meetings with the Foreign Secretary and the National "
            "Security Adviser, and to arrange a roundtable with experts on the region.",
            "The Department's control officer for the visit is Daniel Cho, Office of the Deputy "
            "Secretary. Please name the Embassy's control officer by July 13.",
        ],
    ),
    "tags_continuation": (
        "OPPOSITION LEADER SETS OUT FOREIGN POLICY VIEWS",
        [
            "Summary: The leader of the main opposition party set out its foreign policy in a "
            "speech on October 20, promising closer cooperation with EU partners and continued "
            "strong support for NATO. He was vague on defense spending. End summary.",
            "Meeting the Ambassador after the speech, the party's foreign affairs spokesman, Rhys "
            "Caldwell, said the party would keep the government's NATO spending commitments but "
            "review several large procurement programs.",
            "Caldwell said the party wants a closer trade relationship with the EU without "
            "rejoining its single market, and values the relationship with the United States "
            "above all others.",
            "Comment: The speech was meant to reassure voters and allies that the party is a safe "
            "choice. Polls give it a steady lead.",
        ],
    ),
    "tags_keyword_typo": (
        "JAPAN AND SOUTH KOREA RESUME TALKS ON EXPORT CONTROLS",
        [
            "Summary: Japanese and South Korean trade officials met in Tokyo on May 20 for their "
            "first round of talks on export controls in two years. Both sides called the talks "
            "constructive but reached no agreement. End summary.",
            "A METI official told EconOff that Japan wants Korea to tighten its controls on the "
            "transshipment of dual-use items before it restores Korea to the list of trusted "
            "trading partners.",
            "Korean Embassy contacts said Seoul has already made the changes Japan asked for and "
            "expects a decision this year.",
            "Post will report on the next round, due in August in Seoul.",
        ],
    ),
    "marks_variants": (
        "UK VIEWS ON MARITIME SURVEILLANCE IN THE NORTH ATLANTIC",
        [
            "The Ministry of Defence's Director of Maritime Operations told the Defense Attache "
            "on October 17 that UK patrol aircraft had tracked an unusual number of foreign "
            "submarines near the undersea cables west of Ireland this year.",
            "We shared with the Ministry our assessment of the same activity and agreed to "
            "exchange patrol schedules for the rest of the year to avoid gaps in coverage.",
            "The Director said the UK would bring two more patrol aircraft into service next year "
            "and would welcome the use of RAF Lossiemouth by a U.S. squadron for joint patrols.",
            "The Ministry will publish a summary of its maritime security review in November.",
            "Post will report on the review when it is published.",
        ],
    ),
    "corrected_copy": (
        "DEMARCHE ON DETAINED U.S. AID WORKERS",
        [
            "This is an action request. Embassy Ankara is asked to raise with the Ministry of "
            "Foreign Affairs, at the highest appropriate level, the case of two U.S. citizen aid "
            "workers detained in Hatay province on September 9.",
            "Points: we ask for consular access without delay; we ask that the two be told the "
            "charges against them; and we ask that any proceedings be open and prompt.",
            "Embassy should also note that the aid organization has worked in the province with "
            "government approval since 2019 and has offered records of its work. Embassy may "
            "share the organization's registration documents if asked.",
            "Please report the Ministry's response by September 18.",
        ],
    ),
    "eo_11652": (
        "MINISTER OF INTERIOR ON PROVINCIAL ADMINISTRATION REFORM",
        [
            "Chief of staff to Minister of Interior told EMBOFF May 10 that government will put "
            "draft law on reform of provincial administration to Council of Ministers before "
            "summer recess. Law would transfer several provincial powers to regions and "
            "municipalities.",
            "Source said coalition parties agree in principle but differ on timing, smaller "
            "parties wanting reform delayed until after autumn municipal elections.",
            "Comment: Reform has been promised by three successive governments. We doubt it will "
            "reach Parliament this year.",
        ],
    ),
    "eo_12356_oadr": (
        "SPAIN ASKS FOR BRIEFING ON NAVAL EXERCISE SCHEDULE",
        [
            "Summary: Foreign Ministry Director General for North American Affairs Luis Carvajal "
            "asked DCM April 12 for a briefing on the schedule of U.S. naval exercises in the "
            "western Mediterranean this summer. He said the government wants no surprises before "
            "the parliamentary debate on defense cooperation. End summary.",
            "Carvajal said the government would welcome a briefing at the Ministry of Defense by "
            "the end of April, and asked that port visits by nuclear-powered ships be notified at "
            "least two weeks in advance.",
            "Comment: The request is reasonable and easy to meet. We recommend that the Navy "
            "provide the briefing as asked.",
        ],
    ),
    "eo_12065": (
        "GOVERNMENT ANNOUNCES MEASURES AGAINST POLITICAL VIOLENCE",
        [
            "Summary: Prime Minister announced November 2 a package of measures against political "
            "violence, including longer detention periods and new special courts. Opposition "
            "calls the measures unconstitutional. End summary.",
            "Ministry of Interior official told EMBOFF the measures will apply first in eight "
            "provinces where most incidents have occurred this year. Police there will be able "
            "to search without a warrant.",
            "Comment: Package is government's answer to growing public pressure after recent "
            "killings. Its effect will depend on whether courts and police apply it "
            "even-handedly.",
        ],
    ),
    "eo_13526": (
        "GUIDANCE FOR NUCLEAR PLANNING GROUP STAFF TALKS",
        [
            "This is an action request. Mission should draw on the following points at the "
            "Nuclear Planning Group staff group meeting on February 10.",
            "Points: the United States supports the draft work plan for this year; we propose "
            "that the staff group's report on exercise lessons be ready for ministers in June; and "
            "we ask allies to name experts for the review of consultation procedures by March 1.",
            "Mission should not agree to any change to the work plan's wording on consultation "
            "procedures without first consulting Washington.",
            "Please report the results of the meeting by cable.",
        ],
    ),
    "passing_line": (
        "HARBOR PILOTS STRIKE HOLDS UP GRAIN SHIPMENTS",
        [
            "Summary: A strike by Malta's harbor pilots, now in its fifth day, has left eleven "
            "ships waiting outside Grand Harbour, four of them carrying grain bound for East "
            "Africa under food aid programs. The government has asked both sides to accept "
            "mediation. End summary.",
            "The Transport Ministry's permanent secretary told the Ambassador on November 25 that "
            "the government may use emergency powers to bring in naval pilots if the strike lasts "
            "into next week. The pilots' union says that would be unlawful.",
            "UN food agency officials in Rome told us the delay will add about ten days to "
            "deliveries, and asked whether a word from the United States to the government could "
            "help.",
            "Comment: Post will urge a quick settlement but sees little room for a U.S. role in a "
            "domestic labor dispute.",
        ],
    ),
    "flash_ts_noforn": (
        "THREAT REPORTING ON CONSULATE PERIMETER",
        [
            "Reporting received at 1100Z today indicates that a group under surveillance by host "
            "government services photographed the perimeter and vehicle gate of Consulate Adana "
            "twice in the past week.",
            "Turkish National Police told the RSO at 1130Z that they have raised the alert level "
            "around the Consulate and placed two teams near the vehicle gate. They asked that we "
            "keep the information within U.S. channels.",
            "The Emergency Action Committee met at 1145Z and decided to close the Consulate to the "
            "public on November 28 and to suspend official travel to the city. Post will issue a "
            "security message to U.S. citizens in the area.",
            "Post will report further developments by FLASH cable.",
        ],
    ),
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    rows = []
    for k, spec in enumerate(SPECS):
        spec.setdefault("csn", k + 2)
        text, expected = build(spec)
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
