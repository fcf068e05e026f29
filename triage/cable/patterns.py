"""The compiled patterns and code tables every stage reads: header lines (FL1-FL5, FM/TO/INFO),
banners and portion marks, the pseudo-header's keywords (with their damaged spellings), dates,
stations and posts, TAGS codes and the words of titles. Data, not rules about one file: the
stages hold the rules.

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


MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
MONTH_NAMES = {
    name: i + 1
    for i, name in enumerate(
        [
            "JANUARY",
            "FEBRUARY",
            "MARCH",
            "APRIL",
            "MAY",
            "JUNE",
            "JULY",
            "AUGUST",
            "SEPTEMBER",
            "OCTOBER",
            "NOVEMBER",
            "DECEMBER",
        ]
    )
}

# ---------------------------------------------------------------------------------------------
# Decoding


# ---------------------------------------------------------------------------------------------
# Header patterns

RE_VZCZC = re.compile(r"^\s*VZCZC([A-Z0-9]{2,})\b(.*)$")
RE_FL2 = re.compile(r"^\s*([ZOPRY]{2})\s+((?:[A-Z][A-Z0-9]{3,}\s*)+)$")
RE_DE = re.compile(r"^\s*DE\s+([A-Z][A-Z0-9]{3,})\s+#\s*(\d+)(?:/(\d+))?(?:\s+(\d{7}))?")
RE_SECURITY = re.compile(r"^\s*(ZNY|ZNR)\s+([A-Z])\2{3,5}\b(.*)$")
RE_DTG_LINE = re.compile(
    r"^\s*((?:[ZOPRY]\s+){0,3})(\d{2})(\d{2})(\d{2})\s*Z\s+([A-Za-z]{3})\s+(\d{2,4})\b(.*)$"
)
RE_NEWSPAPER = re.compile(
    r"^\s*(?:MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY),\s+(\d{1,2})\s+"
    r"([A-Z]+)\s+(\d{4}),\s+(\d{1,2}):(\d{2})\s*$",
    re.I,
)
RE_DUMP_RECORD = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?\t(\d{2}[A-Z]{3,}\d{1,7})\t[^\t]*\t([A-Z][A-Z/ ]+)\t"
)
# a month written as a word (`Dec`, `December`, `Dec.`), its first three letters captured
_MONTH_WORD = r"(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\.?"
# a month's name or its usual abbreviation, as a whole word (`May`, `Sept.`, not `may`)
RE_MONTH_NAME = re.compile(
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
RE_FULL_DATE = re.compile(r"\b" + _MONTH_WORD + r"\s+(\d{1,2}),\s+((?:19|20)\d{2})\b", re.I)
# a cablegate page's metadata block copied into the text (between the addressees and the banner)
RE_META_LINE = re.compile(
    r"^\s*(ID|ORIGIN|DATE|SOURCE|CLASSIFICATION|MISC|DESTINATION):\s*((?:\S(?:.*\S)?)?)\s*$"
)
RE_META_DATE = re.compile(r"^((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2})?)?$")
RE_LISTED_ID = re.compile(r"^\s*(\d{2})[A-Z]{3,}\d{1,7}\s*$")
RE_TELEGRAM = re.compile(r"^\s*TELEGRAM\s+([A-Za-z]+)\.?\s+(\d{1,2}),\s+(\d{4})\s*$")
RE_TELEGRAM_FROM = re.compile(
    r"^\s*From:\s+(\S.*?)\s*(?:\(([A-Z][A-Z .'-]*?)\s+0*(\d{1,7})\s*-[^)]*\))?\s*$"
)
# evidence of when a dateless extract was sent: a month and year named as past, and days
# (opening with the words' first letters matched with case, the ones re.I takes for them, and
# the word boundary checked after it: the regex engine skips to those letters, where `\b(?:in|`
# was tried at every position)
RE_PAST_MONTH = re.compile(
    r"(?-i:[Ii\u0130\u0131Ss\u017fDd])(?<!\w.)(?:(?<=i)n|(?<=s)ince|(?<=d)uring)\s+"
    r"(?:early\s+|late\s+|mid-?)?" + _MONTH_WORD + r"\s+(?:of\s+)?((?:19|20)\d{2})\b",
    re.I,
)
RE_MONTH_DAY = re.compile(r"\b" + _MONTH_WORD + r"\s+(\d{1,2})\b(?!\s*,?\s*(?:19|20)\d{2})", re.I)
RE_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
RE_PAST_MARK = re.compile(r"\b(?:was|were|had|did)\b|\bthen-", re.I)
RE_FUTURE_MARK = re.compile(
    r"\b(?:will|would|shall|could|may|might|should|plans?|planned|expects?|expected|intends?"
    r"|scheduled|next|upcoming|until|by|before|ahead|forthcoming|due)\b",
    re.I,
)
# the years each executive order on classification was in force (signed to superseded)
EO_YEARS = {
    "11652": (1972, 1978),
    "12065": (1978, 1982),
    "12356": (1982, 1995),
    "12958": (1995, 2010),
    "13292": (2003, 2010),
    "13526": (2009, 9999),
}
# the text after a keyword, to its last non-blank (`\S(?:.*\S)?`: `.*` runs to the line's end
# in one step and gives back its trailing blanks; `\S.*?` before `\s*$` tried the end after
# every character)
RE_FM = re.compile(r"^\s*FM\s+(\S(?:.*\S)?)\s*$")
# `TO` alone on its line: a page break fell between it and its first address
RE_TO = re.compile(r"^\s*TO(?:\s+(\S(?:.*\S)?))?\s*$")
RE_INFO = re.compile(r"^\s*INFO(?:\s+(\S(?:.*\S)?))?\s*$")
RE_XMT = re.compile(r"^\s*XMT\s+(.*)$")
RE_BT = re.compile(r"^\s*BT\s*$")
RE_PAGE_HEADER = re.compile(r"^\s*PAGE\s+\d{2}\b", re.I)
# an addressee line with its routing indicator, which no other header line looks like
RE_ROUTED_ADDRESSEE = re.compile(r"[A-Z][A-Z0-9]{3,7}/[A-Z][A-Z0-9 .,'&()/-]*$")
RE_PAGE_BREAK_BANNER = re.compile(
    r"^\s*(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE)\s+PAGE\s+\d+\b"
)
RE_PARTIAL = re.compile(r"partial extract of the original cable", re.I)
RE_ADDRESSEE = re.compile(
    r"^(?:(?P<ri>[A-Z][A-Z0-9]{2,7}|ZEN)/)?(?P<name>.*?)"
    r"(?:\s+(?P<niact>NIACT)\s*)?"
    r"(?:\s+(?P<prec>FLASH|IMMEDIATE|IMMEDATE|PRIORITY|PIORITY|PRIORTY|ROUTINE|EMERGENCY))?"
    r"(?:\s+(?P<mcn>\d{1,4}(?:\s*-\s*\d{1,4})?))?\s*$"
)
# an addressee that is a post: a short number after it is its message number (`SECSTATE WASHDC
# 475`), where after other names it may be part of the name (`CTF 151`)
RE_POST_NAME = re.compile(
    r"^(?:AM\s*EMBASSY|AM\s*CONSUL|AMCONGEN|SEC\s*STATE|USMISSION|USDEL|USEU|USNATO)\b"
)

# Pseudo-header patterns (the body's first block)
LEVEL_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^T ?O ?P ?S ?E ?C ?R ?E ?T\b"), "TOP SECRET"),
    (re.compile(r"^[A-Z ]{0,3}E ?C ?R ?E ?T\b"), "SECRET"),
    (re.compile(r"^[A-Z ]{0,3}O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L\b"), "CONFIDENTIAL"),
    (re.compile(r"^[A-Z ]{0,3}N ?C ?L ?A ?S(?: ?S ?I ?F ?I ?E ?D)?\b"), "UNCLASSIFIED"),
    (
        re.compile(r"^L ?I ?M ?I ?T ?E ?D ?O ?F ?F ?I ?C ?I ?A ?L ?U ?S ?E\b"),
        "LIMITED OFFICIAL USE",
    ),
]
RE_ANY_LEVEL = re.compile("|".join(f"(?:{p.pattern})" for p, _ in LEVEL_PATTERNS))
RE_SECTION = re.compile(r"^\s*SECTION\s+(\d+)\s+OF\s+(\d+)\s*", re.I)
RE_STATION_SERIAL = re.compile(r"^(?:(\d{2})\s+)?([A-Z][A-Z .'-]*?[A-Z])\s+(\d{1,7})\b(.*)$")
RE_PAGE_MARKER = re.compile(
    r"^\s*(?:PAGE\s+\d+\s+.*|(?i:[A-Z][A-Z .'-]{1,30}\s+0{0,6}\d{3,8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3})\s*)$"
)


def page_marker(s: str) -> bool:
    """RE_PAGE_MARKER.match(s) for a stripped line, tried only where it can match: a line that
    opens with `PAGE` or ends with a digit (the marker's page count). Upper-case text is full of
    ` OF `, and the pattern backtracks through every line it is tried on."""
    return bool((s.startswith("PAGE") or s[-1:].isdecimal()) and RE_PAGE_MARKER.match(s))


RE_EO = re.compile(
    r"(?:^|(?<=\s))E\.?\s?O\.?\s*1\d{2,4}\b\s*:?|(?:^|(?<=\s))E\.?\s?O\.?\s*:|^\s*DECL\s*:",
    re.I,
)
RE_EO_GATE = re.compile(r"E\.?\s?O")
RE_TAGS_START = re.compile(
    r"^\s*(?:TAGS?|TAGE|TAS|TABS|TGS|AGS)\b\s*:?\s*|^\s*(?:" + TAGS_TYPOS + r")\s*:\s*", re.I
)
RE_TAGS_INLINE = re.compile(r"(?<=\s)TAGS?\s*:\s*", re.I)
# a damaged keyword is read where a line starts (anchored, it costs one try a line)
RE_SUBJECT = re.compile(
    r"(?:^|(?<=\s))SUBJ(?:ECT)?\s*:\s*|^\s*SUBJECT\b\s*|^\s*(?:" + SUBJECT_TYPOS + r")\s*:\s*",
    re.I,
)
RE_REF = re.compile(
    r"(?:^|(?<=\s)|(?<=[a-z]))(?:REF(?:S|\(S\)|TEL(?:S|\(S\))?|ERENCES?)?)\s*:\s*"
    r"|^\s*REF(?:S|TELS?)?\b\s*(?=[A-Z(]\s*[.)]|\d|[A-Z]{3,})"
    # `REF A LONDON 2768`: a bare letter, then a cable (see cable/references.py)
    r"|^\s*REF\s+(?=[A-Z]\s+(?:\d{2,4}\s+)?[A-Z][A-Z ]{2,30}?\s*\d)",
    re.I,
)
# A keyword that may stand anywhere on a line opens its pattern with a look-behind (the line's
# start or a blank before it), and the regex engine then tries every position of the line. The
# same alternative written to open with the keyword's letter, the look-behind after it, lets the
# engine skip from one such letter to the next: the letter is a class matched with case, of the
# letters re.I takes for it (`ſ` for s), as a case-blind letter gives the engine nothing to skip
# to. A line holds no line break, so the alternatives anchored with `^` can only match where it
# starts: line_finditer and line_search try the whole pattern there, the letter-first one after.
_RE_EO_ANYWHERE = re.compile(
    r"(?-i:[Ee])(?<!\S.)(?:\.?\s?O\.?\s*1\d{2,4}\b\s*:?|\.?\s?O\.?\s*:)", re.I
)
_RE_SUBJECT_ANYWHERE = re.compile(r"(?-i:[Ss\u017f])(?<!\S.)UBJ(?:ECT)?\s*:\s*", re.I)
_RE_REF_ANYWHERE = re.compile(
    r"(?-i:[Rr])(?<=[\sa-z]R)EF(?:S|\(S\)|TEL(?:S|\(S\))?|ERENCES?)?\s*:\s*", re.I
)
# keyed by the patterns' ids: a compiled pattern's hash is computed at each lookup, over its
# whole compiled code (3-11 k instructions for these three, where an int's is one step)
_ANYWHERE = {
    id(RE_EO): _RE_EO_ANYWHERE,
    id(RE_SUBJECT): _RE_SUBJECT_ANYWHERE,
    id(RE_REF): _RE_REF_ANYWHERE,
}


def line_finditer(pattern: re.Pattern[str], line: str) -> list[re.Match[str]]:
    """What pattern.finditer(line) finds, for RE_EO, RE_SUBJECT and RE_REF on one line."""
    anywhere = _ANYWHERE[id(pattern)]
    m = pattern.match(line)
    if m is None:
        return list(anywhere.finditer(line, 1))
    return [m, *anywhere.finditer(line, m.end())]


def line_search(pattern: re.Pattern[str], line: str) -> bool:
    """Whether pattern.search(line) finds anything, for RE_EO, RE_SUBJECT and RE_REF on one
    line."""
    return bool(pattern.match(line) or _ANYWHERE[id(pattern)].search(line, 1))


RE_CLASSIFIED_BY = re.compile(r"\bClassified\s+By\b\s*:?\s*", re.I)
RE_CLASSIFIED_BY_START = re.compile(r"^\s*(?:\(U\)\s*)?Classified\s+By\b\s*:?\s*", re.I)
# `(for) reasons 1.4 (b)`, `1.4 (b)`: each opens with its first character, the word boundary
# checked after it, so the regex engine skips to that character (`\b(?:for\s+)?reasons?`, the same
# matches, was tried at every position)
RE_REASONS = re.compile(
    r"(?-i:[FfRr])(?<!\w.)(?:(?<=f)or\s+r|(?<=r))easons?\s*:?\s*"
    r"((?:E\.?O\.?\s*\d+\s*,?\s*)?\d[.,]\s?\d.*)$",
    re.I,
)
RE_REASON_NUM = re.compile(r"1(?<!\w.)[.,]\s?[45]\s*\(?\s*[a-h].*$", re.I)

# a numbered line (one line: it holds no line break); the text after the number and mark is the
# line from the match's end, which the pattern does not run `(?P<rest>.*)$` over (a pass over
# each paragraph a web copy writes on one line)
# (each optional part written as a branch with an empty alternative, `(?:X|)`, the same tries
# in the same order as `X?`, which the regex engine runs as a general repeat: 10% fewer
# instructions a line)
RE_PARA = re.compile(
    r"^\s*-?\s*(?:(?P<pil>¶|&para;)|)\s*(?P<num>\d{1,5})\s*\.(?!\d)\s*"
    r"(?:\(\s*(?P<mark>[^()\n]{1,40}?)\s*\)|)\s*"
)

PARA_FIRST = frozenset("-¶&0123456789P")
# the characters str.isspace (and strip) takes for blanks, all of them (a test holds the list to
# Python's own); PARA_GATE: the first characters of a line whose lstrip() may open with PARA_FIRST
BLANKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
PARA_GATE = PARA_FIRST | frozenset(BLANKS)
RE_DASH_ONLY = re.compile(r"^\s*-[\s-]*$")
RE_PORTION = re.compile(
    r"^(?:U|C|S|TS|SBU|FOUO|LOU|UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP\s*SECRET|SENSITIVE)"
    r"(?:\s*(?:/+|\s)\s*[A-Z][A-Z ]{0,30})*$",
    re.I,
)

CAVEAT_WORDS = ["NOFORN", "SIPDIS", "EXDIS", "NODIS", "LIMDIS", "STADIS", "ROGER", "SPECAT"]
RE_CAVEATS = {w: re.compile(rf"\b{w}\b", re.I) for w in CAVEAT_WORDS}


# lines that cannot continue a subject (in copies that lost their blank lines)
RE_RULE_LINE = re.compile(r"^(?:[-=_*]\s*){3,}$")
RE_HANDLING_LINE = re.compile(
    r"^\s*(?:THIS\s+(?:CABLE|MESSAGE|TELEGRAM)\s+IS\b|SENSITIVE,?\s+BUT\s+UNCLASSIFIED\b"
    r"|NOT\s+FOR\s+(?:INTERNET|PUBLIC)\b|PLEASE\s+PROTECT\b|HANDLE\s+ACCORDINGLY\b)",
    re.I,
)
RE_LABEL_LINE = re.compile(r"^\s*[A-Za-z][A-Za-z ]{1,20}:\s")
RE_SUMMARY_LINE = re.compile(r"^\s*(?:BEGIN\s+)?SUMMARY\s*:|^\s*BEGIN\s+SUMMARY\b", re.I)
RE_OPEN_END = re.compile(
    r"(?:\b(?:OF|THE|AND|OR|TO|FOR|IN|ON|WITH|A|AN|BY|AT|FROM|VICE)|[-:,/&])\s*$", re.I
)
RE_PASSING_LINE = re.compile(
    r"^\s*(?:(?:SEC)?STATE|DEPT|DEPARTMENT|NSC|USAID|TREASURY|COMMERCE|USTR|DOD|OSD|JCS"
    r"|[A-Z]{2,}COM)\s+(?:FOR|PASS)\b|^.{0,40}\bPLEASE\s+PASS\b",
    re.I,
)
# what closes a cable after its signature: NNNN, BT, a message number, a release stamp
RE_CLOSING_LINE = re.compile(
    r"\s*(?:NNNN|BT|#\d+|=+|END\s+(?:OF\s+)?(?:CABLE\s+)?(?:TEXT|CABLE|MESSAGE)\.?)\s*(?:NNNN)?\s*",
    re.I,
)
# `##` a release stamp leaves after the name, `.` some posts add
RE_SIGNATURE_STAMP = re.compile(r"\s*#+\s*$")
# the sentence's last mark, then the name: the match opens with the mark (not a look-behind
# for it), so the regex engine skips from mark to mark instead of trying every position
RE_GLUED_SIGNATURE = re.compile(
    r"[.!?\"')\]]\s+([A-Z][A-Za-z'-]{1,30}(?: [A-Z][A-Z'-]{1,30})?\.?)\s*#*\s*$"
)


# a line that stops mid-sentence: the next line goes on with it (`TRINIDAD'S` / `ASSISTANCE.`)
RE_OPEN_SENTENCE = re.compile(r"[A-Za-z,'-]\s*$")


RE_NAME_WORD = re.compile(r"(?:[A-Z]\.){1,2}|[A-Z][A-Za-z'’-]*\.?(?:-[A-Z][A-Za-z'’-]*)?")


RE_SBU_TAIL = re.compile(r"\s+SENSITIVE,?\s+BUT\s+UNCLASSIFIED\.?\s*$", re.I)
RE_SBU_LINE = re.compile(
    r"^\s*(?:SENSITIVE(?:\s+BUT\s+UNCLASSIFIED)?|SBU|FOR\s+OFFICIAL\s+USE\s+ONLY|FOUO)\b", re.I
)

STATE_STATIONS = {"STATE", "SECSTATE"}

CONSULATES = {
    "ADANA", "ALEXANDRIA", "AMSTERDAM", "AUCKLAND", "BARCELONA", "BASRAH", "BELFAST",
    "CALGARY", "CAPE TOWN", "CASABLANCA", "CHENGDU", "CHENNAI", "CHIANG MAI", "CIUDAD JUAREZ",
    "CURACAO", "DHAHRAN", "DUBAI", "DURBAN", "DUSSELDORF", "EDINBURGH", "ERBIL", "FLORENCE",
    "FRANKFURT", "FUKUOKA", "GUADALAJARA", "GUANGZHOU", "GUAYAQUIL", "HALIFAX", "HAMBURG",
    "HERMOSILLO", "HO CHI MINH CITY", "HONG KONG", "HYDERABAD", "ISTANBUL", "JEDDAH",
    "JERUSALEM", "JOHANNESBURG", "KARACHI", "KIRKUK", "KOLKATA", "CALCUTTA", "KRAKOW", "LAGOS",
    "LAHORE", "LEIPZIG", "LYON", "MARSEILLE", "MATAMOROS", "MAZAR-I-SHARIF", "MELBOURNE",
    "MERIDA", "MILAN", "MONTERREY", "MONTREAL", "MUMBAI", "BOMBAY", "MUNICH", "NAHA", "NAPLES",
    "NOGALES", "NUEVO LAREDO", "OSAKA KOBE", "PERTH", "PESHAWAR", "PONTA DELGADA", "QUEBEC",
    "RECIFE", "RIO DE JANEIRO", "SAO PAULO", "SAPPORO", "SHANGHAI", "SHENYANG", "ST PETERSBURG",
    "STRASBOURG", "SURABAYA", "SYDNEY", "THESSALONIKI", "TIJUANA", "TORONTO", "VANCOUVER",
    "VLADIVOSTOK", "WUHAN", "YEKATERINBURG", "NAGOYA", "HILLAH", "MOSUL", "HERAT",
    "KANDAHAR", "PORTO ALEGRE", "MADRAS", "BRISBANE", "HAMILTON",
}  # fmt: skip

# FM-line forms that name a mission rather than a city post
SPECIAL_ORIGINS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^SEC\s*STATE\b|^SECSTATE\b|^DEPT OF STATE\b"), "Secretary of State"),
    (re.compile(r"^USMISSION\s+USUN\b|^USUN\b"), "Mission USUN"),
    (re.compile(r"^USMISSION\s+USNATO\b|^USNATO\b"), "Mission USNATO"),
    (re.compile(r"^USMISSION\s+UNVIE\b|^UNVIE\b"), "UNVIE"),
    (re.compile(r"^USMISSION\s+USOSCE\b|^USOSCE\b"), "Mission USOSCE"),
    (re.compile(r"^USMISSION\s+GENEVA\b"), "Mission Geneva"),
    (re.compile(r"^USMISSION\s+UNESCO\b|^UNESCO\b"), "Mission UNESCO"),
    (re.compile(r"^USMISSION\s+(?:UN\s+)?ROME\b|^UNROME\b|^USUN ROME\b"), "UN Rome"),
    (re.compile(r"^USEU\s+BRUSSELS\b|^USEU\b"), "USEU Brussels"),
    (re.compile(r"^USINT\s+HAVANA\b"), "US Interests Section Havana"),
    (re.compile(r"^USINT\s+(.+)$"), "US Interests Section {0}"),
    (re.compile(r"^(?:IRAN\s+)?RPO\s+DUBAI\b"), "Iran RPO Dubai"),
    (re.compile(r"^USOFFICE\s+(.+)$"), "US Office {0}"),
    (re.compile(r"^AIT\s+TAIPEI\b"), "American Institute Taiwan, Taipei"),
    (re.compile(r"^USLO\s+(.+)$"), "US Liaison Office {0}"),
]

# Banner stations that name a mission (the reference id keeps the compact form)
BANNER_ORIGINS = {
    "STATE": "Secretary of State",
    "SECSTATE": "Secretary of State",
    "USUN NEW YORK": "Mission USUN",
    "USNATO": "Mission USNATO",
    "UNVIE VIENNA": "UNVIE",
    "UNVIE": "UNVIE",
    "USEU BRUSSELS": "USEU Brussels",
    "RPO DUBAI": "Iran RPO Dubai",
    "HAVANA": "US Interests Section Havana",
    "USOSCE": "Mission USOSCE",
}


# ---------------------------------------------------------------------------------------------
# Small text helpers the stages share

# the stages keep what they read of a line that comes again (addressees, pseudo-header lines)
# for lines up to this long: a hostile cable's megabyte line is not kept alive by a cache
CACHED_LINE_CHARS = 200


def clean(s: str) -> str:
    """White space folded to single spaces, none at the ends."""
    return " ".join(s.split())


def already_clean(s: str) -> bool:
    """Is clean(s) s itself? A printable string holds no white space but the space (tabs, line
    breaks, no-break and other Unicode blanks are not printable): then it is clean when it has
    no run of spaces and none at its ends. Tests in C, where clean splits and joins the words."""
    return s.isprintable() and "  " not in s and s[:1] != " " != s[-1:]


def year4(yy: str) -> int:
    """A year as written (`07`, `1975`) to four digits: 50-99 are 19xx, 00-49 20xx."""
    y = int(yy)
    if len(yy) >= 4:
        return y
    return 1900 + y if y >= 50 else 2000 + y


def gate_upper(s: str) -> str:
    """The text upper-cased for a substring test that decides whether a case-blind pattern
    (re.I) is worth running: it holds the pattern's letters wherever the pattern can match.
    `İ` and the Kelvin sign match I and K case-blind but do not upper-case to them."""
    up = s.upper()
    return up if up.isascii() else up.replace("\u0130", "I").replace("\u212a", "K")


def banner_level(line: str) -> tuple[str, str] | None:
    """(level, rest of line) when the line opens with a classification banner.

    Kept for the lines asked again: the line that ends the header is tested by the header's
    start, the header and the banner stage."""
    return _banner_level_kept(line) if len(line) <= CACHED_LINE_CHARS else _banner_level(line)


def _banner_level(line: str) -> tuple[str, str] | None:
    s = line.strip().lstrip(">").strip()
    up = s.upper()
    if not RE_ANY_LEVEL.match(up):  # one test for most lines, which are not banners
        return None
    for pat, level in LEVEL_PATTERNS:
        m = pat.match(up)
        if m:
            return level, s[m.end() :].strip()
    return None


_banner_level_kept = lru_cache(maxsize=4096)(_banner_level)

RE_BANNER_REST = re.compile(r"^(?:\d{2}\s+)?[A-Za-z][A-Za-z .'-]*\s\d{2,7}\s*$")


def is_real_banner(line: str) -> bool:
    """A banner that names its station and serial (`C O N F I D E N T I A L PARIS 001234`),
    not a classification word opening some other line."""
    got = banner_level(line)
    if not got:
        return False
    rest = RE_SECTION.sub("", got[1]).strip()
    return bool(RE_BANNER_REST.match(rest))
