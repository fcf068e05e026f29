"""The console as a desk officer drives it (Textual's Pilot), asserting on what is on screen."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from triage.config import Config
from triage.store import connect
from triage.store.ingest import Item, ingest
from triage.store.inputs import iter_paths
from triage.tui.app import CableScreen, ListScreen, TriageApp
from triage.tui.screens.dialogs import HelpScreen, PromptScreen
from triage.tui.widgets.bars import Banner
from triage.tui.widgets.cable_list import CableList

from .conftest import N_SAMPLES, SAMPLES

BACKENDS = ("sqlite", "postgresql")


def make_app(db: Path, **cfg: object) -> TriageApp:
    return TriageApp(db, Config(**cfg), login="tester")  # type: ignore[arg-type]


async def settle(pilot: Pilot) -> None:
    """Wait for the workers and the messages they posted (no sleeps). A worker cancelled
    meanwhile (an exclusive one a newer reading replaced) is not an error: wait on."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        for _attempt in range(100):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                continue
        await pilot.pause()


def shown_lines(widget: Widget) -> list[str]:
    """The lines a widget draws, as a user sees them (with the widget's own wrapping)."""
    return ["".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height)]


def list_lines(app: TriageApp) -> list[str]:
    return shown_lines(app.screen.query_one(CableList))


def static_text(app: TriageApp, selector: str) -> str:
    w = app.screen.query_one(selector, Static)
    return str(w.content)


async def test_list_shows_badges_in_letters_and_banner(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lines = list_lines(app)
        assert "PREC" in lines[0] and "SUBJECT" in lines[0] and "ORIGIN" in lines[0]
        seen = "\n".join(lines[1:])
        await pilot.press("G")
        seen += "\n".join(list_lines(app)[1:])
        await pilot.press("g")
        lines = list_lines(app)
        for badge in ("EMERG", "FLASH", "NIACT", "IMMED", "PRIOR", "ROUTN"):
            assert f" {badge} " in seen
        # (TS alone: the TOP SECRET cables here are TS//NF or carry a caption, fix22)
        for cls in ("TS//NOD…", "S//NF", "C//NF", "U//FOUO", "U", "C", "S"):
            assert f" {cls} " in seen
        # default order: precedence first
        assert lines[1][2:7] == "EMERG"
        assert lines[1].startswith(">")
        banner = str(app.screen.query_one("#banner-top", Banner).content)
        assert "T O P  S E C R E T" in banner
        tabs = static_text(app, "#tabs")
        assert f"Inbox {N_SAMPLES}" in tabs and f"All {N_SAMPLES}" in tabs


async def test_subject_keeps_thirty_cells_at_80_columns(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = list_lines(app)[0]
        start = header.index("SUBJECT")
        rest = header[start:]
        width = (
            len(rest) - len(rest[len("SUBJECT") :].lstrip(" "))
            if rest.strip() != "SUBJECT"
            else len(rest)
        )
        assert width >= 30


async def test_cursor_keys(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        await pilot.press("j", "j", "down")
        assert lst.cursor == 3
        await pilot.press("k")
        assert lst.cursor == 2
        await pilot.press("G")
        assert lst.cursor == N_SAMPLES - 1
        assert list_lines(app)[-1].startswith(">")
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("ctrl+d")
        assert lst.cursor > 0
        await pilot.press("pagedown")
        assert lst.cursor >= lst.page_height
        await pilot.press("ctrl+u", "pageup")
        assert lst.cursor < lst.page_height


async def test_open_split_view_next_prev_raw_and_back(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CableScreen)
        assert not screen.has_class("stacked")
        title = static_text(app, "#title")
        assert (
            "26STATE104233" in title and "FLASH" in title and f"2 of {N_SAMPLES} in Inbox" in title
        )
        header = static_text(app, "#header")
        assert "AMEMBASSY VALLETTA (RUEHVL)" in header
        assert "SECRET//NOFORN" in header
        body = static_text(app, "#body")
        assert "  1 S//NF" in body
        await pilot.press("n")
        assert f"3 of {N_SAMPLES}" in static_text(app, "#title")
        await pilot.press("p", "p")
        assert f"1 of {N_SAMPLES}" in static_text(app, "#title")
        await pilot.press("v")
        assert "VZCZC" in static_text(app, "#body")
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)
        assert app.screen.query_one(CableList).cursor == 0


@pytest.mark.parametrize("width", [80, 120])
async def test_references_are_never_cut_at_80_columns_and_up(db: Path, width: int) -> None:
    """A reference is what an officer quotes and searches for: the subject gives way first."""
    app = make_app(db)
    async with app.run_test(size=(width, 60)) as pilot:
        await settle(pilot)
        text = "\n".join(list_lines(app))
        assert "25USUNNEWYORK1190 " in text and "25USUNNEWYORK1034 " in text
        assert ("ORIGIN" in list_lines(app)[0]) == (width >= 120)


async def test_the_first_cable_opened_wraps_its_header_under_the_values(db: Path) -> None:
    """The first cable opened is drawn before the panes are laid out: its header lines must
    still be wrapped to the header pane, continuation lines under the value, not at column 0."""
    app = make_app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"26STATE98412", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        header = app.screen.query_one("#header", Static)
        lines = [ln.rstrip() for ln in shown_lines(header)]
        assert lines[:2] == [
            "Precedence  NIACT IMMEDIATE (action)  IMMEDIATE",
            "            (info)",
        ]
        assert "            IMMEDIATE" in lines  # NIACT / IMMEDIATE of a long To line
        for line in lines:
            assert not line.startswith(("(info)", "IMMEDIATE", "(2026")), line


async def test_an_empty_view_says_why_and_the_way_out(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzqqq", "enter")
        await settle(pilot)
        assert list_lines(app)[2].strip() == (
            "No cable in Inbox matches this search. esc clears it; tab shows other views."
        )
        await pilot.press("f", *"status:DONE", "enter")
        await settle(pilot)
        assert "matches this search and these filters. esc clears them" in list_lines(app)[2]
        await pilot.press("escape")
        await settle(pilot)
        assert "No cable" not in "\n".join(list_lines(app))
        assert "26JCS911" in list_lines(app)[1]
        app.screen.select_tab("Mine")
        await settle(pilot)
        assert list_lines(app)[2].strip() == "No cables in Mine. tab shows other views."


async def test_a_long_search_gives_way_to_the_filters_and_position(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        search = '"ceasefire monitors" OR "training mission" OR harbour OR customs'
        await pilot.press("slash", *search, "enter")
        await settle(pilot)
        await pilot.press("f", *"class:C prec:>=PRIOR origin:paris", "enter")
        await settle(pilot)
        bar = app.screen.query_one("#filters", Static)
        line = shown_lines(bar)[0].strip()
        assert line.startswith('/"ceasefire monit') and "…" in line
        for label in ("classification:C", "precedence:>=PRIOR", "origin:paris"):
            assert label in line
        assert line.endswith("1 of 3")


async def test_split_view_stacks_below_120_columns(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.has_class("stacked")


@pytest.mark.parametrize("width", [160, 100, 90, 80, 60])
async def test_the_split_views_title_keeps_the_position_when_narrow(db: Path, width: int) -> None:
    """Where the cable sits in the view stays on the title line at any width: the key hints
    (also on the key line) go first, then the pane names."""
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await pilot.pause()
        title = app.screen.query_one("#title", Static)
        line = shown_lines(title)[0].strip()
        assert line.startswith("26STATE104233  FLASH  Z 271200Z NOV 26")
        assert line.endswith(f"2 of {N_SAMPLES} in Inbox")
        assert ("h history  v raw" in line) == (width >= 100)
        assert ("[Header|▸Paragraphs]" in line) == (width >= 90)
        # narrower, the panes' short names, which still say where the focus is
        assert ("[Head|▸Para]" in line) == (80 <= width < 90)


async def test_find_in_cable_and_garbled_numbers_warning(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"25USUNNEWYORK1190", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "paragraph numbers garbled in transit repaired" in static_text(app, "#header")
        header = app.screen.query_one("#header", Static)
        lines = [ln.rstrip() for ln in shown_lines(header)]
        at = next(k for k, ln in enumerate(lines) if ln.startswith("⚠ paragraph numbers"))
        assert lines[at + 1].startswith("  ") and lines[at + 1].strip()  # hangs under the text
        body = static_text(app, "#body")
        assert "  1 C" in body and "  2 C" in body and "  3 C" in body
        await pilot.press("slash", *"monitors", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CableScreen)
        n = len(app.screen.find_hits)
        assert n
        # where the find stands, in the title: ctrl+g moves on, and with one match says so
        assert f"found 1 of {n}" in static_text(app, "#title")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert f"found {2 if n > 1 else 1} of {n}" in static_text(app, "#title")


async def test_search_filters_stack_and_survive_the_split_view(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"class:S", "enter")
        await settle(pilot)
        await pilot.press("f", *"prec:>=IMMED", "enter")
        await settle(pilot)
        bar = static_text(app, "#filters")
        assert "classification:S" in bar and "precedence:>=IMMED" in bar
        lines = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert lines and all(" S" in ln[6:15] for ln in lines)
        assert all(ln[2:7] in ("FLASH", "NIACT", "IMMED", "EMERG") for ln in lines)
        n = len(app.screen.query_one(CableList).ids)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == n
        assert "classification:S" in static_text(app, "#filters")
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == N_SAMPLES


async def test_fts_search_phrase_prefix_and_bad_query(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"cargo vessel"', "enter")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == 1
        await pilot.press("slash", "ctrl+u", *"geotherm*", "enter")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == 1  # 25REYKJAVIK77
        await pilot.press("slash", "ctrl+u", *'"unbalanced AND (', "enter")
        await settle(pilot)
        # the search box again, with what was typed and why; the list shows the last search
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == '"unbalanced AND ('
        assert "search" in str(app.screen.query_one("#prompt-error", Label).content)
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == 1


async def test_sort_and_reverse(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("j", "enter")  # the second choice: date-time group
        await settle(pilot)
        assert "sort date-time group v" in static_text(app, "#filters")
        # like mutt, a new order keeps the cursor on the same cable; g goes to the top
        await pilot.press("g")
        first = list_lines(app)[1]
        assert "26STATE104233" in first  # 27 Nov 26, the newest
        await pilot.press("O")
        await settle(pilot)
        await pilot.press("g")
        assert "66MONTEVIDEO2481" in list_lines(app)[1]


async def test_tabs_and_empty_cache_hint(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty.db")
    connect(tmp_path / "empty.db").close()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        hint = static_text(app, "#empty")
        assert "triage ingest" in hint
        await pilot.press("tab")
        await settle(pilot)
        assert "New" in static_text(app, "#tabs")


async def test_live_arrival_from_another_connection(db: Path, samples: Path) -> None:
    app = make_app(db)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        lst = app.screen.query_one(CableList)
        before_id = lst.current_id
        app.check_for_changes()
        await settle(pilot)
        other = connect(db)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        new_flash = flash.replace(b"104233", b"104299").replace(b"#4233", b"#4299")
        ingest(other, [Item("incoming.txt", new_flash)])
        other.close()
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        assert f"All {N_SAMPLES + 1}" in static_text(app, "#tabs")
        assert lst.current_id == before_id
        assert bells
        # the toast quotes the subject marked with the cable's classification
        assert any(n.message.startswith("(S//NF) 26STATE104299: ") for n in app._notifications)


async def test_a_burst_of_flash_arrivals_is_a_few_toasts_and_a_count(
    db: Path, samples: Path
) -> None:
    """500 FLASH cables in one ingest were 500 toasts and 500 bells, and the officer's keys
    waited tens of seconds behind them: then the first three and one with the count, which at
    80 columns covered the screen; now one toast names the commit's arrivals."""
    app = make_app(db)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        other = connect(db)
        ingest(
            other,
            [
                Item(f"f{k}.txt", flash.replace(b"104233", b"%06d" % (600000 + k)))
                for k in range(40)
            ],
        )
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert [t for t in toasts if "26STATE6000" in t] == [
            "40 FLASH cables arrived: 26STATE600000, 26STATE600001, 26STATE600002 and 37 "
            "more; the Inbox lists them first"
        ], toasts
        assert len(bells) == 1


async def test_hostile_subject_renders_literally(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    conn = connect(path)
    subject = "[/b] [@click=app.quit]x[/] ref [/ \x1b]0;pwned\x07 \x1b[31mred"
    text = (
        "O 271200Z NOV 26\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC IMMEDIATE\n\n"
        f"C O N F I D E N T I A L PARIS 000001\n\nTAGS: PREL\nSUBJECT: {subject}\n\n"
        "¶1. (C) [link=http://x]click[/link] \x1b[2J body.\n"
    )
    ingest(conn, [Item("h.txt", text.encode())])
    conn.close()
    app = make_app(path)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        row = list_lines(app)[1]
        assert "[/b] [@click=app.quit]x[/] ref [/ ␛]0;pwn" in row
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CableScreen)
        assert "[link=http://x]click[/link] ␛[2J body." in static_text(app, "#body")
        header = re.sub(r" *\n +", " ", static_text(app, "#header"))
        assert "[/b] [@click=app.quit]x[/] ref [/ ␛]0;pwned␇ ␛[31mred" in header
        assert app.is_running


async def test_a_dialog_leaves_the_list_in_sight(db: Path) -> None:
    """Like mutt's and k9s's prompts, a dialog sits over the list it acts on, dimmed, not over
    a blank screen."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert not isinstance(app.screen, ListScreen)
        shot = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "Add filter" in shot
        assert "26JCS911" in shot and "DIVERSION" in shot


@pytest.mark.parametrize("width", [120, 100, 80])
async def test_help_lists_every_binding_with_ids(db: Path, width: int) -> None:
    app = make_app(db)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one(Static)
        lines = [ln.strip() for ln in shown_lines(help_text)]
        for bid in ("list.open", "list.search", "list.filter", "list.down", "list.quit"):
            assert any(ln.endswith(bid) for ln in lines), bid
        # each binding on one line: its keys first, its id whole at the end
        for keys, _desc, bid in app.screen._rows:
            row = [ln for ln in lines if ln.endswith(" " + bid)]
            assert len(row) == 1 and row[0].startswith(keys), (bid, row)
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)


async def test_keymap_from_config_rebinds(db: Path) -> None:
    app = make_app(db, keymap={"list.down": "x"})
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x", "x")
        assert app.screen.query_one(CableList).cursor == 2


async def test_quit_with_q(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None


def _snap_app(db: Path) -> TriageApp:
    return make_app(db)


@pytest.fixture
def db_file(tmp_path: Path, samples: Path) -> Path:
    """The samples in a SQLite file: snapshots are taken once (test_postgresql_draws_the_same_
    list_as_sqlite shows PostgreSQL's screen is the same)."""
    conn = connect(tmp_path / "cache.db")
    ingest(conn, iter_paths([str(samples)]))
    conn.close()
    return tmp_path / "cache.db"


def test_snapshot_list_80x24(db_file: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(_snap_app(db_file), terminal_size=(80, 24), run_before=before)


def test_snapshot_list_160x50(db_file: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(_snap_app(db_file), terminal_size=(160, 50), run_before=before)


async def _screen_lines(db: Path, keys: tuple[str, ...]) -> list[str]:
    app = _snap_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        strips = app.screen._compositor.render_strips()
        return ["".join(seg.text for seg in strip).rstrip() for strip in strips]


async def test_postgresql_draws_the_same_list_as_sqlite(db_file: Path, pg_url: str) -> None:
    """The list, a search, a filter and the split view, drawn from the same cables on each."""
    from triage.store.api import as_target

    pg = as_target(pg_url)
    conn = connect(pg)
    ingest(conn, iter_paths([str(SAMPLES)]))
    conn.close()
    for keys in ((), ("slash", *"embassy", "enter"), ("f", *"prec:>=IMMED", "enter", "j", "enter")):
        want = await _screen_lines(db_file, keys)
        assert await _screen_lines(pg, keys) == want, keys


async def test_action_and_info_marks_for_the_users_office(db: Path) -> None:
    app = make_app(db, office_ris=["RUEHLO"], office_names=["SECSTATE WASHDC"])
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        header = list_lines(app)[0]
        assert "ACT" in header
        body = "\n".join(list_lines(app)[1:])
        assert "ACTION" in body  # cables sent TO SECSTATE WASHDC
        assert "INFO" in body  # cables with AMEMBASSY LONDON (RUEHLO) as info addressee
        await pilot.press("f", *"action", "enter")
        await settle(pilot)
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert rows and all("ACTION" in ln for ln in rows)


async def test_views_from_the_config(db: Path) -> None:
    app = make_app(db, views=[{"name": "Terror", "filter": "tag:PTER"}])
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert "Terror" in static_text(app, "#tabs")
        assert isinstance(app.screen, ListScreen)
        app.screen.select_tab("Terror")
        await settle(pilot)
        assert "Terror 7" in static_text(app, "#tabs")
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 7 and all("PTER" in ln for ln in rows)


async def test_a_reference_in_the_cache_opens(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"26PARIS2001", "enter")  # REF: PARIS 1877
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, CableScreen)
        assert "26PARIS1877" in static_text(app, "#title")


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"TERM": "xterm", "COLORTERM": ""}, {"TERM": "linux"}]
)
async def test_no_color_and_16_colour_terminals_draw(
    db: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    """Textual's colour filters (NO_COLOR, few colours) must be able to draw every strip."""
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CableScreen)
        assert "Ack not yet" in static_text(app, "#triage-line")
        app.save_screenshot(str(Path(app.cache.path).parent / "shot.svg"))
        await pilot.press("escape")
        app.save_screenshot(str(Path(app.cache.path).parent / "shot2.svg"))
        assert app.is_running


async def test_first_rows_then_the_whole_view(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import triage.tui.screens.list as list_screen
    from triage.tui.messages import ViewLoaded

    monkeypatch.setattr(list_screen, "FIRST_ROWS", 5)
    seen: list[tuple[bool, int]] = []
    app = make_app(db)

    def hook(message: object) -> None:
        if isinstance(message, ViewLoaded):
            seen.append((message.partial, len(message.data.ids)))

    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        await settle(pilot)
        assert (True, 5) in seen and (False, N_SAMPLES) in seen
        assert f"1 of {N_SAMPLES}" in static_text(app, "#filters")
        assert len(app.screen.query_one(CableList).ids) == N_SAMPLES


async def test_traffic_arriving_while_a_view_is_read_waits_for_it_then_shows(
    db: Path, samples: Path
) -> None:
    """A large cache under a steady ingest changes every poll, and reading its counts takes
    longer than a poll: a change that arrives while the view is being read waits for that
    reading instead of restarting it (which left the tab counts never arriving), then shows.
    (The test tells the screen of the change itself: the app's own poll, on a loaded machine,
    could tell it a second time.)"""
    app = make_app(db)
    app.check_for_changes = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListScreen)
        other = connect(db)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        ingest(other, [Item("incoming.txt", flash.replace(b"104233", b"104298"))])
        other.close()
        # the change feed's own poll (every 0.5 s) would report this ingest too, whenever a
        # loaded machine lets it run; take its baseline so only this call tells the list
        app.feed.start()
        # a reading under way when the change is told (the ingest came first: on a loaded
        # machine it can take longer than a reading may keep a change waiting)
        screen.reload()
        reading = screen.generation
        screen.cache_changed()
        assert screen.generation == reading  # not restarted
        await settle(pilot)
        assert screen.generation == reading + 1  # taken in once the reading ended
        await settle(pilot)
        assert f"All {N_SAMPLES + 1}" in static_text(app, "#tabs")
        assert static_text(app, "#filters").endswith(f"1 of {N_SAMPLES + 1}")


@pytest.mark.parametrize("no_color", [True, False])
async def test_ack_stands_out_under_no_color(
    db: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    """Under NO_COLOR Textual turns red into a dark grey that a dark terminal hardly shows, and
    ACK? (a FLASH nobody acknowledged) was that grey: it is bold reverse video there instead."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        styles = [
            seg.style
            for y in range(lst.size.height)
            for seg in lst.render_line(y)
            if "ACK?" in seg.text
        ]
        assert styles, list_lines(app)
        for style in styles:
            assert style is not None and style.bold
            if no_color:
                assert style.reverse and style.color is None
            else:
                assert style.color is not None and style.color.name == "red"


async def test_urgent_arrivals_commit_by_commit_stack_no_more_toasts_than_a_burst(
    db: Path, samples: Path
) -> None:
    """`triage watch` commits file by file: eight FLASH cables arriving one commit each were
    eight toasts stacked up the screen over the list. Now two in sight, one a commit, and the
    rest told together as one of those goes."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        for k in range(8):
            other = connect(db)
            ingest(other, [Item(f"f{k}.txt", flash.replace(b"104233", b"%06d" % (700000 + k)))])
            other.close()
            assert app.feed.wait(5)
            app.check_for_changes()
            await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert len([t for t in toasts if "26STATE7000" in t]) == 2, toasts
        # the six after them wait for one of those to go
        assert len(app._urgent_toasts.pending) == 6


async def test_an_empty_views_words_wrap_at_80_columns(db: Path) -> None:
    """eyes19: at 80 columns the words ended `tab shows other view`, cut at the edge."""
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", *'status:"no action" status:done tag:ZZZZ', "enter")
        await settle(pilot)
        said = " ".join(ln.strip() for ln in list_lines(app)[2:6] if ln.strip())
        assert said.endswith("esc clears them; tab shows other views."), said


async def test_toasts_of_a_burst_never_cover_a_dialog_or_the_key_line(
    db: Path, samples: Path
) -> None:
    """fix26: at 80 columns, eight FLASH arrivals were four toasts stacked over `Y`'s copy
    dialog, its choices hidden, and over the key line. Now the arrivals wait for the dialog to
    close and come as one toast, above the key line."""
    from textual.widgets import OptionList
    from textual.widgets._toast import Toast, ToastHolder

    from triage.tui.screens.dialogs import PickScreen

    def on_top(x: int, y: int) -> Widget:
        return app.screen.get_widget_at(x, y)[0]

    app = make_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("Y")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        other = connect(db)
        ingest(
            other,
            [Item(f"f{k}.txt", flash.replace(b"104233", b"%06d" % (800000 + k))) for k in range(8)],
        )
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        options = app.screen.query_one(OptionList).region
        for y in range(options.y, options.bottom):
            for x in range(options.x, options.right):
                assert not isinstance(on_top(x, y), (Toast, ToastHolder)), (x, y)
        await pilot.press("escape")
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert [t for t in toasts if "arrived" in t] == [
            "8 FLASH cables arrived: 26STATE800000, 26STATE800001, 26STATE800002 and 5 more; "
            "the Inbox lists them first"
        ], toasts
        assert app.screen.query(Toast)
        keys = app.screen.size.height - 2  # (the key line, above the classification banner)
        for x in range(80):
            assert not isinstance(on_top(x, keys), (Toast, ToastHolder)), x
        assert "? Help  q Quit" in shown_lines(on_top(70, keys))[0]
