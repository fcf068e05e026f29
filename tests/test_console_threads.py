"""The Thread tab, `t` from the list, the list's `↩ officer` mark and thread filters, and the
routing suggestion from a cited cable an officer holds (Textual's Pilot, asserting on what is
on screen)."""

from __future__ import annotations

from pathlib import Path

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.app import CableScreen, ListScreen
from triage.tui.widgets.cable_list import CableList
from triage.tui.widgets.thread_tree import ThreadTree

from .test_console import list_lines, make_app, settle, static_text

BACKENDS = ("sqlite", "postgresql")


def assign(db: Path, ref: str, officer: str) -> None:
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, ref), officer, "tester", None)
    conn.close()


async def filtered(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f")
    await pilot.pause()
    for ch in text:
        await pilot.press(ch if ch != ":" else "colon")
    await pilot.press("enter")
    await settle(pilot)


async def thread_tab(pilot, ref: str, key: str = "t") -> None:  # type: ignore[no-untyped-def]
    """The list filtered to `ref`'s thread, the cursor on `ref`, and `key` pressed there (`t`
    opens its Thread tab, `enter` the cable)."""
    await filtered(pilot, f"thread:{ref.lower()}")
    lst = pilot.app.screen.query_one(CableList)
    lst.move_to([k for k in range(len(lst.ids)) if lst.row_at(k).reference_id == ref][0])
    await pilot.press(key)
    await settle(pilot)


def tree_text(app) -> str:  # type: ignore[no-untyped-def]
    """The Thread tab's text as drawn (a line too long for the pane ends in …)."""
    return "\n".join(ln.rstrip() for ln in static_text(app, "#thread-text").splitlines())


async def test_t_opens_the_thread_tab_and_enter_opens_a_cited_cable(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await filtered(pilot, "thread:26london2850")
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 5
        lst = app.screen.query_one(CableList)
        lst.move_to([k for k in range(5) if lst.row_at(k).reference_id == "26LONDON2850"][0])
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen)
        assert "[Header|▸Thread]" in static_text(app, "#title")
        text = tree_text(app)
        lines = text.splitlines()
        cites = lines.index(next(ln for ln in lines if ln.strip() == "Cites"))
        # what it cites in DTG order, with its letters; the cable itself marked; its reply
        assert "B. 180930Z OCT 25  PRIOR  S//NF  25LONDON2768" in lines[cites + 1]
        # officer and status before the subject, which gives way at the pane's edge
        assert (
            "A. 182205Z NOV 26  PRIOR  C  26STATE110001  -  NEW  DEMARCHE REQUEST"
            in lines[cites + 2]
        )
        width = screen.query_one(ThreadTree).scrollable_content_region.width
        assert all(len(ln) <= width for ln in lines), (width, lines)
        assert lines[cites + 2].endswith("…")
        assert lines[cites + 3].lstrip().startswith("▶ 211105Z NOV 26")
        assert "26LONDON2850" in lines[cites + 3] and "◀ this cable" in lines[cites + 3]
        assert lines[cites + 4].strip() == "Cited by"
        assert "26STATE111560  -  NEW  FOLLOW-UP" in lines[cites + 5]
        assert "More like this" in text
        # the cursor starts on the open cable; up twice is the instruction, enter opens it
        await pilot.press("k")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not screen
        assert "26STATE110001" in static_text(app, "#title")
        assert "This is an action request." in static_text(app, "#body")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and "26LONDON2850" in static_text(app, "#title")
        # t again shows the paragraphs
        await pilot.press("t")
        assert "[Header|▸Paragraphs]" in static_text(app, "#title")
        assert not screen.query_one(ThreadTree).display


async def test_the_banner_rises_to_the_most_classified_cable_the_thread_tab_shows(
    db: Path,
) -> None:
    """A CONFIDENTIAL cable whose Thread tab shows the subjects of SECRET//NOFORN and TOP
    SECRET//NOFORN cables (cited, and among the cables alike): with the tab open the screen is
    marked TOP SECRET//NOFORN (with NODIS when a NODIS cable is among them), top and bottom;
    back to the paragraphs it is the cable's own marking again."""
    from triage.tui.widgets.bars import Banner

    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850", "enter")

        def banners() -> set[str]:
            return {str(b.render()).strip() for b in app.screen.query(Banner)}

        assert banners() == {"C O N F I D E N T I A L"}
        await pilot.press("t")
        await settle(pilot)
        text = tree_text(app)
        assert "S//NF  25LONDON2768" in text  # cited
        assert "TS//NF  26ANKARA3401" in text  # among the cables alike
        # (and, among the cables alike on SQLite, 26JCS911, TOP SECRET NODIS: its caption
        # marks the screen too)
        nodis = " // N O D I S" if "TS//NODIS  26JCS911" in text else ""
        assert banners() == {"T O P  S E C R E T // N O F O R N" + nodis}
        await pilot.press("t")
        await settle(pilot)
        assert banners() == {"C O N F I D E N T I A L"}


async def test_references_not_held_are_shown_with_their_text(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26PARIS2002", "enter")
        await pilot.press("t")
        await settle(pilot)
        text = tree_text(app)
        assert "A. 25PARIS1500  not held: 25 PARIS 1500" in text
        assert "B. 140433Z SEP 26  NIACT  S  26STATE98412" in text


async def test_a_cycle_in_the_thread_tab_ends_at_the_open_cable(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await filtered(pilot, "cites:26TOKYO2311")
        await pilot.press("t")
        await settle(pilot)
        text = tree_text(app)
        assert "26TOKYO2311  -  NEW  BANK OF JAPAN POLICY BOARD OUTLOOK" in text
        assert "↳ 26TOKYO2310  (this cable)" in text
        assert "↳ 26TOKYO2311  (shown above)" in text


async def test_the_list_marks_a_cable_citing_one_an_officer_holds_and_y_takes_it(db: Path) -> None:
    assign(db, "26STATE110001", "mrodriguez")
    app = make_app(db, routes=[{"tags": ["ETTC"], "officer": "export-desk"}])
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await filtered(pilot, "cites:26STATE110001")
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 3 and all("↩ mrodriguez" in r for r in rows)
        screen = app.screen
        assert isinstance(screen, ListScreen)
        # the thread's officer comes ahead of the TAGS rule, with the reason
        await pilot.press("enter")
        await settle(pilot)
        line = static_text(app, "#triage-line")
        assert "suggested mrodriguez: cites 26STATE110001, held by mrodriguez (y takes it)" in line
        await pilot.press("y")
        await settle(pilot)
        assert "Officer mrodriguez" in static_text(app, "#triage-line")


async def test_thread_routing_can_be_turned_off(db: Path) -> None:
    assign(db, "26STATE110001", "mrodriguez")
    app = make_app(db, routes=[{"tags": ["ETTC"], "officer": "export-desk"}], route_by_thread=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await filtered(pilot, "cites:26STATE110001")
        await pilot.press("enter")
        await settle(pilot)
        line = static_text(app, "#triage-line")
        assert "suggested export-desk (y takes it)" in line and "mrodriguez" not in line


async def test_r_offers_every_held_cable_the_references_name(db: Path) -> None:
    from triage.tui.screens.dialogs import PickScreen

    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"26STATE111560", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        # the follow-up cites three held cables: a choice of them, letter, id and text
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        assert "26STATE110001" in static_text(app, "#title")


async def test_a_long_chain_in_the_thread_tab_says_what_it_cut(target: Path) -> None:
    from triage.store.ingest import Item, ingest
    from triage.store.threads import MAX_DEPTH

    from .test_threads import cable

    db = target
    conn = connect(db)
    n = 3 * MAX_DEPTH
    ingest(
        conn,
        [
            Item(f"c{k}", cable(k, f"REF: PARIS {k - 1}" if k > 1 else "", day=k))
            for k in range(1, n + 1)
        ],
    )
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *f"26PARIS{n // 2}", "enter")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        text = tree_text(app)
        assert "… 1 more, deeper" in text
        assert f"cut: cites 1 more beyond {MAX_DEPTH} levels, not followed" in text
        assert f"cut: is cited by 1 more beyond {MAX_DEPTH} levels, not followed" in text


async def test_the_open_cables_marker_is_whole_when_the_thread_tab_scrolls(db: Path) -> None:
    """At 100x30 the Thread tab scrolls: its scrollbar took two columns from lines already cut
    to the pane's width, and `◀ this cable` read `◀ this cab`."""
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26PARIS2002")
        tree = app.screen.query_one(ThreadTree)
        assert tree.max_scroll_y > 0  # (the case: it scrolls)
        shown = [
            "".join(seg.text for seg in strip).rstrip()
            for strip in app.screen._compositor.render_strips()
        ]
        own = [ln for ln in shown if "26PARIS2002" in ln and "▶" in ln]
        assert len(own) == 1 and own[0].split("▶")[1].rstrip(" ▁▂▃▄▅▆▇█").endswith(
            "◀ this cable"
        ), own


async def test_the_thread_tab_shown_again_has_what_changed_while_it_was_hidden(db: Path) -> None:
    # hidden (t, esc) while a colleague moved a cable it shows, the tab came back as it was:
    # `26STATE111560  -  NEW` after it had been assigned
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850")
        assert "26STATE111560  -  NEW  FOLLOW-UP" in tree_text(app)
        app.check_for_changes()  # (on a server the change feed starts at the first look)
        await settle(pilot)
        await pilot.press("t")  # the paragraphs again
        await settle(pilot)
        assign(db, "26STATE111560", "jsmith")
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "26STATE111560  jsmith  ASSIGNED  FOLLOW-UP" in tree_text(app)
        # closed and opened again from the list, it is read again too
        await pilot.press("escape")
        await settle(pilot)
        assign(db, "26STATE111560", "kwalker")
        await pilot.press("t")
        await settle(pilot)
        assert "26STATE111560  kwalker  ASSIGNED  FOLLOW-UP" in tree_text(app)


async def test_in_a_narrow_thread_pane_the_subject_keeps_room(db: Path) -> None:
    # at 120 columns (a pane of about 64) a cited cable held by `mrodriguez` AWAITING REPLY
    # left its subject 6 cells (`AUTHOR…`)
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE110001")
    wf.assign(conn, cid, "mrodriguez", "lead")
    wf.set_status(conn, cid, "AWAITING REPLY", "lead")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850")
        width = app.screen.query_one(ThreadTree).scrollable_content_region.width
        assert width < ThreadTree.NARROW
        line = next(ln for ln in tree_text(app).splitlines() if "26STATE110001" in ln)
        # the date (day, month, year), short officer and status
        assert "A. 18NOV26 PRIOR C 26STATE110001 mrod…uez AWT DEMARCHE R" in line, line
        assert len(line) <= width


async def test_the_thread_tab_holds_what_the_thread_filter_lists(target: Path) -> None:
    from .test_threads import berlin

    berlin(target).close()
    app = make_app(target)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "09BERLIN1528")
        lines = tree_text(app).splitlines()
        more = lines.index(next(ln for ln in lines if ln.startswith("More like this")))
        # the other reply to what it cites is in the tree, above "More like this", not under it
        tree = [ln for ln in lines[:more] if "09BERLIN1360" in ln]
        assert len(tree) == 1 and "TALKS NUMBER 1360" in tree[0], lines
        assert not any("09BERLIN1360" in ln for ln in lines[more:]), lines
        assert "Also citing what it cites" in lines[:more]
        assert "3 cables in the cache" in lines[0]
        await pilot.press("escape")
        await settle(pilot)
        # asked from the cited cable, the reply's line says which of its references it is
        await thread_tab(pilot, "09BERLIN1167")
        reply = [ln for ln in tree_text(app).splitlines() if "09BERLIN1528" in ln]
        assert len(reply) == 1 and reply[0].endswith("(its REF C)"), reply
