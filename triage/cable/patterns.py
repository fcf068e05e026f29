"""Code tables and keyword spellings the stages share: data, not rules about one file.

TAGS codes are the State Department's Traffic Analysis by Geography and Subject: two-letter
geographic codes (FIPS 10-4 country codes, and `X?` regions), four-letter subject codes in
families by their first letter (A administration, C consular, E economic, K subjects, M
military, O operations, P political, S social, T technology) and the acronyms of international
organisations. The table lists the public codes; it is used to split runs that lost their
spaces (`PRELPGOVKNNPIR`), never to drop a tag that is not in it.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COUNTRY_TAGS = _words(
    """
    AA AC AE AF AG AJ AL AM AN AO AQ AR AS AU AV AY BA BB BC BD BE BF BG BH BK BL BM BN BO BP
    BR BT BU BV BX BY CA CB CD CE CF CG CH CI CJ CK CM CN CO CQ CS CT CU CV CW CY DA DJ DO DR
    EC EG EI EK EN ER ES ET EU EZ FG FI FJ FK FM FO FP FR GA GB GG GH GI GJ GK GL GM GQ GR GT
    GV GY GZ HA HK HO HR HU IC ID IM IN IR IS IT IV IZ JA JE JM JO KE KG KN KR KS KT KU KV KZ
    LA LE LG LH LI LO LS LT LU LY MA MB MC MD MF MG MH MI MJ MK ML MN MO MP MR MT MU MV MX MY
    MZ NC NE NF NG NH NI NL NO NP NR NS NT NU NZ PA PC PE PK PL PM PO PP PS PU QA RE RI RM RO
    RP RQ RS RU RW SA SB SC SE SF SG SH SI SL SM SN SO SP SR ST SU SV SW SX SY SZ TD TH TI TK
    TN TO TP TS TT TU TV TW TX TZ UG UK UN UP US UV UY UZ VC VE VM VN VQ VT WA WE WF WI WS WZ
    YM ZA ZI
    XA XB XC XD XE XF XG XH XI XJ XK XL XM XN XO XP XQ XR XS XT XU XV XW XX XY XZ
    """
)

SUBJECT_TAGS = _words(
    """
    AADP ABLD ABUD ACOA ADCO ADPM AEMR AFIN AFSI AFSN AGAO AINF AINR AINT AMED AMGT AODE AORC
    AORG APCS APER ASCH ASEC ASIG ASUP ATRN
    BEXP BTIO
    CASC CFED CJAN CLOK CMGT CPAS CVIS
    EAGR EAID EAIR ECIN ECON ECPS EFIN EFIS EIND EINT EINV ELAB ELTN EMIN ENRG EPET ETRD ETTC
    EWWT
    KACT KAWC KAWK KBIO KBTS KCFE KCIP KCOR KCRM KDEM KDRG KFLU KFRD KGHG KGIC KHIV KHLS KIPR
    KIRF KISL KJUS KMDR KMPI KNAR KNNP KOLY KOMC KPAL KPAO KPIN KPKO KPRP KRVC KSCA KSEP KSPR
    KSTC KSUM KTEX KTFN KTIP KUNR KVPR KWBG KWMN
    MARR MASS MCAP MNUC MOPS MTCR MTCRE
    OEXC OFDP OIIP OPDC OPRC OREP OSCI OTRA OVIP
    PARM PBIO PBTS PEPR PFOR PGOV PHSA PHUM PINL PINR PINS PINT POLM PREF PREL PROP PTER
    SCUL SENV SMIG SNAR SOCI
    TBIO TINT TPHY TRGY TSPA TSPL
    """
)

ORGANISATION_TAGS = _words(
    """
    APEC ASEAN AU CDB CDG EUN FAO IAEA ICAO ICJ ILO IMF IMO INTERPOL IO NAM NATO NPT OAS OAU
    OECD OPCW OPEC OSCE PSI SADC UN UNDP UNEP UNESCO UNGA UNHCR UNHRC UNICEF UNSC WFP WHO WMO
    WTO
    """
)

TAG_CODES = COUNTRY_TAGS | SUBJECT_TAGS | ORGANISATION_TAGS


@lru_cache(maxsize=2048)
def split_glued_tags(run: str) -> tuple[str, ...] | None:
    """The codes a run of letters that lost its spaces is made of (`PRELPGOVKNNPIR` -> PREL,
    PGOV, KNNP, IR), fewest codes first; None when it is a code itself or no split covers it."""
    if run in TAG_CODES or not run.isalpha() or not run.isupper() or len(run) < 4:
        return None
    n = len(run)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        got = best[i]
        if got is None:
            continue
        for size in (4, 2, 5, 3, 6):
            piece = run[i : i + size]
            if len(piece) == size and piece in TAG_CODES:
                cand = (*got, piece)
                old = best[i + size]
                if old is None or len(cand) < len(old):
                    best[i + size] = cand
    return best[n] if best[n] and len(best[n]) > 1 else None  # type: ignore[arg-type]


def _typos(word: str) -> set[str]:
    """The word with a letter missing, doubled or two swapped, and cut at its start: the damage
    keywords take in transmission and in copies."""
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    out |= {word[i:] for i in range(1, 3)}
    out.discard(word)
    return {w for w in out if len(w) >= 3}


def keyword_pattern(*words: str) -> str:
    """An alternation of the words' damaged spellings, longest first (for a regex)."""
    forms: set[str] = set()
    for w in words:
        forms |= _typos(w)
    return "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))


# `SUBJET:`, `SUBJCT:`, `UBJECT:` (a colon is required: these are no English words, but a
# keyword without its colon is too easily a word of the text)
SUBJECT_TYPOS = keyword_pattern("SUBJECT")
TAGS_TYPOS = keyword_pattern("TAGS")


# words of a title or office before (or after) the name of who classified a cable
TITLE_WORDS = _words(
    """
    a.i. ai a/dcm a/polcouns a/s acting affairs ambassador amb amb. and assistant by cda cdddea
    cg charg charge chargé charge' chief classified classifed confidential congen consul
    consulate coordinating coordinator counselor counsellor das dcm d'affaires d'affairs deputy
    development director econ ecopol economic embassy estoff for general global head
    interagency m/c mc minister minister-counselor mission of office officer p/e pdas pol
    polcouns poloff econoff political principal provincial regional rso secret secretary
    section security the unit under u.s. us
    """
)
NAME_PARTICLES = frozenset({"van", "von", "de", "del", "da", "la", "le", "der", "den", "bin"})
NAME_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})
