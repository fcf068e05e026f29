"""A console in a process of its own, headless (Textual's run_test), driven over its stdin and
stdout one JSON line at a time: what a desk officer's console does beside other processes on
one cache, where threads in the test's own process could not show it.

    python -m tests.shared.console_driver --db PATH|URL --login NAME [--width 140 --height 40]

Requests: {"op": "screen"}, {"op": "wait", "text": T, "timeout": S} (until the screen shows T,
polling the screen as a person watching it would, with a deadline), {"op": "keys", "keys":
[...]} (pressed, then the console's workers and messages are waited for), {"op": "quit"}.
Each answer is one JSON line; "ready" is written once the first view is shown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from triage.config import Config
from triage.store.api import as_target
from triage.tui.app import TriageApp


def screen_lines(app: TriageApp) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return ["".join(seg.text for seg in strip) for strip in strips]


async def settle(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    from textual.worker import WorkerCancelled

    for _ in range(3):
        for _attempt in range(100):  # an exclusive worker a newer one replaced: wait on
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                continue
        await pilot.pause()  # type: ignore[attr-defined]


def answer(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--login", default="officer")
    ap.add_argument("--width", type=int, default=140)
    ap.add_argument("--height", type=int, default=40)
    ap.add_argument("--officers", default="")
    args = ap.parse_args()
    officers = [o for o in args.officers.split(",") if o]
    app = TriageApp(as_target(args.db), Config(officers=officers), login=args.login)
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(args.width, args.height)) as pilot:
        await settle(pilot)
        answer({"ready": True, "pid": os.getpid()})
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            req = json.loads(line)
            op = req.get("op")
            if op == "screen":
                answer({"lines": screen_lines(app)})
            elif op == "wait":
                text = str(req["text"])
                start = time.monotonic()
                deadline = start + float(req.get("timeout", 5.0))
                while True:
                    lines = screen_lines(app)
                    if any(text in ln for ln in lines):
                        answer({"ok": True, "after": time.monotonic() - start})
                        break
                    if time.monotonic() > deadline:
                        answer({"ok": False, "lines": lines})
                        break
                    await pilot.pause(0.02)
            elif op == "keys":
                await pilot.press(*req["keys"])
                await settle(pilot)
                answer({"ok": True})
            elif op == "quit":
                break
            else:
                answer({"error": f"unknown op {op!r}"})
        app.exit()
    answer({"bye": True, "quarantined": app.cache.quarantined})
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
