"""The `triage` command: thin wiring over the cable, store and tui layers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cable import Cable, looks_binary, parse_bytes


def _read_cable_file(path: str) -> tuple[bytes | None, str | None]:
    """The file's bytes, or None and why it cannot be read."""
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
    why = looks_binary(data)
    if why:
        return None, why
    return data, None


def _describe(cable: Cable) -> str:
    lines = []

    def row(label: str, value: object) -> None:
        if value in (None, "", [], ()):
            value = "-"
        lines.append(f"  {label:<14} {value}")

    row("Reference", cable.reference_id)
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
    row("Reasons", cable.reasons)
    row("Declassify", cable.declassify)
    row("Paragraphs", len(cable.paragraphs))
    row("Signature", cable.signature)
    for w in cable.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


@click.group(invoke_without_command=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="The cache file.")
@click.pass_context
def main(ctx: click.Context, db_path: str | None) -> None:
    """triage: work through incoming cable traffic."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db_path
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.argument("files", nargs=-1, required=True)
def parse(files: tuple[str, ...], as_json: bool) -> None:
    """Parse cable FILES and print what was understood."""
    failed = False
    for path in files:
        data, why = _read_cable_file(path)
        if data is None:
            click.echo(f"triage: {path}: {why}", err=True)
            failed = True
            continue
        cable = parse_bytes(data)
        if as_json:
            obj = {"file": path, **cable.to_json()}
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            click.echo(f"{path}")
            click.echo(_describe(cable))
    sys.stdout.flush()
    if failed:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
