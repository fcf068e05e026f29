"""Wording a desk officer met that said one thing on one screen and another elsewhere, or
told them to do what triage was doing by itself."""

from __future__ import annotations

from pathlib import Path

from triage.store.trouble import explain, retried


def test_watch_says_it_tries_again_by_itself_when_the_server_is_down() -> None:
    down = OSError(
        'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused'
    )
    line = retried(explain("postgresql://triage@127.0.0.1:1/cables", down), 4)
    assert "run the command again" not in line, line
    assert line.endswith("watch tries again in 4 s by itself and goes on when it answers"), line


def test_watch_says_it_tries_again_when_the_write_lock_is_held() -> None:
    import sqlite3

    line = retried(explain("/tmp/cache.db", sqlite3.OperationalError("database is locked")), 1)
    assert "run the command again" not in line, line
    assert "watch tries again in 1 s by itself" in line, line


async def test_a_view_name_differing_only_in_case_is_taken(db: Path) -> None:
    """`W` refused "Mine" but took "ct watch" beside "CT watch" (and "mine"): two tabs that
    read as one name. Now it says which view has the name."""
    from textual.widgets import Input, Label

    from triage.config import load_config, user_config_path
    from triage.tui.app import TriageApp
    from triage.tui.screens.dialogs import PromptScreen

    from .test_console import settle

    cfg_path = user_config_path()
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text('[[view]]\nname = "CT watch"\nfilter = "tag:PTER"\n', encoding="utf-8")
    app = TriageApp(db, load_config(cfg_path), login="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"prec:FLASH", "enter")
        await settle(pilot)
        for name, says in (
            ("ct watch", "there is a view CT watch"),
            ("mine", "Mine is a built-in"),
        ):
            await pilot.press("W", *name, "enter")
            await settle(pilot)
            assert isinstance(app.screen, PromptScreen)
            assert app.screen.query_one(Input).value == name
            error = str(app.screen.query_one("#prompt-error", Label).content)
            assert says in error, error
            await pilot.press("escape")
            await settle(pilot)
    assert [v["name"] for v in load_config(cfg_path).views] == ["CT watch"]
