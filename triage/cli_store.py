"""`triage init` and `triage migrate`: setting a cache up on either backend and moving one
between them (registered on the main command group by cli.py)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # (psycopg-free, but kept out of the plain install's start-up all the same)
    from .store.postgres.roles import RolesSetUp


def register(
    main: click.Group, open_store_for: object, cli_error: type[click.ClickException]
) -> None:
    @main.command()
    @click.option("--db", "db_opt", help="The cache file or postgresql:// database.")
    @click.pass_context
    def init(ctx: click.Context, db_opt: str | None) -> None:
        """Create the cache (a SQLite file, or the schema in a PostgreSQL database) and, on
        PostgreSQL, the roles officers and the ingest service are given."""
        from .store.api import backend

        conn, path = open_store_for(ctx, db_opt, makes_schema=True)  # type: ignore[operator]
        if backend(conn) != "postgresql":
            click.echo(f"{path}: cache ready")
            return
        from .store.postgres import schema as pg

        version = conn.execute("PRAGMA user_version").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        click.echo(f"{path}: triage schema {version} ready (PostgreSQL {server})")
        from .store.postgres import roles

        done = roles.set_up(conn)
        _say_roles(done, str(path), conn)
        if done.owner is not None:
            return  # (what follows is for the administrator who set it up)
        db = conn.execute("SELECT quote_ident(current_database())").fetchone()[0]
        click.echo(
            f"""
  {pg.OFFICER_ROLE}: reads cables, changes the workflow (assign, status, due, note, ack)
  {pg.INGEST_ROLE}: adds cables (ingest, watch, reindex)
  nobody may UPDATE, DELETE or TRUNCATE the audit log: no role is granted it and a trigger
  refuses it; each entry records the OS login (who) and the database role (db_role).

Give each person and service a login role of their own (a password, or the host's own
authentication in pg_hba.conf), for example:
  CREATE ROLE kwalker LOGIN PASSWORD '...'; GRANT {pg.OFFICER_ROLE} TO kwalker;
  CREATE ROLE triage_feed LOGIN PASSWORD '...'; GRANT {pg.INGEST_ROLE} TO triage_feed;
and keep other roles out: REVOKE CONNECT ON DATABASE {db} FROM PUBLIC;
  GRANT CONNECT ON DATABASE {db} TO {pg.OFFICER_ROLE}, {pg.INGEST_ROLE};"""
        )

    @main.command()
    @click.argument("source")
    @click.argument("destination")
    @click.option("--force", is_flag=True, help="Copy into a destination that holds cables.")
    def migrate(source: str, destination: str, force: bool) -> None:
        """Copy a whole cache from SOURCE to DESTINATION (cache files or postgresql:// URLs):
        every version's raw bytes, parsed fields, workflow, officers, audit and rejects, then
        verify counts and a SHA-256 of every raw text. Stopped, it goes on when run again."""
        from .store.api import as_target, open_store, url_of
        from .store.migrate import MigrateError
        from .store.migrate import migrate as run
        from .store.schema import StoreError

        src_t, dst_t = as_target(source), as_target(destination)
        try:
            src = open_store(src_t, create=False)
            dst = open_store(dst_t)
        except StoreError as exc:
            raise cli_error(str(exc)) from exc

        got: list[tuple[str, int, int]] = []

        def progress(phase: str, done: int, total: int) -> None:
            got[:] = [(phase, done, total)]
            if done == total or done % 5000 < 200:
                click.echo(f"{dst_t}: {done:,} of {total:,} {phase} copied", err=True)

        def how_far() -> str:
            """How far a stopped migrate got (each batch is committed: the next run goes on
            from there), as a stopped ingest says it."""
            if not got:
                return ""
            phase, done, total = got[0]
            return f" after {done:,} of {total:,} {phase}"

        try:
            report = run(src, dst, url_of(src_t), force=force, on_progress=progress)
        except MigrateError as exc:
            raise cli_error(f"{dst_t}: {exc}") from exc
        except KeyboardInterrupt:
            raise cli_error(
                f"{dst_t}: migrate stopped{how_far()}; run the same command again to go on"
            ) from None
        except sqlite3.Error as exc:
            if "permission denied" in str(exc).lower():
                # (running it again as the same role is refused again)
                raise cli_error(
                    f"{dst_t}: migrate stopped ({exc}): migrate writes every table, the audit "
                    "log's and the schema's own included, so it runs as the role that owns "
                    f"the tables (the one that ran `triage init`{_owner(dst)}), not as an "
                    "officer's or the ingest role"
                ) from exc
            raise cli_error(
                f"{dst_t}: migrate stopped ({exc}); run the same command again to go on"
            ) from exc
        if report.resumed_from is not None:
            click.echo(f"went on from an earlier run (after source cable id {report.resumed_from})")
        counts = ", ".join(f"{t} {a}/{b}" for t, (a, b) in report.counts.items())
        click.echo(f"{src_t} -> {dst_t}: {counts} (source/destination)")
        click.echo(f"SHA-256 of all {report.verified_texts:,} raw texts verified")
        if report.audit_head and report.audit_head[0]:
            row, digest = report.audit_head
            click.echo(f"the audit log's hash chain holds at the destination (head {row}:{digest})")
        if report.skipped:
            click.echo(f"{report.skipped} cables already in the destination were left as they were")
        from .store.api import backend

        if backend(dst) == "postgresql":  # the copy's tables are new: the roles need grants
            from .store.postgres import roles

            _say_roles(roles.set_up(dst), str(dst_t), dst)


def _owner(conn: sqlite3.Connection) -> str:
    """`: NAME`, the owner of the triage tables on a database server ('' when not known)."""
    try:
        row = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = 'meta'"
        ).fetchone()
    except sqlite3.Error:
        return ""
    return f": {row[0]}" if row else ""


def _say_roles(done: RolesSetUp, path: str, conn: sqlite3.Connection) -> None:
    """What init did with the roles, and what is left for an administrator, said once."""
    from .store.dsn import display
    from .store.postgres import schema as pg

    if done.owner is not None:
        me = conn.execute("SELECT current_user").fetchone()[0]
        click.echo(
            f"the roles' rights are granted by the tables' owner, {done.owner}, "
            f"not by {me}: nothing more to do here"
        )
        return
    if done.created:
        click.echo(f"created the roles {' and '.join(done.created)}")
    if done.granted:
        click.echo(f"granted {pg.OFFICER_ROLE} and {pg.INGEST_ROLE} what each may do")
        return
    dbname = conn.execute("SELECT current_database()").fetchone()[0]
    click.echo(
        f"triage: {display(path)}: this role could not set up the roles ({done.why}); "
        f"an administrator runs, connected to the database {dbname} (psql -d {dbname}):",
        err=True,
    )
    for st in done.admin_sql:
        click.echo(f"  {st};", err=True)
    if done.then_init_again:
        click.echo("then runs `triage init` here again, as this role, to grant them", err=True)
