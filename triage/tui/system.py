"""The process and the terminal: the C library's memory knobs, the garbage collector while
the console starts, and the terminal's file descriptor. No Textual here."""

from __future__ import annotations

import gc
import os
import sys
from functools import cache
from typing import Any


def terminal_fd() -> int | None:
    """The terminal the console reads keys from, or None when it reads no terminal."""
    stream = sys.__stdin__
    try:
        fd = stream.fileno() if stream is not None else -1
        return fd if fd >= 0 and os.isatty(fd) else None
    except (OSError, ValueError):
        return None


@cache
def _libc() -> Any:
    """The C library, loaded once (None off Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own malloc arena, and memory freed in one
    is rarely handed back: the console's workers (one per query) left ~20 MB of such pieces
    at 250,000 cables. Two arenas keep the console's peak memory near its working set (what
    MALLOC_ARENA_MAX=2 does for long-running Python services)."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-8, arenas)  # M_ARENA_MAX


def release_memory() -> None:
    """After a view's queries (sorting 250,000 rows, an FTS5 match set): hand the freed
    memory back to the system (glibc keeps it otherwise, and the console's peak grows with
    each search)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_gc_paused = False


def pause_gc() -> None:
    """Before the console's imports: no cyclic garbage collection until its first list is
    drawn (`resume_gc`). Importing Textual and the console makes hundreds of thousands of
    objects, none of them garbage, and the collector walked them ~90 times (84 young and 8
    middle collections): ~30 ms of CPU, a tenth of a start."""
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def resume_gc(freeze: bool = True) -> None:
    """The console is up: collect again. What the start made is kept out of later collections
    (gc.freeze: modules, classes, the screen), so they do not walk it again and again. (A start
    that failed resumes without freezing.)"""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        if freeze:
            gc.freeze()
        gc.enable()
