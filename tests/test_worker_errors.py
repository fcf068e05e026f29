"""A change whose worker meets an error triage does not expect says so: a thread worker that
dies is silent (Textual logs it; the officer sees nothing), so the change was said neither
saved nor not saved. It is not called "not saved" either, for it may have been."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triage.store import workflow as wf

from .test_console import make_app, settle
from .test_console_workflow import messages

SAID = "may not have been saved: an internal error (RuntimeError: boom)"


def _boom(*_a: Any, **_k: Any) -> None:
    raise RuntimeError("boom")


async def test_a_status_change_whose_worker_fails_says_so(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(wf, "set_status", _boom)
        await pilot.press("j", "3")
        await settle(pilot)
        said = " | ".join(messages(app))
        assert SAID in said and "look at the cable" in said, said


async def test_an_undo_whose_worker_fails_says_so(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(wf, "undo_last", _boom)
        await pilot.press("u")
        await settle(pilot)
        said = " | ".join(messages(app))
        assert f"the undo: {SAID}" in said, said
