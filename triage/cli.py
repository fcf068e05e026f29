"""The `triage` command: thin wiring over the cable, store and tui layers."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import start
from .cable import Cable
from .config import Config
from .start import NUL_IN_NAME
from .visible import visible, visible_line

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from .store.ingest import Summary
    from .store.views import Filter, View
    from .store.watch import Watcher


def _read_cable_file(path: str) -> tuple[bytes | None, str | None]:
    """The file's bytes, or None and why it cannot be read."""
    from .cable import looks_binary

    p = Path(path)
    try:
        if p.is_dir():
            return None, "is a folder, not a cable file"
        data = p.read_bytes()
    except FileNotFoundError:
        return None, "no such file"
    except PermissionError:
        return None, "permission denied"
    except OSError as exc:
        return None, exc.strerror or str(exc)
    except ValueError:  # a NUL byte: no file is named so
        return None, NUL_IN_NAME
    why = looks_binary(data)
    if why:
        return None, why
    return data, None


class CliError(click.ClickException):
    """click's 'Error: ...' line, with control characters in the message (a file name from a
    drop folder, an OS error quoting one) shown as symbols."""

    def format_message(self) -> str:
        return visible_line(_named_once(self.message))

    def show(self, file: object = None) -> None:
        # one prefix for every message triage prints, as `_fail` writes them (click's own
        # usage errors keep theirs, with the usage line)
        click.echo(f"triage: {self.format_message()}", err=True)


class UsageProblem(CliError):
    """An option's value that cannot be read (`--since 2026-13-45`): exit 2, as click's own
    usage errors, in triage's one line."""

    exit_code = 2


def _describe(cable: Cable) -> str:
    lines = []

    def row(label: str, value: object) -> None:
        # what a cable says is shown, never obeyed: its escape sequences appear as symbols
        text = "-" if value in (None, "", [], ()) else visible(str(value))
        lines.append(f"  {label:<14} {text}")

    row("Reference", cable.reference_id)
    row("Transmission", cable.transmission_id)
    flags = [
        ("partial extract", cable.partial),
        ("corrected copy", cable.corrected),
        ("date estimated, no date-time group", cable.dtg_estimated),
    ]
    if any(on for _, on in flags):
        row("Copy", ", ".join(name for name, on in flags if on))
    row("Precedence", cable.precedence)
    if cable.info_precedence and cable.info_precedence != cable.precedence:
        row("Info prec.", cable.info_precedence)
    row("DTG", f"{cable.dtg or '-'}  ({cable.dtg_raw})" if cable.dtg_raw else cable.dtg)
    row("Class.", cable.classification)
    row("Caveats", ", ".join(cable.caveats))
    row("From", cable.from_)
    row("Origin", cable.origin)
    for a in cable.to:
        row("To", f"{a.name} ({a.ri or '-'}) {a.precedence or ''}{' NIACT' if a.niact else ''}")
    for a in cable.info:
        row("Info", f"{a.name} ({a.ri or '-'}) {a.precedence or ''}")
    row("TAGS", " ".join(cable.tags))
    row("Subject", cable.subject)
    for r in cable.references:
        row("Ref", f"{r.letter + '. ' if r.letter else ''}{r.text}")
    row("Classified by", cable.classified_by)
    row("Classifier", cable.classified_by_name)
    row("Reasons", cable.reasons)
    row("Declassify", cable.declassify)
    # the paragraphs as numbered and portion-marked: what a garbled number was repaired to
    outline = [
        f"{p.number if p.number is not None else '-'}{' ' + p.marking if p.marking else ''}"
        for p in cable.paragraphs
    ]
    indent = " " * 17  # under the value column of row()
    text = f"{len(outline)}: " + ", ".join(outline) if outline else ""
    wrapped = textwrap.fill(
        text, width=100, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )
    row("Paragraphs", wrapped.lstrip())
    row("Signature", cable.signature)
    for w in cable.warnings:
        lines.append(f"  warning: {visible(w, one_line=True)}")
    return "\n".join(lines)


class TriageGroup(click.Group):
    """The `triage` command: whatever a subcommand did not catch still ends in one line that
    names the cache (or says what failed) and exits non-zero, never in a Python traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except sqlite3.Error as exc:
            where = (ctx.obj or {}).get("path") or "the cache"
            from .store.trouble import explain

            raise CliError(explain(where, exc)) from exc
        except MemoryError as exc:
            raise CliError("out of memory; close other programs or give it less at once") from exc
        except BrokenPipeError:
            # the reader left (`triage export | head`): stop quietly, as cat and grep do, with
            # the shell's status for a pipe closed under a writer; nothing more goes to stdout
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(128 + signal.SIGPIPE)
        except OSError as exc:
            name = f"{exc.filename}: " if exc.filename else ""
            raise CliError(f"{name}{exc.strerror or exc}") from exc
        except Exception as exc:
            if isinstance(exc, ValueError) and "null byte" in str(exc):  # os.stat of a name
                raise CliError(f"a file or folder named: {NUL_IN_NAME}") from exc
            bad = _not_utf8_argument(exc)
            if bad is not None:
                raise CliError(
                    f"{bad}: not UTF-8 text (the bytes shown as \\x..); type it in UTF-8"
                ) from exc
            if os.environ.get("TRIAGE_DEBUG"):
                raise
            _fail(
                f"internal error ({type(exc).__name__}: {exc}); please report it with the "
                "command that caused it (TRIAGE_DEBUG=1 shows the Python traceback)"
            )
            sys.exit(INTERNAL_ERROR)


def _not_utf8_argument(exc: Exception) -> str | None:
    """The argument a failure to encode came from: one typed in bytes that are not UTF-8 (a
    Latin-1 terminal's `jé`), which Python holds as lone surrogates nothing can store."""
    if not (isinstance(exc, UnicodeEncodeError) and exc.reason == "surrogates not allowed"):
        return None
    from .visible import os_name

    return next((os_name(a) for a in sys.argv[1:] if os_name(a) != a), None)


# --db's help: a cache file, or a database server's URL
DB_HELP = "The cache: a file, or a postgresql:// URL."

# the exit status of a bug in triage (sysexits' EX_SOFTWARE): tests check it never happens
INTERNAL_ERROR = 70


@click.group(cls=TriageGroup, invoke_without_command=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP)
@click.option("--overview", is_flag=True, help="Start on the Overview screen.")
@click.pass_context
def main(ctx: click.Context, db_path: str | None, overview: bool) -> None:
    """triage: work through incoming cable traffic."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db_path
    if ctx.invoked_subcommand is None:
        _console(ctx, db_path, overview=overview)


def _config() -> Config:
    """The config file, checked (start.checked_config)."""
    try:
        return start.checked_config()
    except start.Refused as exc:
        raise CliError(str(exc)) from exc


def _cache_path(cli_value: str | None, cfg: Config) -> Path:
    try:
        return start.cache_path(cli_value, cfg)
    except start.Refused as exc:
        raise CliError(str(exc)) from exc


# what the console's start raised when `triage` started it without click (entry.py): the group
# is run on the same arguments, and raises it where the console would start
_failed_start: BaseException | None = None


def console_failed(exc: BaseException) -> None:
    """`triage` started the console without click (entry.py) and the start raised `exc`: it is
    said, and the exit status is, what the click group says and gives for it, as when the group
    started the console itself. Never returns."""
    global _failed_start
    _failed_start = exc
    main()


def _console(
    ctx: click.Context, db_path: str | None, path: Path | None = None, overview: bool = False
) -> None:
    global _failed_start
    try:
        if _failed_start is not None:
            failed, _failed_start = _failed_start, None
            raise failed
        start.console(db_path, path, overview)
    except start.Refused as exc:
        raise CliError(str(exc)) from exc


@main.command()
@click.option("--rebuild", is_flag=True, help="Build the demo cache anew.")
@click.pass_context
def demo(ctx: click.Context, rebuild: bool) -> None:
    """Build a demo cache from the bundled sample cables and open the console on it."""
    from .config import demo_db_path
    from .store import connect
    from .store.ingest import ingest as run_ingest
    from .store.inputs import iter_paths

    path = demo_db_path()
    if rebuild and path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    samples = _samples_dir()
    if samples is None:
        raise CliError("the sample cables are not installed with this triage")
    conn = connect(path)
    run_ingest(conn, iter_paths([str(samples)]))
    conn.close()
    _console(ctx, None, path)


def _samples_dir() -> Path | None:
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample_cables", here.parent / "sample_cables"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.argument("files", nargs=-1, required=True)
def parse(files: tuple[str, ...], as_json: bool) -> None:
    """Parse cable FILES and print what was understood."""
    from .cable import parse_bytes

    failed = False
    for path in files:
        data, why = _read_cable_file(path)
        if data is None:
            _fail(f"{path}: {why}")
            failed = True
            continue
        cable = parse_bytes(data)
        if as_json:
            obj = {"file": path, **cable.to_json()}
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            click.echo(visible(path, one_line=True))
            click.echo(_describe(cable))
    sys.stdout.flush()
    if failed:
        sys.exit(1)


def _new_cache_file(path: Path) -> bool:
    """Whether `path` names a cache file not made yet (start.new_cache_file)."""
    try:
        return start.new_cache_file(path)
    except start.Refused as exc:
        raise CliError(str(exc)) from exc


def _open_store(
    ctx: click.Context,
    db_opt: str | None,
    create: bool = True,
    writes: bool = False,
    long_job: bool = False,
    makes_schema: bool = False,
) -> tuple[sqlite3.Connection, Path]:
    """Open the cache named by --db (here or on the group), $TRIAGE_DB, the config, the default.

    A command that writes (`writes`) first puts back the audit log's append-only triggers if
    someone dropped or altered them, and says so. A `long_job` (ingest, watch, reindex) on
    PostgreSQL waits behind another session's lock as long as it is held, saying so now and
    then, where a command typed by a person gives up after 30 s.

    On a database server only `triage init` (`makes_schema`) creates triage's tables: it grants
    the officers' and the ingest roles their rights with them, and tables an ingest made would
    have none (officers were then refused, and told to ask for a GRANT they had). A cache file
    is made by any command that may create one, as before."""
    from .store import StoreError, connect
    from .store.api import is_url

    cfg = _config()
    path = _cache_path(db_opt or (ctx.obj or {}).get("db"), cfg)
    ctx.ensure_object(dict)
    ctx.obj["path"] = path  # for the message of an error met on it later
    new = create and _new_cache_file(path)
    try:
        conn = connect(path, group=cfg.group, create=create and (makes_schema or not is_url(path)))
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    if new:
        _fail(f"note: {path}: a new cache")
    # closed when the command ends (a process's exit did it, but not a command run in-process:
    # a PostgreSQL connection whose lock watch holds it was never collected, and the tests ran
    # the server out of clients)
    ctx.call_on_close(lambda: _close_quietly(conn))
    if getattr(conn, "backend", "") == "postgresql":
        # a wait on another session's lock (a row held in an open transaction, the write lock)
        # is said after a second or two, not sat through in silence as if hung
        pg = conn
        pg.on_lock_wait(lambda wait: _fail(pg.waiting_line(wait)))  # type: ignore[attr-defined]
        if long_job:
            try:
                pg.wait_for_locks()  # type: ignore[attr-defined]
            except Exception as exc:  # (the server's error, as any statement's)
                from .store.trouble import explain

                raise CliError(explain(path, exc)) from exc
    if writes:
        _restore_triggers(conn, path)
    return conn, path


def _close_quietly(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(Exception):
        conn.close()


def _restore_triggers(conn: sqlite3.Connection, path: Path) -> None:
    from .store.audit import describe_triggers, ensure_triggers

    try:
        fixed = ensure_triggers(conn)
    except sqlite3.Error:
        return  # a read-only cache: the command's own write says what it cannot do
    if fixed:
        _fail(
            f"{path}: {describe_triggers(fixed, was=True)}; made again. Run `triage audit --verify "
            f"--db {path}` to check the log"
        )


def _to_terminal() -> bool:
    """Is standard output a terminal (a person reading), rather than a pipe or a file?"""
    return sys.stdout.isatty()


def _can_ask() -> bool:
    """Is a person at a terminal to answer a question (rather than a script or a pipe)?"""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _fail(msg: str) -> None:
    """A line on stderr; it names files and quotes cables, so their control characters are
    shown, not sent to the terminal."""
    click.echo(f"triage: {visible_line(_named_once(msg))}", err=True)


_NAMED_TWICE = re.compile(r"((?:postgres(?:ql)?://|\b(?:host|service|dbname)=)\S+): \1: ")


def _named_once(msg: str) -> str:
    """The database named once: a server's error names it already, and so did the message
    built around it."""
    return _NAMED_TWICE.sub(r"\1: ", msg)


@main.command()
@click.option("--db", "db_opt", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP)
@click.option("-q", "--quiet", is_flag=True, help="Do not list cables stored with warnings.")
@click.option(
    "--again",
    is_flag=True,
    help="Take each input as delivered anew: an earlier version's text becomes current again "
    "even from the file it was last stored from.",
)
@click.argument("paths", nargs=-1, required=True)
@click.pass_context
def ingest(
    ctx: click.Context, db_opt: str | None, quiet: bool, again: bool, paths: tuple[str, ...]
) -> None:
    """Store cable files, folders, - (stdin) and cablegate CSV exports in the cache.

    Each rejected input gets a line on stderr naming it and why; so does each cable stored with
    warnings (damaged, repaired, or a new version of a reference already held), unless -q."""
    from dataclasses import replace

    from .store.ingest import Committed, Summary, Taken
    from .store.ingest import ingest as run_ingest
    from .store.inputs import cache_files, iter_paths
    from .store.stopping import stop_on_signals

    conn, path = _open_store(ctx, db_opt, writes=True, long_job=True)

    def on_reject(source: str, reason: str) -> None:
        _fail(f"{source}: rejected: {reason}")

    def on_note(source: str, message: str) -> None:
        if not quiet:
            _fail(f"{source}: {message}")

    # "" would be the current folder, read whole: a name is given, or nothing is read
    named = [p for p in paths if p.strip() and "\x00" not in p]
    for p in paths:
        if "\x00" in p:
            on_reject(p, NUL_IN_NAME)
        elif not p.strip():
            on_reject(repr(p), "an empty file name (give . for the current folder)")

    def on_skip(source: str) -> None:
        _fail(f"{source}: skipped: it is the cache being stored into (its -wal and -shm too)")

    # what was read and what committed: a run that stops names each input it read and did not
    # store (its batch rolled back), so nothing is lost without a word. What was read is counted
    # as the writer takes it in (`taken`), in this process: the inputs themselves are read in
    # the parser process, a few thousand ahead, and a count kept there never reaches this one
    # (it said "every input read is stored" of a batch of 200 rolled back)
    taken = Taken()
    kept: set[str] = set()
    said_rejected: set[str] = set()

    stored = Summary()  # what the committed batches hold: the line a stopped run prints

    def on_commit(batch: Committed) -> None:
        kept.update(batch.sources)
        stored.add(batch.summary)

    def rejected(source: str, reason: str) -> None:
        said_rejected.add(source)
        on_reject(source, reason)

    def name_not_stored(during_commit: bool = False) -> str:
        """Each input read and not stored, named on its line; what is left, in words. Stopped
        during a COMMIT (a second ctrl+c while it hung), the batch in hand may or may not be
        stored: said so, not said lost."""
        lost = [p for p in dict.fromkeys(taken.sources) if p not in kept and p not in said_rejected]
        for p in lost:
            if during_commit:
                _fail(
                    f"{visible_line(p)}: read; whether it is stored is not known (stopped "
                    "during its batch's commit)"
                )
            else:
                _fail(f"{visible_line(p)}: read, not stored (its batch was not committed)")
        given = ", ".join(visible_line(p) for p in named[:3]) + (", ..." if len(named) > 3 else "")
        if not taken.sources:
            return f"no input of {given} was read, none is stored"
        rest = "" if taken.all else f", and the rest of {given} not reached (none of it stored)"
        if not lost:
            return f"every input read is stored{rest}"
        n = len(lost)
        if during_commit:
            return (
                f"{n:,} input{'s' if n != 1 else ''} read and perhaps not stored (named above)"
                f"{rest}"
            )
        return f"{n:,} input{'s' if n != 1 else ''} read and not stored (named above){rest}"

    def stopped_after() -> str:
        n = len(set(taken.sources))
        return f"{n:,} input{'s' if n != 1 else ''}"

    items = iter_paths(named, cache_files(conn), on_skip)
    if again:
        items = (replace(it, again=True) for it in items)
    read = [0]  # inputs handled, for the progress bar

    def run() -> Summary:
        if sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            total = _count_inputs(tuple(named))
            with Progress(
                TextColumn("ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=True,
            ) as progress:
                task = progress.add_task("ingest", total=total, rate="")

                def advance(n: int) -> None:
                    read[0] += n
                    progress.advance(task, n)
                    t = progress.tasks[0]
                    if t.speed:
                        progress.update(task, rate=f"{t.speed:,.0f}/s")

                return run_ingest(
                    conn,
                    items,
                    on_reject=rejected,
                    on_progress=advance,
                    on_note=on_note,
                    on_commit=on_commit,
                    taken=taken,
                )
        else:

            def count(n: int) -> None:
                read[0] += n

            return run_ingest(
                conn,
                items,
                on_reject=rejected,
                on_progress=count,
                on_note=on_note,
                on_commit=on_commit,
                taken=taken,
            )

    try:
        # ctrl+c never falls between a batch's COMMIT and its count (it would name inputs the
        # cache holds as not stored): it waits for the count, or else rolls the batch back
        with stop_on_signals((signal.SIGINT,)):
            summary = run()
    except KeyboardInterrupt as stop:
        # (click would print only "Aborted!")
        left = name_not_stored(bool(getattr(stop, "during_commit", False)))
        _fail(
            f"ingest stopped (ctrl+c) after {stopped_after()}: {path}: every batch committed "
            f"is kept; {left}; run the same ingest again to go on (cables already stored count "
            "as unchanged)"
        )
        # what is in the cache of this run, on the line a whole run ends with
        click.echo(stored.line())
        sys.exit(130)
    except OSError as exc:
        left = name_not_stored()
        raise CliError(f"ingest stopped: {exc}; what was committed is kept; {left}") from exc
    except Exception as exc:  # sqlite3 errors: a full disk, a write lock held too long
        from .store.dsn import is_postgres

        left = name_not_stored()
        if is_postgres(path) and isinstance(exc, sqlite3.Error):
            from .store.trouble import explain

            # the server's error names the database, and says whose work it is
            raise CliError(
                f"ingest stopped: {explain(path, exc)}; what was committed is kept; {left}"
            ) from exc
        why = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in why or "busy" in why):
            why += " (another process held the cache's write lock for 30 s)"
        raise CliError(
            f"ingest stopped: {path}: {why}; what was committed is kept; {left}"
        ) from exc
    summary.rejected += len(paths) - len(named)
    click.echo(summary.line())
    sys.exit(1 if summary.rejected else 0)


def _count_inputs(paths: tuple[str, ...]) -> int | None:
    n = 0
    for raw in paths:
        p = Path(raw)
        if raw == "-" or p.suffix.lower() == ".csv":
            return None
        if p.is_dir():
            n += sum(1 for c in p.rglob("*") if c.is_file() and not c.name.startswith("."))
        else:
            n += 1
    return n


@main.command()
@click.option("--db", "db_opt", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP)
@click.option("--interval", default=0.5, show_default=True, help="Seconds between looks.")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.pass_context
def watch(ctx: click.Context, db_opt: str | None, interval: float, folder: str) -> None:
    """Ingest files as they appear in FOLDER (skipping dot-files and *.tmp) until interrupted."""
    from .store.stopping import Stopped, stop_on_signals
    from .store.watch import Watcher

    conn, path = _open_store(ctx, db_opt, writes=True, long_job=True)
    click.echo(f"watching {folder} into {path} (ctrl+c to stop)")
    from .store.api import watch_for_silence

    # a server that stops answering cuts the batch in hand (rolled back, read again) and is
    # said, instead of the watch waiting on it for ever
    watch_for_silence(path)

    def report(summary: Summary) -> None:
        click.echo(summary.line())
        sys.stdout.flush()

    def stored(ref: str) -> None:  # said once its batch is committed
        click.echo(f"ingested {visible(ref, one_line=True)}")
        sys.stdout.flush()

    import time

    from .store.trouble import explain, passing, retried

    watcher = Watcher(conn, Path(folder), interval)
    pause = 1.0
    # ctrl+c and a supervisor's SIGTERM stop it the same way, between batches or rolling one
    # back, never between a batch's COMMIT and its count: the summary is what the cache holds
    with stop_on_signals():
        try:
            while True:
                try:
                    watcher.run(
                        report,
                        on_reject=lambda s, r: _fail(f"{s}: rejected: {r}"),
                        # a cable stored with warnings (damaged, repaired, a new version, or a
                        # file with no cable in it) is named with its file, as ingest names it
                        on_note=lambda s, m: _fail(f"{s}: {m}"),
                        on_stored=stored,
                    )
                    return
                except sqlite3.OperationalError as exc:
                    # a database server restarting or failing over, the write lock held too
                    # long: traffic must not stop for that; what was not committed is read
                    # again on the next poll
                    if not passing(exc):
                        # given up for good (a role that may not add cables, a full disk):
                        # what it picked up and did not store is named, as a stop names it
                        _watch_stopped(watcher, folder, "an error")
                        raise CliError(f"watch stopped: {explain(path, exc)}") from exc
                    _fail(retried(explain(path, exc), pause))
                while True:
                    time.sleep(pause)
                    # at most 5 s between tries: a FLASH dropped during an outage was stored
                    # 22 s after the server came back, with 30 (a try costs one connection
                    # attempt)
                    pause = min(pause * 2, WATCH_RETRY_MAX_S)
                    try:
                        if getattr(watcher.conn, "closed", False):
                            watcher.conn = _open_store(ctx, db_opt, writes=True, long_job=True)[0]
                        break
                    except CliError as exc:
                        _fail(retried(exc.message, pause))
                pause = 1.0
                click.echo(f"watching {folder} into {path} again")
        except Stopped as stop:
            _watch_stopped(watcher, folder, stop.name)
        except KeyboardInterrupt:  # (raised by something else than the signal handler)
            _watch_stopped(watcher, folder, "ctrl+c")


def _watch_stopped(watcher: Watcher, folder: str, how: str) -> None:
    """What a stopped watch did, counted as its batches committed, so it is what the cache
    holds; and every file it leaves to the next watch, named."""
    for cut in watcher.not_stored:
        if cut.unknown:
            _fail(
                f"{cut.path}: picked up; whether it was stored is not known (stopped during "
                "its commit): watch reads it again when it runs next"
            )
        elif cut.rows_stored:
            n = cut.rows_stored
            _fail(
                f"{cut.path}: {n:,} of its rows stored, the rest not (stopped first): watch "
                "reads it again when it runs next (stored rows count as unchanged)"
            )
        else:
            _fail(
                f"{cut.path}: picked up, not stored (stopped first): watch reads it again "
                "when it runs next"
            )
    try:
        waiting = watcher.waiting()
    except OSError:
        waiting = []
    for p in waiting:
        _fail(
            f"{p}: not read yet (it arrived, or was still changing): watch reads it when it runs next"
        )
    t = watcher.totals
    line = (
        f"stopped ({how}): since it started, added {t.added}, updated {t.updated}, "
        f"unchanged {t.unchanged}, rejected {t.rejected}"
    )
    left = []
    if watcher.not_stored:
        left.append(f"{len(watcher.not_stored):,} picked up and not stored")
    if waiting:
        left.append(f"{len(waiting):,} not read yet")
    if left:
        line += f"; left in {folder} for the next watch: {', '.join(left)} (named above)"
    click.echo(line)


@main.command()
@click.option("--db", "db_opt", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP)
@click.option(
    "--version",
    "version",
    type=click.IntRange(1, 2**31),
    default=None,
    help="An earlier version (1 is the first received).",
)
@click.argument("ref")
@click.pass_context
def raw(ctx: click.Context, db_opt: str | None, version: int | None, ref: str) -> None:
    """Print cable REF exactly as it was received, byte for byte."""
    from .store import workflow as wf
    from .store.ingest import raw_bytes

    conn, path = _open_store(ctx, db_opt, create=False)
    try:  # (`PARIS 1877`, without its year, as assign and thread take it)
        cid = wf.find_cable(conn, ref)
    except wf.Ambiguous as exc:
        raise CliError(str(exc)) from exc
    except wf.WorkflowError:
        pass  # (said below, with the cache's name)
    else:
        row = conn.execute("SELECT reference_id FROM cables WHERE id = ?", (cid,)).fetchone()
        ref = str(row[0]) if row else ref
    data = raw_bytes(conn, ref.strip().upper(), version)
    if data is None:
        data = raw_bytes(conn, ref.strip(), version)
    if data is None:
        shown = visible(ref, one_line=True)
        if version is not None:
            held = conn.execute(
                "SELECT c.reference_id, (SELECT MAX(v.version) FROM cable_versions v "
                "WHERE v.cable_id = c.id) FROM cables c WHERE c.reference_id IN (?, ?)",
                (ref.strip().upper(), ref.strip()),
            ).fetchone()
            if held:
                n = int(held[1])
                raise CliError(
                    f"{held[0]} has no version {version} in {path}: it has "
                    + (f"versions 1 to {n}" if n > 1 else "one version (1)")
                )
        raise CliError(f"no cable {shown} in {path}")
    if _to_terminal():
        # a person reading it: the text with its control characters shown, like mutt's ^M
        from .cable import decode

        text, _warnings = decode(data)
        click.echo(visible(text), nl=not text.endswith("\n"))
        click.echo(
            "triage: control characters shown as symbols; pipe or redirect for the exact bytes",
            err=True,
        )
        return
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@main.command()
@click.option("--db", "db_opt", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Nodes and links as one JSON object.")
@click.argument("ref")
@click.pass_context
def thread(ctx: click.Context, db_opt: str | None, as_json: bool, ref: str) -> None:
    """The thread of cable REF: what it cites and what cites it, as an indented tree."""
    from .store import threads
    from .store import workflow as wf

    conn, path = _open_store(ctx, db_opt, create=False)
    # a reference without its year (`BERLIN 1167`, `BERLIN1167`) as the thread: filter takes it
    try:
        cid: int | None = wf.find_cable(conn, ref)
    except wf.Ambiguous as exc:
        raise CliError(
            f"{visible(ref, one_line=True)} is ambiguous: it may be {', '.join(exc.held)}; type "
            f"the year (triage thread {exc.held[-1]})"
        ) from exc
    except wf.WorkflowError:
        cid = None
    t = threads.thread(conn, cid) if cid is not None else None
    if t is None:
        raise CliError(f"no cable {visible(ref, one_line=True)} in {path}")
    if as_json:
        click.echo(json.dumps(threads.to_json(t), ensure_ascii=False))
        return
    # under and over the highest classification of the cables it names, as report marks its text
    banner = threads.marking(t).said().center(80).rstrip()
    click.echo(banner)
    for line in threads.plain_lines(t):
        click.echo(visible(line, one_line=True))
    click.echo(banner)


@main.command()
@click.option("--db", "db_opt", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP)
@click.pass_context
def reindex(ctx: click.Context, db_opt: str | None) -> None:
    """Build the search index again from the stored cable texts.

    For a cache made by an earlier triage (the index then also learns three-letter prefixes,
    which keeps searches like `gra*` fast and small) or a damaged index. Online: the new index
    is built beside the old one in short batches, so ingests, watch and officers' changes go
    on (waiting a fraction of a second at times); consoles search the old index until the new
    one takes its place. Stopped (ctrl+c), it resumes where it was when run again. Needs free
    disk space about the size of the search index while it runs.
    """
    import time

    from .store.ingest import old_index_left, reindexed_so_far
    from .store.ingest import reindex as rebuild

    conn, path = _open_store(ctx, db_opt, create=False, writes=True, long_job=True)
    started = time.monotonic()
    last = [started]
    counted = [0, 0]  # how far it got, for the message when it is stopped

    def progress(done: int, total: int) -> None:
        counted[:] = [done, total]
        now = time.monotonic()
        if now - last[0] >= 5 or done == total:
            last[0] = now
            click.echo(f"{path}: {done:,} of {total:,} cables indexed", err=True)

    already = reindexed_so_far(conn)
    if already is not None:
        click.echo(f"{path}: going on from an earlier reindex ({already:,} cables done)", err=True)
    elif old_index_left(conn):
        click.echo(f"{path}: freeing the space of the index an earlier reindex replaced", err=True)

    def stopped(why: str) -> CliError:
        if old_index_left(conn):
            return CliError(
                f"{path}: {why} while freeing the old index's space; searches already use the "
                "new index; run triage reindex again to finish"
            )
        done, total = counted
        return CliError(
            f"{path}: {why} at {done:,} of {total:,} cables; searches use the old index "
            "meanwhile; run triage reindex again to go on from there"
        )

    try:
        n = rebuild(conn, progress)
    except KeyboardInterrupt:
        raise stopped("reindex stopped") from None
    except sqlite3.OperationalError as exc:  # a full disk, the write lock held too long
        from .store.trouble import explain, server_gone

        low = str(exc).lower()
        if "permission denied" in low or "readonly" in low or server_gone(exc):
            # running it again will not help (a role that may not reindex), or cannot be
            # judged now (the server went away): say what happened and what to do instead
            raise CliError(explain(path, exc)) from exc
        raise stopped(f"reindex stopped ({exc})") from exc
    click.echo(
        f"{path}: search index rebuilt for {n:,} cables in {time.monotonic() - started:.1f} s"
    )


# -- the workflow from the shell ---------------------------------------------------------------


@contextlib.contextmanager
def _said_if_waiting(conn: sqlite3.Connection, after: float = 1.5) -> Iterator[None]:
    """On SQLite, a change still waiting after `after` seconds says why on stderr: another
    triage holds the cache's write lock (an ingest's batch, a reindex, a long export), and the
    command sat through up to 30 s of it in silence, as if hung. (PostgreSQL's connection says
    its own, naming the session it waits for: see _open_store.)"""
    if getattr(conn, "backend", "sqlite") != "sqlite":
        yield
        return
    import threading

    timer = threading.Timer(
        after,
        lambda: _fail(
            "waiting for the cache's write lock: another triage is writing (an ingest, a "
            "reindex, a colleague's change); it gives up after 30 s"
        ),
    )
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _workflow(
    ctx: click.Context,
    db_opt: str | None,
    ref: str,
    change: str,
    *args: str,
    ack_first: bool | None = False,
    value_of: Callable[[sqlite3.Connection, int], str] | None = None,
) -> None:
    """Make one change to cable REF as the current login. `ack_first` (for a close): None asks
    whether an unacknowledged FLASH is acknowledged first, True does it, False does not.
    `value_of` gives the value to set from the cable as it is (the officer an assignment
    means, asking or refusing if unclear; a note appended to), in place of the first arg."""
    from .config import current_login
    from .store import workflow as wf

    conn, _path = _open_store(ctx, db_opt, create=False, writes=True)
    who = current_login()
    if hasattr(conn, "lock_subject"):  # (PostgreSQL's: a wait names the cable's row)
        conn.lock_subject = ref.strip().upper()
    try:
        cable_id = wf.find_cable(conn, ref)
        before = wf.state(conn, cable_id).officer
        fn = getattr(wf, change)
        if value_of is not None:
            args = (value_of(conn, cable_id), *args[1:])
        if ack_first is not False and _ack_before_closing(conn, cable_id, args[0], ack_first):
            batch = wf.new_batch()  # one change to undo, as the console's
            with _said_if_waiting(conn):
                try:
                    version = wf.acknowledge(conn, cable_id, who, None, batch).row_version
                except wf.WorkflowError as exc:  # acknowledged by someone else meanwhile
                    raise CliError(f"{exc}; it was NOT set to {args[0]}") from exc
                st = fn(conn, cable_id, *args, who, version, batch)
        else:
            with _said_if_waiting(conn):
                st = fn(conn, cable_id, *args, who)
    except wf.WorkflowError as exc:
        raise CliError(str(exc)) from exc
    except sqlite3.Error as exc:
        from .store.trouble import passing, server_gone

        todo = ""
        if passing(exc) and not server_gone(exc):  # a lock waited on too long
            todo = "; nothing was changed: run the command again"
        raise CliError(f"could not change {ref}: {exc}{_role_hint(conn, exc)}{todo}") from exc
    # taken from someone: say whom (their Mine lost it)
    was = f" (was {before}'s)" if before and st.officer != before else ""
    note = ""
    if change == "set_note":  # say what was kept: a note is not among the fields shown
        n = len(st.note or "")
        note = f", note of {n:,} character{'s' if n != 1 else ''} saved" if n else ", note cleared"
    click.echo(
        visible_line(
            f"{st.reference_id}: officer {st.officer or '-'}{was}, status {st.status}, "
            f"due {st.due_at or '-'}, ack {st.ack_by or '-'}{note}"
        )
    )


WATCH_RETRY_MAX_S = 5.0


def _role_hint(conn: sqlite3.Connection, exc: Exception) -> str:
    """On PostgreSQL, a refusal for want of rights says which role it was and what to ask
    for (the ingest service's role, say, trying to assign: 'permission denied for table
    workflow' alone named neither)."""
    if "permission denied" not in str(exc) or getattr(conn, "backend", "") != "postgresql":
        return ""
    try:
        role = conn.execute("SELECT current_user").fetchone()[0]
    except sqlite3.Error:
        return ""
    return (
        f" (the database role {role} may not change the workflow: officers are given it by "
        f"GRANT triage_officer TO {role}, which its administrator runs)"
    )


_db_option = click.option(
    "--db", "db_opt", type=click.Path(dir_okay=False), metavar="FILE|URL", help=DB_HELP
)


@main.command()
@_db_option
@click.argument("ref")
@click.argument("officer")
@click.option(
    "--new",
    "new_officer",
    is_flag=True,
    help="OFFICER is a new officer: needed when the config lists the officers or the name is "
    "close to a known one (on a terminal, triage asks instead).",
)
@click.pass_context
def assign(
    ctx: click.Context, db_opt: str | None, ref: str, officer: str, new_officer: bool
) -> None:
    """Make OFFICER the action officer of cable REF (a NEW cable becomes ASSIGNED).

    A known officer may be typed in any case. A name nobody has yet is a new officer; when the
    config lists the officers (`officers = [...]`), or the name is close to a known one (a
    typo would take the cable out of its officer's Mine), that is a choice: asked on a terminal,
    refused elsewhere without --new."""
    from .config import current_login
    from .store.filter_words import OFFICER_ME, OFFICER_NOBODY
    from .store.workflow import reserved_officer

    name = officer.strip()
    if not name:
        raise CliError("no officer given: to remove the assignment, use triage unassign")
    if name.lower() in OFFICER_NOBODY:  # (`none` made an officer `officer:none` never lists)
        raise CliError(reserved_officer(name, f"run triage unassign {ref.strip()}"))
    if name.lower() in OFFICER_ME:  # as `--officer me` and `officer:me` read it
        name = current_login()

    def who_is_it(conn: sqlite3.Connection, _cable_id: int) -> str:
        return _officer_named(conn, name, new_officer)

    _workflow(ctx, db_opt, ref, "assign", name, value_of=who_is_it)


def _officer_as_known(conn: sqlite3.Connection, name: str) -> str:
    """The known officer `name` names, in any case; else `name`, with a note."""
    from .store import workflow as wf

    officer, unknown = wf.officer_filtered(conn, name, _config().officers)
    if unknown:
        click.echo(f"triage: note: {visible_line(unknown)}", err=True)
    return officer


def _officer_named(conn: sqlite3.Connection, name: str, new_officer: bool) -> str:
    """The known officer `name` names (in any case), or `name` as a new officer when that is
    clearly meant; see `assign`."""
    from .config import current_login
    from .store import workflow as wf

    roster = _config().officers
    officers = wf.known_officers(conn, roster)
    known = {o.lower(): o for o in officers}
    known.setdefault(current_login().lower(), current_login())  # one's own login is known
    if name.lower() in known:
        return known[name.lower()]
    if new_officer:
        return name
    close = wf.near_officers(name, officers)  # (kwalkr for kwalker)
    if not roster and not close:
        click.echo(f"triage: note: {visible_line(name)} is a new officer", err=True)
        return name
    said = f"{visible_line(name)} is not a known officer"
    if close:
        said += " (did you mean " + " or ".join(visible_line(c) for c in close) + "?)"
    elif roster:
        said += " (the config lists " + ", ".join(visible_line(o) for o in roster[:8])
        said += ", …)" if len(roster) > 8 else ")"
    if not _can_ask():
        raise CliError(f"{said}: nothing assigned; add --new if {visible_line(name)} is new")
    if not click.confirm(f"{said}. Assign to a new officer {visible_line(name)}?", err=True):
        raise CliError("nothing assigned")
    return name


@main.command()
@_db_option
@click.argument("ref")
@click.pass_context
def unassign(ctx: click.Context, db_opt: str | None, ref: str) -> None:
    """Remove the action officer of cable REF."""
    _workflow(ctx, db_opt, ref, "unassign")


@main.command()
@_db_option
@click.argument("ref")
@click.argument("status", nargs=-1, required=True)
@click.option(
    "--ack",
    "ack_yes",
    is_flag=True,
    help="An EMERGENCY, FLASH or NIACT IMMEDIATE nobody acknowledged: acknowledge it first. "
    "Without --ack or --no-ack, closing one asks on a terminal and is refused elsewhere.",
)
@click.option("--no-ack", "ack_no", is_flag=True, help="Or close it unacknowledged.")
@click.pass_context
def status(
    ctx: click.Context,
    db_opt: str | None,
    ref: str,
    status: tuple[str, ...],
    ack_yes: bool,
    ack_no: bool,
) -> None:
    """Set the follow-up STATUS of cable REF (NEW, ASSIGNED, IN PROGRESS, AWAITING REPLY,
    DONE, NO ACTION)."""
    from .cable.model import CLOSED_STATUSES
    from .store import workflow as wf

    if ack_yes and ack_no:
        # (one flag pair, the last won: --ack --no-ack closed a FLASH unacknowledged)
        raise CliError("--ack and --no-ack ask for opposite things: give one; nothing was changed")
    ack = True if ack_yes else (False if ack_no else None)

    try:
        value = wf.normalise_status(" ".join(status))
    except wf.WorkflowError as exc:
        raise CliError(str(exc)) from exc
    closing = value in CLOSED_STATUSES
    _workflow(ctx, db_opt, ref, "set_status", value, ack_first=ack if closing else bool(ack))


def _ack_before_closing(
    conn: sqlite3.Connection, cable_id: int, value: str, ack: bool | None
) -> bool:
    """As in the console: closing a FLASH or NIACT IMMEDIATE nobody acknowledged takes it out
    of every list that chases acknowledgment, so it is a choice, not a side effect. True when
    it is to be acknowledged first; asks on a terminal, refuses (with what to add) elsewhere."""
    from .store import workflow as wf

    pending = wf.unacknowledged(conn, [cable_id])
    if ack is not None or not pending:
        return bool(ack) and bool(pending)
    _, name, prec = pending[0]
    said = f"{visible_line(name)} is {prec} and not acknowledged"
    if not _can_ask():
        raise CliError(
            f"{said}: not set to {value}; add --ack to acknowledge it and set {value}, "
            f"or --no-ack to set {value} without acknowledging it"
        )
    choice = click.prompt(
        f"{said}.\n  a  acknowledge, then set {value}\n  c  set {value} without acknowledging"
        "\n  n  change nothing\nChoice",
        type=click.Choice(["a", "c", "n"], case_sensitive=False),
        default="n",
        err=True,
    ).lower()
    if choice == "n":
        raise CliError(f"{visible_line(name)} not changed")
    return choice == "a"


# `-2d` is a time to be read (and refused with the words due takes), not an unknown option
@main.command(context_settings={"ignore_unknown_options": True})
@_db_option
@click.argument("ref")
@click.argument("when", nargs=-1, required=True)
@click.pass_context
def due(ctx: click.Context, db_opt: str | None, ref: str, when: tuple[str, ...]) -> None:
    """Set the due date of cable REF: 'today 17:00', 'tomorrow noon', '+2d', 'fri', 'next fri',
    '2026-12-01', '2026-12-01T09:00Z' (UTC, as export prints it), 'none'."""
    from .store.workflow import WorkflowError, is_past, parse_when

    if not " ".join(when).strip():
        # (an empty variable in a script cleared the due date; the console's box keeps it)
        raise CliError("no due time given: type one ('tomorrow noon', '+2d'), or none to clear it")
    try:
        at = parse_when(" ".join(when))
    except WorkflowError as exc:
        raise CliError(str(exc)) from exc
    if is_past(at):
        click.echo(f"triage: note: the due time {at} is already in the past", err=True)
    _workflow(ctx, db_opt, ref, "set_due", at)  # type: ignore[arg-type]


@main.command(context_settings={"ignore_unknown_options": True})  # a note may open with -
@_db_option
@click.argument("ref")
@click.argument("text")
@click.option("--append", is_flag=True, help="Add TEXT below the note instead of replacing it.")
@click.pass_context
def note(ctx: click.Context, db_opt: str | None, ref: str, text: str, append: bool) -> None:
    """Set the note of cable REF ('-' reads it from standard input, its last newline dropped;
    nothing read is refused: '' clears a note). A note holds at most 10,000 characters. A note
    another officer wrote is replaced or cleared (it stays in the history and `triage audit`),
    and said; --append adds TEXT on a line of its own below the note instead."""
    from .cable.text import decode
    from .config import current_login
    from .store import workflow as wf
    from .store.storable import storable

    # bytes as cables are read: UTF-8, else cp1252 (a Latin-1 terminal's `café`), never a
    # lone surrogate that SQLite refuses
    if text == "-" and sys.stdin.isatty():
        # (it sat waiting in silence, as if hung)
        _fail("reading the note from the terminal: type it, then ctrl+d on a line of its own")
    data = sys.stdin.buffer.read() if text == "-" else text.encode("utf-8", "surrogateescape")
    # (a NUL as the store holds it, its symbol: compared below with the note as stored)
    from_stdin, text = text == "-", storable(decode(data)[0])
    if from_stdin:
        # a script whose pipe failed must not wipe a note: nothing read clears nothing
        if not text.strip():
            raise CliError(
                f"{ref}: nothing read from standard input; the note is unchanged "
                f"(to clear it: triage note {ref} '')"
            )
        text = text.removesuffix("\n").removesuffix("\r")  # (echo's and a file's last newline)
    if append and not text.strip():
        raise CliError(f"{ref}: nothing to append; the note is unchanged")

    def new_note(conn: sqlite3.Connection, cable_id: int) -> str:
        old = wf.state(conn, cable_id).note or ""
        if append:
            longer = f"{old.rstrip()}\n{text}" if old.strip() else text
            if why := wf.note_too_long(longer):
                raise CliError(f"{ref}: nothing appended to the note: with it, {why}")
            return longer
        if why := wf.note_too_long(text):
            raise CliError(f"{ref}: the note was not saved: {why}")
        if old.strip() and old != text:
            by = next(
                (
                    who
                    for _at, who, f, _o, _n in reversed(wf.history(conn, cable_id))
                    if f == "note"
                ),
                None,
            )
            if by and by != current_login():
                done = "replaced" if text.strip() else "cleared"
                _fail(
                    f"note: {ref}: {done} the note {by} wrote (kept in the history; "
                    "--append adds to a note instead)"
                )
        return text

    _workflow(ctx, db_opt, ref, "set_note", text, value_of=new_note)


@main.command()
@_db_option
@click.argument("ref")
@click.pass_context
def ack(ctx: click.Context, db_opt: str | None, ref: str) -> None:
    """Acknowledge EMERGENCY, FLASH or NIACT IMMEDIATE cable REF."""
    _workflow(ctx, db_opt, ref, "acknowledge")


@main.command()
@_db_option
@click.option(
    "--view",
    "view_name",
    default="All",
    show_default=True,
    help="Inbox, New, Mine, Overdue, Due, All, or a view from the config.",
)
@click.option("--status", "status_opt", multiple=True, help="Only this status (repeatable).")
@click.option(
    "--officer",
    "officer_opt",
    multiple=True,
    help="Only this officer ('me' for yourself, 'none' for unassigned; repeatable: either).",
)
@click.option(
    "--precedence",
    "precedence_opt",
    multiple=True,
    help="Only this precedence, as the CSV prints it ('NIACT IMMEDIATE') or short (NIACT), "
    "or a range such as '>=IMMED' (repeatable: either of two precedences, both ranges).",
)
@click.option(
    "--since",
    metavar="WHEN",
    help="Only what arrived since WHEN, as report reads it (8h, 2d, today 06:00, 2026-11-28).",
)
@click.option(
    "--dated-since",
    metavar="DAY",
    help="Only cables whose own date-time group is on or after this UTC day (2026-11-01).",
)
@click.option(
    "-o", "--output", default="-", show_default=True, help="File to write, or - for stdout."
)
@click.pass_context
def export(
    ctx: click.Context,
    db_opt: str | None,
    view_name: str,
    status_opt: tuple[str, ...],
    officer_opt: tuple[str, ...],
    precedence_opt: tuple[str, ...],
    since: str | None,
    dated_since: str | None,
    output: str,
) -> None:
    """Export the action list as CSV (safe to open in a spreadsheet).

    --since means what arrived since then, as in `triage report --since` (the morning
    meeting's "since 24h"); --dated-since filters by the cables' own date-time group."""
    from .config import current_login
    from .store.export import (
        ExportError,
        ViewRows,
        export_file,
        export_stream,
        exported_line,
        names_stdout,
    )
    from .store.views import (
        BUILTIN_TABS,
        Context,
        Filter,
        FilterError,
        View,
        _check,
        check_view,
        custom_views,
    )
    from .store.workflow import WorkflowError, normalise_status

    cfg = _config()
    conn, _path = _open_store(ctx, db_opt, create=False, writes=True)
    who = current_login()
    custom = custom_views(cfg.views)
    tabs = {t.lower(): t for t in [*BUILTIN_TABS, *custom]}
    if view_name.lower() not in tabs:
        raise CliError(f"unknown view {view_name!r}: one of {', '.join(tabs.values())}")
    filters: list[Filter] = []
    if since:
        # arrival, as `report --since` counts it: a cable dated last month that came in this
        # morning is in this morning's list (a supervisor's "since 24h" gave 2 rows of 311)
        import datetime as dt

        from .store.since import SinceError, parse_since

        try:
            start = parse_since(since, dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        except SinceError as exc:
            raise UsageProblem(str(exc)) from exc
        # (isoformat: `%Y` wrote the year 1 as `1`, which the filter then refused)
        filters.append(
            Filter("received", ">=" + start.replace(tzinfo=None).isoformat("T", "minutes"))
        )
    if dated_since:
        # the cables' own dates, refused as --since is when still to come or no day there is
        import datetime as dt

        from .store.since import SinceError, parse_start_day

        try:
            parse_start_day(dated_since, dt.datetime.now(dt.UTC), "--dated-since")
        except SinceError as exc:
            if not exc.form:
                raise UsageProblem(str(exc)) from exc
    # (repeated, each was kept but the last, silently: `--officer a --officer b` listed b's)
    officers = [_officer_as_known(conn, o) for o in officer_opt if o]
    try:
        for st in status_opt:
            filters.append(Filter("status", normalise_status(st)))
    except WorkflowError as exc:
        raise CliError(f"--status: {exc}") from exc
    for key, value, option in (
        *(("officer", o, "--officer") for o in officers),
        *(("precedence", p, "--precedence") for p in precedence_opt),
        ("since", dated_since, "--dated-since"),
    ):
        if value:
            try:
                _check(key, value)
            except FilterError as exc:
                # (said as the console's filter says it, `since: ...`: the option typed here)
                said = str(exc).removeprefix(f"{key}: ")
                bad = UsageProblem if option == "--dated-since" else CliError  # (as --since)
                raise bad(f"{option}: {said}") from exc
            filters.append(Filter(key, value))
    context = Context.of(cfg, who, custom)
    view = View(tab=tabs[view_name.lower()], filters=tuple(filters))
    try:  # before a row is written: a view that cannot be read is said, not an empty file
        check_view(conn, view, context)
    except FilterError as exc:
        raise CliError(f"--view {view.tab}: {visible_line(str(exc))}") from exc
    # read as it is written (one server-side cursor on PostgreSQL): memory stays the same
    ids = ViewRows(view, context)
    try:
        if names_stdout(output):
            # on a terminal a cell's control characters are shown as symbols, not obeyed; piped
            # or redirected, the cells are as stored
            shown = visible if _to_terminal() else None
            n, top = export_stream(conn, ids, sys.stdout, who=who, shown=shown, db=str(_path))
            target = "standard output"
        else:
            target = output
            n, top = export_file(
                conn, ids, Path(output).expanduser(), who=who, group=cfg.group, db=str(_path)
            )
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    except FilterError as exc:  # (a ValueError too: not a file name's NUL)
        raise CliError(f"--view {view.tab}: {visible_line(str(exc))}") from exc
    except ValueError as exc:  # a NUL byte in the file name
        raise CliError(f"{output}: {NUL_IN_NAME}") from exc
    click.echo(exported_line(n, target, top), err=True)
    if not n:
        click.echo(f"triage: note: {_nothing_matched(view, who, custom)}", err=True)


# what each view holds, for an export that found nothing in it
VIEW_MEANINGS = {
    "Inbox": "the open cables",
    "New": "the open cables nobody is assigned",
    "Mine": "the open cables assigned to {who}",
    "Overdue": "the open cables past their due time, or unassigned past their handling objective",
    "Due": "the open cables with a due time",
}


def _nothing_matched(view: View, who: str, custom: dict[str, list[Filter]]) -> str:
    """Why an export has no row: the view (and what it holds), and the filters that matched
    nothing in it."""
    from .store.views import filters_text

    tab = view.tab
    if tab in custom:
        held = f"view {tab} (filter {filters_text(custom[tab])})"
    elif tab in VIEW_MEANINGS:
        held = f"view {tab} ({VIEW_MEANINGS[tab].format(who=who)})"
    elif view.filters:
        held = tab
    else:
        return "the cache holds no cable"
    if view.filters:
        return (
            f"no cable in {visible_line(held)} matches {visible_line(filters_text(view.filters))}"
        )
    return f"{visible_line(held)} holds no cable"


def _audit_time(option: str, value: str, end: bool) -> str:
    """A UTC day (`2026-11-29`) or time (`2026-11-29 10:00`) as the log stores times; the end
    of a range given as a day takes in the whole day. A start still to come is refused as
    `report --since` refuses it; an end still to come is the log as it is."""
    import datetime as dt

    from .store.since import SinceError, parse_since, still_to_come

    now = dt.datetime.now(dt.UTC)
    try:
        t = dt.datetime.fromisoformat(value.strip().replace("Z", ""))
    except ValueError as exc:
        # the words `triage report --since` reads: 8h, 2d, today, yesterday 18:00 (local)
        try:
            t = parse_since(value, now, option)
        except SinceError as bad:
            if bad.future:
                if end:  # (`--until tomorrow`: up to now)
                    return "9999-12-31T23:59:59.999999Z~"
                raise UsageProblem(str(bad)) from exc
            if not bad.form:  # a time that is none (2026-13-45, 99999999h): said as such
                raise UsageProblem(str(bad)) from exc
            raise UsageProblem(
                f"{option}: wants a UTC date like 2026-11-29 or 2026-11-29 10:00, or a time "
                f"like 8h, 2d, today, yesterday 18:00; not {value!r}"
            ) from exc
        if end and value.strip().lower() in ("today", "yesterday"):
            t += dt.timedelta(days=1)  # the whole day
        return t.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    if not end and t > now.replace(tzinfo=None):
        shown = t.isoformat(" ", "minutes") if len(value.strip()) > 10 else t.date().isoformat()
        raise UsageProblem(str(still_to_come(option, value, f"{shown} UTC"))) from None
    if end and len(value.strip()) <= 10:
        try:
            t += dt.timedelta(days=1)
        except OverflowError:
            return "9999-12-31T23:59:59.999999Z~"  # after every time the log can hold
    elif end and re.search(r"[T ]\d{1,2}:\d{2}Z?$", value.strip()):
        # to the minute, as the log prints its times: that minute is in (`--until 20:22Z` left
        # out the rows printed `20:22Z`)
        try:
            t += dt.timedelta(minutes=1)
        except OverflowError:
            return "9999-12-31T23:59:59.999999Z~"  # after every time the log can hold
    return t.isoformat(timespec="seconds")


@main.command()
@_db_option
@click.option("--cable", "cable", metavar="REF", help="Only the changes to this cable.")
@click.option("--officer", metavar="LOGIN", help="Only what this login did ('me' for yourself).")
@click.option(
    "--since", metavar="DATE", help="From this UTC day or time on (2026-11-29), or 8h, 2d, today."
)
@click.option("--until", metavar="DATE", help="Up to this UTC day (inclusive) or time.")
@click.option("--verify", is_flag=True, help="Check the hash chain and the append-only triggers.")
@click.option(
    "--anchor",
    metavar="ROW:HASH",
    help="With --verify: a head noted earlier; check the log still holds it (not cut or rewritten).",
)
@click.pass_context
def audit(
    ctx: click.Context,
    db_opt: str | None,
    cable: str | None,
    officer: str | None,
    since: str | None,
    until: str | None,
    verify: bool,
    anchor: str | None,
) -> None:
    """Show the audit log: who changed what and when, oldest first.

    With --verify, check that no row was changed or removed since it was written (every row
    carries a hash chained to the row before it) and that the triggers that keep the log
    append-only are in place: one line and exit 0 when it holds; exit 1 naming the first broken
    row (or the missing trigger) otherwise."""
    from .config import current_login
    from .store import audit as al

    conn, path = _open_store(ctx, db_opt, create=False)
    noted: tuple[int, str] | None = None
    if anchor is not None:
        row, _, digest = anchor.partition(":")
        if not verify or not row.strip().isdigit() or len(digest.strip()) != 64:
            raise CliError(
                f"--anchor {anchor!r}: give --verify --anchor ROW:HASH, the row and hash "
                "printed by an earlier --verify"
            )
        noted = (int(row), digest)
    if verify:
        try:
            verdict = al.verify(conn)
            problems = verdict.problems()
            if noted is not None:
                gone = al.anchor_problem(conn, *noted)
                problems += [gone] if gone else []
        except sqlite3.Error as exc:
            raise CliError(f"{path}: the audit log could not be read ({exc})") from exc
        if problems:
            for line in problems:
                _fail(f"{path}: {line}")
            sys.exit(1)
        click.echo(
            f"{path}: audit log OK: {verdict.rows:,} rows chained, both triggers in place; "
            f"head {verdict.head_id}:{verdict.head_hash}"
            + (f"; holds row {noted[0]} as noted" if noted else "")
        )
        return
    who = current_login() if officer == "me" else officer
    ref = None
    if cable:
        from .store.workflow import WorkflowError, find_cable

        try:
            cid = find_cable(conn, cable)
        except WorkflowError as exc:
            raise CliError(str(exc)) from exc
        ref = str(
            conn.execute("SELECT reference_id FROM cables WHERE id = ?", (cid,)).fetchone()[0]
        )
    lo = _audit_time("--since", since, end=False) if since else None
    hi = _audit_time("--until", until, end=True) if until else None
    if lo is not None and hi is not None and lo >= hi:
        raise CliError(f"--since {since} is not before --until {until}: no time is in between")
    n = 0
    for e in al.entries(conn, reference_id=ref, who=who, since=lo, until=hi):
        n += 1
        change = f"{visible(e.old, one_line=True) or '-'} -> {visible(e.new, one_line=True) or '-'}"
        who_shown = visible(e.who, one_line=True)
        if e.db_role:  # PostgreSQL: the database role, as the server recorded it ('': none)
            who_shown += f" [role {visible(e.db_role, one_line=True)}]"
        click.echo(
            f"{e.id:>6}  {e.at[:16].replace('T', ' ')}Z  {who_shown}  "
            f"{visible(e.reference_id, one_line=True) or '-'}  {e.field}  {change}"
        )
    if n == 0:
        _fail(f"{path}: no audit rows match")


@main.command()
@_db_option
@click.option(
    "--since",
    "since_opt",
    default="24h",
    show_default=True,
    help="Start of the handover: 8h, 2d, today 06:00, yesterday 18:00, 2026-11-28T06:00Z.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text fits 80 columns; markdown pastes into a ticket or mail; json for other tools.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Cables listed per section (0: all).",
)
@click.option(
    "-o", "--output", default="-", show_default=True, help="File to write, or - for stdout."
)
@click.pass_context
def report(
    ctx: click.Context,
    db_opt: str | None,
    since_opt: str,
    fmt: str,
    limit: int | None,
    output: str,
) -> None:
    """The figures for the morning meeting and the shift handover: what arrived since WHEN,
    what is open per officer with due times, what is not acknowledged, what changed hands.

    Text and markdown list the first 50 cables of each section (and say how many more);
    json lists them all."""
    import datetime as dt

    from .config import current_login
    from .store.export import ExportError, names_stdout, publish_text
    from .store.report import SinceError, handover, overview, parse_since
    from .store.report_render import iter_json, render_json, render_markdown, render_text
    from .store.views import Context

    cfg = _config()
    conn, path = _open_store(ctx, db_opt, create=False)
    now = dt.datetime.now(dt.UTC)
    try:
        since = parse_since(since_opt, now)
    except SinceError as exc:
        raise UsageProblem(str(exc)) from exc
    if limit is None:
        limit = 0 if fmt == "json" else 50
    context = Context.of(cfg, current_login(), now=now)
    try:
        figures = overview(conn, context, now)
        shift = handover(conn, context, since, now, limit=limit or None)
    except sqlite3.Error as exc:
        from .store.trouble import explain

        raise CliError(explain(path, exc)) from exc
    if names_stdout(output):
        output = "-"
    if fmt == "json" and output == "-":  # written as it is encoded (tens of thousands of lines)
        for piece in iter_json(figures, shift, str(path)):
            click.echo(piece, nl=False)
        return
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt]
    text = render(figures, shift, str(path))
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        publish_text(Path(output).expanduser(), text, cfg.group)
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"report written to {output}", err=True)


from .cli_store import register as _register_store_commands  # noqa: E402

_register_store_commands(main, _open_store, CliError)

if __name__ == "__main__":  # pragma: no cover
    main()
