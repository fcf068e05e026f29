"""The console's text layout, without Textual: what the split view and the list draw."""

from __future__ import annotations

from rich.console import Console

from triage.cable.model import Addressee, Paragraph, Reference
from triage.store.views import CableDetail, TriageState
from triage.tui.text import (
    body_text,
    header_text,
    history_text,
    layout_columns,
    reflow,
    title_text,
    triage_line,
)

CONSOLE = Console(width=200, color_system=None)


def detail(**over: object) -> CableDetail:
    fields: dict[str, object] = dict(
        id=1,
        reference_id="26PARIS1877",
        precedence="FLASH",
        prec_rank=1,
        info_precedence="ROUTINE",
        dtg="2026-11-27T12:00:00Z",
        dtg_raw="271200Z NOV 26",
        dtg_estimated=False,
        classification="SECRET",
        level_rank=2,
        caveats=("NOFORN",),
        from_line="AMEMBASSY PARIS",
        origin="Embassy Paris",
        subject="TALKS ON THE [/bold] TREATY, PART II",
        tags=("PREL", "FR"),
        security_line=None,
        section=None,
        classified_by="Jane Roe",
        reasons="1.4 (b)",
        declassify="2036-11-27",
        partial=False,
        corrected=False,
        signature="ROE",
        version=1,
        received_at="2026-11-27T12:05:00.000000Z",
        to=(Addressee("RUEHC", "SECSTATE WASHDC", "FLASH", False, None),),
        info=(),
        paragraphs=(Paragraph(1, "S//NF", "First line\nsecond line."), Paragraph(2, "C", "Two.")),
        references=(Reference("A", "PARIS 1500"),),
        warnings=("paragraph numbers 11, 2 read as 1, 2",),
        state=TriageState(officer="kwalker", status="IN PROGRESS", row_version=3),
        body="raw text",
    )
    fields.update(over)
    return CableDetail(**fields)  # type: ignore[arg-type]


def test_header_shows_every_field_and_cable_text_stays_plain() -> None:
    t = header_text(detail(), 60, CONSOLE, set())
    plain = t.plain
    assert "Subject     TALKS ON THE [/bold] TREATY, PART II" in plain
    assert "SECRET  NOFORN" in plain
    assert "a. PARIS 1500".upper() in plain.upper()
    assert "Officer     kwalker" in plain and "IN PROGRESS" in plain
    assert "⚠ paragraph numbers" in plain


def test_header_marks_addressees_of_the_office() -> None:
    t = header_text(detail(), 60, CONSOLE, {"RUEHC"})
    assert "SECSTATE WASHDC (RUEHC)  FLASH  ACTION" in t.plain


def test_body_reflows_paragraphs_and_finds_words_on_their_lines() -> None:
    t, hits = body_text(detail(), 60, CONSOLE, raw=False, find="two")
    lines = t.plain.split("\n")
    assert lines[0].startswith("  1 S//NF  First line second line.")
    assert [lines[k] for k in hits] == ["  2 C      Two."]
    raw, _ = body_text(detail(), 60, CONSOLE, raw=True, find=None)
    assert raw.plain == "raw text"


def test_title_gives_way_from_the_right() -> None:
    d = detail()
    wide = title_text(d, left="Header", right="Paragraphs", where="   1 of 9 in Inbox", room=150)
    assert "[Header|▸Paragraphs]" in wide.plain and "h history" in wide.plain
    narrow = title_text(d, left="Header", right="Paragraphs", where="   1 of 9 in Inbox", room=60)
    assert "h history" not in narrow.plain and "1 of 9 in Inbox" in narrow.plain


def test_title_keeps_the_focus_mark_beside_a_finds_place() -> None:
    """A find's place is wider than the pane names: the list position gives way to it, then
    the names shorten to a letter, before the mark of the focused pane would go."""
    d = detail()
    where, found = "   19 of 48 in Inbox", "   found 3 of 10"
    head = len(title_text(d, left="Header", right="Paragraphs", where="", room=0).plain)
    for room in range(head + 70, head + len("   [▸H|P]" + found) - 1, -1):
        t = title_text(
            d, left="Header", right="Paragraphs", where=where, found=found, room=room, focus="left"
        ).plain
        assert "found 3 of 10" in t and "[▸H" in t and len(t) <= room, (room, t)
    # room for everything: all of it, in order
    t = title_text(d, left="Header", right="Paragraphs", where=where, found=found, room=200)
    assert t.plain.endswith("[Header|▸Paragraphs]  h history  v raw" + found + where)


def test_triage_line_asks_for_an_acknowledgement() -> None:
    assert "not yet (K acknowledges)" in triage_line(detail(), None).plain
    done = detail(state=TriageState(ack_by="jsmith", ack_at="2026-11-27T12:06:00Z"))
    assert "jsmith 2026-11-27 12:06Z" in triage_line(done, None).plain


def test_triage_line_says_there_is_a_note_and_how_it_starts() -> None:
    """A note was shown only at the end of the header pane, below the fold at 100x30."""
    noted = detail(state=TriageState(note="Called MFA desk, they will reply by Friday\nmore"))
    wide = triage_line(noted, None, room=200).plain
    assert "Note Called MFA desk, they will reply by Fri…" in wide and "more" not in wide
    narrow = triage_line(noted, None, room=60).plain
    assert len(narrow) <= 60 and "✎" in narrow
    assert "Note" not in triage_line(detail(), None).plain


def test_history_lists_changes_under_the_arrival() -> None:
    rows = [("2026-11-27T21:04:00Z", "kwalker", "status", "ASSIGNED", "IN PROGRESS")]
    t = history_text("2026-11-27T12:05:00Z", rows, 80, CONSOLE).plain
    assert "2026-11-27 12:05Z  received" in t
    assert "2026-11-27 21:04Z  kwalker  status  ASSIGNED -> IN PROGRESS" in t
    assert "no changes yet" in history_text("2026-11-27T12:05:00Z", [], 80, CONSOLE).plain


def test_reflow_keeps_list_items() -> None:
    assert reflow("one\ntwo\n- item\nA. next") == "one two\n- item\nA. next"


def test_reflow_keeps_headings_between_rules_and_pilcrowed_items() -> None:
    """A heading between rules with no blank line around it ran into the text
    (`... End Summary ------ Arms Sales ------ The ...`), and web-copied lettered items
    (`¶A. -- ...`) into one block."""
    text = "End Summary.\n------\nArms Sales\n------\nThe minister said\nno."
    assert reflow(text) == "End Summary.\n------\nArms Sales\n------\nThe minister said no."
    items = "as follows:\n¶A. -- the first\npoint\n¶B. -- the second"
    assert reflow(items) == "as follows:\n¶A. -- the first point\n¶B. -- the second"


def test_columns_keep_thirty_cells_of_subject_at_80() -> None:
    cols = layout_columns(80, show_addressed=False)
    assert sum(c.width for c in cols) + len(cols) - 1 <= 80
    assert next(c for c in cols if c.key == "subject").width >= 30


def test_a_narrow_pane_cuts_the_subject_before_the_reference() -> None:
    # at 60 columns `25USUNNEWYORK1190` read `25USUNNEWYORK11…` beside a 15-cell subject
    for width in (60, 66, 72):
        cols = {c.key: c.width for c in layout_columns(width, show_addressed=False)}
        assert sum(cols.values()) + len(cols) - 1 <= width
        assert cols["ref"] == 18, (width, cols)
        assert {"officer", "status"} <= set(cols) and cols["subject"] >= 12
